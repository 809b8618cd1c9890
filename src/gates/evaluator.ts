// Evaluates the quality rules of one audit on any QueryEngine. Predicate rules over the same table
// share one scan; set rules run as one query each; the built-in checks (quarantine share,
// accounting, volume) read the run's counts. A rule that cannot be evaluated blocks the run (fail
// closed). Failing rows leave here with their personal values masked (sample-privacy.ts).
import { referencedTables, type BuiltZone } from '../catalog/registry';
import { requalify } from '../catalog/sql-text';
import { bindTables, quoteIdent, type QueryEngine, type SqlValue, type TableResolver } from '../engine/engine';
import { percent, sharePercent } from '../report/number-text';
import type { GateConfig } from './gate-config';
import type { Rule, Severity, Tolerance } from './rule-file';
import { maskSamples, type SampleMask } from './sample-privacy';

export type RuleKind = 'predicate' | 'set' | 'quarantine' | 'quarantine-bytes' | 'accounting' | 'volume';
/** skip: the rule did not run (its gate never ran, or its tables are not there); `skipReason` says why. */
export type RuleStatus = 'pass' | 'fail' | 'error' | 'skip';

export interface RuleResult {
  readonly name: string;
  readonly kind: RuleKind;
  readonly description: string;
  readonly severity: Severity;
  readonly zone: BuiltZone;
  readonly tables: readonly string[];
  /** Rule file, for SQL rules. */
  readonly file?: string;
  readonly status: RuleStatus;
  /** True when this result stops the run: an error rule failed, or any rule could not be evaluated. */
  readonly blocking: boolean;
  readonly failing: number;
  /** Failing rows (or records) tolerated. */
  readonly allowed: number;
  readonly tolerance: Tolerance;
  /** Rows checked, where the rule knows it (predicate rules, quarantine share). */
  readonly checked?: number;
  /** Up to N failing rows, for the report, with personal values masked. */
  readonly columns: readonly string[];
  readonly sample: readonly Record<string, SqlValue>[];
  /** Sample columns whose values are tokens (personal data, or not provably free of it). */
  readonly maskedColumns?: readonly string[];
  readonly error?: string;
  /** Why a rule with status skip did not run. */
  readonly skipReason?: string;
  /** Wall time of the statements the rule needed; a scan shared by several rules is split between them. */
  readonly ms?: number;
}

export interface GateResult {
  readonly zone: BuiltZone;
  readonly passed: boolean;
  /** Set when the gate did not run at all (its rules are listed with status skip): why. */
  readonly skipped?: string;
  readonly rules: readonly RuleResult[];
  /** Statements sent to the engine by this audit. */
  readonly queries: number;
  /** How many times each table was read by those statements. */
  readonly scans: Readonly<Record<string, number>>;
}

/** Counts of the run that the built-in checks read (from the run manifest). */
export interface RunFacts {
  readonly datasets: Readonly<
    Record<
      string,
      {
        /** Landing lines read and quarantined; absent when the run's validation counts are not at hand. */
        readonly read?: number;
        readonly quarantined?: number;
        readonly quarantineReasons?: Readonly<Record<string, number>>;
        /** Why read and quarantined are absent: the quarantine checks are listed as skipped with it. */
        readonly validationUnknown?: string;
        /** For the byte share: bytes of the records read and of those quarantined (absent: not checked). */
        readonly recordBytes?: number;
        readonly quarantinedBytes?: number;
        /** For the accounting check: valid records, where they went, and the trusted table's rows. */
        readonly valid?: number;
        readonly outcomes?: Readonly<Record<string, number>>;
        readonly trustedTable?: string;
        readonly trustedRows?: number;
      }
    >
  >;
  readonly tables: Readonly<Record<string, { readonly zone: string; readonly rows: number; readonly previousRows?: number }>>;
}

export interface GateInput {
  readonly engine: QueryEngine;
  readonly zone: BuiltZone;
  /** All rules; the gate runs those of its zone. */
  readonly rules: readonly Rule[];
  readonly config: GateConfig;
  /** Maps bare table names to the engine's references. @default names stay bare */
  readonly resolve?: TableResolver;
  /** Run counts for the built-in checks; without them the built-ins are skipped (`stedi gate` on a lake). */
  readonly facts?: RunFacts;
  /** Queries sent at once (the engine must take them). Results do not depend on it. @default 1 */
  readonly parallel?: number;
  /** What failing rows may show. @default every sample value masked (no lineage given) */
  readonly samples?: SampleMask;
}

/** Runs the tasks with at most `limit` at once; resolves when all are done. */
async function inParallel(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), tasks.length) }, lane));
}

const ROWS = '__rows';
const FAILING = '__failing';
const T = '__t';

