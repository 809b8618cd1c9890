// Renders rows as an aligned plain-text table for the terminal.
import { escapeControls } from '../report/terminal-escape';

export { escapeControls };
export type Cell = string | number | boolean | null | undefined;

export interface TextTableOptions {
  /**
   * Print numbers as they are (`1691348231425`) instead of with thousands separators: for data a
   * person may copy back into a query (epoch milliseconds, ids).
   * @default false (counts, separated)
   */
  readonly plainNumbers?: boolean;
}

export function textTable(header: readonly string[], rows: readonly (readonly Cell[])[], options: TextTableOptions = {}): string {
  const show = (c: Cell) =>
    c === null || c === undefined ? '' : typeof c === 'number' ? (options.plainNumbers ? String(c) : c.toLocaleString('en-US')) : escapeControls(String(c));
  const cells = rows.map((r) => r.map(show));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] == null));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header.map(escapeControls)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
