// Numbers as every output prints them (terminal, report.md, junit.xml, gate messages): one format
// for counts and one for percentages.

/** Thousands separated: 12,345. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** A signed count: +12, −3 (minus sign), 0. */
export function signed(n: number): string {
  return n > 0 ? `+${count(n)}` : n < 0 ? `−${count(-n)}` : '0';
}

/** A percent with at most two decimals and no trailing zeros: 1%, 0.5%, 12.34%, 41.05%. */
export function percent(p: number): string {
  return `${Number(Math.abs(p).toFixed(2)) === 0 ? 0 : Number(p.toFixed(2))}%`;
}

/** A share (0..1) as a percent: 0.005 → 0.5%. */
export function sharePercent(share: number): string {
  return percent(share * 100);
}

/** A signed percent: +5%, −41.05%, 0%; n/a when there is no base to compare with. */
export function signedPercent(p: number | null | undefined): string {
  if (p === null || p === undefined) return 'n/a';
  const s = percent(Math.abs(p));
  return s === '0%' ? s : p > 0 ? `+${s}` : `−${s}`;
}
