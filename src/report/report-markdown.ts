// Renders a run report as GitHub-flavoured markdown for a job summary or a PR comment: the verdict
// on the first line, then the rules that need attention, failing rows (personal data already
// masked), quarantine, row counts and gate costs, under a size cap. Tables keep to a few narrow
// columns so that they fit a pull request's ~800 px; passing and skipped rules are folded.
import type { SqlValue } from '../engine/engine';
import { findingText, ruleWord, tallyLine, tallyRules, type RuleWord } from '../gates/outcome-text';
import type { ReportGate, ReportRule, RunReport, Verdict } from './run-report';
import { layoutMarkdown, type MarkdownSection } from './markdown-layout';
import { clip, count, escapeMarkdown, sharePercent, signed, signedPercent } from './markdown-text';

export interface MarkdownOptions {
  /**
   * Largest document in UTF-8 bytes. GitHub caps a comment at 65,536 characters and a job summary
   * at 1 MiB; the default leaves room for a marker or a heading the caller adds.
   * @default 60_000
   */
  readonly maxBytes?: number;
  /** Rules listed in the rules tables, failures first. @default 250 */
  readonly maxRules?: number;
  /** Failed rules whose failing rows (or error) are shown. @default 25 */
  readonly maxFailedRules?: number;
  /** Columns shown per table of failing rows (more would not fit ~800 px). @default 6 */
  readonly maxColumns?: number;
  /** Quarantine reasons shown per dataset. @default 5 */
  readonly maxReasons?: number;
  /** Tables listed in the row counts. @default 200 */
  readonly maxTables?: number;
  /** Characters of data shown per table cell before it is cut with …. @default 60 */
  readonly maxCell?: number;
  /**
   * Where the reader finds everything, as markdown, named in notices (a link to the CI artifact
   * in a pull request: see artifactLink).
   * @default '`report.json`'
   */
  readonly fullReport?: string;
}

export const DEFAULT_MARKDOWN_OPTIONS: Required<MarkdownOptions> = {
  maxBytes: 60_000,
  maxRules: 250,
  maxFailedRules: 25,
  maxColumns: 6,
  maxReasons: 5,
  maxTables: 200,
  maxCell: 60,
  fullReport: '`report.json`',
};

