// The counts the built-in checks judge (quarantine share, accounting, volume), gathered from the
// tables being audited on any engine: the same code for the gate Lambda on Athena and for
// `stedi gate` on a local lake, so both judge what the local runner judges.
import { referencedTables } from '../catalog/registry';
import { bindTables, type QueryEngine, type TableResolver } from '../engine/engine';
import type { RunFacts } from './evaluator';

/** What the facts need of a landing dataset. */
export interface FactsDataset {
  readonly dataset: string;
  readonly landingTable: string;
  /** Classifies every valid record (quality-rules/accounting/<dataset>.sql). */
  readonly accountingSql: string;
  /** The one trusted table built from the dataset, when there is exactly one. */
  readonly trustedTable?: string;
}

/** A dataset's validation counts, from where the run recorded them (its manifest, the validator Map's results). */
export interface ValidationCounts {
  readonly read?: number;
  readonly quarantined?: number;
  readonly reasons?: Readonly<Record<string, number>>;
  /** Valid records as validation counted them. @default the landing table's rows (it holds exactly the valid records) */
  readonly valid?: number;
  /** Why read and quarantined are not known: the quarantine check is skipped with this reason. */
  readonly unknown?: string;
  /** Bytes of the records read and of those quarantined, for the byte share (absent: not checked). */
  readonly recordBytes?: number;
  readonly quarantinedBytes?: number;
}

const countRows = async (engine: QueryEngine, ref: string) => Number((await engine.query(`SELECT COUNT(*) AS n FROM ${ref}`)).rows[0].n);

/** Accounting outcomes and row counts of the trusted audit, for the datasets whose tables are there. */
export async function trustedFacts(
  engine: QueryEngine,
  datasets: readonly FactsDataset[],
  validation: (dataset: string) => ValidationCounts,
  resolve: TableResolver,
  /** Whether a table can be read (the accounting of a dataset whose tables are missing is not computed). @default every table */
  available: (table: string) => boolean = () => true,
): Promise<RunFacts> {
  const out: Record<string, RunFacts['datasets'][string]> = {};
  for (const d of datasets) {
    const v = validation(d.dataset);
    const counts = {
      ...(v.read !== undefined && v.quarantined !== undefined ? { read: v.read, quarantined: v.quarantined, quarantineReasons: v.reasons ?? {} } : {}),
      ...(v.recordBytes !== undefined && v.quarantinedBytes !== undefined ? { recordBytes: v.recordBytes, quarantinedBytes: v.quarantinedBytes } : {}),
      ...(v.unknown !== undefined ? { validationUnknown: v.unknown } : {}),
    };
    const sql = d.accountingSql;
    if (!referencedTables(sql).every(available) || !available(d.landingTable)) {
      out[d.dataset] = counts;
      continue;
    }
    const r = await engine.query(bindTables(sql, resolve));
    const outcomes: Record<string, number> = {};
    for (const row of r.rows) {
      const n = Number(row.records);
      if (n > 0) outcomes[String(row.outcome)] = (outcomes[String(row.outcome)] ?? 0) + n;
    }
    const ref = (t: string) => resolve(t) ?? t;
    out[d.dataset] = {
      ...counts,
      valid: v.valid ?? (await countRows(engine, ref(d.landingTable))),
      outcomes,
      ...(d.trustedTable && available(d.trustedTable) ? { trustedTable: d.trustedTable, trustedRows: await countRows(engine, ref(d.trustedTable)) } : {}),
    };
  }
  return { datasets: out, tables: {} };
}

/** Row counts of curated tables with the rows of the run published before, for the volume check. */
export async function curatedFacts(
  engine: QueryEngine,
  tables: readonly string[],
  resolve: TableResolver,
  /** Rows of the table in the last published run; undefined when there is none to compare with. */
  previousRows: (table: string) => Promise<number | undefined>,
): Promise<RunFacts> {
  const out: Record<string, RunFacts['tables'][string]> = {};
  for (const name of tables) {
    const rows = await countRows(engine, resolve(name) ?? name);
    const previous = await previousRows(name);
    out[name] = { zone: 'curated', rows, ...(previous !== undefined ? { previousRows: previous } : {}) };
  }
  return { datasets: {}, tables: out };
}
