// Renders a run report as GitHub-flavoured markdown for a job summary or a PR comment: the verdict
// on the first line, then rules, failing rows, quarantine, row counts and gate costs, under a size cap.
import type { SqlValue } from '../engine/engine';
import type { ReportRule, RunReport, Verdict } from './run-report';
import { layoutMarkdown, type MarkdownSection } from './markdown-layout';
import { clip, count, escapeMarkdown, sharePercent, signed, signedPercent } from './markdown-text';

export interface MarkdownOptions {
  /**
   * Largest document in UTF-8 bytes. GitHub caps a comment at 65,536 characters and a job summary
   * at 1 MiB; the default leaves room for a marker or a heading the caller adds.
   * @default 60_000
   */
  readonly maxBytes?: number;
  /** Rules listed in the rules table, failures first. @default 250 */
  readonly maxRules?: number;
  /** Failed rules whose failing rows (or error) are shown. @default 25 */
  readonly maxFailedRules?: number;
  /** Columns shown per table of failing rows. @default 12 */
  readonly maxColumns?: number;
  /** Quarantine reasons shown per dataset. @default 5 */
  readonly maxReasons?: number;
  /** Tables listed in the row counts. @default 200 */
  readonly maxTables?: number;
  /** Characters of data shown per table cell before it is cut with …. @default 120 */
  readonly maxCell?: number;
  /** Where the reader finds everything, named in notices. @default 'report.json' */
  readonly fullReport?: string;
}

export const DEFAULT_MARKDOWN_OPTIONS: Required<MarkdownOptions> = {
  maxBytes: 60_000,
  maxRules: 250,
  maxFailedRules: 25,
  maxColumns: 12,
  maxReasons: 5,
  maxTables: 200,
  maxCell: 120,
  fullReport: 'report.json',
};

/** Longest error message or problem shown, in characters. */
const MAX_MESSAGE = 400;
/** Blocking rules named on the verdict line before "and N more". */
const MAX_NAMED = 10;

export const VERDICT_WORD: Readonly<Record<Verdict, string>> = { published: 'PUBLISHED', blocked: 'BLOCKED', failed: 'FAILED' };

/** Status as the rules table shows it: a failed warn rule is WARN, since it does not block. */
export function statusWord(r: Pick<ReportRule, 'status' | 'blocking'>): string {
  if (r.status === 'error') return '**ERROR**';
  if (r.status === 'fail') return r.blocking ? '**FAIL**' : 'WARN';
  return 'pass';
}

/** Order in the rules table and the failing rows: what blocked first, then warnings, then passes. */
export function ruleRank(r: Pick<ReportRule, 'status' | 'blocking'>): number {
  if (r.status === 'error') return 0;
  if (r.status === 'fail') return r.blocking ? 1 : 2;
  return 3;
}

