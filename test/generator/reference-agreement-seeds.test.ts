// The generator model equals the reference model for more seeds: every defect combination for seed
// 2, and every defect at larger counts (and more duplicate deliveries) for six more seeds.
import { referenceOutcome } from '../support/reference-model';
import { DEFECT_COMBINATIONS } from './defect-combinations';
import { generateTiny } from './landing-lines';

describe('the generator model agrees with the reference model, more seeds', () => {
  it.each(DEFECT_COMBINATIONS)('seed 2, %s', async (_, defects) => {
    const g = await generateTiny({ seed: 2, defects });
    expect(g.expected).toEqual(referenceOutcome(g.dir));
  });

  it.each([3, 4, 5, 6, 7, 8])('seed %i, every defect at larger counts', async (seed) => {
    const defects = { malformedLines: 9, wrongTypes: 12, sharedSerials: 4, timestampCollisions: 3, conflictingReadings: 15, blankLines: 6 };
    const g = await generateTiny({ seed, defects, duplicateShare: 0.05 });
    expect(g.expected).toEqual(referenceOutcome(g.dir));
  });
});
