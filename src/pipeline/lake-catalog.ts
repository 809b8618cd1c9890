// The local catalog: a DuckDB file whose schemas (one per zone) hold views over the published
// run-scoped Parquet, plus the run history. Publishing switches every view in one transaction.
import { existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ZONES, type Zone } from '../catalog/registry';
import { quoteIdent, quoteLiteral } from '../engine/engine';
import { normaliseValue } from '../engine/duckdb-engine';
import type { LakeLayout } from './lake-layout';

export interface TableVersion {
  readonly table: string;
  readonly zone: Zone;
  /** Folder of the table's Parquet files for one run. */
  readonly location: string;
  readonly rows: number;
}

export interface PublishedTable extends TableVersion {
  readonly runId: string;
  readonly publishedAt: string;
}

export interface RunRecord {
  readonly runId: string;
  readonly status: string;
  readonly finishedAt: string;
  readonly manifest: string;
}

/** Schema of the staged (audited, not yet published) tables of the latest run. */
export const STAGING_SCHEMA = 'staging';
/** Schema of the lake's own bookkeeping. */
export const META_SCHEMA = 'stedi';

export class RollbackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RollbackError';
  }
}

export class LakeNotFoundError extends Error {
  constructor(path: string) {
    super(`no lake catalog at ${path}: run \`stedi run --lake <dir>\` first, or pass the right --lake`);
    this.name = 'LakeNotFoundError';
  }
}

