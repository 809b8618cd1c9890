// Compares two run reports (a PR branch against its base) and renders what changed as markdown,
// for `stedi report --against BASELINE.json`.
import type { RuleStatus } from '../gates/evaluator';
import type { Severity } from '../gates/rule-file';
import type { BuiltZone, Zone } from '../catalog/registry';
import { percentChange, type ReportRule, type RunReport, type Verdict } from './run-report';
import { layoutMarkdown, type MarkdownSection } from './markdown-layout';
import { count, sharePercent, signed, signedPercent } from './markdown-text';
import { CellWriter, DEFAULT_MARKDOWN_OPTIONS, ruleRank, statusWord, VERDICT_WORD, type MarkdownOptions } from './report-markdown';

/** A rule as the delta names it. Rules are matched by gate and name. */
export interface RuleRef {
  readonly zone: BuiltZone;
  readonly name: string;
  readonly severity: Severity;
  readonly status: RuleStatus;
  readonly blocking: boolean;
  readonly failing: number;
}

/** A rule in both reports whose status or failing count differs. */
export interface RuleChange {
  readonly zone: BuiltZone;
  readonly name: string;
  /** Severity in head. */
  readonly severity: Severity;
  readonly base: { readonly status: RuleStatus; readonly blocking: boolean; readonly failing: number };
  readonly head: { readonly status: RuleStatus; readonly blocking: boolean; readonly failing: number };
  /** head.failing - base.failing. */
  readonly failingChange: number;
}

export interface CountChange {
  readonly base?: number;
  readonly head?: number;
  /** head - base; absent when either is missing. */
  readonly change?: number;
  /** change / base in percent (0.01); null when base is 0 and head is not; absent when either is missing. */
  readonly changePercent?: number | null;
}

export interface TableChange extends CountChange {
  readonly table: string;
  readonly zone: Zone;
}

export interface QuarantineChange {
  readonly dataset: string;
  /** Quarantined records. */
  readonly quarantined: CountChange;
  /** Records read, for the share. */
  readonly read: CountChange;
  readonly baseShare?: number;
  readonly headShare?: number;
}

export interface ReportDelta {
  readonly base: { readonly runId: string; readonly verdict: Verdict };
  readonly head: { readonly runId: string; readonly verdict: Verdict };
  readonly verdictChanged: boolean;
  /**
   * Gates that ran in only one of the reports (a run blocked at the trusted gate never reaches the
   * curated one). Their rules are not compared: they are neither added, removed nor changed.
   */
  readonly gatesOnlyIn: { readonly base: readonly BuiltZone[]; readonly head: readonly BuiltZone[] };
  /** Rules that passed in base and fail or could not be evaluated in head. */
  readonly newlyFailing: readonly RuleChange[];
  /** Rules that failed or could not be evaluated in base and pass in head. */
  readonly fixed: readonly RuleChange[];
  /** Other status changes: fail to error, error to fail, or a failure that now blocks or no longer does. */
  readonly statusChanged: readonly RuleChange[];
  /** Rules whose status and blocking stayed but whose failing count changed. */
  readonly failingChanged: readonly RuleChange[];
  /** Rules only in head, among gates that ran in both. */
  readonly added: readonly RuleRef[];
  /** Rules only in base, among gates that ran in both. */
  readonly removed: readonly RuleRef[];
  /** Tables whose row count differs, or that are in only one report. */
  readonly tables: readonly TableChange[];
  /** Datasets whose quarantined count differs, or that are in only one report. */
  readonly quarantine: readonly QuarantineChange[];
}

const key = (r: { zone: string; name: string }) => `${r.zone}\u0000${r.name}`;
const ref = (r: ReportRule): RuleRef => ({ zone: r.zone, name: r.name, severity: r.severity, status: r.status, blocking: r.blocking, failing: r.failing });
const state = (r: ReportRule) => ({ status: r.status, blocking: r.blocking, failing: r.failing });

function countChange(base: number | undefined, head: number | undefined): CountChange {
  return {
    ...(base !== undefined ? { base } : {}),
    ...(head !== undefined ? { head } : {}),
    ...(base !== undefined && head !== undefined ? { change: head - base, changePercent: percentChange(base, head) } : {}),
  };
}