/** Tolerance as written in the rule, with the rows it allows in this run when it is a share. */
export function toleranceText(r: Pick<ReportRule, 'tolerance' | 'allowed'>): string {
  if (r.tolerance.share !== undefined) return `${sharePercent(r.tolerance.share)} (${count(r.allowed)} rows)`;
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

function verdictLine(report: RunReport, w: CellWriter): string {
  const word = `**${VERDICT_WORD[report.verdict]}**`;
  const run = w.text(report.runId, 80);
  const blocking = report.blockingRules.length
    ? `; blocking rule${report.blockingRules.length === 1 ? '' : 's'}: ${w.names(report.blockingRules)}`
    : '';
  if (report.verdict === 'published') {
    const warned = report.gates.flatMap((g) => g.rules).filter((r) => r.status === 'fail' && !r.blocking).map((r) => r.name);
    const warnings = warned.length ? `; ${count(warned.length)} warning${warned.length === 1 ? '' : 's'}: ${w.names(warned)}` : '';
    return `${word}: run ${run} passed every blocking rule and its tables are published${warnings}.`;
  }
  if (report.verdict === 'blocked') return `${word}: run ${run} published nothing${blocking}.`;
  const why = report.error ?? report.problems[report.problems.length - 1] ?? 'no error was recorded';
  return `${word}: run ${run} stopped with an error and published nothing${blocking}: ${w.text(firstLine(why), MAX_MESSAGE)}`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${count(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function openingLines(report: RunReport, w: CellWriter): string[] {
  const s = report.summary;
  const facts = [
    `Run ${w.text(report.runId, 80)}`,
    `started ${w.text(report.timings.startedAt, 40)}`,
    ...(report.timings.durationMs !== undefined ? [`took ${seconds(report.timings.durationMs)}`] : []),
    report.previousRunId !== undefined ? `last published run ${w.text(report.previousRunId, 80)}` : 'no earlier published run',
  ];
  const rules =
    `${count(s.rules)} rule${s.rules === 1 ? '' : 's'} checked: ${count(s.passed)} passed, ${count(s.failed - s.warnings)} failed, ` +
    `${count(s.warnings)} warning${s.warnings === 1 ? '' : 's'}, ${count(s.errors)} could not be evaluated.`;
  const phases = report.timings.phases.length
    ? [`Phases: ${report.timings.phases.slice(0, 12).map((p) => `${w.text(p.phase, 40)} ${seconds(p.ms)}`).join(', ')}.`]
    : [];
  return [facts.join(' · ') + '.', rules, ...phases];
}

function rulesSection(report: RunReport, o: Required<MarkdownOptions>, w: CellWriter): MarkdownSection {
  const rules = report.gates.flatMap((g) => g.rules);
  const sorted = rules.map((r, i) => ({ r, i })).sort((a, b) => ruleRank(a.r) - ruleRank(b.r) || a.i - b.i).map((x) => x.r);
  const shown = sorted.slice(0, o.maxRules);
  if (!rules.length) return { head: ['### Rules', '_No gate ran, so no rule was checked._'], items: [], join: '\n', omitted: 0, unit: 'rules' };
  return {
    head: [
      '### Rules',
      ...w.header(['status', 'rule', 'gate', 'severity', 'failing', 'tolerance', 'tables'], [false, false, false, false, true, false, false]),
    ],
    items: shown.map((r) =>
      w.row([
        statusWord(r),
        w.text(r.name, 80),
        r.zone,
        r.severity,
        r.status === 'error' ? '—' : count(r.failing),
        toleranceText(r),
        w.text(r.tables.join(', ')),
      ]),
    ),
    join: '\n',
    omitted: sorted.length - shown.length,
    unit: 'rules',
  };
}

function failedRuleBlock(r: ReportRule, o: Required<MarkdownOptions>, w: CellWriter): string {
  const what =
    r.status === 'error' ? 'could not be evaluated' : `${count(r.failing)} failing, ${count(r.allowed)} allowed`;
  const where = r.file !== undefined ? ` · ${w.text(r.file)}` : '';
  const lines = [`#### ${w.text(r.name, 80)}`, `${statusWord(r)} · ${r.zone} gate · ${r.severity} · ${what}${where}`, '', w.text(r.description, 240)];
  if (r.status === 'error') {
    lines.push('', `Error: ${w.text(r.error ?? 'no message', MAX_MESSAGE)}`);
    return lines.join('\n');
  }
  const { columns, rows } = r.failingRows;
  if (!rows.length) {
    lines.push('', '_No failing rows were kept for the report._');
    return lines.join('\n');
  }
  const cols = columns.slice(0, o.maxColumns);
  lines.push('', ...w.header(cols.map((c) => w.text(c, 40))), ...rows.map((row) => w.row(cols.map((c) => w.value(row[c])))));
  const notes: string[] = [];
  // The quarantine check's rows are its most common reasons, not failing records.
  if (r.kind === 'quarantine') notes.push('the rows are the most common quarantine reasons, not records');
  else if (r.failing > rows.length) notes.push(`showing ${count(rows.length)} of ${count(r.failing)} failing rows`);
  if (columns.length > cols.length) notes.push(`${count(columns.length - cols.length)} more columns in ${o.fullReport}`);
  if (notes.length) {
    const note = notes.join('; ');
    lines.push('', `_${note[0].toUpperCase()}${note.slice(1)}._`);
  }
  return lines.join('\n');
}

function failingRowsSection(report: RunReport, o: Required<MarkdownOptions>, w: CellWriter): MarkdownSection {
  const failed = report.gates
    .flatMap((g) => g.rules)
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => r.status !== 'pass')
    .sort((a, b) => ruleRank(a.r) - ruleRank(b.r) || a.i - b.i)
    .map((x) => x.r);
  const shown = failed.slice(0, o.maxFailedRules);
  return {
    head: failed.length ? ['### Failing rows'] : ['### Failing rows', '_No rule failed._'],
    items: shown.map((r) => failedRuleBlock(r, o, w)),
    join: '\n\n',
    omitted: failed.length - shown.length,
    unit: 'failed rules',
  };
}

function landingSection(report: RunReport, w: CellWriter): MarkdownSection {
  const head = [
    '### Landing records',
    'read = valid + quarantined; valid = trusted + duplicate + excluded by policy.',
    '',
    ...w.header(
      ['dataset', 'read', 'quarantined', 'share', 'valid', 'trusted', 'duplicate', 'excluded by policy'],
      [false, true, true, true, true, true, true, false],
    ),
  ];
  const items = report.datasets.map((d) => {
    const policy = Object.entries(d.outcomes).filter(([k]) => k !== 'trusted' && k !== 'duplicate');
    const breakdown = policy.length ? ` (${policy.map(([k, n]) => `${w.text(k.replace(/_/g, ' '), 40)} ${count(n)}`).join(', ')})` : '';
    return w.row([
      w.text(d.dataset, 60),
      count(d.read),
      count(d.quarantined),
      sharePercent(d.quarantineShare),
      count(d.valid),
      count(d.trusted),
      count(d.duplicate),
      count(d.excludedByPolicy) + breakdown,
    ]);
  });
  if (!items.length) return { head: ['### Landing records', '_No landing dataset was read._'], items: [], join: '\n', omitted: 0, unit: 'datasets' };
  return { head, items, join: '\n', omitted: 0, unit: 'datasets' };
}

/** What the run did not read: entries beside the dataset folders, files that are no record files. */
function notReadSection(report: RunReport, w: CellWriter): MarkdownSection {
  const entries = [...(report.ignoredLanding ?? []), ...report.datasets.flatMap((d) => d.ignoredFiles)];
  return {
    head: ['### Not read', 'In the landing folder but never read:', '', ...w.header(['entry', 'why'])],
    items: entries.map((e) => w.row([w.text(e.name), w.text(e.reason)])),
    join: '\n',
    omitted: 0,
    unit: 'entries',
  };
}

function reasonsSection(report: RunReport, o: Required<MarkdownOptions>, w: CellWriter): MarkdownSection {
  const items: string[] = [];
  for (const d of report.datasets) {
    const reasons = d.quarantineReasons.slice(0, o.maxReasons);
    for (const r of reasons) items.push(w.row([w.text(d.dataset, 60), w.text(r.reason), count(r.records)]));
    const restReasons = d.quarantineReasons.length - reasons.length + d.otherReasons.reasons;
    const restRecords = d.quarantineReasons.slice(reasons.length).reduce((n, r) => n + r.records, 0) + d.otherReasons.records;
    // Reasons past the cap are summed on one row, so the counts still add up.
    if (restReasons > 0) items.push(w.row([w.text(d.dataset, 60), `_${count(restReasons)} other reasons_`, count(restRecords)]));
  }
  if (!items.length) return { head: ['### Quarantine reasons', '_No record was quarantined._'], items: [], join: '\n', omitted: 0, unit: 'reasons' };
  return {
    head: ['### Quarantine reasons', 'Most common first; one record can give several reasons.', '', ...w.header(['dataset', 'reason', 'records'], [false, false, true])],
    items,
    join: '\n',
    omitted: 0,
    unit: 'reasons',
  };
}

/** Change against the last published run: +2 (+50.0%), or "new" for a table it did not have. */
export function changeText(t: { rows: number; previousRows?: number; change?: number; changePercent?: number | null }): string {
  if (t.previousRows === undefined || t.change === undefined) return 'new';
  return `${signed(t.change)} (${signedPercent(t.changePercent)})`;
}

function tablesSection(report: RunReport, o: Required<MarkdownOptions>, w: CellWriter): MarkdownSection {
  const shown = report.tables.slice(0, o.maxTables);
  return {
    head: [
      '### Row counts',
      ...w.header(['table', 'zone', 'rows', 'last published', 'change'], [false, false, true, true, true]),
    ],
    items: shown.map((t) =>
      w.row([w.text(t.table, 80), t.zone, count(t.rows), t.previousRows === undefined ? '—' : count(t.previousRows), changeText(t)]),
    ),
    join: '\n',
    omitted: report.tables.length - shown.length,
    unit: 'tables',
  };
}

function gatesSection(report: RunReport, w: CellWriter): MarkdownSection {
  return {
    head: ['### Gate queries and scans', ...w.header(['gate', 'result', 'queries', 'scans per table'], [false, false, true, false])],
    items: report.gates.map((g) => {
      const scans = Object.entries(g.scans).map(([t, n]) => `${t} ${n}`).join(', ');
      return w.row([g.zone, g.passed ? 'passed' : 'blocked', count(g.queries), w.text(scans || 'none', 600)]);
    }),
    join: '\n',
    omitted: 0,
    unit: 'gates',
  };
}

/**
 * The run report as markdown: the verdict on the first line, then rules, failing rows, landing
 * records and quarantine reasons, row counts and gate costs. Always under maxBytes: long values are
 * cut with …, long lists are capped, and every cut is announced under the first line and where it
 * happened. All data is escaped (see escapeMarkdown).
 */
export function renderMarkdown(report: RunReport, options: MarkdownOptions = {}): string {
  const o = { ...DEFAULT_MARKDOWN_OPTIONS, ...options };
  const w = new CellWriter(o.maxCell);
  const first = verdictLine(report, w);
  const opening = openingLines(report, w);
  const sections = [
    rulesSection(report, o, w),
    ...(report.gates.length ? [failingRowsSection(report, o, w)] : []),
    landingSection(report, w),
    ...(report.ignoredLanding?.length || report.datasets.some((d) => d.ignoredFiles.length) ? [notReadSection(report, w)] : []),
    reasonsSection(report, o, w),
    tablesSection(report, o, w),
    ...(report.gates.length ? [gatesSection(report, w)] : []),
  ];
  return layoutMarkdown(first, opening, sections, { maxBytes: o.maxBytes, cutValues: w.cut, fullReport: o.fullReport });
}
