// Runs the pipeline on embedded DuckDB: validate, build trusted, audit, build curated (staged),
// audit, publish. Every table is written under a new run-scoped folder; publishing switches the
// catalog's views in one transaction, and only when every audit passed.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { BUILT_ZONES, loadCatalog, type BuiltZone, type Catalog, type TableDef } from '../catalog/registry';
import { DUCKDB_TYPE } from '../catalog/column-types';
import { runFolder } from '../catalog/run-layout';
import { DuckDbEngine } from '../engine/duckdb-engine';
import { quoteIdent, quoteLiteral } from '../engine/engine';
import { LocalLakeCatalog, type CatalogReferences, type TableVersion } from './local-lake-catalog';
import { LakeLayout, newRunId, RUN_ID_PATTERN, TABLE_FILE } from './lake-layout';
import { assertReadsExactly, fileListSql, readableByName } from '../engine/duckdb-file-names';
import { writeFileAtomic } from './atomic-file';
import type { DatasetAccounting, RunManifest, TableResult } from './manifest';
import { RunLock } from './run-lock';
import { faultPoint } from './fault-point';
import { readingUnchanged } from './landing-identity';
import { defaultWorkerCount, ValidationPool } from './validation-pool';
import { writeReports } from '../report/write-reports';
import { validateDataset, type DatasetValidation } from './validate';
import { linkedDatasetFolder, listDatasetFiles, listIgnoredLanding, type DatasetFiles } from './landing-files';
import { isGzip } from './line-reader';
import { gateAuditor, loadGateSetup, recordSkippedGates, withSamplePrivacy, type GateSetup } from '../gates/auditor';
import { duckDbParseTree } from '../engine/duckdb-parse-tree';
import { maskSamples } from '../gates/sample-privacy';
import { writeFaultLine } from '../errors/write-fault';
import { RuleFileError } from '../gates/rule-file';
import { OperatorError } from '../errors/operator-error';
import { checkLandingAndLakeApart } from './landing-lake-overlap';
import { assertCatalogDecides } from './catalog-authority';

/** Phases in the order a run goes through them. */
export const PHASES = ['validate', 'build trusted', 'audit trusted', 'build curated', 'audit curated', 'publish'] as const;
export type Phase = (typeof PHASES)[number];

export type RunEvent =
  | { readonly kind: 'phase'; readonly phase: Phase }
  | { readonly kind: 'progress'; readonly phase: Phase; readonly done: number; readonly total: number; readonly unit: 'bytes' | 'tables' }
  | { readonly kind: 'notice'; readonly message: string };

/** What an audit sees: the engine with every table of the run so far as a view under its bare name. */
export interface AuditContext {
  readonly zone: BuiltZone;
  readonly engine: DuckDbEngine;
  readonly catalog: Catalog;
  readonly manifest: RunManifest;
  readonly lake: LakeLayout;
}

export interface AuditOutcome {
  /** False blocks the run: nothing is published. */
  readonly passed: boolean;
  /** One line per blocking reason, naming the rule. */
  readonly problems: readonly string[];
}

export type Auditor = (ctx: AuditContext) => Promise<AuditOutcome>;

export interface RunOptions {
  readonly landing: string;
  readonly lake: string;
  /** @default the catalog of this repository */
  readonly catalog?: Catalog;
  /** Audits run after each built zone. @default the quality gate of quality-rules/ */
  readonly audit?: Auditor;
  readonly onEvent?: (e: RunEvent) => void;
  /** DuckDB memory limit for the run, e.g. '2GB'. @default DuckDB's own */
  readonly memoryLimit?: string;
  /**
   * Worker threads that check landing records; 0 checks them on the main thread.
   * @default the cores beyond two (at most 4) when the landing data holds at least 32 MiB, else 0
   */
  readonly validationWorkers?: number;
  /** Keep the scratch folder (validated NDJSON) after the run. @default false */
  readonly keepWork?: boolean;
  /** Overrides how the run id is made (tests). @default newRunId() */
  readonly runId?: string;
  /** How long to wait for a lake catalog another process holds (a query, the DuckDB CLI) before giving up as busy. @default catalogWaitMs() */
  readonly catalogWaitMs?: number;
}

