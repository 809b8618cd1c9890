// Recovery never deletes what was published: the lake catalog, not a manifest, says which runs a
// published table, a staged table or a rollback target points at. Manifests are written whole;
// stray files in the lake and failed runs leave nothing in the way, and no scratch copy behind.
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { runPipeline, RunConfigError } from '../../src/pipeline/runner';
import { LocalLakeCatalog } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { PAUSED_FILE } from '../../src/pipeline/fault-point';
import { tempDir } from '../support/tmp';
import { hashTree, queryLake } from '../support/lake';
import { runStedi, startPausedRun } from '../support/child-run';
import { copyCatalogFolders } from '../support/project-copy';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
const LYN_READINGS = '{"user":"Lyn.Rowe@test.com","timestamp":1655564999000,"x":1.0,"y":0.0,"z":0.0}\n';
const ML_COUNT = 'SELECT count(*) AS n FROM curated.machine_learning_curated';

async function lakeWithOnePublishedRun() {
  const landing = tempDir();
  const lake = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  const first = await runPipeline({ landing, lake });
  // The next run would publish one more machine-learning row: before and after are told apart.
  appendFileSync(join(landing, 'accelerometer', 'accelerometer-1691348231495.json'), LYN_READINGS);
  return { landing, lake, first };
}

/** Every folder a run's tables were written to, and the bytes in them. */
function runData(lake: string, runId: string, tables: readonly { zone: 'landing' | 'trusted' | 'curated'; table: string }[]) {
  const layout = new LakeLayout(lake);
  return Object.fromEntries(tables.map((t) => [t.table, existsSync(layout.tableRunDir(t.zone, t.table, runId)) ? hashTree(layout.tableRunDir(t.zone, t.table, runId)) : 'gone']));
}
const tablesOf = (m: { tables: Record<string, { zone: 'landing' | 'trusted' | 'curated' }> }) => Object.entries(m.tables).map(([table, t]) => ({ table, zone: t.zone }));

describe('recovery: the lake catalog is the authority', () => {
  it('a run killed just after its publish committed (manifest still "running"): the next run keeps its data, restores its manifest, and rollback to it works', async () => {
    const { landing, lake, first } = await lakeWithOnePublishedRun();
    const run = await startPausedRun('after publish', landing, lake);
    run.child.kill('SIGKILL');
    await run.done;
    rmSync(join(lake, PAUSED_FILE));
    const killedId = readdirSync(join(lake, 'runs')).find((id) => id !== first.runId)!;
    expect(JSON.parse(readFileSync(join(lake, 'runs', killedId, 'manifest.json'), 'utf8')).status).toBe('running');
    const published = await new LocalLakeCatalog(new LakeLayout(lake)).published();
    expect(new Set(published.map((p) => p.runId))).toEqual(new Set([killedId]));
    const before = runData(lake, killedId, published);
    expect(Object.values(before)).not.toContain('gone');
    expect(await queryLake(lake, ML_COUNT)).toEqual([{ n: 4 }]);

    const notices: string[] = [];
    const next = await runPipeline({ landing, lake, onEvent: (e) => e.kind === 'notice' && notices.push(e.message) });
    expect(next.status).toBe('published');
    expect(notices).toEqual([expect.stringMatching(/^recovered a stale lock of run /), `restored the manifest of run ${killedId} from the lake catalog`]);
    expect(runData(lake, killedId, published)).toEqual(before);
    expect(JSON.parse(readFileSync(join(lake, 'runs', killedId, 'manifest.json'), 'utf8')).status).toBe('published');

    const back = await runStedi(['rollback', '--to', killedId, '--lake', lake]);
    expect([back.code, back.stderr]).toEqual([0, '']);
    await new LocalLakeCatalog(new LakeLayout(lake)).rollback(first.runId);
    expect(await queryLake(lake, ML_COUNT)).toEqual([{ n: 3 }]);
  });

  for (const damage of ['truncated', 'missing', 'says running'] as const) {
    it(`a published run whose manifest is ${damage}: nothing of it is removed, and rollback to it works`, async () => {
      const { landing, lake, first } = await lakeWithOnePublishedRun();
      const file = join(lake, 'runs', first.runId, 'manifest.json');
      if (damage === 'truncated') writeFileSync(file, readFileSync(file, 'utf8').slice(0, 200));
      if (damage === 'missing') rmSync(file);
      if (damage === 'says running') writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), status: 'running' }));
      const before = runData(lake, first.runId, tablesOf(first));
      const quarantine = new LakeLayout(lake).quarantineFile('customer', first.runId);
      expect(existsSync(quarantine)).toBe(true);

      const second = await runPipeline({ landing, lake });
      expect([second.status, second.tables.machine_learning_curated.rows]).toEqual(['published', 4]);
      expect(runData(lake, first.runId, tablesOf(first))).toEqual(before);
      expect(existsSync(quarantine)).toBe(true);
      expect(JSON.parse(readFileSync(file, 'utf8')).status).toBe('published');

      const back = await runStedi(['rollback', '--to', first.runId, '--lake', lake]);
      expect([back.code, back.stdout, back.stderr]).toEqual([0, `restored 8 tables to run ${first.runId}\n`, '']);
      expect(await queryLake(lake, ML_COUNT)).toEqual([{ n: 3 }]);
    });
  }

  it('a blocked run keeps its staged tables whatever its manifest says', async () => {
    const { landing, lake } = await lakeWithOnePublishedRun();
    // Every reading of a new file is malformed: the quarantine share blocks the run.
    writeFileSync(join(landing, 'accelerometer', 'broken.json'), '{"user":\n'.repeat(50));
    const blocked = await runPipeline({ landing, lake });
    expect(blocked.status).toBe('blocked');
    rmSync(join(lake, 'runs', blocked.runId, 'manifest.json'));
    const staged = runData(lake, blocked.runId, tablesOf(blocked));
    rmSync(join(landing, 'accelerometer', 'broken.json'));
    const next = await runPipeline({ landing, lake });
    expect(next.status).toBe('published');
    expect(runData(lake, blocked.runId, tablesOf(blocked))).toEqual(staged);
    const gate = await runStedi(['gate', '--staged', '--lake', lake, '--json']);
    expect(gate.stderr).not.toMatch(/No files found|crash/);
    expect(JSON.parse(gate.stdout).map((g: { zone: string }) => g.zone)).toEqual(['trusted', 'curated']);
  });
});

