// Renders rows as an aligned plain-text table for the terminal.
export type Cell = string | number | boolean | null | undefined;

export function textTable(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const show = (c: Cell) => (c === null || c === undefined ? '' : typeof c === 'number' ? c.toLocaleString('en-US') : String(c));
  const cells = rows.map((r) => r.map(show));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] == null));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