/** A mistake in how the run was asked for (missing folders): exit status 2. */
export class RunConfigError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'RunConfigError';
  }
}

/** A transform failed on the run's data: a defect of its SQL (exit 70), named with the engine's message, values masked. */
export class TransformError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransformError';
  }
}

/** Valid records and the rows loaded from them differ: the run cannot go on. */
export class AccountingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountingError';
  }
}

function checkLanding(landing: string, catalog: Catalog): void {
  if (!existsSync(landing) || !statSync(landing).isDirectory()) {
    throw new RunConfigError(`landing folder ${landing} does not exist or is not a folder`);
  }
  const missing = catalog.datasets.filter((d) => !existsSync(join(landing, d.dataset)));
  if (missing.length) {
    throw new RunConfigError(
      `landing folder ${landing} has no ${missing.map((d) => d.dataset + '/').join(', ')} folder; ` +
        `expected one subfolder per dataset: ${catalog.datasets.map((d) => d.dataset + '/').join(', ')}`,
    );
  }
}

const now = () => new Date();

/**
 * DuckDB's threads while records are checked: the cores left by the thread that checks them (or
 * by the workers), at least one. On two cores, three busy threads (JavaScript and DuckDB's two)
 * made validation slower than one DuckDB thread beside the check: 1.0 s against 0.8 s at 1x,
 * 7.1 s against 5.0 s at 10x.
 */
export function loadThreads(cores: number, workers: number): number {
  return Math.max(1, cores - Math.max(1, workers));
}

/** Landing bytes from which validation runs on a worker pool by default. */
export const POOL_THRESHOLD_BYTES = 32 * 1024 * 1024;

const questionMarkLake = (root: string) =>
  new RunConfigError(`lake ${root}: DuckDB cannot keep its catalog in a folder whose path holds a "?" (it would write the catalog's log elsewhere); pass another --lake folder`);

function prepareLake(layout: LakeLayout): void {
  if (existsSync(layout.root) && !statSync(layout.root).isDirectory()) {
    throw new RunConfigError(`lake ${layout.root} is a file, not a folder; pass --lake <folder>`);
  }
  if (layout.root.includes('?')) throw questionMarkLake(layout.root);
  if (!readableByName(layout.root)) {
    throw new RunConfigError(`lake ${layout.root}: DuckDB cannot read a path that holds a backslash and one of * ? [; pass another --lake folder`);
  }
  try {
    mkdirSync(layout.root, { recursive: true });
    accessSync(layout.root, constants.W_OK);
  } catch (e) {
    throw new RunConfigError(`cannot write to lake ${layout.root}: ${(e as Error).message}`);
  }
  // DuckDB (1.5) writes a database's log at its real path with `.wal` put before the first `?` (a
  // URL's query string): in such a folder the catalog could be created but never written.
  if (realpathSync(layout.root).includes('?')) throw questionMarkLake(layout.root);
}

/** Parses each rule's SQL, so a syntax error stops the run before any work. */
async function checkRuleSql(setup: GateSetup, parser: DuckDbEngine): Promise<GateSetup> {
  for (const r of setup.rules) {
    try {
      await parser.connection.extractStatements(r.sql);
    } catch (e) {
      throw new RuleFileError(r.file, r.sqlLine, `SQL does not parse: ${(e as Error).message.replace(/^Failed to extract statements: /, '').split('\n')[0]}`);
    }
  }
  return setup;
}

/** The run folders under a lake's runs/ and work/: entries named like a run id that are folders. */
function runFolders(layout: LakeLayout): string[] {
  const ids = new Set<string>();
  for (const dir of [layout.runsDir, join(layout.root, 'work')]) {
    if (!existsSync(dir)) continue;
    // A stray file (.DS_Store) or a folder of another name is no run: never touched.
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && RUN_ID_PATTERN.test(e.name)) ids.add(e.name);
  }
  return [...ids].sort();
}

/** Sub-folders of a folder (none when it does not exist). */
function subfolders(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, e.name)) : [];
}

