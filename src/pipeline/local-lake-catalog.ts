// The local catalog: a DuckDB file whose schemas (one per zone) hold views over the published
// run-scoped Parquet, plus the run history. Publishing switches every view in one transaction.
// Views and pointers hold paths relative to the lake, so a copied or moved lake reads its own files.
import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ZONES, type Zone } from '../catalog/registry';
import { runIdsNamedIn } from '../catalog/run-layout';
import { quoteIdent, quoteLiteral } from '../engine/engine';
import { DuckDbEngine, normaliseValue } from '../engine/duckdb-engine';
import { assertReadsExactly, literalPattern } from '../engine/duckdb-file-names';
import { openWhenFree, type WaitOptions } from './catalog-busy';
import { relativeTableRunDir, TABLE_FILE, type LakeLayout } from './lake-layout';
import { BusyError, OperatorError } from '../errors/operator-error';
import { DUCKDB_WRITE_FAULT } from '../errors/write-fault';

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

export class RollbackError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'RollbackError';
  }
}

export class LakeNotFoundError extends OperatorError {
  constructor(path: string) {
    super(`no lake catalog at ${path}: run \`stedi run --lake <dir>\` first, or pass the right --lake`);
    this.name = 'LakeNotFoundError';
  }
}

/**
 * The variable the catalog's views read the lake folder from. stedi sets it on every connection
 * it opens on a catalog; without it (the DuckDB CLI) a view reads relative to the working
 * directory, so `cd <lake> && duckdb -readonly catalog.duckdb` works as it is, and from elsewhere
 * `SET VARIABLE stedi_lake = '<lake>'` (or DuckDB's own `SET file_search_path = '<lake>'`) does.
 */
export const LAKE_ROOT_VARIABLE = 'stedi_lake';

/** The statement that points a connection's views at the lake in `root`, read literally. */
export function lakeRootSetting(root: string): string {
  return `SET VARIABLE ${LAKE_ROOT_VARIABLE} = ${quoteLiteral(literalPattern(root))}`;
}

/** The SQL expression of a lake file's path, `stored` being relative to the lake root. */
function lakeFileSql(stored: string): string {
  return `coalesce(getvariable(${quoteLiteral(LAKE_ROOT_VARIABLE)}), '.') || ${quoteLiteral('/' + literalPattern(stored))}`;
}

/** A view over the table file of one run-scoped folder (`location` relative to the lake root). */
export function viewSql(schema: string, table: string, location: string): string {
  const file = posix.join(location, TABLE_FILE);
  return `CREATE OR REPLACE VIEW ${quoteIdent(schema)}.${quoteIdent(table)} AS SELECT * FROM read_parquet(${lakeFileSql(file)}, hive_partitioning = false)`;
}

/** A catalog file DuckDB cannot open (garbage bytes, cut short, another program's file): the operator's to restore. */
export class CatalogDamagedError extends OperatorError {
  constructor(file: string, cause: string) {
    super(
      `the lake catalog ${file} cannot be read (${cause}): it is damaged or not a DuckDB database. Nothing was changed. ` +
        'Put back a good copy (from a backup, or from where the lake was copied), or pass another --lake',
    );
    this.name = 'CatalogDamagedError';
  }
}

/** DuckDB's words for a database file it cannot read: damaged, cut short, or written by a newer DuckDB. */
const UNREADABLE_FILE = /^(IO|Serialization|Corruption) Error|not a valid DuckDB database/;

/**
 * A block of the database file that fails its checksum, read when first needed (the message names
 * no file): on a catalog connection the only database file is the catalog.
 */
const CORRUPT_BLOCK = /Corrupt database file/;

/** `e` as CatalogDamagedError when it is DuckDB failing to read the catalog file (`anyFile`: whatever file it names), else `e`. */
export function asDamaged(e: unknown, file: string, anyFile: boolean): unknown {
  // Not `instanceof Error`: errors made by the native binding may come from another realm (jest).
  const message = typeof (e as Error | undefined)?.message === 'string' ? (e as Error).message : String(e);
  // A full disk is not a damaged catalog: that error goes on as it is (the CLI names the write fault).
  if (e instanceof OperatorError || e instanceof BusyError || !UNREADABLE_FILE.test(message) || DUCKDB_WRITE_FAULT.test(message)) return e;
  return anyFile || message.includes(file) || CORRUPT_BLOCK.test(message) ? new CatalogDamagedError(file, message.split('\n')[0]) : e;
}

/** Opens the catalog file with `open`, waiting while another process holds it; a file DuckDB cannot read is CatalogDamagedError. */
async function openCatalogFile<T>(file: string, doing: string, open: () => Promise<T>, wait: WaitOptions): Promise<T> {
  try {
    return await openWhenFree(file, doing, open, wait);
  } catch (e) {
    throw asDamaged(e, file, true);
  }
}