function allowedFor(t: Tolerance, checked?: number): number {
  if (t.share !== undefined) return Math.floor(t.share * (checked ?? 0));
  return t.rows ?? 0;
}

/** What identifies a check, before it is judged. */
export type CheckInfo = Pick<RuleResult, 'name' | 'kind' | 'description' | 'severity' | 'zone' | 'tables' | 'file' | 'tolerance'>;

function judge(
  rule: CheckInfo,
  failing: number,
  checked: number | undefined,
  columns: readonly string[],
  sample: readonly Record<string, SqlValue>[],
  extra: { readonly maskedColumns?: readonly string[]; readonly ms: number },
): RuleResult {
  const allowed = allowedFor(rule.tolerance, checked);
  const status: RuleStatus = failing <= allowed ? 'pass' : 'fail';
  return {
    ...rule,
    status,
    blocking: status === 'fail' && rule.severity === 'error',
    failing,
    allowed,
    ...(checked !== undefined ? { checked } : {}),
    columns,
    sample,
    ...(extra.maskedColumns?.length ? { maskedColumns: extra.maskedColumns } : {}),
    ms: extra.ms,
  };
}

/** A check that did not run, with why. */
export function skippedCheck(rule: CheckInfo, reason: string): RuleResult {
  return { ...rule, status: 'skip', blocking: false, failing: 0, allowed: allowedFor(rule.tolerance), columns: [], sample: [], skipReason: reason };
}

const elapsed = (t0: number) => Math.round((performance.now() - t0) * 1000) / 1000;

function broken(rule: Rule, kind: RuleKind, error: unknown, samples: SampleMask, ms: number): RuleResult {
  return {
    name: rule.name,
    kind,
    description: rule.description,
    severity: rule.severity,
    zone: rule.zone,
    tables: rule.tables,
    file: rule.file,
    tolerance: rule.tolerance,
    status: 'error',
    blocking: true,
    failing: 0,
    allowed: allowedFor(rule.tolerance),
    columns: [],
    sample: [],
    // The engine's message may quote the value it failed on (a cast error quotes the email).
    error: `${rule.file}:${rule.sqlLine}: ${samples.text((error as Error).message, rule.sql)}`,
    ms,
  };
}

export const ruleInfo = (r: Rule, kind: RuleKind = r.predicate ? 'predicate' : 'set'): CheckInfo => ({
  name: r.name,
  kind,
  description: r.description,
  severity: r.severity,
  zone: r.zone,
  tables: r.tables,
  file: r.file,
  tolerance: r.tolerance,
});

// A SUM over no rows is NULL, and Number(null) is 0.
const num = (v: SqlValue) => Number(v);

export async function evaluateGate(input: GateInput): Promise<GateResult> {
  const { engine, zone, config } = input;
  const samples = input.samples ?? maskSamples(undefined);
  const sampleRows = config.report.failingRowsShown;
  const scans: Record<string, number> = {};
  let queries = 0;
  const send = async (sql: string) => {
    queries++;
    for (const t of referencedTables(sql)) scans[t] = (scans[t] ?? 0) + 1;
    return engine.query(input.resolve ? bindTables(sql, input.resolve) : sql);
  };
  const rules = input.rules.filter((r) => r.zone === zone);
  const results = new Map<string, RuleResult>();

  // Predicate rules: one scan per table counts every rule's failing rows at once.
  const byTable = new Map<string, Rule[]>();
  for (const r of rules) if (r.predicate) byTable.set(r.predicate.table, [...(byTable.get(r.predicate.table) ?? []), r]);
  const tasks: (() => Promise<void>)[] = [];
  for (const [table, group] of byTable) tasks.push(async () => {
    const sums = group.map(
      (r, i) => `SUM(CASE WHEN (${requalify(r.predicate!.where, [r.predicate!.alias ?? table, table], T)}) THEN 1 ELSE 0 END) AS ${quoteIdent(`r${i}`)}`,
    );
    const sql = `SELECT COUNT(*) AS ${quoteIdent(ROWS)}, ${sums.join(', ')} FROM ${table} ${T}`;
    let row: Record<string, SqlValue>;
    const t0 = performance.now();
    try {
      row = (await send(sql)).rows[0];
    } catch {
      // One bad predicate must not hide the others: evaluate the group rule by rule.
      for (const r of group) results.set(r.name, await evaluateSetRule(r, send, sampleRows, 'predicate', samples));
      return;
    }
    // The shared scan's time is split between the rules it counted.
    const share = elapsed(t0) / group.length;
    const checked = num(row[ROWS]);
    for (const [i, r] of group.entries()) {
      const failing = num(row[`r${i}`]);
      let columns: readonly string[] = [];
      let sample: readonly Record<string, SqlValue>[] = [];
      let masked: readonly string[] = [];
      const t1 = performance.now();
      if (failing > 0 && sampleRows > 0) {
        try {
          const s = await send(`SELECT * FROM (${r.sql}) ${quoteIdent('__r')} LIMIT ${sampleRows}`);
          ({ columns, rows: sample, masked } = samples.apply(r.name, s.columns, s.rows, r.sql));
        } catch (e) {
          results.set(r.name, broken(r, 'predicate', e, samples, share + elapsed(t1)));
          continue;
        }
      }
      results.set(r.name, judge(ruleInfo(r, 'predicate'), failing, checked, columns, sample, { maskedColumns: masked, ms: share + elapsed(t1) }));
    }
  });

  // Set rules: one query each returns the failing count and the first rows.
  for (const r of rules) if (!r.predicate) tasks.push(async () => void results.set(r.name, await evaluateSetRule(r, send, sampleRows, 'set', samples)));
  await inParallel(tasks, input.parallel ?? 1);

  const ordered = rules.map((r) => results.get(r.name)!);
  if (input.facts) ordered.push(...builtins(zone, config, input.facts));
  return { zone, passed: !ordered.some((r) => r.blocking), rules: ordered, queries, scans };
}