/** What changed from base to head: rules by gate and name, tables by name, datasets by name. */
export function diffReports(base: RunReport, head: RunReport): ReportDelta {
  // Gates that ran: a gate listed as skipped (the run stopped before it) has no outcomes to compare.
  const ran = (r: RunReport) => r.gates.filter((g) => g.skipped === undefined);
  const baseZones = new Set(ran(base).map((g) => g.zone));
  const headZones = new Set(ran(head).map((g) => g.zone));
  const inBoth = (g: { zone: BuiltZone }) => baseZones.has(g.zone) && headZones.has(g.zone);
  const baseRules = new Map(ran(base).filter(inBoth).flatMap((g) => g.rules).map((r) => [key(r), r]));
  const headRules = ran(head).filter(inBoth).flatMap((g) => g.rules);
  const headKeys = new Set(headRules.map(key));
  const newlyFailing: RuleChange[] = [];
  const fixed: RuleChange[] = [];
  const statusChanged: RuleChange[] = [];
  const failingChanged: RuleChange[] = [];
  const added: RuleRef[] = [];
  for (const h of headRules) {
    const b = baseRules.get(key(h));
    if (!b) {
      added.push(ref(h));
      continue;
    }
    const change: RuleChange = { zone: h.zone, name: h.name, severity: h.severity, base: state(b), head: state(h), failingChange: h.failing - b.failing };
    if (b.status === 'pass' && h.status !== 'pass') newlyFailing.push(change);
    else if (b.status !== 'pass' && h.status === 'pass') fixed.push(change);
    else if (b.status !== h.status || b.blocking !== h.blocking) statusChanged.push(change);
    else if (b.failing !== h.failing) failingChanged.push(change);
  }
  const removed = [...baseRules.values()].filter((r) => !headKeys.has(key(r))).map(ref);

  const baseTables = new Map(base.tables.map((t) => [t.table, t]));
  const headTables = new Map(head.tables.map((t) => [t.table, t]));
  const tables: TableChange[] = [];
  for (const t of head.tables) {
    const b = baseTables.get(t.table);
    if (b && b.rows === t.rows) continue;
    tables.push({ table: t.table, zone: t.zone, ...countChange(b?.rows, t.rows) });
  }
  for (const b of base.tables) if (!headTables.has(b.table)) tables.push({ table: b.table, zone: b.zone, ...countChange(b.rows, undefined) });

  const baseData = new Map(base.datasets.map((d) => [d.dataset, d]));
  const headData = new Map(head.datasets.map((d) => [d.dataset, d]));
  const quarantine: QuarantineChange[] = [];
  const dataChange = (dataset: string, b?: RunReport['datasets'][number], h?: RunReport['datasets'][number]): QuarantineChange => ({
    dataset,
    quarantined: countChange(b?.quarantined, h?.quarantined),
    read: countChange(b?.read, h?.read),
    ...(b ? { baseShare: b.quarantineShare } : {}),
    ...(h ? { headShare: h.quarantineShare } : {}),
  });
  for (const h of head.datasets) {
    const b = baseData.get(h.dataset);
    if (b && b.quarantined === h.quarantined) continue;
    quarantine.push(dataChange(h.dataset, b, h));
  }
  for (const b of base.datasets) if (!headData.has(b.dataset)) quarantine.push(dataChange(b.dataset, b, undefined));

  return {
    base: { runId: base.runId, verdict: base.verdict },
    head: { runId: head.runId, verdict: head.verdict },
    verdictChanged: base.verdict !== head.verdict,
    gatesOnlyIn: { base: [...baseZones].filter((z) => !headZones.has(z)), head: [...headZones].filter((z) => !baseZones.has(z)) },
    newlyFailing,
    fixed,
    statusChanged,
    failingChanged,
    added,
    removed,
    tables,
    quarantine,
  };
}

const plural = (n: number, one: string, many = one + 's') => `${count(n)} ${n === 1 ? one : many}`;

/** The first line: head's verdict, base's, and the counts of each kind of change. */
export function deltaSummary(d: ReportDelta): string {
  const verdict = d.verdictChanged
    ? `**${VERDICT_WORD[d.head.verdict]}** (was ${VERDICT_WORD[d.base.verdict]})`
    : `**${VERDICT_WORD[d.head.verdict]}** (unchanged)`;
  const parts = [
    `${plural(d.newlyFailing.length, 'rule')} newly failing`,
    `${count(d.fixed.length)} fixed`,
    ...(d.statusChanged.length ? [`${count(d.statusChanged.length)} changed status`] : []),
    `${count(d.failingChanged.length)} with changed failing counts`,
    ...(d.added.length ? [`${count(d.added.length)} added`] : []),
    ...(d.removed.length ? [`${count(d.removed.length)} removed`] : []),
    `${plural(d.tables.length, 'table')} with changed row counts`,
    `${plural(d.quarantine.length, 'dataset')} with changed quarantine`,
  ];
  return `${verdict} against the base: ${parts.join(', ')}.`;
}

const statusOf = (s: { status: RuleStatus; blocking: boolean }) => statusWord(s);

