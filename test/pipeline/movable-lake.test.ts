// A lake is a folder you can move: the catalog's views and pointers hold paths relative to the
// lake, so a copy reads its own files and a moved lake goes on working, through stedi and through
// DuckDB itself (as the DuckDB CLI opens it).
import { loadCatalog } from '../../src/catalog/registry';
import { cpSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/runner';
import { LocalLakeCatalog } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { tempDir } from '../support/tmp';
import { queryLake } from '../support/lake';
import { runStedi } from '../support/child-run';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
const LYN_READINGS = '{"user":"Lyn.Rowe@test.com","timestamp":1655564999000,"x":1.0,"y":0.0,"z":0.0}\n';

/** A lake with two published runs (3, then 4 machine-learning rows). */
async function lakeWithTwoRuns() {
  const landing = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  const lake = join(tempDir(), 'lake');
  const first = await runPipeline({ landing, lake });
  writeFileSync(join(landing, 'accelerometer', 'more.json'), LYN_READINGS);
  const second = await runPipeline({ landing, lake });
  expect([first.status, second.status, second.tables.machine_learning_curated.rows]).toEqual(['published', 'published', 4]);
  return { landing, lake, first, second };
}

/** Runs SQL on a catalog file with DuckDB alone (no stedi code), the way the DuckDB CLI does: from `cwd`, read-only. */
function duckdbAlone(cwd: string, catalog: string, statements: string[]): { ok: boolean; out: string } {
  const script = `
    const { DuckDBInstance } = require(${JSON.stringify(require.resolve('@duckdb/node-api'))});
    (async () => {
      const db = await DuckDBInstance.create(${JSON.stringify(catalog)}, { access_mode: 'READ_ONLY' });
      const c = await db.connect();
      let last;
      for (const sql of ${JSON.stringify(statements)}) last = await c.runAndReadAll(sql);
      process.stdout.write(JSON.stringify(last.getRowObjectsJS(), (_k, v) => (typeof v === 'bigint' ? Number(v) : v)));
    })().catch((e) => { process.stdout.write(e.message.split('\\n')[0]); process.exitCode = 1; });`;
  const r = spawnSync(process.execPath, ['-e', script], { cwd, encoding: 'utf8' });
  return { ok: r.status === 0, out: r.stdout };
}

describe('a lake is a folder you can move', () => {
  it('a copy reads its own files: with the original gone, query, tables, rollback and the next run work on the copy', async () => {
    const { landing, lake, first, second } = await lakeWithTwoRuns();
    const copy = join(tempDir(), 'copied lake');
    cpSync(lake, copy, { recursive: true });
    rmSync(lake, { recursive: true });

    const q = await runStedi(['query', 'SELECT count(*) AS n FROM curated.machine_learning_curated', '--lake', copy, '--json']);
    expect([q.code, q.stderr, JSON.parse(q.stdout || 'null')]).toEqual([0, '', [{ n: 4 }]]);
    const layout = new LakeLayout(copy);
    const published = await new LocalLakeCatalog(layout).published();
    expect(published.map((p) => p.location).sort()).toEqual(published.map((p) => layout.tableRunDir(p.zone, p.table, second.runId)).sort());

    await new LocalLakeCatalog(layout).rollback(first.runId);
    expect(await queryLake(copy, 'SELECT count(*) AS n FROM curated.machine_learning_curated')).toEqual([{ n: 3 }]);
    const next = await runPipeline({ landing, lake: copy });
    expect([next.status, next.tables.machine_learning_curated.rows]).toEqual(['published', 4]);
  });

  it('the catalog names no absolute path: its views and pointers are relative to the lake', async () => {
    const { lake } = await lakeWithTwoRuns();
    const views = await queryLake(lake, `SELECT schema_name || '.' || view_name AS name, sql FROM duckdb_views() WHERE NOT internal ORDER BY 1`);
    // One view per table of the catalog, in its zone's schema (no run was blocked, so nothing is staged).
    expect(views.map((v) => v.name)).toEqual([...loadCatalog().tables.values()].map((t) => `${t.zone}.${t.name}`).sort());
    for (const v of views) expect(String(v.sql)).not.toContain(lake);
    const pointers = await queryLake(lake, 'SELECT DISTINCT location FROM stedi.published_tables');
    for (const p of pointers) expect(String(p.location)).toMatch(/^data\/(landing|trusted|curated)\/\w+\/run_id=[^/]+$/);
  });

  it('a moved lake goes on working (mv)', async () => {
    const { lake } = await lakeWithTwoRuns();
    const moved = join(tempDir(), 'moved [here]');
    renameSync(lake, moved);
    expect(await queryLake(moved, 'SELECT count(*) AS n FROM curated.machine_learning_curated')).toEqual([{ n: 4 }]);
    const gate = await runStedi(['gate', '--lake', moved]);
    expect(gate.code).toBe(0);
  });

  it('DuckDB alone, as the CLI opens it: from inside the lake as it is, from elsewhere with file_search_path or the stedi_lake variable', async () => {
    const { lake } = await lakeWithTwoRuns();
    const count = 'SELECT count(*) AS n FROM curated.machine_learning_curated';
    expect(duckdbAlone(lake, 'catalog.duckdb', [count])).toEqual({ ok: true, out: '[{"n":4}]' });
    const elsewhere = tempDir();
    const catalog = join(lake, 'catalog.duckdb');
    expect(duckdbAlone(elsewhere, catalog, [`SET file_search_path = '${lake}'`, count])).toEqual({ ok: true, out: '[{"n":4}]' });
    expect(duckdbAlone(elsewhere, catalog, [`SET VARIABLE stedi_lake = '${lake}'`, count])).toEqual({ ok: true, out: '[{"n":4}]' });
    // Without either, a relative path is the working directory's: DuckDB says what it looked for.
    const lost = duckdbAlone(elsewhere, catalog, [count]);
    expect(lost.ok).toBe(false);
    expect(lost.out).toMatch(/^IO Error: No files found that match the pattern "\.\/data\/curated\/machine_learning_curated\/run_id=\S+\/part-0\.parquet"$/);
  });
});
