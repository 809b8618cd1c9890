/** Fits GitHub markdown under a size limit without undoing what the renderers escaped. */

/** GitHub rejects an issue or pull-request comment body longer than this ("Body is too long"). */
export const GITHUB_COMMENT_MAX_CHARS = 65_536;
/** GitHub drops a step's job summary larger than this (1 MiB, counted in bytes). */
export const GITHUB_STEP_SUMMARY_MAX_BYTES = 1_048_576;

/** How a limit counts: comments in characters, job summaries in UTF-8 bytes. */
export type Measure = (text: string) => number;
/** UTF-16 code units: never fewer than the characters GitHub counts, so a text that fits this fits there. */
export const utf16Length: Measure = (text) => text.length;
export const utf8Bytes: Measure = (text) => Buffer.byteLength(text, 'utf8');

export interface FitOptions {
  /** The largest size the result may have, in the unit of `measure`. */
  readonly limit: number;
  readonly measure: Measure;
  /** The visible markdown appended when something was cut, told how much of the total was kept. */
  readonly notice: (shown: number, total: number) => string;
}

export interface Fitted {
  readonly text: string;
  readonly truncated: boolean;
}

/**
 * Returns `markdown` whole when it fits; otherwise its longest prefix that ends on a line boundary
 * (or, for a single huge line, at a point that splits no escape, entity, code span or character),
 * the blocks left open there closed (code fence, `<details>`, HTML comment) so that the notice
 * renders as text, and the notice. The result never exceeds `limit`.
 */
export function fitMarkdown(markdown: string, options: FitOptions): Fitted {
  const { limit, measure, notice } = options;
  const total = measure(markdown);
  if (total <= limit) return { text: markdown, truncated: false };

  let budget = limit - measure(notice(total, total));
  for (;;) {
    if (budget <= 0) {
      const bare = notice(0, total);
      if (measure(bare) > limit) throw new Error(`the truncation notice alone (${measure(bare)}) exceeds the limit of ${limit}`);
      return { text: bare, truncated: true };
    }
    const kept = keepPrefix(markdown, budget, measure);
    const closed = kept + closersFor(kept);
    const text = closed + notice(measure(kept), total);
    const size = measure(text);
    if (size <= limit) return { text, truncated: true };
    budget -= size - limit;
  }
}

/** The longest prefix within `budget`, cut after a newline when a reasonable share of the budget allows it. */
export function keepPrefix(text: string, budget: number, measure: Measure): string {
  let used = 0;
  let end = 0;
  while (end < text.length) {
    const newline = text.indexOf('\n', end);
    const lineEnd = newline === -1 ? text.length : newline + 1;
    const size = measure(text.slice(end, lineEnd));
    if (used + size > budget) break;
    used += size;
    end = lineEnd;
  }
  // Whole lines keep tables, lists and escapes intact; only a giant line (a long minified value)
  // is worth cutting in its middle, and then at a point that changes the meaning of nothing.
  if (end === text.length || used >= budget / 2) return text.slice(0, end);
  return text.slice(0, end) + safeLinePrefix(text.slice(end), budget - used, measure);
}

/** A prefix of one line that fits, cut before any half-written code span, entity, tag or escape. */
function safeLinePrefix(line: string, budget: number, measure: Measure): string {
  let kept = '';
  let used = 0;
  for (const char of line) {
    // for..of walks code points, so a surrogate pair is never split.
    const size = measure(char);
    if (char === '\n' || used + size > budget) break;
    kept += char;
    used += size;
  }
  kept = kept.replace(/&#?[A-Za-z0-9]{0,32}$/, ''); // half an HTML entity: `&lt` would render as text
  kept = kept.replace(/<[^<>]*$/, ''); // half a tag
  const ticks = kept.match(/`+/g) ?? [];
  if (ticks.length % 2 === 1) kept = kept.slice(0, kept.lastIndexOf(ticks[ticks.length - 1]!));
  const trailingBackslashes = /\\+$/.exec(kept)?.[0].length ?? 0;
  if (trailingBackslashes % 2 === 1) kept = kept.slice(0, -1); // a lone escape would escape our newline
  return kept;
}

/** What must follow a cut so that nothing after it is swallowed by a block left open. */
export function closersFor(kept: string): string {
  let fence: { char: string; length: number } | undefined;
  let openDetails = 0;
  let inComment = false;
  for (const line of kept.split('\n')) {
    if (fence) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close && close[1]![0] === fence.char && close[1]!.length >= fence.length) fence = undefined;
      continue;
    }
    if (!inComment) {
      const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
      if (open && !(open[1]![0] === '`' && open[2]!.includes('`'))) {
        fence = { char: open[1]![0]!, length: open[1]!.length };
        continue;
      }
    }
    let rest = line;
    for (;;) {
      if (inComment) {
        const end = rest.indexOf('-->');
        if (end === -1) break;
        inComment = false;
        rest = rest.slice(end + 3);
        continue;
      }
      const start = rest.indexOf('<!--');
      const visible = start === -1 ? rest : rest.slice(0, start);
      openDetails += (visible.match(/<details[\s>]/gi) ?? []).length;
      openDetails -= (visible.match(/<\/details\s*>/gi) ?? []).length;
      if (openDetails < 0) openDetails = 0;
      if (start === -1) break;
      inComment = true;
      rest = rest.slice(start + 4);
    }
  }
  let closers = kept.endsWith('\n') || kept === '' ? '' : '\n';
  if (fence) closers += `${fence.char.repeat(fence.length)}\n`;
  if (inComment) closers += '-->\n';
  closers += '\n</details>\n'.repeat(openDetails);
  return closers;
}
