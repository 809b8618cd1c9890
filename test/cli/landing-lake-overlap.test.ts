// A lake inside the landing folder (--lake landing/lake), a landing folder inside the lake, or one
// folder for both: a usage error (exit 2) naming both paths, before anything is written.
import { cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runStedi } from '../support/child-run';
import { tempDir } from '../support/tmp';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');

/** Every path below a folder, sorted: what a refused run must leave as it was. */
function tree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

function landingIn(dir: string): string {
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

describe('the landing folder and the lake must be apart', () => {
  it('--lake inside the landing folder: exit 2, both named, the lake never created', async () => {
    const landing = landingIn(join(tempDir(), 'landing'));
    const before = tree(landing);
    const lake = join(landing, 'lake');
    const r = await runStedi(['run', '--landing', landing, '--lake', lake]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(
      `stedi: the lake ${lake} is inside the landing folder ${landing}: runs would read the lake's own files as landing data; pass a --lake folder outside the landing folder, and a --landing folder outside the lake\n`,
    );
    expect(tree(landing)).toEqual(before);
  });

  it('a landing folder inside the lake: exit 2, the lake left as it was', async () => {
    const lake = tempDir();
    const landing = landingIn(join(lake, 'landing'));
    const before = tree(lake);
    const r = await runStedi(['run', '--landing', landing, '--lake', lake]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `stedi: the landing folder ${landing} is inside the lake ${lake}: the lake's runs would clean up or overwrite landing data; pass a --lake folder outside the landing folder, and a --landing folder outside the lake\n`,
    );
    expect(tree(lake)).toEqual(before);
  });

  it('one folder for both', async () => {
    const landing = landingIn(join(tempDir(), 'both'));
    const before = tree(landing);
    const r = await runStedi(['run', '--landing', landing, '--lake', landing]);
    expect([r.code, r.stderr]).toEqual([2, `stedi: the landing folder ${landing} and the lake ${landing} are the same folder; pass a --lake folder outside the landing folder, and a --landing folder outside the lake\n`]);
    expect(tree(landing)).toEqual(before);
  });

  it('through a symbolic link: decided on real paths, and the real path is named', async () => {
    const root = tempDir();
    const landing = landingIn(join(root, 'landing'));
    const before = tree(landing);
    symlinkSync(landing, join(root, 'link'));
    const lake = join(root, 'link', 'new', 'lake');
    const r = await runStedi(['run', '--landing', landing, '--lake', lake]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the lake ${lake} (really ${join(landing, 'new', 'lake')}) is inside the landing folder ${landing}`);
    expect(tree(landing)).toEqual(before);
  });

  it('beside each other, with names that share a start (landing, landing-lake): a run', async () => {
    const root = tempDir();
    const landing = landingIn(join(root, 'landing'));
    mkdirSync(join(root, 'landing-lake'));
    const r = await runStedi(['run', '--landing', landing, '--lake', join(root, 'landing-lake'), '--json']);
    expect(r.stderr).not.toContain('inside');
    expect([0, 1]).toContain(r.code);
  });
});
