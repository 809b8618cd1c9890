// Turns data (rule names, reasons, failing row values) into inert GitHub markdown text, and shortens it.
//
// Data is untrusted: a landing record or rule file can hold anything. Escaped text renders as the
// literal characters it held, cannot end a table cell or start a block, cannot open HTML, links,
// emphasis, code or math, and cannot notify anyone through an @mention or #123 reference.

/** Zero-width space as an entity: visible in the source, invisible when rendered, breaks mentions. */
export const ZWSP = '&#8203;';
/** Shown in place of each line break in data, so a value stays on its table row. */
export const LINE_BREAK = '↵';
/** Shown where text was cut. */
export const ELLIPSIS = '…';

/** ASCII punctuation that GitHub markdown treats as markup anywhere in a line. */
const BACKSLASHED = new Set(['\\', '`', '*', '_', '[', ']', '|', '~', '$']);
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * C0/C1 controls, bidi overrides and isolates (which reorder what a reviewer sees) and lone
 * surrogates: shown as U+FFFD.
 */
const UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const LINE_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g;

/**
 * Escapes one piece of data for a markdown table cell or inline text:
 * `\ ` * _ [ ] | ~ $` get a backslash, `& < >` become entities, line breaks become ↵, tabs a
 * space, controls and bidi overrides U+FFFD; `@` gets a zero-width space after it unless it sits
 * inside a word (so `ann@x.com` stays as typed but `@team` pings nobody), and so does `#` before a
 * digit (no issue references); a leading `#`, `-`, `+`, `=` or `1.` is backslashed so the text can
 * never start a heading, list or rule.
 */
export function escapeMarkdown(text: string): string {
  const s = text.replace(LINE_BREAKS, LINE_BREAK).replace(/\t/g, ' ').replace(UNSAFE, '\uFFFD');
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (BACKSLASHED.has(c)) out += '\\' + c;
    else if (ENTITIES[c] !== undefined) out += ENTITIES[c];
    else if (c === '@') out += /\w/.test(s[i - 1] ?? '') ? '@' : '@' + ZWSP;
    else if (c === '#' && /[0-9]/.test(s[i + 1] ?? '')) out += '#' + ZWSP;
    else out += c;
  }
  return out.replace(/^([#+=-]|\d+[.)])/, (m) => (m.length === 1 ? '\\' + m : m.slice(0, -1) + '\\' + m.slice(-1)));
}

/**
 * Cuts text to at most max UTF-16 units, ending in … when cut, never splitting a surrogate pair.
 * Works on a slice, so a megabyte value costs no more than a short one.
 */
export function clip(text: string, max: number): { text: string; cut: boolean } {
  if (text.length <= max) return { text, cut: false };
  let head = text.slice(0, Math.max(0, max - 1));
  if (/[\ud800-\udbff]$/.test(head)) head = head.slice(0, -1);
  return { text: head + ELLIPSIS, cut: true };
}

/** UTF-8 bytes of a string: the unit GitHub's size limits and maxBytes are in. */
export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Cuts text to at most maxBytes UTF-8 bytes on a code point boundary. */
export function clipBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  let out = '';
  let bytes = 0;
  for (const cp of text) {
    const b = byteLength(cp);
    if (bytes + b > maxBytes) break;
    out += cp;
    bytes += b;
  }
  return out;
}

// Counts and percentages: one format for every output.
export { count, percent, sharePercent, signed, signedPercent } from './number-text';