/**
 * A gate that did not run: every check it would have made, with status skip and the reason.
 * @param datasets landing datasets (their quarantine share and accounting checks belong to the trusted gate)
 * @param curatedTables curated tables whose volume is checked against the last published run
 */
export function skippedGate(zone: BuiltZone, rules: readonly Rule[], config: GateConfig, reason: string, datasets: readonly string[], curatedTables: readonly string[]): GateResult {
  const checks: CheckInfo[] = rules.filter((r) => r.zone === zone).map((r) => ruleInfo(r));
  if (zone === 'trusted') for (const d of datasets) checks.push(quarantineInfo(zone, config, d), quarantineBytesInfo(zone, config, d), accountingInfo(zone, d));
  else for (const t of curatedTables) checks.push(volumeInfo(zone, config, t));
  return { zone, passed: false, skipped: reason, rules: checks.map((c) => skippedCheck(c, reason)), queries: 0, scans: {} };
}

async function evaluateSetRule(
  r: Rule,
  send: (sql: string) => Promise<{ columns: readonly string[]; rows: readonly Record<string, SqlValue>[] }>,
  sampleRows: number,
  kind: RuleKind,
  samples: SampleMask,
): Promise<RuleResult> {
  const t0 = performance.now();
  try {
    const res = await send(
      `SELECT ${quoteIdent('__r')}.*, COUNT(*) OVER () AS ${quoteIdent(FAILING)} FROM (${r.sql}) ${quoteIdent('__r')} LIMIT ${Math.max(sampleRows, 1)}`,
    );
    const failing = res.rows.length ? num(res.rows[0][FAILING]) : 0;
    const returned = res.columns.filter((c) => c !== FAILING);
    const raw = res.rows.slice(0, sampleRows).map((row) => Object.fromEntries(returned.map((c) => [c, row[c]])));
    const { columns, rows: sample, masked } = samples.apply(r.name, returned, raw, r.sql);
    return judge(ruleInfo(r, kind), failing, undefined, columns, sample, { maskedColumns: masked, ms: elapsed(t0) });
  } catch (e) {
    return broken(r, kind, e, samples, elapsed(t0));
  }
}

function quarantineInfo(zone: BuiltZone, config: GateConfig, dataset: string): CheckInfo {
  const share = config.quarantine.datasets[dataset] ?? config.quarantine.default;
  return {
    name: `quarantine_share_${dataset}`,
    kind: 'quarantine',
    description: `at most ${sharePercent(share)} of ${dataset} landing records may break the record contract (quality-rules/schemas/${dataset}.schema.json)`,
    severity: 'error',
    zone,
    tables: [`${dataset}_landing`],
    file: 'quality-rules/gate-config.json',
    tolerance: { share },
  };
}

function quarantineBytesInfo(zone: BuiltZone, config: GateConfig, dataset: string): CheckInfo {
  const share = config.quarantine.datasets[dataset] ?? config.quarantine.default;
  return {
    ...quarantineInfo(zone, config, dataset),
    name: `quarantine_bytes_${dataset}`,
    kind: 'quarantine-bytes',
    description: `at most ${sharePercent(share)} of the bytes of ${dataset} landing records may break the record contract (quality-rules/schemas/${dataset}.schema.json)`,
  };
}

function accountingInfo(zone: BuiltZone, dataset: string, trustedTable?: string): CheckInfo {
  return {
    name: `accounting_${dataset}`,
    kind: 'accounting',
    description: `every valid ${dataset} record has one outcome (quality-rules/accounting/${dataset}.sql), and ${trustedTable ?? 'its trusted table'} holds exactly the records counted trusted`,
    severity: 'error',
    zone,
    tables: [`${dataset}_landing`, ...(trustedTable ? [trustedTable] : [])],
    file: `quality-rules/accounting/${dataset}.sql`,
    tolerance: { rows: 0 },
  };
}

