// `stedi generate --json` says the verdict its defects will cause: the generator's model of the
// gates, held to what the pipeline really does on the data.
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadRules } from '../../src/gates/rule-file';
import { expectedVerdict, quarantineCheck, SHARED_SERIAL_RULE } from '../../src/generator/expected-verdict';
import { generateLanding } from '../../src/generator/generator';
import type { DefectOptions } from '../../src/generator/generate-options';
import { PRESETS } from '../../src/generator/presets';
import { runPipeline } from '../../src/pipeline/runner';
import { runStedi } from '../support/child-run';
import { tempDir } from '../support/tmp';
import { TINY_DEFECT_COUNTS } from './defect-combinations';

const catalog = loadCatalog();
const config = loadGateConfig(catalog);
const share = (d: string) => config.quarantine.datasets[d] ?? config.quarantine.default;

describe('expected verdict', () => {
  it('names checks that exist: the shared-serial rule file and the quarantine checks of the evaluator', async () => {
    expect(loadRules(catalog).map((r) => r.name)).toContain(SHARED_SERIAL_RULE);
    const g = await generateLanding(join(tempDir(), 'landing'), { ...PRESETS.tiny, seed: 2, defects: { malformedLines: 30 } });
    const m = await runPipeline({ landing: g.dir, lake: tempDir() });
    expect(m.gates.trusted!.rules.map((r) => r.name)).toEqual(expect.arrayContaining(catalog.datasets.map((d) => quarantineCheck(d.dataset))));
  });

  const cases: [string, DefectOptions][] = [
    ['no defect', {}],
    ['malformed lines', { malformedLines: TINY_DEFECT_COUNTS.malformedLines }],
    ['wrong types', { wrongTypes: TINY_DEFECT_COUNTS.wrongTypes }],
    ['shared serials', { sharedSerials: TINY_DEFECT_COUNTS.sharedSerials }],
    ['conflicting readings and collisions', { conflictingReadings: TINY_DEFECT_COUNTS.conflictingReadings, timestampCollisions: TINY_DEFECT_COUNTS.timestampCollisions }],
    ['every defect', TINY_DEFECT_COUNTS],
  ];
  it.each(cases)('%s: the run gets the verdict and blocking checks the generator said', async (_name, defects) => {
    const g = await generateLanding(join(tempDir(), 'landing'), { ...PRESETS.tiny, seed: 5, defects });
    const m = await runPipeline({ landing: g.dir, lake: tempDir() });
    const blocking = [...(m.gates.trusted?.rules ?? []), ...(m.gates.curated?.rules ?? [])].filter((r) => r.blocking).map((r) => r.name);
    expect({ verdict: m.status, blockingRules: blocking }).toEqual(expectedVerdict(g, share));
  });

  it('stedi generate --json carries it, and the summary says it', async () => {
    const out = join(tempDir(), 'landing');
    const r = await runStedi(['generate', '--preset', 'tiny', '--out', out, '--defect', 'sharedSerials=1', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).verdict).toEqual({ verdict: 'blocked', blockingRules: [SHARED_SERIAL_RULE] });
    const text = await runStedi(['generate', '--preset', 'tiny', '--out', join(tempDir(), 'landing')]);
    expect(text.stdout.trimEnd().split('\n').pop()).toBe('expected verdict: published (no injected defect blocks the run)');
  });
});
