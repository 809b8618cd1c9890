// The run report (report.json): a stable, versioned view of a run manifest for people and CI.
// Everything the markdown, JUnit and delta renderers show comes from here, never from the manifest.
import { BUILT_ZONES, ZONES, type BuiltZone, type Zone } from '../catalog/registry';
import type { RunManifest } from '../pipeline/manifest';
import type { GateResult, RuleKind, RuleResult, RuleStatus } from '../gates/evaluator';
import type { Severity, Tolerance } from '../gates/rule-file';
import type { SqlValue } from '../engine/engine';
import { OperatorError } from '../errors/operator-error';

/**
 * Version of the report.json shape. Raised when a field changes meaning or goes away; adding a
 * field keeps it. 2: a rule's status can be `skip`; failing rows hold tokens for personal data.
 */
export const REPORT_VERSION = 2;

/** The `report` field that tells a run report from any other JSON. */
export const REPORT_KIND = 'stedi-run-report';

/** Quarantine reasons listed per dataset in report.json; the rest are counted in `otherReasons`. */
export const DEFAULT_REASONS_KEPT = 10;

/**
 * published: every blocking rule passed and the run's tables were switched in.
 * blocked: a gate stopped the run; nothing was published.
 * failed: the run stopped with an error (or never finished); nothing was published.
 */
export type Verdict = 'published' | 'blocked' | 'failed';

export interface ReportTimings {
  readonly startedAt: string;
  /** Absent when the run never finished. */
  readonly finishedAt?: string;
  /** finishedAt - startedAt, in milliseconds. */
  readonly durationMs?: number;
  /** Phases that ran, in order, with their wall time. */
  readonly phases: readonly { readonly phase: string; readonly ms: number }[];
}

export interface ReportRule {
  readonly name: string;
  /** The gate (audit) that ran the rule. */
  readonly zone: BuiltZone;
  /** predicate and set: SQL rule files; quarantine and volume: built-in checks. */
  readonly kind: RuleKind;
  /** pass, fail (more failing rows than allowed), error (could not be evaluated), skip (did not run: `skipReason`). */
  readonly status: RuleStatus;
  /** error blocks promotion when the rule fails, warn only reports. */
  readonly severity: Severity;
  /** True when this rule stopped the run: a failed error rule, or any rule that could not be evaluated. */
  readonly blocking: boolean;
  /** Failing rows (or records) found; 0 when the rule could not be evaluated. */
  readonly failing: number;
  /** Failing rows the tolerance allows for this run. */
  readonly allowed: number;
  /** As written in the rule: a row count or a share of the checked rows. */
  readonly tolerance: Tolerance;
  /** Rows checked, where the rule knows it. */
  readonly checked?: number;
  readonly tables: readonly string[];
  /** File that defines the rule, relative to the repository. */
  readonly file?: string;
  readonly description: string;
  /** Why the rule could not be evaluated (status error). */
  readonly error?: string;
  /** Why the rule did not run (status skip). */
  readonly skipReason?: string;
  /** Wall time of the rule's statements in milliseconds (a scan shared by rules is split between them). */
  readonly ms?: number;
  /** Up to N failing rows (N = gate-config report.failingRowsShown), empty when the rule passed. */
  readonly failingRows: {
    readonly columns: readonly string[];
    readonly rows: readonly Readonly<Record<string, SqlValue>>[];
    /**
     * Columns whose values are tokens (`pii:` and 10 hex digits): personal data, or values not
     * provably free of it. Equal tokens are equal values within this report, never across reports.
     */
    readonly masked: readonly string[];
  };
}

export interface ReportGate {
  readonly zone: BuiltZone;
  readonly passed: boolean;
  /** Set when the gate never ran (the run was blocked or failed before it): why. Its rules are skipped. */
  readonly skipped?: string;
  /** Statements the gate sent to the engine. */
  readonly queries: number;
  /** Reads per table by those statements. */
  readonly scans: Readonly<Record<string, number>>;
  readonly rules: readonly ReportRule[];
}