/** The notices' pointer to the full report as a link a pull-request reader can follow; only http(s) addresses. */
export function artifactLink(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`not an http(s) URL: ${JSON.stringify(url)}`);
  // Parentheses and spaces would end the link early.
  const href = u.href.replace(/[()\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `\`report.json\` in [the reports artifact](${href})`;
}

/** Longest error message or problem shown, in characters. */
const MAX_MESSAGE = 400;
/** Blocking rules named on the verdict line before "and N more". */
const MAX_NAMED = 10;

export const VERDICT_WORD: Readonly<Record<Verdict, string>> = { published: 'PUBLISHED', blocked: 'BLOCKED', failed: 'FAILED' };
const VERDICT_ICON: Readonly<Record<Verdict, string>> = { published: '✅', blocked: '❌', failed: '💥' };
export const WORD_ICON: Readonly<Record<RuleWord, string>> = { PASS: '✅', WARN: '⚠️', FAIL: '❌', ERROR: '💥', SKIP: '⏭️' };

/** Status as the rules tables show it: icon and word (a failed warn rule is WARN, since it does not block). */
export function statusWord(r: Pick<ReportRule, 'status' | 'blocking'>): string {
  const word = ruleWord(r);
  return `${WORD_ICON[word]} ${word}`;
}

/** Order in the rules table and the failing rows: what blocked first, then warnings, passes, skips. */
export function ruleRank(r: Pick<ReportRule, 'status' | 'blocking'>): number {
  if (r.status === 'error') return 0;
  if (r.status === 'fail') return r.blocking ? 1 : 2;
  return r.status === 'pass' ? 3 : 4;
}

/** Tolerance as written in the rule, with the rows it allows in this run when it is a share. */
export function toleranceText(r: Pick<ReportRule, 'tolerance' | 'allowed'>): string {
  if (r.tolerance.share !== undefined) return `${count(r.allowed)} (${sharePercent(r.tolerance.share)})`;
  return count(r.tolerance.rows ?? r.allowed);
}

/** Shortens and escapes data, counting the values it cut. */
export class CellWriter {
  cut = 0;
  constructor(readonly maxCell: number) {}

  text(value: string, max = this.maxCell): string {
    const c = clip(value, max);
    if (c.cut) this.cut++;
    return escapeMarkdown(c.text);
  }

  value(v: SqlValue | undefined): string {
    if (v === null || v === undefined) return '*null*';
    // Numbers and booleans print as plain ASCII that cannot be markup inside a cell.
    return typeof v === 'string' ? this.text(v) : String(v);
  }

  row(cells: readonly string[]): string {
    return `| ${cells.join(' | ')} |`;
  }

  header(names: readonly string[], numeric: readonly boolean[] = []): string[] {
    return [this.row(names), `|${names.map((_, i) => (numeric[i] ? '---:' : '---')).join('|')}|`];
  }

  /** Names up to max items, then "and N more". */
  names(names: readonly string[], max = MAX_NAMED): string {
    const shown = names.slice(0, max).map((n) => this.text(n, 80));
    return shown.join(', ') + (names.length > max ? ` and ${count(names.length - max)} more` : '');
  }
}

function firstLine(text: string): string {
  return text.split(/\r\n|\r|\n/)[0];
}

const allRules = (report: { readonly gates: readonly ReportGate[] }) => report.gates.flatMap((g) => g.rules);
type Gates = { readonly gates: readonly ReportGate[] };

function verdictLine(report: RunReport, w: CellWriter): string {
  const word = `${VERDICT_ICON[report.verdict]} **${VERDICT_WORD[report.verdict]}**`;
  const run = w.text(report.runId, 80);
  const blocking = report.blockingRules.length
    ? `; blocking rule${report.blockingRules.length === 1 ? '' : 's'}: ${w.names(report.blockingRules)}`
    : '';
  if (report.verdict === 'published') {
    const warned = allRules(report).filter((r) => r.status === 'fail' && !r.blocking).map((r) => r.name);
    const warnings = warned.length ? `; ${count(warned.length)} warning${warned.length === 1 ? '' : 's'}: ${w.names(warned)}` : '';
    return `${word}: run ${run} passed every blocking rule and its tables are published${warnings}.`;
  }
  if (report.verdict === 'blocked') return `${word}: run ${run} published nothing${blocking}.`;
  const why = report.error ?? report.problems[report.problems.length - 1] ?? 'no error was recorded';
  return `${word}: run ${run} stopped with an error and published nothing${blocking}: ${w.text(firstLine(why), MAX_MESSAGE)}`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${count(Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function openingLines(report: RunReport, w: CellWriter): string[] {
  const facts = [
    `Run ${w.text(report.runId, 80)}`,
    `started ${w.text(report.timings.startedAt, 40)}`,
    ...(report.timings.durationMs !== undefined ? [`took ${seconds(report.timings.durationMs)}`] : []),
    report.previousRunId !== undefined ? `last published run ${w.text(report.previousRunId, 80)}` : 'no earlier published run',
  ];
  const phases = report.timings.phases.length
    ? [`Phases: ${report.timings.phases.slice(0, 12).map((p) => `${w.text(p.phase, 40)} ${seconds(p.ms)}`).join(', ')}.`]
    : [];
  // The same tally `stedi run` and `stedi gate` print.
  return [facts.join(' · ') + '.', `\`${tallyLine(tallyRules(allRules(report)))}\``, ...phases];
}

const ranked = (rules: readonly ReportRule[]) =>
  rules
    .map((r, i) => ({ r, i }))
    .sort((a, b) => ruleRank(a.r) - ruleRank(b.r) || a.i - b.i)
    .map((x) => x.r);

const needsAttention = (r: ReportRule) => r.status === 'fail' || r.status === 'error';

function rulesSection(report: Gates, o: Required<MarkdownOptions>, w: CellWriter): MarkdownSection {
  const rules = allRules(report);
  if (!rules.length) return { head: ['### Rules', '_No gate ran, so no rule was checked._'], items: [], join: '\n', omitted: 0, unit: 'rules' };
  const sorted = ranked(rules.filter(needsAttention));
  if (!sorted.length) return { head: ['### Rules', '_No rule failed._'], items: [], join: '\n', omitted: 0, unit: 'rules' };
  const shown = sorted.slice(0, o.maxRules);
  return {
    head: ['### Rules', ...w.header(['status', 'rule', 'gate', 'failing', 'allowed'], [false, false, false, true, true])],
    items: shown.map((r) => w.row([statusWord(r), w.text(r.name, 80), r.zone, r.status === 'error' ? '—' : count(r.failing), toleranceText(r)])),
    join: '\n',
    omitted: sorted.length - shown.length,
    unit: 'rules',
  };
}

/** Passing and skipped rules, folded: a reader opens them when they care. */
function quietRulesSection(report: Gates, o: Required<MarkdownOptions>, w: CellWriter): MarkdownSection | undefined {
  const quiet = ranked(allRules(report).filter((r) => !needsAttention(r)));
  if (!quiet.length) return undefined;
  const passed = quiet.filter((r) => r.status === 'pass').length;
  const skipped = quiet.length - passed;
  const summary = [passed ? `${WORD_ICON.PASS} ${count(passed)} passed` : '', skipped ? `${WORD_ICON.SKIP} ${count(skipped)} skipped` : ''].filter(Boolean).join(', ');
  const reasons = [...new Set(report.gates.filter((g) => g.skipped !== undefined).map((g) => g.skipped!))];
  const shown = quiet.slice(0, o.maxRules);
  return {
    head: [
      `<details><summary>${summary} (the rules that need no attention)</summary>`,
      '',
      ...reasons.map((r) => `_Skipped: ${w.text(r, MAX_MESSAGE)}._\n`),
      ...w.header(['status', 'rule', 'gate', 'checked'], [false, false, false, true]),
    ],
    items: shown.map((r) => w.row([statusWord(r), w.text(r.name, 80), r.zone, r.checked === undefined ? '—' : count(r.checked)])),
    join: '\n',
    omitted: quiet.length - shown.length,
    unit: 'passing or skipped rules',
    close: ['</details>'],
  };
}

function maskedNote(r: ReportRule, shown: readonly string[], w: CellWriter): string | undefined {
  const masked = r.failingRows.masked.filter((c) => shown.includes(c));
  if (!masked.length) return undefined;
  return `masked (personal data, \`pii\` in ddl/, or derived from it): ${masked.map((c) => w.text(c, 40)).join(', ')}; equal tokens are equal values within this report`;
}

function failedRuleBlock(r: ReportRule, o: Required<MarkdownOptions>, w: CellWriter): string {
  const finding = findingText({ ...r, rows: r.failingRows.rows, columns: r.failingRows.columns });
  const where = r.file !== undefined ? ` · ${w.text(r.file)}` : '';
  const lines = [`#### ${WORD_ICON[ruleWord(r)]} ${w.text(r.name, 80)}`, `${ruleWord(r)} · ${r.zone} gate · ${w.text(finding, MAX_MESSAGE)}${where}`, '', `Expected: ${w.text(r.description, 240)}`];
  if (r.status === 'error') return lines.join('\n');
  // Built-in checks say it all in their finding; the quarantine reasons have a section of their own.
  if (r.kind === 'quarantine' || r.kind === 'quarantine-bytes' || r.kind === 'volume' || r.kind === 'accounting') return lines.join('\n');
  const { columns, rows } = r.failingRows;
  if (!rows.length) {
    lines.push('', '_No failing rows were kept for the report._');
    return lines.join('\n');
  }
  const cols = columns.slice(0, o.maxColumns);
  const numeric = cols.map((c) => rows.every((row) => typeof row[c] === 'number' || row[c] === null));
  lines.push('', ...w.header(cols.map((c) => w.text(c, 40)), numeric), ...rows.map((row) => w.row(cols.map((c) => w.value(row[c])))));
  const notes: string[] = [];
  if (r.failing > rows.length) notes.push(`showing ${count(rows.length)} of ${count(r.failing)} failing rows`);
  if (columns.length > cols.length) notes.push(`${count(columns.length - cols.length)} more columns in ${o.fullReport}`);
  const masked = maskedNote(r, cols, w);
  if (masked) notes.push(masked);
  if (notes.length) {
    const note = notes.join('; ');
    lines.push('', `_${note[0].toUpperCase()}${note.slice(1)}._`);
  }
  return lines.join('\n');
}

function failingRowsSection(report: Gates, o: Required<MarkdownOptions>, w: CellWriter): MarkdownSection | undefined {
  const failed = ranked(allRules(report).filter(needsAttention));
  if (!failed.length) return undefined;
  const shown = failed.slice(0, o.maxFailedRules);
  return {
    head: ['### Failing rows'],
    items: shown.map((r) => failedRuleBlock(r, o, w)),
    join: '\n\n',
    omitted: failed.length - shown.length,
    unit: 'failed rules',
  };
}

function landingSection(report: RunReport, w: CellWriter): MarkdownSection {
  if (!report.datasets.length) return { head: ['### Landing records', '_No landing dataset was read._'], items: [], join: '\n', omitted: 0, unit: 'datasets' };
  const head = [
    '### Landing records',
    'read = valid + quarantined; valid = trusted + duplicate + excluded by policy.',
    '',
    ...w.header(['dataset', 'read', 'quarantined', 'valid', 'trusted', 'duplicate', 'excluded'], [false, true, true, true, true, true, true]),
  ];
  const items = report.datasets.map((d) =>
    w.row([
      w.text(d.dataset, 40),
      count(d.read),
      `${count(d.quarantined)} (${sharePercent(d.quarantineShare)})`,
      count(d.valid),
      count(d.trusted),
      count(d.duplicate),
      count(d.excludedByPolicy),
    ]),
  );
  // The breakdown of policy exclusions, below the table: it would widen a column past the page.
  const breakdown = report.datasets
    .map((d) => ({ d, policy: Object.entries(d.outcomes).filter(([k, n]) => k !== 'trusted' && k !== 'duplicate' && n > 0) }))
    .filter((x) => x.policy.length)
    .map(({ d, policy }) => `${w.text(d.dataset, 40)}: ${policy.map(([k, n]) => `${w.text(k.replace(/_/g, ' '), 40)} ${count(n)}`).join(', ')}`);
  return { head, items, join: '\n', omitted: 0, unit: 'datasets', ...(breakdown.length ? { tail: [`Excluded by policy: ${breakdown.join('; ')}.`] } : {}) };
}

/** What the run did not read: entries beside the dataset folders, files that are no record files. */
function notReadSection(report: RunReport, w: CellWriter): MarkdownSection {
  const entries = [...(report.ignoredLanding ?? []), ...report.datasets.flatMap((d) => d.ignoredFiles)];
  return {
    head: ['### Not read', 'In the landing folder but never read:', '', ...w.header(['entry', 'why'])],
    items: entries.map((e) => w.row([w.text(e.name), w.text(e.reason, MAX_MESSAGE)])),
    join: '\n',
    omitted: 0,
    unit: 'entries',
  };
}

function reasonsSection(report: RunReport, o: Required<MarkdownOptions>, w: CellWriter): MarkdownSection | undefined {
  const items: string[] = [];
  for (const d of report.datasets) {
    const reasons = d.quarantineReasons.slice(0, o.maxReasons);
    for (const r of reasons) items.push(w.row([w.text(d.dataset, 40), w.text(r.reason, 80), count(r.records)]));
    const restReasons = d.quarantineReasons.length - reasons.length + d.otherReasons.reasons;
    const restRecords = d.quarantineReasons.slice(reasons.length).reduce((n, r) => n + r.records, 0) + d.otherReasons.records;
    // Reasons past the cap are summed on one row, so the counts still add up.
    if (restReasons > 0) items.push(w.row([w.text(d.dataset, 40), `_${count(restReasons)} other reasons_`, count(restRecords)]));
  }
  if (!items.length) return undefined;
  return {
    head: ['### Quarantine reasons', 'Most common first; one record can give several reasons.', '', ...w.header(['dataset', 'reason', 'records'], [false, false, true])],
    items,
    join: '\n',
    omitted: 0,
    unit: 'reasons',
  };
}

/** Change against the last published run: +2 (+50%), or "new" for a table it did not have. */
export function changeText(t: { rows: number; previousRows?: number; change?: number; changePercent?: number | null }): string {
  if (t.previousRows === undefined || t.change === undefined) return 'new';
  return `${signed(t.change)} (${signedPercent(t.changePercent)})`;
}

function tablesSection(report: RunReport, o: Required<MarkdownOptions>, w: CellWriter): MarkdownSection {
  const shown = report.tables.slice(0, o.maxTables);
  return {
    head: ['### Row counts', ...w.header(['table', 'zone', 'rows', 'last published', 'change'], [false, false, true, true, true])],
    items: shown.map((t) =>
      w.row([w.text(t.table, 80), t.zone, count(t.rows), t.previousRows === undefined ? '—' : count(t.previousRows), changeText(t)]),
    ),
    join: '\n',
    omitted: report.tables.length - shown.length,
    unit: 'tables',
  };
}

function gatesSection(report: Gates, w: CellWriter): MarkdownSection | undefined {
  const ran = report.gates.filter((g) => g.skipped === undefined);
  if (!ran.length) return undefined;
  return {
    head: ['<details><summary>Gate queries and scans</summary>', '', ...w.header(['gate', 'result', 'queries', 'scans per table'], [false, false, true, false])],
    items: ran.map((g) => {
      const scans = Object.entries(g.scans).map(([t, n]) => `${t} ${n}`).join(', ');
      return w.row([g.zone, g.passed ? 'passed' : 'blocked', count(g.queries), w.text(scans || 'none', 600)]);
    }),
    join: '\n',
    omitted: 0,
    unit: 'gates',
    close: ['</details>'],
  };
}

/**
 * The run report as markdown: the verdict on the first line, then the rules that need attention
 * (passing and skipped ones folded), failing rows, landing records and quarantine reasons, row
 * counts and gate costs. Always under maxBytes: long values are cut with …, long lists are capped,
 * and every cut is announced under the first line and where it happened. All data is escaped (see
 * escapeMarkdown); personal data was masked before it reached the report.
 */
export function renderMarkdown(report: RunReport, options: MarkdownOptions = {}): string {
  const o = { ...DEFAULT_MARKDOWN_OPTIONS, ...options };
  const w = new CellWriter(o.maxCell);
  const first = verdictLine(report, w);
  const opening = openingLines(report, w);
  const sections = [
    rulesSection(report, o, w),
    quietRulesSection(report, o, w),
    failingRowsSection(report, o, w),
    landingSection(report, w),
    ...(report.ignoredLanding?.length || report.datasets.some((d) => d.ignoredFiles.length) ? [notReadSection(report, w)] : []),
    reasonsSection(report, o, w),
    tablesSection(report, o, w),
    gatesSection(report, w),
  ].filter((s): s is MarkdownSection => s !== undefined);
  return layoutMarkdown(first, opening, sections, { maxBytes: o.maxBytes, cutValues: w.cut, fullReport: o.fullReport });
}

/**
 * `stedi gate --format md`: the gate's verdict on the first line, the tally, then the rules that
 * need attention, the folded passing ones, failing rows (masked) and the queries, under maxBytes.
 */
export function renderGateMarkdown(gates: readonly ReportGate[], target: string, options: MarkdownOptions = {}): string {
  const o = { ...DEFAULT_MARKDOWN_OPTIONS, ...options };
  const w = new CellWriter(o.maxCell);
  const report = { gates };
  const blocking = allRules(report).filter((r) => r.blocking).map((r) => r.name);
  const first = blocking.length
    ? `${VERDICT_ICON.blocked} **BLOCKED**: stedi gate on ${w.text(target, 200)}; blocking rule${blocking.length === 1 ? '' : 's'}: ${w.names(blocking)}.`
    : `${VERDICT_ICON.published} **PASSED**: stedi gate on ${w.text(target, 200)}; no rule blocks.`;
  const sections = [rulesSection(report, o, w), quietRulesSection(report, o, w), failingRowsSection(report, o, w), gatesSection(report, w)].filter(
    (s): s is MarkdownSection => s !== undefined,
  );
  return layoutMarkdown(first, [`\`${tallyLine(tallyRules(allRules(report)))}\``], sections, { maxBytes: o.maxBytes, cutValues: w.cut, fullReport: o.fullReport });
}
