// Each preset writes the size it promises, and `scale` multiplies it.
import { join } from 'node:path';
import { generateLanding, type GenerateResult } from '../../src/generator/generator';
import { GENERATE_DEFAULTS, resolveOptions } from '../../src/generator/generate-options';
import { planLanding } from '../../src/generator/landing-plan';
import { PRESETS, type PresetName } from '../../src/generator/presets';
import { tempDir } from '../support/tmp';

/** The sizes promised in presets.ts: distinct customers, accelerometer and step trainer lines. */
const BOUNDS: Record<PresetName, { customers: number; accelerometer: [number, number]; stepTrainer: [number, number] }> = {
  tiny: { customers: 20, accelerometer: [1_500, 4_000], stepTrainer: [400, 1_500] },
  sample: { customers: 200, accelerometer: [45_000, 55_000], stepTrainer: [14_000, 18_000] },
  reduced: { customers: 1_000, accelerometer: [70_000, 80_000], stepTrainer: [22_000, 26_000] },
  course: { customers: 1_000, accelerometer: [700_000, 800_000], stepTrainer: [220_000, 260_000] },
};

const customersOf = (g: GenerateResult) => {
  const o = g.expected.datasets.customer.outcomes;
  return (o.trusted ?? 0) + (o.no_consent ?? 0);
};

describe('presets write the sizes they promise', () => {
  for (const preset of ['tiny', 'sample', 'reduced'] as const) {
    it(`${preset}: ${BOUNDS[preset].customers} customers, accelerometer and step trainer lines within bounds`, async () => {
      const g = await generateLanding(join(tempDir(), preset), { ...PRESETS[preset] });
      const b = BOUNDS[preset];
      expect(customersOf(g)).toBe(b.customers);
      expect(g.lines.accelerometer).toBeGreaterThanOrEqual(b.accelerometer[0]);
      expect(g.lines.accelerometer).toBeLessThanOrEqual(b.accelerometer[1]);
      expect(g.lines.step_trainer).toBeGreaterThanOrEqual(b.stepTrainer[0]);
      expect(g.lines.step_trainer).toBeLessThanOrEqual(b.stepTrainer[1]);
      expect(g.files.filter((f) => f.dataset === 'accelerometer')).toHaveLength(PRESETS[preset].filesPerDataset);
    });
  }

  // Writing the course preset takes seconds and ~90 MB: the plan (which fixes every accelerometer
  // reading before a line is written) proves its size; step readings are a share drawn per reading.
  it('course: 1,000 customers, about 750,000 accelerometer and 240,000 step trainer readings (from the plan)', () => {
    const o = resolveOptions({ ...PRESETS.course });
    const plan = planLanding(o);
    const readings = plan.customers.reduce((n, c) => n + c.readings, 0) + plan.strangers.reduce((n, s) => n + s.readings, 0);
    const b = BOUNDS.course;
    expect(plan.customers).toHaveLength(b.customers);
    expect(readings * (1 + o.duplicateShare)).toBeGreaterThanOrEqual(b.accelerometer[0]);
    expect(readings * (1 + o.duplicateShare)).toBeLessThanOrEqual(b.accelerometer[1]);
    const steps = readings * o.stepShare * (1 + o.duplicateShare);
    expect(steps).toBeGreaterThanOrEqual(b.stepTrainer[0]);
    expect(steps).toBeLessThanOrEqual(b.stepTrainer[1]);
  });

  it('scale multiplies customers and stray readings, not readings per customer', () => {
    const plan = planLanding(resolveOptions({ ...PRESETS.course, scale: 10 }));
    expect(plan.customers).toHaveLength(10_000);
    expect(plan.strangers.reduce((n, s) => n + s.readings, 0)).toBe(10 * PRESETS.course.unknownUserReadings);
    expect(plan.devices.reduce((n, d) => n + d.readings, 0)).toBe(10 * PRESETS.course.unknownDeviceReadings);
    const [min, max] = PRESETS.course.readingsPerCustomer;
    expect(plan.customers.filter((c) => c.readings > 0 && (c.readings < min || c.readings > max))).toEqual([]);
  });

  it('the options default to the sample preset', () => {
    expect(GENERATE_DEFAULTS).toMatchObject(PRESETS.sample);
    expect(resolveOptions({})).toEqual(GENERATE_DEFAULTS);
  });
});
