// bin/stedi.js runs the compiled CLI only while it is as new as every source it was built from.
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { tempDir } from '../support/tmp';
import { STEDI_BIN } from '../support/child-run';

const { chooseEntry } = require('../../bin/cli-entry') as { chooseEntry: (root: string) => { dist: boolean; reason?: string } };

function builtProject(): string {
  const root = tempDir('stedi-entry-');
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'src', 'cli', 'main.ts'), '');
  writeFileSync(join(root, 'src', 'cli', 'other.ts'), '');
  const old = new Date(Date.now() - 60_000);
  for (const f of ['main.ts', 'other.ts']) utimesSync(join(root, 'src', 'cli', f), old, old);
  writeFileSync(join(root, 'dist', 'stedi.js'), '');
  writeFileSync(join(root, 'dist', 'build-info.json'), JSON.stringify({ inputs: ['src/cli/main.ts', 'src/cli/other.ts'] }));
  return root;
}

describe('chooseEntry: which code `stedi` runs', () => {
  it('the compiled CLI when every source it was built from is older than it', () => {
    expect(chooseEntry(builtProject())).toEqual({ dist: true });
  });

  it('the sources when one of them changed after the build, naming it', () => {
    const root = builtProject();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(root, 'src', 'cli', 'other.ts'), later, later);
    expect(chooseEntry(root)).toEqual({ dist: false, reason: 'src/cli/other.ts changed after dist/ was built (npm run build)' });
  });

  it('the sources when a source compiled into dist/ is gone', () => {
    const root = builtProject();
    rmSync(join(root, 'src', 'cli', 'other.ts'));
    expect(chooseEntry(root)).toEqual({ dist: false, reason: 'src/cli/other.ts, compiled into dist/, is gone (npm run build)' });
  });

  it('the sources when nothing was built', () => {
    const root = builtProject();
    rmSync(join(root, 'dist'), { recursive: true });
    expect(chooseEntry(root)).toEqual({ dist: false, reason: 'dist/ is not built (npm run build)' });
  });

  it('this checkout runs its compiled CLI (the suite builds it first), and that CLI answers', () => {
    const r = spawnSync(process.execPath, [STEDI_BIN, '--help'], { encoding: 'utf8', env: { ...process.env, STEDI_DEBUG_ENTRY: '1' } });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('stedi: dist/stedi.js\n');
    expect(r.stdout).toMatch(/^Usage: stedi /);
  });
});
