// Issue 16, finding 6: `stedi runs`, `stedi tables`, `stedi query` and `stedi report` print what a
// person at a terminal expects.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listRuns } from '../../src/cli/lake-commands';
import { LocalLakeCatalog } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { runPipeline } from '../../src/pipeline/runner';
import { runStedi } from '../support/child-run';
import { tempDir } from '../support/tmp';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
let lake: string;
let first: string;
let second: string;
const KILLED = '20991231T235959000Z-dead00';

beforeAll(async () => {
  lake = join(tempDir(), 'lake');
  const landing = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  first = (await runPipeline({ landing, lake })).runId;
  second = (await runPipeline({ landing, lake })).runId;
  await new LocalLakeCatalog(new LakeLayout(lake)).rollback(first);
  // A run killed with Ctrl-C: its folder and a manifest still saying running, nothing in the catalog.
  mkdirSync(join(lake, 'runs', KILLED), { recursive: true });
  writeFileSync(join(lake, 'runs', KILLED, 'manifest.json'), JSON.stringify({ runId: KILLED, status: 'running', startedAt: '2099-12-31T23:59:59.000Z' }));
});

describe('stedi runs', () => {
  it('lists runs oldest first, rollbacks in time order with the run they restored, the published run marked, a killed run too', async () => {
    const runs = await listRuns(new LakeLayout(lake));
    expect(runs.map((r) => [r.status, r.current, r.restored ?? null])).toEqual([
      ['published', true, null],
      ['published', false, null],
      ['rollback', false, first],
      ['interrupted', false, null],
    ]);
    expect([runs[0].runId, runs[1].runId, runs[3].runId]).toEqual([first, second, KILLED]);
    expect(runs[2].note).toBe(`restored run ${first}`);
    expect(runs[3].note).toMatch(/^stopped before it finished \(killed or crashed\)/);
  });

  it('prints them as a table with the published run starred', async () => {
    const r = await runStedi(['runs', '--lake', lake]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[2]).toMatch(new RegExp(`^\\* +${first} +published `));
    expect(lines[4]).toMatch(/rollback .*restored run /);
    expect(lines[5]).toMatch(new RegExp(`^ +${KILLED} +interrupted`));
    expect(r.stdout).toContain('* the run whose tables are published now');
  });
});

describe('stedi tables and stedi query', () => {
  it('tables come in the pipeline\'s order: landing, trusted, curated, each zone in build order', async () => {
    const r = await runStedi(['tables', '--lake', lake]);
    const rows = r.stdout.split('\n').slice(2).filter((l) => /^(landing|trusted|curated) /.test(l)).map((l) => l.split(/\s+/).slice(0, 2).join(' '));
    expect(rows).toEqual([
      'landing accelerometer_landing',
      'landing customer_landing',
      'landing step_trainer_landing',
      'trusted customer_trusted',
      'trusted accelerometer_trusted',
      'trusted step_trainer_trusted',
      'curated customer_curated',
      'curated machine_learning_curated',
    ]);
  });

  it('query prints numbers as they are and control characters of the data as escapes', async () => {
    const r = await runStedi(['query', "SELECT 1691348231425 AS ts, 12345 AS n, chr(27) || '[2Jgone' || chr(10) || 'x' || chr(8238) AS s", '--lake', lake]);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n')[2];
    expect(row).toBe('1691348231425  12345  \\x1b[2Jgone\\nx\\u202e');
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
  });
});

describe('stedi report on a terminal reads as text', () => {
  it('--format text renders the report without markdown escapes, and md stays the default where stdout is no terminal', async () => {
    const file = join(lake, 'runs', second, 'report.json');
    const text = await runStedi(['report', file, '--format', 'text']);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toBe(`PUBLISHED: run ${second} passed every blocking rule and its tables are published; 1 warning: customer_birthday_plausible.`);
    expect(text.stdout).not.toMatch(/\\_|&#8203;|\*\*|<details>|\|---|✅|⚠️/);
    expect(text.stdout).toMatch(/\nRules\n-----\nstatus  rule +gate +failing +allowed\n-+  -+  -+  -+  -+\nWARN    customer_birthday_plausible +trusted +1 +0\n/);
    expect(text.stdout).toMatch(/\nPASS +consent_customer_trusted +trusted +3\n/);
    const md = await runStedi(['report', file]);
    expect(md.stdout.split('\n')[0]).toBe(`✅ **PUBLISHED**: run ${second} passed every blocking rule and its tables are published; 1 warning: customer\\_birthday\\_plausible.`);
  });
});
