// Reads a local lake the way a user would: through the catalog file, read-only.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { quoteLiteral, type SqlValue } from '../../src/engine/engine';
import { openLakeEngine, type TableVersion } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout, TABLE_FILE } from '../../src/pipeline/lake-layout';

export async function queryLake(lake: string, sql: string): Promise<Record<string, SqlValue>[]> {
  const e = await openLakeEngine(new LakeLayout(lake));
  try {
    return [...(await e.query(sql)).rows];
  } finally {
    await e.close();
  }
}

/** sha256 of every file under a folder, by relative path: proves bytes did not change. */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length + 1)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** Writes each table of a run as one Parquet file of `rows` rows (column n = 1..rows) and returns its versions. */
export async function writeRun(layout: LakeLayout, runId: string, tables: Record<string, [TableVersion['zone'], number]>): Promise<TableVersion[]> {
  const engine = await DuckDbEngine.open();
  try {
    const out: TableVersion[] = [];
    for (const [table, [zone, rows]] of Object.entries(tables)) {
      const location = layout.tableRunDir(zone, table, runId);
      mkdirSync(location, { recursive: true });
      await engine.run(`COPY (SELECT range + 1 AS n FROM range(${rows})) TO ${quoteLiteral(join(location, TABLE_FILE))} (FORMAT parquet)`);
      out.push({ table, zone, location, rows });
    }
    return out;
  } finally {
    await engine.close();
  }
}
