// A synth that failed its checks leaves an output marked failed: deploy, CI and `stedi grants`
// refuse it until a synth passes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearSynthFailed, markSynthFailed, SYNTH_FAILED_FILE, synthFailure } from '../../stacks/checks/synth-failure';
import { readManifestStacks } from '../../scripts/ci/stacks';
import { governedStacks, GrantsCommandError } from '../../src/governance/grants-command';
import { tempDir } from '../support/tmp';

function output(): string {
  const out = tempDir();
  mkdirSync(join(out, 'stacks', 'stedi-dev-lakehouse'), { recursive: true });
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ stacks: { 'stedi-dev-lakehouse': { name: 'stedi-dev-lakehouse' } } }));
  writeFileSync(join(out, 'stacks', 'stedi-dev-lakehouse', 'cdk.tf.json'), '{}');
  return out;
}

describe('a failed synth output', () => {
  it('has no manifest for cdktf to deploy, and says why and what to do', () => {
    const out = output();
    markSynthFailed(out, ['LogicalIdsPinned: stedi-dev-lakehouse aws_lakeformation_permissions.x is synthesized but not pinned']);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    const text = readFileSync(join(out, SYNTH_FAILED_FILE), 'utf8');
    expect(text).toMatch(/^This synth output FAILED its checks/);
    expect(text).toContain('STEDI_PIN_ADDRESSES=1 npm run synth');
    expect(text).toContain('LogicalIdsPinned: stedi-dev-lakehouse aws_lakeformation_permissions.x is synthesized but not pinned');
  });

  it('is refused by the CI stack listing and by stedi grants, naming the file that says why', () => {
    const out = output();
    markSynthFailed(out, []);
    const why = `${out} is the output of a synth that failed its checks (${join(out, SYNTH_FAILED_FILE)} says why); fix them and run \`npm run synth\` again`;
    expect(synthFailure(out)).toBe(why);
    expect(() => readManifestStacks(out)).toThrow(why);
    expect(() => governedStacks(out)).toThrow(new GrantsCommandError(why));
  });

  it('is good again after a synth clears the mark (and a good one was never marked)', () => {
    const out = output();
    expect(synthFailure(out)).toBeUndefined();
    markSynthFailed(out, []);
    clearSynthFailed(out);
    expect(synthFailure(out)).toBeUndefined();
    expect(existsSync(join(out, 'manifest.failed.json'))).toBe(false);
  });
});