/** Opens the catalog file, waiting while another process holds it. */
async function withCatalog<T>(layout: LakeLayout, readOnly: boolean, doing: string, wait: WaitOptions, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const file = layout.catalogFile;
  if (readOnly && !existsSync(file)) throw new LakeNotFoundError(file);
  const instance = await openCatalogFile(file, doing, () => DuckDBInstance.create(file, readOnly ? { access_mode: 'READ_ONLY' } : {}), wait);
  try {
    const connection = await instance.connect();
    try {
      await connection.run(lakeRootSetting(layout.root));
      return await fn(connection);
    } finally {
      connection.closeSync();
    }
  } catch (e) {
    // DuckDB reads a catalog's blocks when first needed: damage may show only now.
    throw asDamaged(e, file, false);
  } finally {
    instance.closeSync();
  }
}

/**
 * An engine on the lake's catalog (read-only unless asked), its views pointed at this lake: what
 * `stedi query` and `stedi gate` read through. Waits while another process holds the catalog.
 */
export async function openLakeEngine(layout: LakeLayout, options: WaitOptions & { readonly doing?: string } = {}): Promise<DuckDbEngine> {
  if (!existsSync(layout.catalogFile)) throw new LakeNotFoundError(layout.catalogFile);
  return openCatalogFile(
    layout.catalogFile,
    options.doing ?? 'read it',
    () => DuckDbEngine.open({ path: layout.catalogFile, readOnly: true, connectionSetup: [lakeRootSetting(layout.root)] }),
    options,
  );
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

/**
 * Creates a view over one run's version of a table and proves that DuckDB reads exactly that
 * table's file through it (inside the caller's transaction: a failed check switches nothing).
 */
async function pointView(c: DuckDBConnection, layout: LakeLayout, schema: string, t: TableVersion, runId: string): Promise<string> {
  const stored = relativeTableRunDir(t.zone, t.table, runId);
  if (layout.resolve(stored) !== t.location) throw new Error(`${t.table}: location ${t.location} is not the run folder ${layout.resolve(stored)} of run ${runId}`);
  await c.run(viewSql(schema, t.table, stored));
  const reader = {
    query: async (sql: string) => ({ rows: (await c.runAndReadAll(sql)).getRowObjectsJS() }),
  };
  await assertReadsExactly(reader, lakeFileSql(posix.join(stored, TABLE_FILE)), [join(t.location, TABLE_FILE)], `view ${schema}.${t.table}`);
  return stored;
}

/** Points each table's view and pointer row at one run's version (inside the caller's transaction). */
async function switchTables(c: DuckDBConnection, layout: LakeLayout, runId: string, tables: readonly TableVersion[], at: Date): Promise<void> {
  for (const t of tables) {
    const stored = await pointView(c, layout, t.zone, t, runId);
    await c.run(`DELETE FROM ${META_SCHEMA}.published_tables WHERE table_name = $1`, [t.table]);
    await c.run(`INSERT INTO ${META_SCHEMA}.published_tables VALUES ($1, $2, $3, $4, $5, $6)`, [
      t.table,
      t.zone,
      runId,
      stored,
      t.rows,
      at.toISOString(),
    ]);
  }
}

/** What recovery must never delete: the runs the catalog points at or records. */
export interface CatalogReferences {
  /** Run ids that a view (published, staged or any other), a published pointer or the run history names. */
  readonly runIds: ReadonlySet<string>;
  /** The run history: each run's status and the manifest recorded with it. */
  readonly runs: readonly RunRecord[];
  /** Whether the catalog file exists and holds stedi's run history (false: it knows of no run, not even that there were none). */
  readonly hasHistory: boolean;
}

export interface LocalLakeCatalogOptions extends WaitOptions {}

export class LocalLakeCatalog {
  constructor(
    private readonly layout: LakeLayout,
    /** How long to wait for a catalog another process holds. @default catalogWaitMs(), told to no one */
    private readonly wait: LocalLakeCatalogOptions = {},
  ) {}

  private with<T>(readOnly: boolean, doing: string, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    return withCatalog(this.layout, readOnly, doing, this.wait, fn);
  }

  /** Points every table's view at the run's data and records the run, all in one transaction. */
  async publish(
    runId: string,
    tables: readonly TableVersion[],
    manifest: string,
    at: Date = new Date(),
    /** Called inside the transaction once half the tables were switched (crash tests). */
    midway?: () => Promise<void>,
  ): Promise<void> {
    await this.with(false, `publish run ${runId}`, async (c) => {
      await ensureSchemas(c);
      await inTransaction(c, async () => {
        const half = Math.ceil(tables.length / 2);
        await switchTables(c, this.layout, runId, tables.slice(0, half), at);
        await midway?.();
        await switchTables(c, this.layout, runId, tables.slice(half), at);
        await c.run(`INSERT INTO ${META_SCHEMA}.runs VALUES ($1, 'published', $2, $3)`, [runId, at.toISOString(), manifest]);
      });
    });
  }

  /**
   * Switches every table back to the versions an earlier published run wrote, in one
   * transaction. The run's data must still be on disk, in this lake (wherever it was when the run wrote it).
   */
  async rollback(toRunId: string, at: Date = new Date()): Promise<TableVersion[]> {
    const run = (await this.runs()).find((r) => r.runId === toRunId);
    if (!run) throw new RollbackError(`no run ${toRunId} in ${this.layout.catalogFile}; see \`stedi runs\``);
    if (run.status !== 'published') throw new RollbackError(`run ${toRunId} was ${run.status}, not published: only published runs can be restored`);
    const manifest = JSON.parse(run.manifest) as { tables: Record<string, { zone: Zone; rows: number }> };
    const versions = Object.entries(manifest.tables).map(([table, t]) => ({
      table,
      zone: t.zone,
      rows: t.rows,
      location: this.layout.tableRunDir(t.zone, table, toRunId),
    }));
    const gone = versions.filter((v) => !existsSync(join(v.location, TABLE_FILE)));
    if (gone.length) {
      throw new RollbackError(`run ${toRunId} cannot be restored: its data is gone (${gone.map((g) => g.location).join(', ')})`);
    }
    await this.with(false, `roll back to run ${toRunId}`, async (c) => {
      await inTransaction(c, async () => {
        await switchTables(c, this.layout, toRunId, versions, at);
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
  async stage(runId: string, tables: readonly TableVersion[]): Promise<void> {
    await this.with(false, `stage run ${runId}`, async (c) => {
      await ensureSchemas(c);
      await inTransaction(c, async () => {
        for (const t of tables) await pointView(c, this.layout, STAGING_SCHEMA, t, runId);
      });
    });
  }

  /** Records a run that ended without publishing (blocked or failed). */
  async recordRun(runId: string, status: string, manifest: string, at: Date = new Date()): Promise<void> {
    await this.with(false, `record run ${runId}`, async (c) => {
      await ensureSchemas(c);
      await c.run(`INSERT INTO ${META_SCHEMA}.runs VALUES ($1, $2, $3, $4)`, [runId, status, at.toISOString(), manifest]);
    });
  }

  /** The tables as published now (locations on disk, in this lake); empty when nothing was published yet. */
  async published(): Promise<PublishedTable[]> {
    if (!existsSync(this.layout.catalogFile)) return [];
    return this.with(true, 'read the published tables', async (c) => {
      if (!(await hasTable(c, 'published_tables'))) return [];
      const r = await c.runAndReadAll(
        `SELECT table_name, zone, run_id, location, rows, published_at FROM ${META_SCHEMA}.published_tables ORDER BY zone, table_name`,
      );
      return r.getRowObjectsJS().map((row) => ({
        table: String(row.table_name),
        zone: row.zone as Zone,
        runId: String(row.run_id),
        location: this.layout.resolve(String(row.location)),
        rows: Number(normaliseValue(row.rows)),
        publishedAt: String(row.published_at),
      }));
    });
  }

  /**
   * Every run the catalog points at or remembers: the runs of the published pointers, the runs any
   * view reads (published, staged, or made by hand), and every run in the history (published runs
   * are the rollback targets; blocked ones are kept for inspection). Empty without a catalog file.
   */
  async references(): Promise<CatalogReferences> {
    const runIds = new Set<string>();
    const runs: RunRecord[] = [];
    if (!existsSync(this.layout.catalogFile)) return { runIds, runs, hasHistory: false };
    const hasHistory = await this.with(true, 'read which runs it points at', async (c) => {
      const views = await c.runAndReadAll(`SELECT sql FROM duckdb_views() WHERE database_name = current_database() AND NOT internal`);
      for (const row of views.getRowObjectsJS()) {
        for (const id of runIdsNamedIn(String(row.sql))) runIds.add(id);
      }
      if (await hasTable(c, 'published_tables')) {
        for (const row of (await c.runAndReadAll(`SELECT DISTINCT run_id FROM ${META_SCHEMA}.published_tables`)).getRowObjectsJS()) runIds.add(String(row.run_id));
      }
      runs.push(...(await readRuns(c)));
      for (const r of runs) runIds.add(r.runId);
      return (await hasTable(c, 'runs')) && (await hasTable(c, 'published_tables'));
    });
    return { runIds, runs, hasHistory };
  }

  /**
   * Creates the catalog file with its schemas and (empty) run history, before a run writes
   * anything: from then on, a lake holding runs without a catalog is a lake whose catalog was lost.
   */
  async create(): Promise<void> {
    await this.with(false, 'create it', ensureSchemas);
  }

  async runs(): Promise<RunRecord[]> {
    if (!existsSync(this.layout.catalogFile)) return [];
    return this.with(true, 'read the run history', readRuns);
  }
}

async function readRuns(c: DuckDBConnection): Promise<RunRecord[]> {
  if (!(await hasTable(c, 'runs'))) return [];
  const r = await c.runAndReadAll(`SELECT run_id, status, finished_at, manifest FROM ${META_SCHEMA}.runs ORDER BY run_id`);
  return r.getRowObjectsJS().map((row) => ({
    runId: String(row.run_id),
    status: String(row.status),
    finishedAt: String(row.finished_at),
    manifest: String(row.manifest),
  }));
}

async function hasTable(c: DuckDBConnection, table: string): Promise<boolean> {
  const r = await c.runAndReadAll(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2`, [META_SCHEMA, table]);
  return Number(r.getRowObjectsJS()[0].n) > 0;
}
