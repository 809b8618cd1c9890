// The lake catalog's edges, in-process (the CLI cases of catalog-authority.test.ts run in child
// processes): a catalog file DuckDB cannot read, errors that are not a damaged catalog, what
// `create` makes, what `references` counts as history, and the engine `stedi query` reads through.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteLiteral } from '../../src/engine/engine';
import { spawn } from 'node:child_process';
import { asDamaged, CatalogDamagedError, lakeRootSetting, LAKE_ROOT_VARIABLE, LakeNotFoundError, LocalLakeCatalog, META_SCHEMA, openLakeEngine, RollbackError, STAGING_SCHEMA } from '../../src/pipeline/local-lake-catalog';
import { CatalogBusyError } from '../../src/pipeline/catalog-busy';
import { BusyError } from '../../src/errors/operator-error';
import { LakeLayout, TABLE_FILE } from '../../src/pipeline/lake-layout';
import { OperatorError } from '../../src/errors/operator-error';
import { writeRun } from '../support/lake';
import { tempDir } from '../support/tmp';

const RUN_A = '20260101T000000000Z-aaaaaa';
const RUN_B = '20260102T000000000Z-bbbbbb';
const AT = new Date('2026-01-04T05:06:07.000Z');


/** Runs statements on a DuckDB file the way another program would (no stedi code). */
async function onFile(file: string, statements: string[]): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(file);
  const c = await instance.connect();
  try {
    let rows: Record<string, unknown>[] = [];
    for (const s of statements) rows = (await c.runAndReadAll(s)).getRowObjectsJS() as Record<string, unknown>[];
    return rows;
  } finally {
    c.closeSync();
    instance.closeSync();
  }
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('the promise was fulfilled');
}

