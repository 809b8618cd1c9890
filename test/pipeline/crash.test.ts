// A run killed (SIGKILL, a real child process) at any phase leaves every published table as it was,
// and the next run recovers the lock, removes what the dead run left and publishes.
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PHASES, runPipeline } from '../../src/pipeline/runner';
import { LocalLakeCatalog } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { LakeBusyError } from '../../src/pipeline/run-lock';
import { PAUSED_FILE } from '../../src/pipeline/fault-point';
import { tempDir } from '../support/tmp';
import { hashTree, queryLake } from '../support/lake';
import { runStedi, startPausedRun } from '../support/child-run';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
const LYN_READINGS = '{"user":"Lyn.Rowe@test.com","timestamp":1655564999000,"x":1.0,"y":0.0,"z":0.0}\n';

async function lakeWithOnePublishedRun() {
  const landing = tempDir();
  const lake = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  const first = await runPipeline({ landing, lake });
  // The next run would publish one more machine-learning row: before and after are told apart.
  appendFileSync(join(landing, 'accelerometer', 'accelerometer-1691348231495.json'), LYN_READINGS);
  return { landing, lake, first };
}

async function publishedState(lake: string) {
  const published = await new LocalLakeCatalog(new LakeLayout(lake)).published();
  return {
    published,
    bytes: Object.fromEntries(published.map((p) => [p.table, hashTree(p.location)])),
    mlRows: await queryLake(lake, 'SELECT * FROM curated.machine_learning_curated ORDER BY ALL'),
  };
}

const POINTS = [...PHASES, 'inside publish'];

describe('a run killed at any point', () => {
  for (const point of POINTS) {
    it(`killed at "${point}": published tables stay as they were; the next run recovers and publishes`, async () => {
      const { landing, lake, first } = await lakeWithOnePublishedRun();
      const before = await publishedState(lake);
      expect(before.mlRows).toHaveLength(3);

      const run = await startPausedRun(point, landing, lake);
      run.child.kill('SIGKILL');
      const killed = await run.done;
      expect(killed.signal).toBe('SIGKILL');
      const deadRunId = readdirRuns(lake).find((id) => id !== first.runId)!;

      expect(await publishedState(lake)).toEqual(before);
      expect(existsSync(new LakeLayout(lake).lockFile)).toBe(true);

      rmSync(join(lake, PAUSED_FILE));
      const notices: string[] = [];
      const next = await runPipeline({ landing, lake, onEvent: (e) => e.kind === 'notice' && notices.push(e.message) });
      expect([next.status, next.tables.machine_learning_curated.rows]).toEqual(['published', 4]);
      expect(notices).toEqual([
        expect.stringMatching(/^recovered a stale lock of run \S+ \(pid \d+ is gone\)$/),
        `removed what the abandoned run ${deadRunId} left behind`,
      ]);
      const dead = JSON.parse(readFileSync(join(lake, 'runs', deadRunId, 'manifest.json'), 'utf8'));
      expect(dead.status).toBe('failed');
      const layout = new LakeLayout(lake);
      for (const table of Object.keys(first.tables)) {
        for (const zone of ['landing', 'trusted', 'curated'] as const) expect(existsSync(layout.tableRunDir(zone, table, deadRunId))).toBe(false);
      }
      expect(existsSync(layout.workDir(deadRunId))).toBe(false);
    });
  }
});

function readdirRuns(lake: string): string[] {
  return readdirSync(join(lake, 'runs')).sort();
}

describe('two runs on one lake at once', () => {
  it('the second is refused with a clear message (exit 75) while the first holds the lake; afterwards runs go on', async () => {
    const { landing, lake } = await lakeWithOnePublishedRun();
    const first = await startPausedRun('build trusted', landing, lake);
    const pid = first.child.pid!;

    await expect(runPipeline({ landing, lake })).rejects.toThrow(LakeBusyError);
    const cli = await runStedi(['run', '--landing', landing, '--lake', lake]);
    expect(cli.code).toBe(75);
    expect(cli.stderr).toMatch(new RegExp(`^stedi: another run \\(\\S+, pid ${pid} on .+, since .+\\) holds .*run\\.lock; wait for it to finish`));
    expect(cli.stderr).not.toMatch(/\n\s+at /);

    first.child.kill('SIGKILL');
    await first.done;
    rmSync(join(lake, PAUSED_FILE));
    const after = await runPipeline({ landing, lake });
    expect(after.status).toBe('published');
  });
});
