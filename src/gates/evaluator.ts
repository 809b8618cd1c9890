// Evaluates the quality rules of one audit on any QueryEngine. Predicate rules over the same table
// share one scan; set rules run as one query each; the built-in checks (quarantine share, volume)
// read the run's counts. A rule that cannot be evaluated blocks the run (fail closed).
import { referencedTables, type BuiltZone } from '../catalog/registry';
import { bindTables, quoteIdent, type QueryEngine, type SqlValue, type TableResolver } from '../engine/engine';
import type { GateConfig } from './gate-config';
import type { Rule, Severity, Tolerance } from './rule-file';

export type RuleKind = 'predicate' | 'set' | 'quarantine' | 'accounting' | 'volume';
export type RuleStatus = 'pass' | 'fail' | 'error';

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
  /** Up to N failing rows, for the report. */
  readonly columns: readonly string[];
  readonly sample: readonly Record<string, SqlValue>[];
  readonly error?: string;
}

export interface GateResult {
  readonly zone: BuiltZone;
  readonly passed: boolean;
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
        readonly read: number;
        readonly quarantined: number;
        readonly quarantineReasons: Readonly<Record<string, number>>;
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

function judge(
  rule: Pick<RuleResult, 'name' | 'kind' | 'description' | 'severity' | 'zone' | 'tables' | 'file' | 'tolerance'>,
  failing: number,
  checked: number | undefined,
  columns: readonly string[],
  sample: readonly Record<string, SqlValue>[],
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
  };
}

function broken(rule: Rule, kind: RuleKind, error: unknown): RuleResult {
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
    error: `${rule.file}:${rule.sqlLine}: ${(error as Error).message}`,
  };
}

const ruleInfo = (r: Rule, kind: RuleKind) => ({
  name: r.name,
  kind,
  description: r.description,
  severity: r.severity,
  zone: r.zone,
  tables: r.tables,
  file: r.file,
  tolerance: r.tolerance,
});

/** Rewrites `alias.` and `table.` qualifiers of a predicate to the batch query's alias. */
function requalify(where: string, names: readonly string[]): string {
  let out = where;
  for (const n of names) out = out.replace(new RegExp(`\\b${n}\\.(?=["\\w])`, 'g'), `${T}.`);
  return out;
}

const num = (v: SqlValue | undefined) => (v === null || v === undefined ? 0 : Number(v));

export async function evaluateGate(input: GateInput): Promise<GateResult> {
  const { engine, zone, config } = input;
  const resolve: TableResolver = input.resolve ?? ((t) => t);
  const sampleRows = config.report.failingRowsShown;
  const scans: Record<string, number> = {};
  let queries = 0;
  const send = async (sql: string) => {
    queries++;
    for (const t of referencedTables(sql)) scans[t] = (scans[t] ?? 0) + 1;
    return engine.query(bindTables(sql, resolve));
  };
  const rules = input.rules.filter((r) => r.zone === zone);
  const results = new Map<string, RuleResult>();

  // Predicate rules: one scan per table counts every rule's failing rows at once.
  const byTable = new Map<string, Rule[]>();
  for (const r of rules) if (r.predicate) byTable.set(r.predicate.table, [...(byTable.get(r.predicate.table) ?? []), r]);
  const tasks: (() => Promise<void>)[] = [];
  for (const [table, group] of byTable) tasks.push(async () => {
    const sums = group.map(
      (r, i) => `SUM(CASE WHEN (${requalify(r.predicate!.where, [r.predicate!.alias ?? table, table])}) THEN 1 ELSE 0 END) AS ${quoteIdent(`r${i}`)}`,
    );
    const sql = `SELECT COUNT(*) AS ${quoteIdent(ROWS)}, ${sums.join(', ')} FROM ${table} ${T}`;
    let row: Record<string, SqlValue>;
    try {
      row = (await send(sql)).rows[0];
    } catch {
      // One bad predicate must not hide the others: evaluate the group rule by rule.
      for (const r of group) results.set(r.name, await evaluateSetRule(r, send, sampleRows, 'predicate'));
      return;
    }
    const checked = num(row[ROWS]);
    for (const [i, r] of group.entries()) {
      const failing = num(row[`r${i}`]);
      let columns: readonly string[] = [];
      let sample: readonly Record<string, SqlValue>[] = [];
      if (failing > 0 && sampleRows > 0) {
        try {
          const s = await send(`SELECT * FROM (${r.sql}) ${quoteIdent('__r')} LIMIT ${sampleRows}`);
          columns = s.columns;
          sample = s.rows;
        } catch (e) {
          results.set(r.name, broken(r, 'predicate', e));
          continue;
        }
      }
      results.set(r.name, judge(ruleInfo(r, 'predicate'), failing, checked, columns, sample));
    }
  });

  // Set rules: one query each returns the failing count and the first rows.
  for (const r of rules) if (!r.predicate) tasks.push(async () => void results.set(r.name, await evaluateSetRule(r, send, sampleRows, 'set')));
  await inParallel(tasks, input.parallel ?? 1);

  const ordered = rules.map((r) => results.get(r.name)!);
  if (input.facts) ordered.push(...builtins(zone, config, input.facts));
  return { zone, passed: !ordered.some((r) => r.blocking), rules: ordered, queries, scans };
}