export interface ReasonCount {
  readonly reason: string;
  readonly records: number;
}

export interface ReportDataset {
  readonly dataset: string;
  readonly files: number;
  readonly bytes: number;
  /** Files in the landing folder that are not record files, with why. */
  readonly ignoredFiles: readonly { readonly name: string; readonly reason: string }[];
  /** Non-blank landing lines. read = valid + quarantined. */
  readonly read: number;
  readonly blankLines: number;
  readonly quarantined: number;
  /** quarantined / read (0 when nothing was read). */
  readonly quarantineShare: number;
  readonly quarantineLocation: string;
  /** Most common reasons first; a record may give several reasons. */
  readonly quarantineReasons: readonly ReasonCount[];
  /** Reasons beyond those listed: how many distinct reasons and the records they name. */
  readonly otherReasons: { readonly reasons: number; readonly records: number };
  /** valid = trusted + duplicate + excludedByPolicy. */
  readonly valid: number;
  readonly trusted: number;
  readonly duplicate: number;
  readonly excludedByPolicy: number;
  /** Every outcome of a valid record with its count (trusted, duplicate and each policy exclusion). */
  readonly outcomes: Readonly<Record<string, number>>;
}

export interface ReportTable {
  readonly table: string;
  readonly zone: Zone;
  readonly rows: number;
  /** Rows in the last published run; absent when there was none or it had no such table. */
  readonly previousRows?: number;
  /** rows - previousRows; absent without previousRows. */
  readonly change?: number;
  /** change / previousRows in percent, rounded to 0.01; null when previousRows is 0 and rows is not. */
  readonly changePercent?: number | null;
}

export interface ReportSummary {
  readonly rules: number;
  readonly passed: number;
  /** Rules with status fail, whatever their severity. */
  readonly failed: number;
  /** Failed warn rules: reported, not blocking. */
  readonly warnings: number;
  /** Rules that could not be evaluated. */
  readonly errors: number;
  readonly blocking: number;
  /** Rules that did not run (their gate never ran). */
  readonly skipped: number;
}

/** report.json. Field order is the order a reader needs: the verdict first. */
export interface RunReport {
  readonly report: typeof REPORT_KIND;
  readonly version: typeof REPORT_VERSION;
  readonly verdict: Verdict;
  readonly runId: string;
  /** Names of the rules that stopped the run, in gate order. */
  readonly blockingRules: readonly string[];
  /** One line per reason the run was blocked or failed. */
  readonly problems: readonly string[];
  /** The error a failed run stopped with. */
  readonly error?: string;
  /** The run published before this one started. */
  readonly previousRunId?: string;
  readonly landing: string;
  readonly lake: string;
  readonly timings: ReportTimings;
  readonly summary: ReportSummary;
  /** Every gate, in gate order (trusted, curated); one the run never reached has `skipped` set and every rule skipped. */
  readonly gates: readonly ReportGate[];
  /** Entries of the landing folder beside the dataset folders, never read, with why (absent for older runs). */
  readonly ignoredLanding?: readonly { readonly name: string; readonly reason: string }[];
  /** Landing accounting per dataset, in manifest order. */
  readonly datasets: readonly ReportDataset[];
  /** Row counts per table, in zone order. */
  readonly tables: readonly ReportTable[];
}

export interface BuildReportOptions {
  /** Quarantine reasons listed per dataset. @default DEFAULT_REASONS_KEPT (10) */
  readonly reasonsKept?: number;
}

/** Percent change rounded to 0.01; null when there is no base to compare with. */
export function percentChange(base: number, head: number): number | null {
  if (base === 0) return head === 0 ? 0 : null;
  return Math.round(((head - base) / base) * 10_000) / 100;
}