/**
 * Removes what runs that died (killed, crashed) or failed left behind: their table data,
 * quarantine and scratch. The lake catalog decides, never a manifest: a run it points at or
 * remembers (published, staged, a rollback target, blocked) keeps everything, whatever its
 * manifest says or whether it has one. Runs the catalog does not know never got published; the
 * caller holds the run lock, so none of them is still going. Returns the runs cleaned, and how each ended.
 */
export function cleanAbandonedRuns(layout: LakeLayout, currentRunId: string, catalog: CatalogReferences): { runId: string; ended: 'died' | 'failed' }[] {
  // A catalog that is gone, emptied or older than the runs beside it cannot decide: nothing goes.
  assertCatalogDecides(layout, catalog, currentRunId);
  const cleaned: { runId: string; ended: 'died' | 'failed' }[] = [];
  for (const runId of runFolders(layout)) {
    if (runId === currentRunId || catalog.runIds.has(runId)) continue;
    const file = join(layout.runDir(runId), 'manifest.json');
    const m = readManifest(file);
    const ended = m?.status === 'failed' ? 'failed' : 'died';
    for (const zoneDir of ['landing', ...BUILT_ZONES]) {
      for (const table of subfolders(join(layout.root, 'data', zoneDir))) rmSync(join(table, runFolder(runId)), { recursive: true, force: true });
    }
    for (const ds of subfolders(join(layout.root, 'quarantine'))) rmSync(join(ds, runFolder(runId)), { recursive: true, force: true });
    rmSync(layout.workDir(runId), { recursive: true, force: true });
    if (existsSync(layout.runDir(runId)) && ended === 'died') {
      writeFileAtomic(
        file,
        JSON.stringify({ ...(m ?? { runId }), status: 'failed', error: 'abandoned: the run died before it finished; its data was removed' }, null, 2) + '\n',
      );
    }
    cleaned.push({ runId, ended });
  }
  return cleaned;
}

/**
 * Rewrites the manifest (and reports) of each run the catalog recorded as published or blocked
 * whose own manifest is missing, damaged or still says `running` (a run killed just after its
 * publish committed): the catalog's copy is the one that counts. Returns the runs restored.
 */
export function restoreManifests(layout: LakeLayout, catalog: CatalogReferences): string[] {
  const restored: string[] = [];
  for (const run of catalog.runs) {
    if (!RUN_ID_PATTERN.test(run.runId) || !['published', 'blocked'].includes(run.status)) continue;
    const file = join(layout.runDir(run.runId), 'manifest.json');
    const status = readManifest(file)?.status;
    if (status === 'published' || status === 'blocked') continue;
    let recorded: RunManifest;
    try {
      recorded = JSON.parse(run.manifest) as RunManifest;
    } catch {
      continue;
    }
    mkdirSync(layout.runDir(run.runId), { recursive: true });
    writeFileAtomic(file, JSON.stringify(recorded, null, 2) + '\n');
    writeReports(layout.runDir(run.runId), recorded);
    restored.push(run.runId);
  }
  return restored;
}

function readManifest(file: string): RunManifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunManifest;
  } catch {
    return undefined;
  }
}

/** Columns a SELECT returns, via DESCRIBE. */
async function describe(engine: DuckDbEngine, sql: string): Promise<string[]> {
  const r = await engine.query(`DESCRIBE ${sql}`);
  return r.rows.map((row) => String(row.column_name));
}

/** Wraps a transform so its output has exactly the DDL's columns and types. */
function typedSelect(table: TableDef, sql: string): string {
  const cols = table.columns.map((c) => `CAST(t.${quoteIdent(c.name)} AS ${DUCKDB_TYPE[c.type]}) AS ${quoteIdent(c.name)}`);
  return `SELECT ${cols.join(', ')} FROM (${sql}) AS t`;
}

async function writeTable(engine: DuckDbEngine, dir: string, select: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  // A file is written where it is named (COPY does not expand patterns); it is read back by name.
  const file = join(dir, TABLE_FILE);
  // The rows COPY wrote: reading the file back to count them would read the table twice.
  return engine.run(`COPY (${select}) TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd)`);
}