async function withCatalog<T>(file: string, readOnly: boolean, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  if (readOnly && !existsSync(file)) throw new LakeNotFoundError(file);
  const instance = await DuckDBInstance.create(file, readOnly ? { access_mode: 'READ_ONLY' } : {});
  const connection = await instance.connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export function viewSql(schema: string, table: string, location: string): string {
  return `CREATE OR REPLACE VIEW ${quoteIdent(schema)}.${quoteIdent(table)} AS SELECT * FROM read_parquet(${quoteLiteral(location + '/*.parquet')}, hive_partitioning = false)`;
}

async function ensureSchemas(c: DuckDBConnection): Promise<void> {
  for (const s of [...ZONES, STAGING_SCHEMA, META_SCHEMA]) await c.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(s)}`);
  await c.run(`CREATE TABLE IF NOT EXISTS ${META_SCHEMA}.published_tables (
    table_name VARCHAR NOT NULL, zone VARCHAR NOT NULL, run_id VARCHAR NOT NULL,
    location VARCHAR NOT NULL, rows BIGINT NOT NULL, published_at VARCHAR NOT NULL)`);
  await c.run(`CREATE TABLE IF NOT EXISTS ${META_SCHEMA}.runs (
    run_id VARCHAR NOT NULL, status VARCHAR NOT NULL, finished_at VARCHAR NOT NULL, manifest VARCHAR NOT NULL)`);
}

async function inTransaction(c: DuckDBConnection, fn: () => Promise<void>): Promise<void> {
  await c.run('BEGIN TRANSACTION');
  try {
    await fn();
    await c.run('COMMIT');
  } catch (e) {
    await c.run('ROLLBACK');
    throw e;
  }
}

/** Points each table's view and pointer row at one run's version (inside the caller's transaction). */
async function switchTables(c: DuckDBConnection, runId: string, tables: readonly TableVersion[], at: Date): Promise<void> {
  for (const t of tables) {
    await c.run(viewSql(t.zone, t.table, t.location));
    await c.run(`DELETE FROM ${META_SCHEMA}.published_tables WHERE table_name = $1`, [t.table]);
    await c.run(`INSERT INTO ${META_SCHEMA}.published_tables VALUES ($1, $2, $3, $4, $5, $6)`, [
      t.table,
      t.zone,
      runId,
      t.location,
      t.rows,
      at.toISOString(),
    ]);
  }
}

export class LakeCatalog {
  constructor(private readonly layout: LakeLayout) {}

  /** Points every table's view at the run's data and records the run, all in one transaction. */
  async publish(
    runId: string,
    tables: readonly TableVersion[],
    manifest: string,
    at: Date = new Date(),
    /** Called inside the transaction once half the tables were switched (crash tests). */
    midway?: () => Promise<void>,
  ): Promise<void> {
    await withCatalog(this.layout.catalogFile, false, async (c) => {
      await ensureSchemas(c);
      await inTransaction(c, async () => {
        const half = Math.ceil(tables.length / 2);
        await switchTables(c, runId, tables.slice(0, half), at);
        await midway?.();
        await switchTables(c, runId, tables.slice(half), at);
        await c.run(`INSERT INTO ${META_SCHEMA}.runs VALUES ($1, 'published', $2, $3)`, [runId, at.toISOString(), manifest]);
      });
    });
  }

  /**
   * Switches every table back to the versions an earlier published run wrote, in one
   * transaction. The run's data must still be on disk.
   */
  async rollback(toRunId: string, at: Date = new Date()): Promise<TableVersion[]> {
    const run = (await this.runs()).find((r) => r.runId === toRunId);
    if (!run) throw new RollbackError(`no run ${toRunId} in ${this.layout.catalogFile}; see \`stedi runs\``);
    if (run.status !== 'published') throw new RollbackError(`run ${toRunId} was ${run.status}, not published: only published runs can be restored`);
    const manifest = JSON.parse(run.manifest) as { tables: Record<string, { zone: Zone; rows: number; location: string }> };
    const versions = Object.entries(manifest.tables).map(([table, t]) => ({ table, zone: t.zone, rows: t.rows, location: t.location }));
    const gone = versions.filter((v) => !existsSync(v.location));
    if (gone.length) {
      throw new RollbackError(`run ${toRunId} cannot be restored: its data is gone (${gone.map((g) => g.location).join(', ')})`);
    }
    await withCatalog(this.layout.catalogFile, false, async (c) => {
      await inTransaction(c, async () => {
        await switchTables(c, toRunId, versions, at);
        await c.run(`INSERT INTO ${META_SCHEMA}.runs VALUES ($1, 'rollback', $2, $3)`, [
          `${at.toISOString()}-rollback`,
          at.toISOString(),
          JSON.stringify({ rollbackTo: toRunId }),
        ]);
      });
    });
    return versions;
  }

  /** Exposes a run's staged tables as views in the staging schema, for inspection and `stedi gate`. */
  async stage(tables: readonly TableVersion[]): Promise<void> {
    await withCatalog(this.layout.catalogFile, false, async (c) => {
      await ensureSchemas(c);
      await inTransaction(c, async () => {
        for (const t of tables) await c.run(viewSql(STAGING_SCHEMA, t.table, t.location));
      });
    });
  }

  /** Records a run that ended without publishing (blocked or failed). */
  async recordRun(runId: string, status: string, manifest: string, at: Date = new Date()): Promise<void> {
    await withCatalog(this.layout.catalogFile, false, async (c) => {
      await ensureSchemas(c);
      await c.run(`INSERT INTO ${META_SCHEMA}.runs VALUES ($1, $2, $3, $4)`, [runId, status, at.toISOString(), manifest]);
    });
  }

  /** The tables as published now; empty when nothing was published yet. */
  async published(): Promise<PublishedTable[]> {
    if (!existsSync(this.layout.catalogFile)) return [];
    return withCatalog(this.layout.catalogFile, true, async (c) => {
      const exists = await c.runAndReadAll(
        `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'published_tables'`,
        [META_SCHEMA],
      );
      if (Number(exists.getRowObjectsJS()[0].n) === 0) return [];
      const r = await c.runAndReadAll(
        `SELECT table_name, zone, run_id, location, rows, published_at FROM ${META_SCHEMA}.published_tables ORDER BY zone, table_name`,
      );
      return r.getRowObjectsJS().map((row) => ({
        table: String(row.table_name),
        zone: row.zone as Zone,
        runId: String(row.run_id),
        location: String(row.location),
        rows: Number(normaliseValue(row.rows)),
        publishedAt: String(row.published_at),
      }));
    });
  }

  async runs(): Promise<RunRecord[]> {
    if (!existsSync(this.layout.catalogFile)) return [];
    return withCatalog(this.layout.catalogFile, true, async (c) => {
      const r = await c.runAndReadAll(`SELECT run_id, status, finished_at, manifest FROM ${META_SCHEMA}.runs ORDER BY run_id`);
      return r.getRowObjectsJS().map((row) => ({
        runId: String(row.run_id),
        status: String(row.status),
        finishedAt: String(row.finished_at),
        manifest: String(row.manifest),
      }));
    });
  }
}