describe('lake catalog: a catalog file DuckDB cannot read', () => {
  const REST = ': it is damaged or not a DuckDB database. Nothing was changed. Put back a good copy (from a backup, or from where the lake was copied), or pass another --lake';

  it('every read and write says the file cannot be read, with DuckDB\'s first line as the cause, and leaves its bytes as they were', async () => {
    const layout = new LakeLayout(tempDir());
    const bytes = Buffer.from('this is not a DuckDB database\n'.repeat(200));
    writeFileSync(layout.catalogFile, bytes);
    const catalog = new LocalLakeCatalog(layout, { waitMs: 0 });
    const tables = await writeRun(layout, RUN_A, { customer_trusted: ['trusted', 2] });
    const attempts: [string, () => Promise<unknown>][] = [
      ['published', () => catalog.published()],
      ['runs', () => catalog.runs()],
      ['references', () => catalog.references()],
      ['publish', () => catalog.publish(RUN_A, tables, '{}', AT)],
      ['stage', () => catalog.stage(RUN_A, tables)],
      ['recordRun', () => catalog.recordRun(RUN_A, 'blocked', '{}', AT)],
      ['create', () => catalog.create()],
      ['openLakeEngine', () => openLakeEngine(layout, { waitMs: 0 })],
    ];
    for (const [what, attempt] of attempts) {
      const e = await rejection(attempt());
      expect([what, e.name, e instanceof CatalogDamagedError, e instanceof OperatorError]).toEqual([what, 'CatalogDamagedError', true, true]);
      const m = /^the lake catalog (.+?) cannot be read \((.+)\)(: it is damaged.*)$/s.exec(e.message);
      expect([what, m?.[1], m?.[3]]).toEqual([what, layout.catalogFile, REST]);
      // The cause is one line of DuckDB's words.
      expect(m?.[2]).toMatch(/^(IO|Serialization|Corruption) Error|not a valid DuckDB database/);
      expect(m?.[2]).not.toContain('\n');
    }
    expect(readFileSync(layout.catalogFile).equals(bytes)).toBe(true);
  });

  it('a block damaged past the file header, found only when a query reads it: still a damaged catalog, not the raw DuckDB error', async () => {
    const layout = new LakeLayout(tempDir());
    const catalog = new LocalLakeCatalog(layout);
    await catalog.create();
    await catalog.recordRun(RUN_A, 'blocked', '{}', AT);
    const good = readFileSync(layout.catalogFile);
    // DuckDB's file: three 4 KiB headers, then blocks of 256 KiB; damage the first 4 KiB of each block.
    const outcomes: string[] = [];
    let late = 0;
    for (let at = 3 * 4096; at < good.length; at += 256 * 1024) {
      const bad = Buffer.from(good);
      bad.fill(0x41, at, Math.min(bad.length, at + 4096));
      writeFileSync(layout.catalogFile, bad);
      let opens = true;
      await DuckDBInstance.create(layout.catalogFile, { access_mode: 'READ_ONLY' }).then((i) => i.closeSync(), () => (opens = false));
      for (const read of [() => catalog.runs(), () => catalog.references()]) {
        const e = await read().then(() => undefined, (x: Error) => x);
        outcomes.push(e === undefined ? 'read' : e instanceof CatalogDamagedError ? 'damaged' : `${e.name}: ${e.message}`);
        if (opens && e instanceof CatalogDamagedError) late++;
      }
    }
    expect(outcomes.filter((o) => o !== 'read' && o !== 'damaged')).toEqual([]);
    // At least one damaged block opens fine and fails only when read.
    expect(late).toBeGreaterThan(0);
  });

  it('the damaged-catalog message, built directly', () => {
    const e = new CatalogDamagedError('/lake/catalog.duckdb', 'IO Error: bad block');
    expect([e.name, e.message]).toEqual(['CatalogDamagedError', `the lake catalog /lake/catalog.duckdb cannot be read (IO Error: bad block)${REST}`]);
  });

  it('a table file gone while staging is an error about that file, not a damaged catalog; nothing is staged', async () => {
    const layout = new LakeLayout(tempDir());
    const catalog = new LocalLakeCatalog(layout);
    await catalog.create();
    const [t] = await writeRun(layout, RUN_A, { customer_trusted: ['trusted', 2] });
    rmSync(join(t.location, TABLE_FILE));
    const e = await rejection(catalog.stage(RUN_A, [t]));
    expect(e).not.toBeInstanceOf(CatalogDamagedError);
    expect(e.message).toContain(TABLE_FILE);
    expect(e.message).not.toContain(layout.catalogFile);
    expect(await onFile(layout.catalogFile, [`SELECT count(*)::INT AS n FROM duckdb_views() WHERE schema_name = '${STAGING_SCHEMA}'`])).toEqual([{ n: 0 }]);
  });
});

describe('lake catalog: which errors are a damaged catalog', () => {
  const FILE = '/lake/catalog.duckdb';
  it('DuckDB failing to read the file, by its words; any other error as it is', () => {
    const same = (e: unknown, anyFile: boolean) => asDamaged(e, FILE, anyFile) === e;
    const damaged = (e: unknown, anyFile: boolean) => asDamaged(e, FILE, anyFile) instanceof CatalogDamagedError;
    const io = new Error(`IO Error: cannot read ${FILE}`);
    expect([damaged(io, false), damaged(io, true)]).toEqual([true, true]);
    // At open, whatever file it names (the WAL beside it, say); later, only one that names the catalog or a corrupt block.
    const other = new Error('Serialization Error: bad bytes in /lake/catalog.duckdb.wal');
    expect([damaged(other, true), same(other, false)]).toEqual([true, false]);
    const elsewhere = new Error('IO Error: No files found that match the pattern "/lake/data/x/part-0.parquet"');
    expect([same(elsewhere, false), damaged(elsewhere, true)]).toEqual([true, true]);
    expect(damaged(new Error('IO Error: Corrupt database file: computed checksum 1 does not match stored checksum 2 in block at location 274432'), false)).toBe(true);
    expect(damaged(new Error('Corruption Error: x'), true)).toBe(true);
    expect(damaged(new Error(`x: ${FILE} is not a valid DuckDB database file`), false)).toBe(true);
    // Words not at the start of the message are no read failure of the file.
    expect(same(new Error(`Binder Error: column "IO Error" in ${FILE}`), true)).toBe(true);
    // A full disk is the write fault it is; errors of our own and busy ones pass as they are.
    expect(same(new Error(`IO Error: could not write ${FILE}: No space left on device`), true)).toBe(true);
    const ours = new RollbackError(`IO Error: ${FILE}`);
    const busy = new BusyError(`IO Error: ${FILE}`);
    expect([asDamaged(ours, FILE, true), asDamaged(busy, FILE, true)]).toEqual([ours, busy]);
    // A thrown string is read by its text; the cause is its first line.
    const fromText = asDamaged(`IO Error: bad ${FILE}\nmore`, FILE, true) as CatalogDamagedError;
    expect(fromText.message).toMatch(new RegExp(`^the lake catalog ${FILE} cannot be read \\(IO Error: bad ${FILE}\\): `));
  });

  it('the refusals name themselves', () => {
    expect([new RollbackError('x').name, new LakeNotFoundError('/l').name, new CatalogDamagedError('/l', 'c').name]).toEqual(['RollbackError', 'LakeNotFoundError', 'CatalogDamagedError']);
  });
});