function volumeInfo(zone: BuiltZone, config: GateConfig, table: string): CheckInfo {
  return {
    name: `volume_${table}`,
    kind: 'volume',
    description: `${table} may not shrink by more than ${percent(config.volume.maxShrink * 100)} against the last published run`,
    severity: 'error',
    zone,
    tables: [table],
    file: 'quality-rules/gate-config.json',
    tolerance: { share: config.volume.maxShrink },
  };
}

/** Every valid record has one outcome, and as many are trusted as the trusted table has rows. */
function accountingCheck(zone: BuiltZone, dataset: string, d: RunFacts['datasets'][string]): RuleResult | undefined {
  if (d.valid === undefined || d.outcomes === undefined) return undefined;
  const accounted = Object.values(d.outcomes).reduce((a, b) => a + b, 0);
  const trusted = d.outcomes.trusted ?? 0;
  const unaccounted = Math.abs(d.valid - accounted);
  const disagreeing = d.trustedRows === undefined ? 0 : Math.abs(trusted - d.trustedRows);
  const failing = unaccounted + disagreeing;
  return {
    ...accountingInfo(zone, dataset, d.trustedTable),
    status: failing ? 'fail' : 'pass',
    blocking: failing > 0,
    failing,
    allowed: 0,
    checked: d.valid,
    columns: failing ? ['valid', 'accounted', 'counted_trusted', 'trusted_rows'] : [],
    sample: failing ? [{ valid: d.valid, accounted, counted_trusted: trusted, trusted_rows: d.trustedRows ?? null }] : [],
    ms: 0,
  };
}

/**
 * Built-in checks: quarantine share and accounting per dataset (trusted audit), volume per curated
 * table (curated audit). Their rows are counts and quarantine reasons, which the validator builds
 * from the contract (field names and keywords of the schema, never a value; malformed JSON is
 * grouped without its parser message), so they hold no personal data.
 */
function builtins(zone: BuiltZone, config: GateConfig, facts: RunFacts): RuleResult[] {
  const out: RuleResult[] = [];
  if (zone === 'trusted') {
    for (const [dataset, d] of Object.entries(facts.datasets)) {
      const info = quarantineInfo(zone, config, dataset);
      const bytesInfo = quarantineBytesInfo(zone, config, dataset);
      if (d.read === undefined || d.quarantined === undefined) {
        const why = d.validationUnknown ?? "the run's validation counts are not at hand";
        out.push(skippedCheck(info, why), skippedCheck(bytesInfo, why));
      } else {
        const sample = Object.entries(d.quarantineReasons ?? {})
          .slice(0, config.report.failingRowsShown)
          .map(([reason, records]) => ({ reason, records }));
        out.push(judge(info, d.quarantined, d.read, d.quarantined > 0 ? ['reason', 'records'] : [], sample, { ms: 0 }));
        // One enormous bad line (a whole file without line ends, a line over the size limit) is
        // one record: the byte share keeps it from hiding below the record share.
        if (d.recordBytes === undefined || d.quarantinedBytes === undefined) {
          out.push(skippedCheck(bytesInfo, "the run's validation counts hold no byte counts"));
        } else {
          out.push(
            judge(
              bytesInfo,
              d.quarantinedBytes,
              d.recordBytes,
              d.quarantinedBytes > 0 ? ['quarantined_bytes', 'record_bytes', 'quarantined_records'] : [],
              d.quarantinedBytes > 0 ? [{ quarantined_bytes: d.quarantinedBytes, record_bytes: d.recordBytes, quarantined_records: d.quarantined }] : [],
              { ms: 0 },
            ),
          );
        }
      }
      const accounting = accountingCheck(zone, dataset, d);
      if (accounting) out.push(accounting);
    }
  } else {
    for (const [table, t] of Object.entries(facts.tables)) {
      if (t.zone !== 'curated' || t.previousRows === undefined) continue;
      const floor = Math.ceil(t.previousRows * (1 - config.volume.maxShrink));
      const missing = Math.max(0, floor - t.rows);
      out.push({
        ...volumeInfo(zone, config, table),
        status: missing > 0 ? 'fail' : 'pass',
        blocking: missing > 0,
        failing: missing,
        allowed: 0,
        checked: t.rows,
        columns: missing > 0 ? ['table', 'previous_rows', 'rows', 'minimum_rows'] : [],
        sample: missing > 0 ? [{ table, previous_rows: t.previousRows, rows: t.rows, minimum_rows: floor }] : [],
        ms: 0,
      });
    }
  }
  return out;
}