describe('odd things in the lake folder', () => {
  it('stray files (.DS_Store) in runs/, work/, data/ and quarantine/ do not stop runs, and are left alone', async () => {
    const { landing, lake } = await lakeWithOnePublishedRun();
    const strays = ['runs/.DS_Store', 'work/.DS_Store', 'data/.DS_Store', 'data/curated/.DS_Store', 'data/curated/customer_curated/.DS_Store', 'quarantine/.DS_Store', 'runs/notes.txt'];
    for (const s of strays) {
      mkdirSync(join(lake, s, '..'), { recursive: true });
      writeFileSync(join(lake, s), 'Finder was here');
    }
    mkdirSync(join(lake, 'runs', 'my-notes'));
    const next = await runPipeline({ landing, lake });
    expect(next.status).toBe('published');
    for (const s of strays) expect(readFileSync(join(lake, s), 'utf8')).toBe('Finder was here');
    expect(existsSync(join(lake, 'runs', 'my-notes'))).toBe(true);
  });

  it('a failed run leaves no lake/work/<id>/ (copies of landing records) behind; the next run removes its unpublished tables', async () => {
    const root = copyCatalogFolders();
    writeFileSync(join(root, 'glue', 'sql', 'trusted', 'step_trainer_trusted.sql'), 'SELECT s.serialNumber FROM step_trainer_landing s\n');
    const landing = tempDir();
    cpSync(FIXTURE, landing, { recursive: true });
    // One bad line: the valid customer records are then written to the scratch folder.
    appendFileSync(join(landing, 'customer', 'customer-1691348231425.json'), '{"customerName":\n');
    const lake = tempDir();
    const failing = runPipeline({ landing, lake, catalog: loadCatalog(root) });
    await expect(failing).rejects.toThrow(RunConfigError);
    const layout = new LakeLayout(lake);
    const [failedId] = readdirSync(layout.runsDir);
    const failed = JSON.parse(readFileSync(join(layout.runDir(failedId), 'manifest.json'), 'utf8'));
    expect(failed.status).toBe('failed');
    expect(existsSync(layout.workDir(failedId))).toBe(false);
    expect(existsSync(layout.lockFile)).toBe(false);
    expect(existsSync(layout.tableRunDir('landing', 'customer_landing', failedId))).toBe(true);

    cpSync(join(FIXTURE, 'customer'), join(landing, 'customer'), { recursive: true });
    const notices: string[] = [];
    const next = await runPipeline({ landing, lake, onEvent: (e) => e.kind === 'notice' && notices.push(e.message) });
    expect(next.status).toBe('published');
    expect(notices).toEqual([`removed the unpublished data of the failed run ${failedId}`]);
    expect(existsSync(layout.tableRunDir('landing', 'customer_landing', failedId))).toBe(false);
    expect(JSON.parse(readFileSync(join(layout.runDir(failedId), 'manifest.json'), 'utf8')).status).toBe('failed');
    expect(existsSync(layout.workDir(next.runId))).toBe(false);
  });
});

describe('manifests are written whole', () => {
  it('a writer killed at any moment leaves the old manifest or the new one, never part of one', async () => {
    const dir = tempDir();
    const file = join(dir, 'manifest.json');
    const script = `
      const { writeFileAtomic } = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'pipeline', 'atomic-file.ts'))});
      const big = (c) => JSON.stringify({ status: c, pad: c.repeat(8 << 20) });
      const texts = [big('a'), big('b')];
      for (let i = 0; ; i++) writeFileAtomic(${JSON.stringify(file)}, texts[i % 2]);`;
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script], { stdio: 'ignore' });
      const exited = new Promise((r) => child.on('exit', r));
      while (!existsSync(file)) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 20 + round * 17));
      child.kill('SIGKILL');
      await exited;
      const m = JSON.parse(readFileSync(file, 'utf8'));
      expect(['a', 'b']).toContain(m.status);
      expect(m.pad).toBe(m.status.repeat(8 << 20));
    }
  });
});