/** Holds the catalog file open in another process (as a DuckDB CLI would) until released. */
async function holdInAnotherProcess(file: string, readOnly: boolean): Promise<{ pid: number; release: () => Promise<void> }> {
  const api = require.resolve('@duckdb/node-api');
  const script = `
    const { DuckDBInstance } = require(${JSON.stringify(api)});
    (async () => {
      const i = await DuckDBInstance.create(${JSON.stringify(file)}, ${readOnly ? "{ access_mode: 'READ_ONLY' }" : '{}'});
      const c = await i.connect();
      await c.run('SELECT 1');
      process.stdout.write('held');
      process.stdin.resume();
      process.stdin.on('end', () => { c.closeSync(); i.closeSync(); process.exit(0); });
    })();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('held') && resolve());
    child.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return {
    pid: child.pid!,
    release: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.on('exit', () => resolve());
        child.stdin.end();
      }),
  };
}

describe('lake catalog: another process holding the file', () => {
  it('held read-only (a `duckdb -readonly`): every read goes on, read-only itself', async () => {
    const layout = new LakeLayout(tempDir());
    const catalog = new LocalLakeCatalog(layout, { waitMs: 0 });
    await catalog.publish(RUN_A, await writeRun(layout, RUN_A, { customer_trusted: ['trusted', 2] }), JSON.stringify({ tables: { customer_trusted: { zone: 'trusted', rows: 2 } } }), AT);
    const holder = await holdInAnotherProcess(layout.catalogFile, true);
    try {
      expect([(await catalog.published()).map((p) => p.runId), (await catalog.runs()).map((r) => r.runId), [...(await catalog.references()).runIds]]).toEqual([[RUN_A], [RUN_A], [RUN_A]]);
      const engine = await openLakeEngine(layout, { waitMs: 0 });
      expect((await engine.query('SELECT count(*)::INT AS n FROM trusted.customer_trusted')).rows).toEqual([{ n: 2 }]);
      await engine.close();
      // A write cannot go on while another process has the file open: a rollback reads its history, then waits to write.
      await expect(catalog.recordRun(RUN_B, 'blocked', '{}', AT)).rejects.toThrow(CatalogBusyError);
      const e = (await catalog.rollback(RUN_A, AT).then(() => undefined, (x: unknown) => x)) as CatalogBusyError;
      expect([e?.name, e?.doing, e?.holder?.pid]).toEqual(['CatalogBusyError', `roll back to run ${RUN_A}`, holder.pid]);
    } finally {
      await holder.release();
    }
  });

  it('held for writing: each operation gives up as busy at once (a wait of 0), naming the holder and what it was doing', async () => {
    const layout = new LakeLayout(tempDir());
    const catalog = new LocalLakeCatalog(layout, { waitMs: 0 });
    const tables = await writeRun(layout, RUN_A, { customer_trusted: ['trusted', 2] });
    await catalog.publish(RUN_A, tables, JSON.stringify({ tables: { customer_trusted: { zone: 'trusted', rows: 2 } } }), AT);
    const holder = await holdInAnotherProcess(layout.catalogFile, false);
    try {
      const attempts: [string, () => Promise<unknown>][] = [
        [`publish run ${RUN_B}`, () => catalog.publish(RUN_B, [], '{}', AT)],
        // A rollback reads the run history first.
        ['read the run history', () => catalog.rollback(RUN_A, AT)],
        [`stage run ${RUN_B}`, () => catalog.stage(RUN_B, [])],
        [`record run ${RUN_B}`, () => catalog.recordRun(RUN_B, 'blocked', '{}', AT)],
        ['read the published tables', () => catalog.published()],
        ['read which runs it points at', () => catalog.references()],
        ['create it', () => catalog.create()],
        ['read it', () => openLakeEngine(layout, { waitMs: 0 })],
        ['evaluate the rules', () => openLakeEngine(layout, { waitMs: 0, doing: 'evaluate the rules' })],
      ];
      for (const [doing, attempt] of attempts) {
        const e = (await attempt().then(() => undefined, (x: unknown) => x)) as CatalogBusyError;
        expect([doing, e?.name, e?.holder?.pid, e?.doing]).toEqual([doing, 'CatalogBusyError', holder.pid, doing]);
        expect(e.message).toMatch(new RegExp(`^the lake catalog .*catalog\\.duckdb is held by .+ \\(pid ${holder.pid}\\); waited 0 s to ${doing}\\. `));
      }
    } finally {
      await holder.release();
    }
  });
});

describe('lake catalog: create, history and references', () => {
  it('create makes every zone schema, staging and the bookkeeping tables, empty; the lake then has a history of no runs', async () => {
    const layout = new LakeLayout(tempDir());
    const catalog = new LocalLakeCatalog(layout);
    await catalog.create();
    expect(await onFile(layout.catalogFile, [`SELECT schema_name FROM information_schema.schemata WHERE catalog_name = current_database() ORDER BY 1`])).toEqual(
      ['curated', 'landing', 'main', 'staging', 'stedi', 'trusted'].map((schema_name) => ({ schema_name })),
    );
    expect(await onFile(layout.catalogFile, [`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = '${META_SCHEMA}' ORDER BY table_name, ordinal_position`])).toEqual([
      ...['table_name', 'zone', 'run_id', 'location'].map((c) => ({ table_name: 'published_tables', column_name: c, data_type: 'VARCHAR' })),
      { table_name: 'published_tables', column_name: 'rows', data_type: 'BIGINT' },
      { table_name: 'published_tables', column_name: 'published_at', data_type: 'VARCHAR' },
      ...['run_id', 'status', 'finished_at', 'manifest'].map((c) => ({ table_name: 'runs', column_name: c, data_type: 'VARCHAR' })),
    ]);
    expect([await catalog.published(), await catalog.runs(), await catalog.references()]).toEqual([[], [], { runIds: new Set(), runs: [], hasHistory: true }]);
    // Twice is the same as once.
    await catalog.create();
    expect((await catalog.references()).hasHistory).toBe(true);
  });

  it('a DuckDB file without stedi\'s tables holds no history; with only one of the two tables it still holds none, though its runs are read', async () => {
    const layout = new LakeLayout(tempDir());
    await onFile(layout.catalogFile, ['CREATE TABLE notes (x INT)']);
    const catalog = new LocalLakeCatalog(layout);
    expect([await catalog.published(), await catalog.runs(), await catalog.references()]).toEqual([[], [], { runIds: new Set(), runs: [], hasHistory: false }]);

    await onFile(layout.catalogFile, [
      `CREATE SCHEMA ${META_SCHEMA}`,
      `CREATE TABLE ${META_SCHEMA}.runs (run_id VARCHAR, status VARCHAR, finished_at VARCHAR, manifest VARCHAR)`,
      `INSERT INTO ${META_SCHEMA}.runs VALUES ('${RUN_A}', 'published', 'then', '{}')`,
    ]);
    expect(await catalog.references()).toEqual({
      runIds: new Set([RUN_A]),
      runs: [{ runId: RUN_A, status: 'published', finishedAt: 'then', manifest: '{}' }],
      hasHistory: false,
    });
    expect(await catalog.published()).toEqual([]);

    const other = new LakeLayout(tempDir());
    await onFile(other.catalogFile, [`CREATE SCHEMA ${META_SCHEMA}`, `CREATE TABLE ${META_SCHEMA}.published_tables (run_id VARCHAR)`, `INSERT INTO ${META_SCHEMA}.published_tables VALUES ('${RUN_B}')`]);
    expect(await new LocalLakeCatalog(other).references()).toEqual({ runIds: new Set([RUN_B]), runs: [], hasHistory: false });
  });

  it('references count a run that only a hand-made view reads, in any schema, and each published and recorded run once', async () => {
    const layout = new LakeLayout(tempDir());
    const catalog = new LocalLakeCatalog(layout);
    await catalog.publish(RUN_A, await writeRun(layout, RUN_A, { customer_trusted: ['trusted', 1] }), '{}', AT);
    await catalog.recordRun(RUN_A, 'published-again', '{}', AT);
    const handMade = '20260105T000000000Z-dddddd';
    const [t] = await writeRun(layout, handMade, { customer_trusted: ['trusted', 1] });
    await onFile(layout.catalogFile, [`CREATE VIEW main.mine AS SELECT * FROM read_parquet(${quoteLiteral(join(t.location, TABLE_FILE))})`]);
    const refs = await catalog.references();
    expect([[...refs.runIds].sort(), refs.runs.map((r) => r.status), refs.hasHistory]).toEqual([[RUN_A, handMade], ['published', 'published-again'], true]);
  });

  it('recordRun on a lake without a catalog creates it, with the run as its only history', async () => {
    const layout = new LakeLayout(tempDir());
    const catalog = new LocalLakeCatalog(layout);
    await catalog.recordRun(RUN_B, 'failed', '{"why":"x"}', AT);
    expect([await catalog.runs(), await catalog.published()]).toEqual([[{ runId: RUN_B, status: 'failed', finishedAt: AT.toISOString(), manifest: '{"why":"x"}' }], []]);
  });

  it('the run history is ordered by run id whatever order runs were recorded in', async () => {
    const catalog = new LocalLakeCatalog(new LakeLayout(tempDir()));
    await catalog.recordRun(RUN_B, 'blocked', '{}', AT);
    await catalog.recordRun(RUN_A, 'failed', '{}', AT);
    expect((await catalog.runs()).map((r) => r.runId)).toEqual([RUN_A, RUN_B]);
  });
});

describe('lake catalog: the engine stedi query reads through', () => {
  it('reads the published views through the lake root it sets, and is read-only', async () => {
    const layout = new LakeLayout(tempDir());
    const catalog = new LocalLakeCatalog(layout);
    await catalog.publish(RUN_A, await writeRun(layout, RUN_A, { customer_trusted: ['trusted', 4] }), '{}', AT);
    const engine = await openLakeEngine(layout);
    try {
      expect((await engine.query('SELECT count(*)::INT AS n, sum(n)::INT AS s FROM trusted.customer_trusted')).rows).toEqual([{ n: 4, s: 10 }]);
      expect((await engine.query(`SELECT getvariable('${LAKE_ROOT_VARIABLE}') AS root`)).rows).toEqual([{ root: layout.root }]);
      await expect(engine.run('CREATE TABLE main.x (i INT)')).rejects.toThrow(/read-only/);
    } finally {
      await engine.close();
    }
  });

  it('the lake root setting reads the folder literally: quotes doubled, pattern characters bracketed', () => {
    expect(lakeRootSetting("/data/ann's lake")).toBe("SET VARIABLE stedi_lake = '/data/ann''s lake'");
    expect(lakeRootSetting('/data/lake')).toBe("SET VARIABLE stedi_lake = '/data/lake'");
    expect(LAKE_ROOT_VARIABLE).toBe('stedi_lake');
  });
});
