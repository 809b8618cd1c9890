// `stedi grants` as the operator and the PR workflow call it: a real child process over a synth output.
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { checkGrantsIn, diffGrantsBetween, renderGrantsForEnvironment } from '../../src/governance/grants-command';
import { loadGrantsPolicy } from '../../src/governance/grants-policy';
import { roleArn, synthFakeApp } from '../governance/fake-environment';
import { runStedi } from '../support/child-run';
import { tempDir } from '../support/tmp';

const out = synthFakeApp();
const policy = JSON.parse(JSON.stringify(loadGrantsPolicy('prod')));
policy.personas.ml.tables[0].grantable = true;
const wide = synthFakeApp({ prod: { policy } });

describe('stedi grants (CLI)', () => {
  it('prints the rendered access of one environment, or of all, as markdown or JSON', async () => {
    const dev = await runStedi(['grants', '--env', 'dev', '--out', out]);
    expect([dev.code, dev.stderr, dev.stdout]).toEqual([0, '', renderGrantsForEnvironment(out, 'dev', 'md')]);
    const all = await runStedi(['grants', '--out', out]);
    expect(all.stdout).toBe(`${renderGrantsForEnvironment(out, 'dev', 'md')}\n${renderGrantsForEnvironment(out, 'prod', 'md')}`);
    const json = await runStedi(['grants', '--env', 'prod', '--out', out, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(renderGrantsForEnvironment(out, 'prod', 'json')));
  });

  it('diff: the first line says whether access changed (the PR workflow keys on it)', async () => {
    const same = await runStedi(['grants', 'diff', out, out]);
    expect([same.code, same.stdout.split('\n')[0]]).toEqual([0, 'No access changes.']);
    const changed = await runStedi(['grants', 'diff', out, wide]);
    expect(changed.code).toBe(0);
    expect(changed.stdout).toBe(diffGrantsBetween(out, wide, 'md'));
    expect(changed.stdout.split('\n')[0]).not.toBe('No access changes.');
    expect(changed.stdout).toContain(roleArn('prod', 'ml'));
    // The subcommand's own --format, not the parent command's.
    const json = await runStedi(['grants', 'diff', out, wide, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(diffGrantsBetween(out, wide, 'json')));
  });

  it('check: exit 0 when compliant, exit 1 naming the violated check when a grant is widened', async () => {
    const ok = await runStedi(['grants', 'check', '--out', out]);
    const checks = checkGrantsIn(out, loadCatalog()).outcomes.reduce((n, s) => n + s.outcomes.length, 0);
    expect([ok.code, ok.stdout]).toEqual([0, `${checks} governance checks compliant in 2 stacks\n`]);
    const bad = await runStedi(['grants', 'check', '--out', wide]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('NoGrantableOutsideAdmins');
    expect(bad.stdout).toContain(`  - ml ${roleArn('prod', 'ml')}: may grant DESCRIBE, SELECT to others`);
  });

  it('a folder that was never synthesized: exit 2 with what to do, no stack trace', async () => {
    const empty = tempDir();
    const r = await runStedi(['grants', '--out', empty]);
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', `stedi: ${join(empty, 'stacks')}: no synthesized stacks; run \`npm run synth\` first\n`]);
  });
});
