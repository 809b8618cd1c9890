// `stedi rehearse` refuses what it cannot rehearse with exit 2 and a message naming what to fix.
import { join } from 'node:path';
import { runStedi } from '../support/child-run';
import { tempDir, writeFiles } from '../support/tmp';

describe('stedi rehearse: usage errors exit 2 with a message', () => {
  const landing = tempDir();
  writeFiles(landing, { 'customer/customer-1.json': '' });

  it.each([
    [['rehearse', '--landing', landing], /required option '--env <env>' not specified/],
    [['rehearse', '--env', 'staging', '--landing', landing], /argument 'staging' is invalid. Allowed choices are dev, prod/],
    [['rehearse', '--env', 'dev', '--landing', join(landing, 'missing')], /stedi: .*missing: no landing folder \(one subfolder per dataset\)/],
    [['rehearse', '--env', 'dev', '--landing', landing, '--work', join(landing, 'work')], /must not contain each other/],
    [['rehearse', '--env', 'dev', '--landing', landing, '--out', join(landing, '..', 'no-synth-here')], /no synthesized stack stedi-dev-lakehouse; run `npm run synth`, or rehearse with --synth/],
  ])('%j', async (args, message) => {
    const out = await runStedi(args as string[]);
    expect([out.code, out.stdout]).toEqual([2, '']);
    expect(out.stderr).toMatch(message);
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });
});