/** A view over the table file a run wrote, read by name, and proven to read that file only. */
async function exposeAs(engine: DuckDbEngine, name: string, dir: string): Promise<void> {
  const file = join(dir, TABLE_FILE);
  await assertReadsExactly(engine, fileListSql([file]), [file], `table ${name}`);
  await engine.run(`CREATE OR REPLACE VIEW ${quoteIdent(name)} AS SELECT * FROM read_parquet(${fileListSql([file])}, hive_partitioning = false)`);
}

export async function runPipeline(options: RunOptions): Promise<RunManifest> {
  const catalog = options.catalog ?? loadCatalog();
  const landing = resolve(options.landing);
  const layout = new LakeLayout(options.lake);
  const emit = options.onEvent ?? (() => {});
  checkLanding(landing, catalog);
  checkLandingAndLakeApart(landing, layout.root);
  // Nothing beside the dataset folders is read: what is there is listed in the manifest.
  const ignoredLanding = listIgnoredLanding(landing, catalog.datasets.map((d) => d.dataset));
  const total = catalog.datasets.reduce((n, d) => n + datasetBytes(landing, d.dataset), 0);
  // Workers cost a start-up each (loading the catalog, compiling the contracts): worth it on big inputs
  // only. They start first, so that they load while the gate is parsed and the lake opened.
  const workers = options.validationWorkers ?? (total >= POOL_THRESHOLD_BYTES ? defaultWorkerCount() : 0);
  const pool = workers > 0 ? new ValidationPool(catalog.root, workers) : undefined;
  // The run's engine starts (on DuckDB's side) while the rules are read, and parses them; its spill
  // folder is set once the run has one.
  const opening = DuckDbEngine.open({ memoryLimit: options.memoryLimit });
  opening.catch(() => undefined);
  let engine: DuckDbEngine | undefined;
  let audit: Auditor;
  let runId: string;
  let lock: RunLock;
  let recovered: ReturnType<typeof RunLock.acquire>['recovered'];
  let published: Awaited<ReturnType<LocalLakeCatalog['published']>>;
  let references: CatalogReferences;
  const lakeCatalog = new LocalLakeCatalog(layout, {
    waitMs: options.catalogWaitMs,
    onWait: (holder, ms) =>
      emit({ kind: 'notice', message: `the lake catalog is held by ${holder ? `${holder.program} (pid ${holder.pid})` : 'another process'}; waiting up to ${Math.round(ms / 1000)} s` }),
  });
  // The quality gate of quality-rules/ (absent when the caller brings its own audit).
  let setup: GateSetup | undefined;
  try {
    setup = options.audit ? undefined : loadGateSetup(catalog);
    engine = await opening;
    // The rules' SQL parses, and what their failing rows may show is traced from the parse trees.
    if (setup) setup = await withSamplePrivacy(await checkRuleSql(setup, engine), catalog, duckDbParseTree(engine));
    audit = options.audit ?? gateAuditor(setup!);
    prepareLake(layout);
    runId = options.runId ?? newRunId();
    ({ lock, recovered } = RunLock.acquire(layout.lockFile, runId));
    try {
      published = await lakeCatalog.published();
      references = await lakeCatalog.references();
      assertCatalogDecides(layout, references, runId);
      // Made before the run writes anything, so that a lake with runs and no catalog means a lost catalog.
      if (!references.hasHistory) await lakeCatalog.create();
    } catch (e) {
      lock.release();
      throw e;
    }
  } catch (e) {
    await pool?.close();
    await (engine ?? (await opening.catch(() => undefined)))?.close();
    throw e;
  }
  const manifestFile = join(layout.runDir(runId), 'manifest.json');
  const previousRows = new Map(published.map((p) => [p.table, p]));
  const manifest: RunManifest = {
    runId,
    status: 'running',
    landing,
    lake: layout.root,
    startedAt: now().toISOString(),
    ...(published.length ? { previousRunId: published[0].runId } : {}),
    ignoredLanding,
    datasets: {},
    tables: {},
    phases: [],
    gates: {},
    problems: [],
  };
  // The manifest, then the reports made from it (report.json, report.md, junit.xml) beside it.
  const save = (final = false) => {
    // Every rule of an audit the run never reached is listed as skipped, with why.
    if (final && setup) recordSkippedGates(setup, catalog, manifest);
    writeFileAtomic(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
    if (final) writeReports(layout.runDir(runId), manifest);
  };
  try {
    mkdirSync(layout.runDir(runId), { recursive: true });
    save();
    if (recovered) emit({ kind: 'notice', message: `recovered a stale lock of run ${recovered.runId} (pid ${recovered.pid} is gone)` });
    for (const dead of cleanAbandonedRuns(layout, runId, references)) {
      emit({
        kind: 'notice',
        message: dead.ended === 'died' ? `removed what the abandoned run ${dead.runId} left behind` : `removed the unpublished data of the failed run ${dead.runId}`,
      });
    }
    for (const id of restoreManifests(layout, references)) emit({ kind: 'notice', message: `restored the manifest of run ${id} from the lake catalog` });

    const work = layout.workDir(runId);
    mkdirSync(work, { recursive: true });
    const eng = engine;
    await eng.run(`SET temp_directory = ${quoteLiteral(join(work, 'spill'))}`);
    const timed = async <T>(phase: (typeof PHASES)[number], fn: () => Promise<T>): Promise<T> => {
      emit({ kind: 'phase', phase });
      await faultPoint(phase, layout.root);
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        manifest.phases.push({ phase, ms: Math.round(performance.now() - t0) });
      }
    };
    const record = (table: TableDef, rows: number, location: string) => {
      const prev = previousRows.get(table.name);
      const result: TableResult = { zone: table.zone, rows, location, ...(prev ? { previousRows: prev.rows } : {}) };
      manifest.tables[table.name] = result;
    };

    // 1. Validate every landing record, then load the valid ones as the run's landing tables.
    const validations = await timed('validate', async () => {
      // DuckDB loads landing files while JavaScript checks them: it gets the cores the check leaves.
      await eng.run(`SET threads = ${loadThreads(availableParallelism(), workers)}`);
      let before = 0;
      const results: DatasetValidation[] = [];
      // DuckDB loads a dataset's valid records while the next dataset is validated; loads run one
      // after another, in dataset order, so tables are recorded in the same order as before.
      let loaded: Promise<void> = Promise.resolve();
      const readValid = (d: (typeof catalog.datasets)[number], files: readonly string[]) => {
        const columns = d.table.columns.map((c) => `${quoteIdent(c.name)}: ${quoteLiteral(DUCKDB_TYPE[c.type])}`).join(', ');
        return `SELECT * FROM read_json(${fileListSql(files)}, format = 'newline_delimited', columns = {${columns}})`;
      };
      /**
       * Writes a landing table from NDJSON files, once DuckDB is shown to read exactly those files;
       * the landing files among them are proved to be as they were listed before and after the read.
       */
      const loadJson = async (d: (typeof catalog.datasets)[number], dir: string, files: readonly string[], listing: DatasetFiles) =>
        readingUnchanged(listing.files, files, async () => {
          await assertReadsExactly(eng, fileListSql(files), files, `${d.dataset} records`);
          return writeTable(eng, dir, readValid(d, files));
        });
      const load = async (d: (typeof catalog.datasets)[number], v: DatasetValidation, listing: DatasetFiles, early?: Promise<number | undefined>) => {
        const dir = layout.tableRunDir('landing', d.table.name, runId);
        // The early load stands when every landing line was kept as it arrived: the table it read
        // from the landing files is then the one the valid records make.
        const earlyRows = await early;
        const kept = earlyRows !== undefined && v.asArrived === v.read && v.valid === v.read && v.blankLines === 0 && earlyRows === v.valid;
        const rows = kept
          ? earlyRows
          : v.validFiles.length
            ? await loadJson(d, dir, v.validFiles, listing)
            : await writeTable(eng, dir, `SELECT ${d.table.columns.map((c) => `CAST(NULL AS ${DUCKDB_TYPE[c.type]}) AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`);
        if (rows !== v.valid) throw new AccountingError(`${d.dataset}: ${v.valid} valid records but ${rows} rows loaded`);
        await exposeAs(eng, d.table.name, dir);
        record(d.table, rows, dir);
      };
      /**
       * Loads a dataset straight from its landing files while its lines are being checked, on the
       * other core. Landing files are usually clean, and then this is the table; otherwise (a line
       * not kept as it arrived, a failed read) load() writes it again from the valid records. It
       * reads the files validation reads, from the same listing. Compressed files, and files DuckDB
       * cannot be handed by name, are always loaded from the valid records.
       */
      const loadEarly = (d: (typeof catalog.datasets)[number], listing: DatasetFiles): Promise<number | undefined> | undefined => {
        const files = listing.files.map((f) => f.path);
        if (!files.length || files.some(isGzip) || !files.every(readableByName)) return undefined;
        const dir = layout.tableRunDir('landing', d.table.name, runId);
        // A failed read (a line DuckDB cannot parse) only means the table is written again.
        // So does a landing file that changed while it was read: the table is then written from the
        // valid records, and a landing file among them is checked again (it refuses the changed one).
        const early = loaded.then(() => loadJson(d, dir, files, listing).catch((): undefined => undefined));
        // A failure before it (an earlier load) is thrown where `loaded` is awaited.
        early.catch(() => undefined);
        loaded = early.then(() => undefined);
        // Until the next load is chained to it after validation, its failure must not go unhandled.
        loaded.catch(() => undefined);
        return early;
      };
      try {
        for (const d of catalog.datasets) {
          const quarantineFile = layout.quarantineFile(d.dataset, runId);
          mkdirSync(join(quarantineFile, '..'), { recursive: true });
          const listing = listDatasetFiles(landing, d.dataset);
          const early = loadEarly(d, listing);
          const v = await validateDataset(d, {
            landingRoot: landing,
            listing,
            validPrefix: join(work, `${d.dataset}.valid`),
            quarantineFile,
            pool,
            onProgress: (done) => emit({ kind: 'progress', phase: 'validate', done: before + done, total, unit: 'bytes' }),
            readableInPlace: readableByName,
          });
          before += v.bytes;
          results.push(v);
          loaded = loaded.then(() => load(d, v, listing, early));
          // Handled here so that a failed load does not go unhandled while the next dataset is read;
          // it is thrown below.
          loaded.catch(() => undefined);
        }
      } finally {
        // A failed validation still waits for the loads in progress: the engine closes after them.
        await loaded.catch(() => undefined);
      }
      await loaded;
      return results;
    }).finally(() => pool?.close());
    await eng.run('RESET threads');

    // 2-5. Build each zone from its transforms, then audit it; a failed audit stops the run.
    for (const zone of BUILT_ZONES) {
      await timed(`build ${zone}`, async () => {
        const transforms = catalog.transforms.filter((t) => t.zone === zone);
        let done = 0;
        for (const t of transforms) {
          const got = await describe(eng, t.sql);
          const want = t.table.columns.map((c) => c.name);
          if (got.map((c) => c.toLowerCase()).join(',') !== want.map((c) => c.toLowerCase()).join(',')) {
            throw new RunConfigError(
              `${t.file} returns columns (${got.join(', ')}) but ${t.table.file} declares (${want.join(', ')})`,
            );
          }
          const dir = layout.tableRunDir(zone, t.table.name, runId);
          const rows = await writeTable(eng, dir, typedSelect(t.table, t.sql)).catch((e: Error) => {
            // A full disk is the machine's, not the transform's: it goes on as it is.
            if (writeFaultLine(e)) throw e;
            // A transform that fails on a record's value (a cast) may quote the value: masked, for the manifest, the reports and the terminal.
            throw new TransformError(`${t.file}: ${maskSamples(undefined).text(e.message, t.sql)}`);
          });
          await exposeAs(eng, t.table.name, dir);
          record(t.table, rows, dir);
          emit({ kind: 'progress', phase: `build ${zone}`, done: ++done, total: transforms.length, unit: 'tables' });
        }
        if (zone === 'trusted') {
          for (const v of validations) manifest.datasets[v.dataset] = await account(eng, catalog, v, manifest.tables, layout, runId);
        }
      });
      const outcome = await timed(`audit ${zone}`, async () =>
        audit({ zone, engine: eng, catalog, manifest, lake: layout }),
      );
      if (!outcome.passed) {
        manifest.problems.push(...outcome.problems);
        manifest.status = 'blocked';
        break;
      }
    }

    const versions: TableVersion[] = Object.entries(manifest.tables).map(([table, r]) => ({
      table,
      zone: r.zone,
      location: r.location,
      rows: r.rows,
    }));
    if (manifest.status === 'blocked') {
      manifest.finishedAt = now().toISOString();
      await lakeCatalog.stage(runId, versions);
      await lakeCatalog.recordRun(runId, 'blocked', JSON.stringify(manifest));
    } else {
      await timed('publish', async () => {
        manifest.status = 'published';
        manifest.finishedAt = now().toISOString();
        await lakeCatalog.publish(runId, versions, JSON.stringify(manifest), new Date(), () => faultPoint('inside publish', layout.root));
        await faultPoint('after publish', layout.root);
      });
    }
    save(true);
    return manifest;
  } catch (e) {
    manifest.status = 'failed';
    // Node names the file of a failed write only in `path`: the manifest says which file it was.
    const { message, path } = e as NodeJS.ErrnoException;
    manifest.error = path && !message.includes(path) ? `${message}: ${path}` : message;
    manifest.finishedAt = now().toISOString();
    try {
      save(true);
    } catch {
      /* the lake itself is unwritable: the error below says why */
    }
    throw e;
  } finally {
    await pool?.close();
    await engine?.close();
    // The scratch holds copies of landing records (personal data): it goes whether the run published, was blocked or failed.
    if (!options.keepWork) rmSync(layout.workDir(runId), { recursive: true, force: true });
    lock.release();
  }
}

function datasetBytes(landing: string, dataset: string): number {
  if (linkedDatasetFolder(landing, dataset)) return 0;
  let n = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) n += statSync(p).size;
    }
  };
  walk(join(landing, dataset));
  return n;
}

/** Classifies every valid record of a dataset and checks that the classes add up. */
async function account(
  engine: DuckDbEngine,
  catalog: Catalog,
  v: DatasetValidation,
  /** The tables built so far, with the rows written to each. */
  tables: RunManifest['tables'],
  layout: LakeLayout,
  runId: string,
): Promise<DatasetAccounting> {
  const ds = catalog.datasets.find((d) => d.dataset === v.dataset)!;
  const r = await engine.query(ds.accountingSql);
  const outcomes: Record<string, number> = {};
  for (const row of r.rows) {
    const n = Number(row.records);
    if (n > 0) outcomes[String(row.outcome)] = (outcomes[String(row.outcome)] ?? 0) + n;
  }
  // Mismatches are not thrown: the trusted gate's accounting check reports and blocks them.
  const built = catalog.transforms.filter((t) => t.zone === 'trusted' && t.inputs.includes(ds.table.name));
  const trustedRows = built.length === 1 ? tables[built[0].table.name].rows : undefined;
  const reasons = Object.fromEntries(Object.entries(v.reasons).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
  return {
    files: v.files,
    bytes: v.bytes,
    ignoredFiles: v.ignoredFiles,
    read: v.read,
    recordBytes: v.recordBytes,
    blankLines: v.blankLines,
    valid: v.valid,
    quarantined: v.quarantined,
    quarantinedBytes: v.quarantinedBytes,
    quarantineLocation: layout.quarantineFile(v.dataset, runId),
    quarantineReasons: reasons,
    outcomes,
    excludedByPolicy: v.valid - (outcomes.trusted ?? 0) - (outcomes.duplicate ?? 0),
    ...(trustedRows !== undefined ? { trustedTable: built[0].table.name, trustedRows } : {}),
  };
}