function verdictOf(m: RunManifest): { verdict: Verdict; problems: string[] } {
  if (m.status === 'published' || m.status === 'blocked' || m.status === 'failed') {
    return { verdict: m.status, problems: [...m.problems] };
  }
  // A manifest still marked running is a run that died or is in progress: nothing of it is published.
  return { verdict: 'failed', problems: [...m.problems, `run ${m.runId} had not finished (status ${m.status}) when this report was made`] };
}

export function reportRule(r: RuleResult): ReportRule {
  return {
    name: r.name,
    zone: r.zone,
    kind: r.kind,
    status: r.status,
    severity: r.severity,
    blocking: r.blocking,
    failing: r.failing,
    allowed: r.allowed,
    tolerance: r.tolerance,
    ...(r.checked !== undefined ? { checked: r.checked } : {}),
    tables: r.tables,
    ...(r.file !== undefined ? { file: r.file } : {}),
    description: r.description,
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.skipReason !== undefined ? { skipReason: r.skipReason } : {}),
    ...(r.ms !== undefined ? { ms: r.ms } : {}),
    failingRows: { columns: r.columns, rows: r.sample, masked: r.maskedColumns ?? [] },
  };
}

/** A gate result as report.json shows it. */
export function reportGate(g: GateResult): ReportGate {
  return { zone: g.zone, passed: g.passed, ...(g.skipped !== undefined ? { skipped: g.skipped } : {}), queries: g.queries, scans: { ...g.scans }, rules: g.rules.map(reportRule) };
}

export function buildReport(manifest: RunManifest, options: BuildReportOptions = {}): RunReport {
  const reasonsKept = options.reasonsKept ?? DEFAULT_REASONS_KEPT;
  const { verdict, problems } = verdictOf(manifest);

  const gates: ReportGate[] = [];
  for (const zone of BUILT_ZONES) {
    const g = manifest.gates[zone];
    if (!g) continue;
    gates.push(reportGate(g));
  }
  const rules = gates.flatMap((g) => g.rules);

  const datasets: ReportDataset[] = Object.entries(manifest.datasets).map(([dataset, d]) => {
    const reasons = Object.entries(d.quarantineReasons)
      .map(([reason, records]) => ({ reason, records }))
      .sort((a, b) => b.records - a.records || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
    const rest = reasons.slice(reasonsKept);
    return {
      dataset,
      files: d.files,
      bytes: d.bytes,
      ignoredFiles: d.ignoredFiles.map((f) => ({ name: f.name, reason: f.reason })),
      read: d.read,
      blankLines: d.blankLines,
      quarantined: d.quarantined,
      quarantineShare: d.read === 0 ? 0 : d.quarantined / d.read,
      quarantineLocation: d.quarantineLocation,
      quarantineReasons: reasons.slice(0, reasonsKept),
      otherReasons: { reasons: rest.length, records: rest.reduce((n, r) => n + r.records, 0) },
      valid: d.valid,
      trusted: d.outcomes.trusted ?? 0,
      duplicate: d.outcomes.duplicate ?? 0,
      excludedByPolicy: d.excludedByPolicy,
      outcomes: { ...d.outcomes },
    };
  });

  const tables: ReportTable[] = Object.entries(manifest.tables)
    .map(([table, t], i) => ({ table, t, i }))
    .sort((a, b) => ZONES.indexOf(a.t.zone) - ZONES.indexOf(b.t.zone) || a.i - b.i)
    .map(({ table, t }) => ({
      table,
      zone: t.zone,
      rows: t.rows,
      ...(t.previousRows !== undefined
        ? { previousRows: t.previousRows, change: t.rows - t.previousRows, changePercent: percentChange(t.previousRows, t.rows) }
        : {}),
    }));

  const finished = manifest.finishedAt;
  const durationMs = finished !== undefined ? Date.parse(finished) - Date.parse(manifest.startedAt) : NaN;
  return {
    report: REPORT_KIND,
    version: REPORT_VERSION,
    verdict,
    runId: manifest.runId,
    blockingRules: rules.filter((r) => r.blocking).map((r) => r.name),
    problems,
    ...(manifest.error !== undefined ? { error: manifest.error } : {}),
    ...(manifest.previousRunId !== undefined ? { previousRunId: manifest.previousRunId } : {}),
    landing: manifest.landing,
    lake: manifest.lake,
    timings: {
      startedAt: manifest.startedAt,
      ...(finished !== undefined ? { finishedAt: finished } : {}),
      ...(Number.isFinite(durationMs) ? { durationMs } : {}),
      phases: manifest.phases.map((p) => ({ phase: p.phase, ms: p.ms })),
    },
    summary: {
      rules: rules.length,
      passed: rules.filter((r) => r.status === 'pass').length,
      failed: rules.filter((r) => r.status === 'fail').length,
      warnings: rules.filter((r) => r.status === 'fail' && !r.blocking).length,
      errors: rules.filter((r) => r.status === 'error').length,
      blocking: rules.filter((r) => r.blocking).length,
      skipped: rules.filter((r) => r.status === 'skip').length,
    },
    gates,
    ...(manifest.ignoredLanding ? { ignoredLanding: manifest.ignoredLanding.map((f) => ({ name: f.name, reason: f.reason })) } : {}),
    datasets,
    tables,
  };
}

/** A file given as a report is not one this version can read. */
export class ReportFormatError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'ReportFormatError';
  }
}

