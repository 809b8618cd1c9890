// Runs the pipeline on a landing folder into a fresh lake and puts what it reports beside the
// independent reference (reference-model.ts) in one shape, so that a test compares them with one
// toEqual: the verdict, each dataset's accounting, each table's rows, every check's finding, and
// (for small folders) the rows of every table.
import { join } from 'node:path';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { quoteLiteral } from '../../src/engine/engine';
import type { Catalog } from '../../src/catalog/registry';
import type { RunManifest } from '../../src/pipeline/manifest';
import { runPipeline } from '../../src/pipeline/runner';
import { TABLE_FILE } from '../../src/pipeline/lake-layout';
import { referenceRun, type ReferenceRun } from './reference-model';
import type { Row } from './reference/record-contract';

/** Rows in one order whatever order they come in: the reference and the engine order differently. */
export const sortedRows = (rows: readonly Row[]): string[] => rows.map((r) => JSON.stringify(r)).sort();

export interface Comparable {
  readonly status: string;
  readonly datasets: ReferenceRun['datasets'];
  readonly tables: ReferenceRun['tables'];
  readonly findings: ReferenceRun['findings'];
  /** Sorted rows of each table (only when asked for). */
  readonly rows?: Readonly<Record<string, readonly string[]>>;
}

/** The reference's side. */
export function expectedOf(ref: ReferenceRun, withRows: boolean): Comparable {
  return {
    status: ref.status,
    datasets: ref.datasets,
    tables: ref.tables,
    findings: ref.findings,
    ...(withRows ? { rows: Object.fromEntries(Object.entries(ref.rows).map(([t, r]) => [t, sortedRows(r!)])) } : {}),
  };
}

async function tableRows(m: RunManifest): Promise<Record<string, string[]>> {
  const engine = await DuckDbEngine.open();
  try {
    const out: Record<string, string[]> = {};
    for (const [name, t] of Object.entries(m.tables)) {
      const r = await engine.query(`SELECT * FROM read_parquet(${quoteLiteral(join(t.location, TABLE_FILE))}, hive_partitioning = false)`);
      out[name] = sortedRows(r.rows as Row[]);
    }
    return out;
  } finally {
    await engine.close();
  }
}

/** The pipeline's side, from its manifest (and the table files it wrote). */
export async function reportedOf(m: RunManifest, withRows: boolean): Promise<Comparable> {
  const findings: Record<string, ReferenceRun['findings'][string]> = {};
  for (const g of Object.values(m.gates)) {
    for (const r of g!.rules) {
      // A fresh lake has no published run to compare volumes with; rules that errored show as such.
      findings[r.name] = { name: r.name, status: r.status as 'pass', failing: r.failing, blocking: r.blocking };
    }
  }
  return {
    status: m.status,
    datasets: Object.fromEntries(
      Object.entries(m.datasets).map(([d, a]) => [
        d,
        { read: a.read, valid: a.valid, quarantined: a.quarantined, recordBytes: a.recordBytes!, quarantinedBytes: a.quarantinedBytes!, outcomes: a.outcomes },
      ]),
    ),
    tables: Object.fromEntries(Object.entries(m.tables).map(([t, r]) => [t, r.rows])),
    findings,
    ...(withRows ? { rows: await tableRows(m) } : {}),
  };
}

export interface Compared {
  readonly reported: Comparable;
  readonly expected: Comparable;
  readonly manifest: RunManifest;
}

export interface CompareOptions {
  /** A fresh lake folder for the run. */
  readonly lake: string;
  /** @default the catalog of this repository */
  readonly catalog?: Catalog;
  /** Compare the rows of every table too. @default false */
  readonly rows?: boolean;
}

/** Runs the pipeline and the reference on `landing`. */
export async function pipelineAndReference(landing: string, options: CompareOptions): Promise<Compared> {
  const manifest = await runPipeline({ landing, lake: options.lake, catalog: options.catalog });
  const withRows = options.rows ?? false;
  return { manifest, reported: await reportedOf(manifest, withRows), expected: expectedOf(referenceRun(landing), withRows) };
}
