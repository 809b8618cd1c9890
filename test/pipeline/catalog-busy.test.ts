// Busy, not crashed: a process holding catalog.duckdb (a `stedi query`, the DuckDB CLI) costs a
// run no work while it lets go in time, and otherwise ends it with exit 75 naming the holder;
// a query during a publish waits the same way. Holders are real processes.
import { appendFileSync, cpSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/runner';
import { LocalLakeCatalog } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { CATALOG_WAIT_ENV } from '../../src/pipeline/catalog-busy';
import { PAUSED_FILE } from '../../src/pipeline/fault-point';
import { tempDir } from '../support/tmp';
import { hashTree, queryLake } from '../support/lake';
import { runStedi, startPausedRun, startStedi } from '../support/child-run';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
const LYN_READINGS = '{"user":"Lyn.Rowe@test.com","timestamp":1655564999000,"x":1.0,"y":0.0,"z":0.0}\n';
const SHORT_WAIT = { [CATALOG_WAIT_ENV]: '300' };

async function lakeWithOnePublishedRun() {
  const landing = tempDir();
  const lake = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  const first = await runPipeline({ landing, lake });
  appendFileSync(join(landing, 'accelerometer', 'accelerometer-1691348231495.json'), LYN_READINGS);
  return { landing, lake, first };
}

async function publishedState(lake: string) {
  const published = await new LocalLakeCatalog(new LakeLayout(lake)).published();
  return { published, bytes: Object.fromEntries(published.map((p) => [p.table, hashTree(p.location)])) };
}

/** A process that opens the catalog as the DuckDB CLI would (read-only or read-write) and holds it until `let go` is called. */
async function holdCatalog(lake: string, mode: 'read-only' | 'read-write'): Promise<{ child: ChildProcess; letGo: () => Promise<void> }> {
  const dir = tempDir();
  const ready = join(dir, 'ready');
  const release = join(dir, 'release');
  const script = `
    const { existsSync, writeFileSync } = require('node:fs');
    const { DuckDBInstance } = require(${JSON.stringify(require.resolve('@duckdb/node-api'))});
    (async () => {
      const db = await DuckDBInstance.create(${JSON.stringify(join(lake, 'catalog.duckdb'))}, ${mode === 'read-only' ? "{ access_mode: 'READ_ONLY' }" : '{}'});
      await db.connect();
      writeFileSync(${JSON.stringify(ready)}, '');
      setInterval(() => { if (existsSync(${JSON.stringify(release)})) process.exit(0); }, 20);
    })();`;
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  while (!existsSync(ready)) {
    if (child.exitCode !== null) throw new Error('the holder did not open the catalog');
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    child,
    letGo: async () => {
      writeFileSync(release, '');
      await exited;
    },
  };
}

describe('a reader holding the catalog when a run publishes', () => {
  it('the run waits, says who it waits for, and publishes once the reader lets go', async () => {
    const { landing, lake } = await lakeWithOnePublishedRun();
    const reader = await holdCatalog(lake, 'read-only');
    const notices: string[] = [];
    let let_go: Promise<void> | undefined;
    const m = await runPipeline({
      landing,
      lake,
      catalogWaitMs: 60_000,
      onEvent: (e) => {
        if (e.kind !== 'notice') return;
        notices.push(e.message);
        let_go ??= reader.letGo();
      },
    });
    await let_go;
    expect([m.status, m.tables.machine_learning_curated.rows]).toEqual(['published', 4]);
    expect(notices).toEqual([`the lake catalog is held by ${process.execPath} (pid ${reader.child.pid}); waiting up to 60 s`]);
    expect(await queryLake(lake, 'SELECT count(*) AS n FROM curated.machine_learning_curated')).toEqual([{ n: 4 }]);
  });

  it('a reader that holds on past the wait ends the run with exit 75 naming it; nothing published changes; the next run goes on', async () => {
    const { landing, lake } = await lakeWithOnePublishedRun();
    const before = await publishedState(lake);
    const reader = await holdCatalog(lake, 'read-only');
    const r = await runStedi(['run', '--landing', landing, '--lake', lake], SHORT_WAIT);
    expect(r.code).toBe(75);
    const runId = readdirSync(join(lake, 'runs')).sort().pop()!;
    // The seconds it waited are those the clock says: the 0.3 s budget, and the last try's time on a busy machine.
    expect(r.stderr.replace(/waited \d+ s/, 'waited N s')).toBe(
      `stedi: the lake catalog ${join(lake, 'catalog.duckdb')} is held by ${process.execPath} (pid ${reader.child.pid}); waited N s to publish run ${runId}. ` +
        'Close that program (a stedi query, or a DuckDB CLI: open the catalog with `duckdb -readonly` so runs can read it) and try again\n',
    );
    await reader.letGo();
    expect(await publishedState(lake)).toEqual(before);
    const layout = new LakeLayout(lake);
    expect([existsSync(layout.workDir(runId)), existsSync(layout.lockFile)]).toEqual([false, false]);
    const next = await runPipeline({ landing, lake });
    expect([next.status, next.tables.machine_learning_curated.rows]).toEqual(['published', 4]);
  });

  it('a writer holding the catalog (the DuckDB CLI opened read-write) stops a run with exit 75 before any work', async () => {
    const { landing, lake } = await lakeWithOnePublishedRun();
    const runsBefore = readdirSync(join(lake, 'runs'));
    const writer = await holdCatalog(lake, 'read-write');
    try {
      const r = await runStedi(['run', '--landing', landing, '--lake', lake], SHORT_WAIT);
      expect(r.code).toBe(75);
      expect(r.stderr).toMatch(new RegExp(`^stedi: the lake catalog .*catalog\\.duckdb is held by .* \\(pid ${writer.child.pid}\\); waited \\d+ s to read the published tables\\. `));
      expect(readdirSync(join(lake, 'runs'))).toEqual(runsBefore);
      expect(existsSync(new LakeLayout(lake).lockFile)).toBe(false);
    } finally {
      await writer.letGo();
    }
  });
});

describe('a query while a run publishes', () => {
  it('waits; past the wait it exits 75 naming the run; a query that outlasts the publish gets its answer', async () => {
    const { landing, lake } = await lakeWithOnePublishedRun();
    const run = await startPausedRun('inside publish', landing, lake);
    try {
      const sql = 'SELECT count(*) AS n FROM curated.machine_learning_curated';
      for (const args of [['query', sql], ['tables'], ['runs'], ['gate']]) {
        const r = await runStedi([...args, '--lake', lake], SHORT_WAIT);
        expect({ args, code: r.code }).toEqual({ args, code: 75 });
        expect(r.stderr).toMatch(new RegExp(`is held by .* \\(pid ${run.child.pid}\\); waited \\d+ s to `));
        expect(r.stderr).not.toMatch(/\n\s+at |--debug/);
      }
      const patient = startStedi(['query', sql, '--lake', lake, '--json'], { [CATALOG_WAIT_ENV]: '60000' });
      // Once it says it waits, the publish ends (its process dies before committing).
      await new Promise<void>((resolve) => patient.child.stderr!.on('data', (d) => String(d).includes('waiting up to') && resolve()));
      run.child.kill('SIGKILL');
      const answered = await patient.done;
      expect([answered.code, JSON.parse(answered.stdout)]).toEqual([0, [{ n: 3 }]]);
      expect(answered.stderr).toMatch(new RegExp(`^stedi: the lake catalog is held by .* \\(pid ${run.child.pid}\\); waiting up to 60 s\\n$`));
    } finally {
      run.child.kill('SIGKILL');
      await run.done;
      rmSync(join(lake, PAUSED_FILE), { force: true });
    }
  });
});