/**
 * Reads report.json text (e.g. the baseline of `stedi report --against`), checking that it is a
 * run report this version can read, so a wrong file fails with a message instead of a crash
 * mid-render. A version 1 report (written before failing rows were masked) is read with its
 * failing rows left out: they may hold personal data.
 */
export function parseReport(text: string, file: string): RunReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ReportFormatError(`${file}: not JSON (${(e as Error).message.split('\n')[0]}); pass a report.json written by stedi run`);
  }
  const notReport = (why: string) => new ReportFormatError(`${file}: not a run report (${why}); pass the report.json of a run (<lake>/runs/<run id>/report.json)`);
  const v = value as (Partial<RunReport> & { version?: unknown; report?: unknown }) | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw notReport('expected a JSON object');
  // What it is first: another file's own "version" (package.json) is no report version.
  const missing = (['verdict', 'runId', 'gates', 'datasets', 'tables', 'summary', 'timings'] as const).filter((k) => v[k] === undefined);
  if (v.report !== undefined && v.report !== REPORT_KIND) throw notReport(`its "report" field is ${JSON.stringify(v.report)}`);
  if (v.report === undefined && missing.length) throw notReport(`missing ${missing.join(', ')}`);
  if (v.version !== REPORT_VERSION && v.version !== 1) {
    throw new ReportFormatError(
      `${file}: report version ${JSON.stringify(v.version)} is not ${REPORT_VERSION}; render it with the stedi that wrote it, or re-run to get a current report.json`,
    );
  }
  if (missing.length) throw notReport(`missing ${missing.join(', ')}`);
  if (!Array.isArray(v.gates) || !Array.isArray(v.datasets) || !Array.isArray(v.tables)) throw notReport('gates, datasets and tables must be lists');
  if (!['published', 'blocked', 'failed'].includes(v.verdict as string)) {
    throw new ReportFormatError(`${file}: unknown verdict ${JSON.stringify(v.verdict)}`);
  }
  if ((v.version as number) === 1) return upgradeV1(v as unknown as RunReport);
  return v as RunReport;
}

/** A version 1 report as version 2: no skipped rules then, and no failing rows (unmasked then). */
function upgradeV1(v: RunReport): RunReport {
  return {
    ...v,
    report: REPORT_KIND,
    version: REPORT_VERSION,
    summary: { ...v.summary, skipped: 0 },
    gates: v.gates.map((g) => ({
      ...g,
      rules: g.rules.map((r) => ({ ...r, failingRows: { columns: [], rows: [], masked: [] } })),
    })),
  };
}