function changeRows(title: string, changes: readonly RuleChange[], max: number, w: CellWriter): MarkdownSection | undefined {
  if (!changes.length) return undefined;
  const sorted = changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => ruleRank(a.c.head) - ruleRank(b.c.head) || a.i - b.i)
    .map((x) => x.c);
  const shown = sorted.slice(0, max);
  return {
    head: [title, ...w.header(['rule', 'gate', 'base', 'head', 'failing (base → head)'], [false, false, false, false, true])],
    items: shown.map((c) =>
      w.row([w.text(c.name, 80), c.zone, statusOf(c.base), statusOf(c.head), `${count(c.base.failing)} → ${count(c.head.failing)} (${signed(c.failingChange)})`]),
    ),
    join: '\n',
    omitted: sorted.length - shown.length,
    unit: 'rules',
  };
}

function refRows(title: string, refs: readonly RuleRef[], max: number, w: CellWriter): MarkdownSection | undefined {
  if (!refs.length) return undefined;
  const shown = refs.slice(0, max);
  return {
    head: [title, ...w.header(['rule', 'gate', 'status', 'failing'], [false, false, false, true])],
    items: shown.map((r) => w.row([w.text(r.name, 80), r.zone, statusOf(r), count(r.failing)])),
    join: '\n',
    omitted: refs.length - shown.length,
    unit: 'rules',
  };
}

const opt = (n: number | undefined) => (n === undefined ? '—' : count(n));
const changeCell = (c: CountChange) =>
  c.change === undefined ? (c.base === undefined ? 'only in head' : 'only in base') : `${signed(c.change)} (${signedPercent(c.changePercent)})`;

/** The delta as markdown, led by a one-line summary, under the same size cap as renderMarkdown. */
export function renderDeltaMarkdown(delta: ReportDelta, options: MarkdownOptions = {}): string {
  const o = { ...DEFAULT_MARKDOWN_OPTIONS, ...options };
  const w = new CellWriter(o.maxCell);
  const opening = [`Head run ${w.text(delta.head.runId, 80)} against base run ${w.text(delta.base.runId, 80)}.`];
  for (const side of ['base', 'head'] as const) {
    const zones = delta.gatesOnlyIn[side];
    if (!zones.length) continue;
    const other = side === 'base' ? 'head' : 'base';
    opening.push(
      `The ${zones.join(' and ')} gate${zones.length === 1 ? '' : 's'} ran only in ${side} (the ${other} run stopped before); ` +
        `${zones.length === 1 ? 'its' : 'their'} rules are not compared.`,
    );
  }
  const sections: MarkdownSection[] = [];
  const push = (s: MarkdownSection | undefined) => s && sections.push(s);
  push(changeRows('### Newly failing rules', delta.newlyFailing, o.maxRules, w));
  push(changeRows('### Fixed rules', delta.fixed, o.maxRules, w));
  push(changeRows('### Rules whose status changed', delta.statusChanged, o.maxRules, w));
  push(refRows('### Added rules', delta.added, o.maxRules, w));
  push(refRows('### Removed rules', delta.removed, o.maxRules, w));
  push(changeRows('### Failing counts that changed', delta.failingChanged, o.maxRules, w));
  if (delta.tables.length) {
    const shown = delta.tables.slice(0, o.maxTables);
    sections.push({
      head: ['### Row counts that changed', ...w.header(['table', 'zone', 'base', 'head', 'change'], [false, false, true, true, true])],
      items: shown.map((t) => w.row([w.text(t.table, 80), t.zone, opt(t.base), opt(t.head), changeCell(t)])),
      join: '\n',
      omitted: delta.tables.length - shown.length,
      unit: 'tables',
    });
  }
  if (delta.quarantine.length) {
    const shown = delta.quarantine.slice(0, o.maxTables);
    const share = (s: number | undefined) => (s === undefined ? '—' : sharePercent(s));
    sections.push({
      head: ['### Quarantine that changed', ...w.header(['dataset', 'quarantined (base → head)', 'change', 'share (base → head)'], [false, true, true, true])],
      items: shown.map((q) =>
        w.row([w.text(q.dataset, 60), `${opt(q.quarantined.base)} → ${opt(q.quarantined.head)}`, changeCell(q.quarantined), `${share(q.baseShare)} → ${share(q.headShare)}`]),
      ),
      join: '\n',
      omitted: delta.quarantine.length - shown.length,
      unit: 'datasets',
    });
  }
  if (!sections.length) opening.push('_No rule, row count or quarantine count changed._');
  return layoutMarkdown(deltaSummary(delta), opening, sections, { maxBytes: o.maxBytes, cutValues: w.cut, fullReport: o.fullReport });
}
