// Issue 16, finding 2: `stedi gate` and `stedi run` are one evaluation: the same checks (the
// built-in quarantine share, accounting and volume included), the same words, the same exit status.
import { join } from 'node:path';
import { generateLanding } from '../../src/generator/generator';
import { PRESETS } from '../../src/generator/presets';
import type { RunManifest } from '../../src/pipeline/manifest';
import type { GateResult } from '../../src/gates/evaluator';
import { runStedi } from '../support/child-run';
import { tempDir } from '../support/tmp';

const tally = (text: string) => /PASS=\d+ WARN=\d+ ERROR=\d+ SKIP=\d+ TOTAL=\d+/.exec(text)?.[0];

describe('stedi gate agrees with stedi run', () => {
  it('a run blocked by quarantine_share_customer: gate --staged on the same lake blocks too, with the same line', async () => {
    const g = await generateLanding(join(tempDir(), 'landing'), { ...PRESETS.tiny, seed: 6, defects: { malformedLines: 30 } });
    const lake = join(tempDir(), 'lake');
    const run = await runStedi(['run', '--landing', g.dir, '--lake', lake, '--json']);
    expect(run.code).toBe(1);
    const manifest = JSON.parse(run.stdout) as RunManifest;
    // The malformed lines break the customer share (records and bytes) and the step trainer share.
    expect(manifest.problems.map((p) => p.split(':')[0])).toEqual(['FAIL quarantine_share_customer', 'FAIL quarantine_bytes_customer', 'FAIL quarantine_share_step_trainer']);
    const [problem] = manifest.problems;

    const json = await runStedi(['gate', '--staged', '--lake', lake, '--json']);
    expect(json.code).toBe(1);
    const gates = JSON.parse(json.stdout) as GateResult[];
    const share = gates[0].rules.find((r) => r.name === 'quarantine_share_customer')!;
    expect([share.status, share.blocking, share.failing, share.checked]).toEqual(['fail', true, manifest.datasets.customer.quarantined, manifest.datasets.customer.read]);
    // The accounting check is recomputed on the staged tables, and agrees with the run's.
    expect(gates[0].rules.find((r) => r.name === 'accounting_customer')!.status).toBe('pass');

    const text = await runStedi(['gate', '--staged', '--lake', lake]);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[0]).toMatch(/^gate on the staged tables of .* BLOCKED · /);
    expect(text.stdout).toContain(`\nblocking:\n  ${problem}\n`);
  });

  it('a published run with warnings: gate passes with the same tally, its warn rules WARN, not fail', async () => {
    const lake = join(tempDir(), 'lake');
    const landing = join(__dirname, '..', 'fixtures', 'stedi-small');
    const run = await runStedi(['run', '--landing', landing, '--lake', lake]);
    expect(run.code).toBe(0);
    const gate = await runStedi(['gate', '--lake', lake]);
    expect(gate.code).toBe(0);
    expect(tally(gate.stdout)).toBe(tally(run.stdout));
    expect(gate.stdout).toMatch(/\ntrusted +customer_birthday_plausible +WARN +1 +0\n/);
    expect(gate.stdout).not.toMatch(/\bfail\b/);
    expect(gate.stdout).toContain('\nwarnings:\n  WARN customer_birthday_plausible: found 1 row (0 allowed); expected: ');
  });
});
