// `stedi rehearse` refuses what it cannot rehearse with exit 2 and a message naming what to fix.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStedi } from '../support/child-run';
import { tempDir, writeFiles } from '../support/tmp';
import { synthOut } from './rehearsal-fixtures';

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

  it('a Task no stand-in can run: refused before the execution, and the process ends (nothing left listening)', async () => {
    const out = join(tempDir(), 'cdktf.out');
    cpSync(synthOut(), out, { recursive: true });
    const file = join(out, 'stacks', 'stedi-dev-lakehouse', 'cdk.tf.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    const machine = Object.values(json.resource.aws_sfn_state_machine as Record<string, { definition: string }>)[0];
    machine.definition = machine.definition.replace('"Resource": "arn:aws:states:::sns:publish"', '"Resource": "arn:aws:states:::dynamodb:putItem"');
    writeFileSync(file, JSON.stringify(json));
    const r = await runStedi(['rehearse', '--env', 'dev', '--landing', landing, '--work', tempDir(), '--out', out]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toMatch(/no local binding for these Task resources:\n  - Notify failure: arn:aws:states:::dynamodb:putItem\n/);
  });
});
