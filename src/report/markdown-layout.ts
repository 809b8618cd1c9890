// Fits a markdown document of sections under a byte limit: each section gets a fair share of the
// room, cuts its own items from the end, and says what it left out; a notice under the first line
// sums up everything that was left out.
import { byteLength, clipBytes, count } from './markdown-text';

export interface MarkdownSection {
  /** Heading and table header: shown whenever the section is. The first line is its heading. */
  readonly head: readonly string[];
  /** Table rows or blocks, most important first; cut from the end to fit. */
  readonly items: readonly string[];
  /** How items are joined: a line break for table rows, a blank line for blocks. */
  readonly join: '\n' | '\n\n';
  /** Items the renderer already left out by its count caps (not among items). */
  readonly omitted: number;
  /** What an item is, plural, for notices: "rules", "tables of failing rows". */
  readonly unit: string;
  /** Lines after the items, kept with them (e.g. a note). */
  readonly tail?: readonly string[];
  /** Lines that end the section whatever was kept (e.g. `</details>` closing a head that opened it). */
  readonly close?: readonly string[];
}

export interface LayoutOptions {
  readonly maxBytes: number;
  /** Values the renderer cut to fit a cell, for the summary notice. */
  readonly cutValues: number;
  /** Where the reader finds everything, named in notices. */
  readonly fullReport: string;
}

/** Room kept under the first line for the summary notice. */
const SUMMARY_RESERVE = 400;
const SEP = '\n\n';

function sectionNotice(left: number, shown: number, unit: string, fullReport: string): string {
  return `_${count(left)} more ${unit} not shown (${count(shown)} of ${count(shown + left)} here); ${fullReport} has them all._`;
}

function renderSection(s: MarkdownSection, kept: number, fullReport: string): string {
  const left = s.items.length - kept + s.omitted;
  const parts = [s.head.join('\n')];
  const body = s.items.slice(0, kept).join(s.join);
  if (body) parts[0] += (s.head.length ? '\n' : '') + body;
  if (kept > 0 && s.tail?.length) parts.push(s.tail.join('\n'));
  if (left > 0) parts.push(sectionNotice(left, kept, s.unit, fullReport));
  if (s.close?.length) parts.push(s.close.join('\n'));
  return parts.join(SEP);
}

/** The section with as many items as fit in budget bytes; null when not even its head fits. */
function fitSection(s: MarkdownSection, budget: number, fullReport: string): { text: string; kept: number } | null {
  const full = renderSection(s, s.items.length, fullReport);
  if (byteLength(full) <= budget) return { text: full, kept: s.items.length };
  // Sizes grow with each item kept: find the most that fit by bisection.
  let lo = 0;
  let hi = s.items.length - 1;
  if (byteLength(renderSection(s, 0, fullReport)) > budget) return null;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (byteLength(renderSection(s, mid, fullReport)) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return { text: renderSection(s, lo, fullReport), kept: lo };
}

/**
 * Lays out `first` (the verdict line, never cut unless it alone is over the limit), then `opening`
 * lines, then the sections, in at most maxBytes UTF-8 bytes.
 */
export function layoutMarkdown(first: string, opening: readonly string[], sections: readonly MarkdownSection[], o: LayoutOptions): string {
  const top = [first, ...opening].join(SEP);
  let room = o.maxBytes - byteLength(top) - SUMMARY_RESERVE - sections.length * byteLength(SEP) - 1;
  const fullSizes = sections.map((s) => byteLength(renderSection(s, s.items.length, o.fullReport)));

  // Water-filling: smaller sections take what they need, the rest share what is left evenly.
  const budgets = new Array<number>(sections.length).fill(0);
  const order = sections.map((_, i) => i).sort((a, b) => fullSizes[a] - fullSizes[b]);
  for (const [n, i] of order.entries()) {
    const share = Math.floor(Math.max(0, room) / (order.length - n));
    budgets[i] = Math.min(fullSizes[i], share);
    room -= budgets[i];
  }

  const out: string[] = [];
  const leftOut = new Map<string, number>();
  for (const [i, s] of sections.entries()) {
    const fit = fitSection(s, budgets[i], o.fullReport);
    const kept = fit?.kept ?? 0;
    const left = s.items.length - kept + s.omitted;
    if (left > 0) leftOut.set(s.unit, (leftOut.get(s.unit) ?? 0) + left);
    const leftOutText = `${s.head[0] ?? ''}${SEP}_Left out to stay under ${count(o.maxBytes)} bytes; ${o.fullReport} has it._${s.close?.length ? SEP + s.close.join('\n') : ''}`;
    out.push(fit ? fit.text : leftOutText);
  }

  const what = [...leftOut].map(([unit, n]) => `${count(n)} ${unit}`);
  if (o.cutValues > 0) what.push(`${count(o.cutValues)} long values cut short`);
  const summary = what.length
    ? [`> **Shortened** to stay under ${count(o.maxBytes)} bytes: ${what.join(', ')}. ${o.fullReport} has everything.`]
    : [];
  const text = [first, ...summary, ...opening, ...out].join(SEP) + '\n';
  if (byteLength(text) <= o.maxBytes) return text;
  // Only a limit too small for the fixed lines gets here: cut bluntly, but still say so.
  const cut = `\n\n_Cut at ${count(o.maxBytes)} bytes; ${o.fullReport} has everything._\n`;
  return clipBytes(text, Math.max(0, o.maxBytes - byteLength(cut))) + (byteLength(cut) <= o.maxBytes ? cut : '');
}
