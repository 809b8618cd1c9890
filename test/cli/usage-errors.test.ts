// Issue 16, finding 3: a user's mistake exits 2 with one line saying what is wrong, never 70 with
// "unexpected crash"; --version and shell completion exist; a typo gets one line, not the help.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadCatalog, PROJECT_ROOT } from '../../src/catalog/registry';
import { runStedi, STEDI_BIN } from '../support/child-run';
import { hostileLake } from '../support/hostile-tables';
import { tempDir } from '../support/tmp';

let lake: string;
beforeAll(async () => {
  lake = await hostileLake(join(tempDir(), 'lake'), loadCatalog());
});

/** One line on stderr, nothing on stdout, exit 2. */
const oneLine = (r: { code: number | null; stdout: string; stderr: string }) => [r.code, r.stdout, r.stderr.split('\n').length];

describe('user mistakes exit 2 with one line', () => {
  it('a SQL typo in stedi query', async () => {
    const r = await runStedi(['query', 'SELEC count(*) FROM curated.customer_curated', '--lake', lake]);
    expect(oneLine(r)).toEqual([2, '', 2]);
    expect(r.stderr).toBe('stedi: query failed: Parser Error: syntax error at or near "SELEC"\n');
  });

  it('DROP VIEW on the read-only catalog', async () => {
    const r = await runStedi(['query', 'DROP VIEW curated.customer_curated', '--lake', lake]);
    expect(oneLine(r)).toEqual([2, '', 2]);
    expect(r.stderr).toMatch(/^stedi: query failed: .*read-only mode.* \(stedi query reads the lake; runs, rollbacks and publishing change it\)\n$/);
    // Still there.
    expect((await runStedi(['query', 'SELECT count(*) AS n FROM curated.customer_curated', '--lake', lake, '--json'])).stdout).toContain('"n": 2');
  });

  it('stedi report of a file that does not exist, and of a folder', async () => {
    const missing = join(tempDir(), 'nope.json');
    const r = await runStedi(['report', missing]);
    expect(oneLine(r)).toEqual([2, '', 2]);
    expect(r.stderr).toBe(`stedi: ${missing}: cannot read it (no such file); pass the report.json of a run (<lake>/runs/<run id>/report.json)\n`);
    const dir = tempDir();
    expect((await runStedi(['report', dir])).stderr).toBe(`stedi: ${dir}: cannot read it (a folder, not a file); pass the report.json of a run (<lake>/runs/<run id>/report.json)\n`);
  });

  it('stedi report package.json: not a report, whatever its "version" says', async () => {
    const r = await runStedi(['report', join(PROJECT_ROOT, 'package.json')]);
    expect(oneLine(r)).toEqual([2, '', 2]);
    expect(r.stderr).toMatch(/package\.json: not a run report \(missing verdict, runId, gates, datasets, tables, summary, timings\)/);
  });

  it('generate --out onto a file leaves the file as it was', async () => {
    const file = join(tempDir(), 'landing');
    writeFileSync(file, 'keep me');
    const r = await runStedi(['generate', '--preset', 'tiny', '--out', file]);
    expect(oneLine(r)).toEqual([2, '', 2]);
    expect(r.stderr).toMatch(new RegExp(`^stedi: ${file} is a file, not a folder; pass --out <folder>`));
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    // Below a file: the file system's own error, still a usage error naming the path.
    const below = await runStedi(['generate', '--preset', 'tiny', '--out', join(file, 'x')]);
    expect(oneLine(below)).toEqual([2, '', 2]);
    expect(below.stderr).toMatch(new RegExp(`^stedi: ${file}/x.*: a file where a folder must be`));
  });

  it('stedi gate --engine athena without AWS credentials: one message naming what is missing, before any query', async () => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: tempDir(), AWS_SHARED_CREDENTIALS_FILE: join(tempDir(), 'none'), AWS_CONFIG_FILE: join(tempDir(), 'none'), AWS_EC2_METADATA_DISABLED: 'true' };
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      try {
        const stdout = execFileSync(process.execPath, [STEDI_BIN, 'gate', '--engine', 'athena', '--env', 'dev'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
        resolve({ code: 0, stdout, stderr: '' });
      } catch (e) {
        const err = e as { status: number; stdout: string; stderr: string };
        resolve({ code: err.status, stdout: err.stdout, stderr: err.stderr });
      }
    });
    expect(oneLine(r)).toEqual([2, '', 2]);
    expect(r.stderr).toMatch(/^stedi: no AWS credentials for --engine athena --env dev \(account \d{12}, [a-z0-9-]+\): .*Sign in first: set AWS_PROFILE/);
    expect(r.stderr).not.toMatch(/BLOCKED|Could not load credentials.*Could not load credentials/s);
  });
});

describe('--version, and typos', () => {
  it('--version prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await runStedi(['--version']);
    expect([r.code, r.stdout, r.stderr]).toEqual([0, `${version}\n`, '']);
  });

  it('a mistyped option or command gets commander\'s line and a hint, not the whole help', async () => {
    const option = await runStedi(['run', '--landingg', 'x']);
    expect([option.code, option.stdout]).toEqual([2, '']);
    expect(option.stderr).toBe("error: unknown option '--landingg'\n(Did you mean --landing?)\n(add --help for usage)\n");
    const command = await runStedi(['gatee']);
    expect(command.code).toBe(2);
    expect(command.stderr).toBe("error: unknown command 'gatee'\n(Did you mean gate?)\n(add --help for usage)\n");
  });
});
