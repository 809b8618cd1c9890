// The generator's expected outcome (worked out while writing) equals the independent reference's
// (worked out from the files, sharing no code with src/): every defect combination here, more seeds
// in reference-agreement-seeds.test.ts (a file of its own so that the two run on both CI cores).
// The pipeline itself is held to the reference in test/reference/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { BUILT_TABLES, landingTable } from '../../src/generator/expected-outcome';
import { LANDING_DATASETS } from '../../src/generator/generate-options';
import { referenceOutcome } from '../support/reference-model';
import { DEFECT_COMBINATIONS, DEFECT_NAMES, TINY_DEFECT_COUNTS } from './defect-combinations';
import { generateTiny } from './landing-lines';

describe('the generator model agrees with the reference model', () => {
  it('covers every defect option', () => {
    expect(Object.keys(TINY_DEFECT_COUNTS).sort()).toEqual([...DEFECT_NAMES].sort());
    expect(DEFECT_COMBINATIONS).toHaveLength(2 ** DEFECT_NAMES.length);
  });

  it.each(DEFECT_COMBINATIONS)('seed 1, %s', async (_, defects) => {
    const g = await generateTiny({ seed: 1, defects });
    expect(g.expected).toEqual(referenceOutcome(g.dir));
  });

  it('a shared serial with colliding timestamps pairs step readings with another customer\'s readings', async () => {
    // Without step readings at moments the app recorded nothing, each trusted step reading pairs with one reading at least.
    const alone = await generateTiny({ seed: 9, unpairedStepShare: 0, defects: { sharedSerials: 1 } });
    const both = await generateTiny({ seed: 9, unpairedStepShare: 0, defects: { sharedSerials: 1, timestampCollisions: 1 } });
    // Alone, a shared serial pairs each step reading with its owner only.
    expect(alone.expected.tables.machine_learning_curated).toBe(alone.expected.tables.step_trainer_trusted);
    // With the owner and the receiver reading at the same moments, each of their step readings joins both.
    expect(both.expected.tables.machine_learning_curated).toBeGreaterThan(both.expected.tables.step_trainer_trusted);
    expect(both.expected).toEqual(referenceOutcome(both.dir));
  });

  it('names the catalog\'s datasets and tables', () => {
    const catalog = loadCatalog();
    const g = [...LANDING_DATASETS.map(landingTable), ...BUILT_TABLES].sort();
    expect(g).toEqual([...catalog.tables.keys()].sort());
  });
});

describe('the reference model on hand-written files', () => {
  // test/fixtures/stedi-small: the outcome worked out by hand in its README and test/pipeline/run.test.ts.
  it('gives the hand-worked accounting and rows', () => {
    const fixtures = join(__dirname, '..', 'fixtures', 'stedi-small');
    // The files hold no blank line: every byte but the line ends is a record's.
    const recordBytes = (dataset: string): number => {
      const files = (readdirSync(join(fixtures, dataset), { recursive: true }) as string[]).filter((f) => f.endsWith('.json'));
      return files.reduce((n, f) => {
        const text = readFileSync(join(fixtures, dataset, f));
        return n + text.length - text.filter((b) => b === 0x0a || b === 0x0d).length;
      }, 0);
    };
    expect(referenceOutcome(fixtures)).toEqual({
      datasets: {
        customer: { read: 7, valid: 7, quarantined: 0, recordBytes: recordBytes('customer'), quarantinedBytes: 0, outcomes: { trusted: 3, superseded: 2, no_consent: 2 } },
        accelerometer: { read: 10, valid: 10, quarantined: 0, recordBytes: recordBytes('accelerometer'), quarantinedBytes: 0, outcomes: { trusted: 5, duplicate: 1, no_consent: 3, unknown_customer: 1 } },
        step_trainer: { read: 7, valid: 7, quarantined: 0, recordBytes: recordBytes('step_trainer'), quarantinedBytes: 0, outcomes: { trusted: 3, no_consent: 2, no_accelerometer_readings: 1, unknown_device: 1 } },
      },
      tables: {
        accelerometer_landing: 10,
        customer_landing: 7,
        step_trainer_landing: 7,
        customer_trusted: 3,
        accelerometer_trusted: 5,
        step_trainer_trusted: 3,
        customer_curated: 2,
        machine_learning_curated: 3,
      },
    });
  });
});