async function evaluateSetRule(
  r: Rule,
  send: (sql: string) => Promise<{ columns: readonly string[]; rows: readonly Record<string, SqlValue>[] }>,
  sampleRows: number,
  kind: RuleKind,
): Promise<RuleResult> {
  try {
    const res = await send(
      `SELECT ${quoteIdent('__r')}.*, COUNT(*) OVER () AS ${quoteIdent(FAILING)} FROM (${r.sql}) ${quoteIdent('__r')} LIMIT ${Math.max(sampleRows, 1)}`,
    );
    const failing = res.rows.length ? num(res.rows[0][FAILING]) : 0;
    const columns = res.columns.filter((c) => c !== FAILING);
    const sample = res.rows.slice(0, sampleRows).map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])));
    return judge(ruleInfo(r, kind), failing, undefined, columns, sample);
  } catch (e) {
    return broken(r, kind, e);
  }
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
    name: `accounting_${dataset}`,
    kind: 'accounting',
    description: `every valid ${dataset} record has one outcome (quality-rules/accounting/${dataset}.sql), and ${d.trustedTable ?? 'its trusted table'} holds exactly the records counted trusted`,
    severity: 'error',
    zone,
    tables: [`${dataset}_landing`, ...(d.trustedTable ? [d.trustedTable] : [])],
    file: `quality-rules/accounting/${dataset}.sql`,
    tolerance: { rows: 0 },
    status: failing ? 'fail' : 'pass',
    blocking: failing > 0,
    failing,
    allowed: 0,
    checked: d.valid,
    columns: failing ? ['valid', 'accounted', 'counted_trusted', 'trusted_rows'] : [],
    sample: failing ? [{ valid: d.valid, accounted, counted_trusted: trusted, trusted_rows: d.trustedRows ?? null }] : [],
  };
}

/** Built-in checks: quarantine share and accounting per dataset (trusted audit), volume per curated table (curated audit). */
function builtins(zone: BuiltZone, config: GateConfig, facts: RunFacts): RuleResult[] {
  const out: RuleResult[] = [];
  if (zone === 'trusted') {
    for (const [dataset, d] of Object.entries(facts.datasets)) {
      const share = config.quarantine.datasets[dataset] ?? config.quarantine.default;
      const sample = Object.entries(d.quarantineReasons)
        .slice(0, config.report.failingRowsShown)
        .map(([reason, records]) => ({ reason, records }));
      out.push(
        judge(
          {
            name: `quarantine_share_${dataset}`,
            kind: 'quarantine',
            description: `at most ${(share * 100).toFixed(2)}% of ${dataset} landing records may break the record contract (quality-rules/schemas/${dataset}.schema.json)`,
            severity: 'error',
            zone,
            tables: [`${dataset}_landing`],
            file: 'quality-rules/gate-config.json',
            tolerance: { share },
          },
          d.quarantined,
          d.read,
          d.quarantined > 0 ? ['reason', 'records'] : [],
          d.quarantined > 0 ? sample : [],
        ),
      );
      if (d.recordBytes !== undefined && d.quarantinedBytes !== undefined) {
        // One enormous bad line (a whole file without line ends, a line over the size limit) is
        // one record: the byte share keeps it from hiding below the record share.
        out.push(
          judge(
            {
              name: `quarantine_bytes_${dataset}`,
              kind: 'quarantine',
              description: `at most ${(share * 100).toFixed(2)}% of the bytes of ${dataset} landing records may break the record contract (quality-rules/schemas/${dataset}.schema.json)`,
              severity: 'error',
              zone,
              tables: [`${dataset}_landing`],
              file: 'quality-rules/gate-config.json',
              tolerance: { share },
            },
            d.quarantinedBytes,
            d.recordBytes,
            d.quarantinedBytes > 0 ? ['quarantined_bytes', 'record_bytes', 'quarantined_records'] : [],
            d.quarantinedBytes > 0 ? [{ quarantined_bytes: d.quarantinedBytes, record_bytes: d.recordBytes, quarantined_records: d.quarantined }] : [],
          ),
        );
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
        name: `volume_${table}`,
        kind: 'volume',
        description: `${table} may not shrink by more than ${(config.volume.maxShrink * 100).toFixed(0)}% against the last published run`,
        severity: 'error',
        zone,
        tables: [table],
        file: 'quality-rules/gate-config.json',
        tolerance: { share: config.volume.maxShrink },
        status: missing > 0 ? 'fail' : 'pass',
        blocking: missing > 0,
        failing: missing,
        allowed: 0,
        checked: t.rows,
        columns: missing > 0 ? ['table', 'previous_rows', 'rows', 'minimum_rows'] : [],
        sample: missing > 0 ? [{ table, previous_rows: t.previousRows, rows: t.rows, minimum_rows: floor }] : [],
      });
    }
  }
  return out;
}
