// Options: documented defaults, ranges checked with the option named, and a landing folder that
// already holds data is never mixed with new data.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateLanding, LandingNotEmptyError, summary } from '../../src/generator/generator';
import { DEFAULT_DEFECTS, GENERATE_DEFAULTS, GenerateOptionsError, resolveOptions } from '../../src/generator/generate-options';
import { PRESETS } from '../../src/generator/presets';
import { tempDir } from '../support/tmp';

describe('generate options', () => {
  it('fill every option left out (or undefined) with its default', () => {
    expect(resolveOptions({ seed: undefined, defects: { wrongTypes: 2 } })).toEqual({ ...GENERATE_DEFAULTS, defects: { ...DEFAULT_DEFECTS, wrongTypes: 2 } });
    expect(GENERATE_DEFAULTS).toMatchObject({ seed: 1, scale: 1, researchConsentShare: 0.5, stepShare: 0.32, duplicateShare: 0.01, originMs: 1691348231425, overwrite: false });
    expect(Object.values(DEFAULT_DEFECTS).every((n) => n === 0)).toBe(true);
  });

  it.each([
    [{ seed: 1.5 }, /seed must be an integer/],
    [{ scale: 0 }, /scale must be a number > 0/],
    [{ customers: 0 }, /customers must be an integer >= 1/],
    [{ readingsPerCustomer: [50, 10] as const }, /readingsPerCustomer\[1\] must be an integer >= 50/],
    [{ stepShare: 1.5 }, /stepShare must be between 0 and 1/],
    [{ defects: { malformedLines: -1 } }, /defects\.malformedLines must be an integer >= 0/],
    [{ originMs: 5 }, /originMs must be an integer >= 34560000000/],
  ])('refuse %j, naming the option', (options, message) => {
    expect(() => resolveOptions(options)).toThrow(GenerateOptionsError);
    expect(() => resolveOptions(options)).toThrow(message);
  });
});

describe('the landing folder', () => {
  it('is refused when a dataset folder already holds files, and replaced with overwrite', async () => {
    const dir = join(tempDir(), 'landing');
    mkdirSync(join(dir, 'accelerometer'), { recursive: true });
    writeFileSync(join(dir, 'accelerometer', 'old.json'), '{}\n');
    await expect(generateLanding(dir, { ...PRESETS.tiny })).rejects.toThrow(LandingNotEmptyError);
    expect(existsSync(join(dir, 'accelerometer', 'old.json'))).toBe(true);
    const g = await generateLanding(dir, { ...PRESETS.tiny, overwrite: true });
    expect(existsSync(join(dir, 'accelerometer', 'old.json'))).toBe(false);
    expect(g.files).toHaveLength(3 * PRESETS.tiny.filesPerDataset);
  });

  it('may hold other folders and empty dataset folders', async () => {
    const dir = join(tempDir(), 'landing');
    mkdirSync(join(dir, 'customer'), { recursive: true });
    mkdirSync(join(dir, 'notes'), { recursive: true });
    writeFileSync(join(dir, 'notes', 'keep.txt'), 'mine');
    await generateLanding(dir, { ...PRESETS.tiny });
    expect(existsSync(join(dir, 'notes', 'keep.txt'))).toBe(true);
  });
});

describe('summary', () => {
  it('prints lines per dataset, the defects and the expected rows', async () => {
    const g = await generateLanding(join(tempDir(), 'landing'), { ...PRESETS.tiny, defects: { malformedLines: 2, sharedSerials: 1 } });
    const text = summary(g);
    expect(text).toContain(`generated ${(g.lines.customer + g.lines.accelerometer + g.lines.step_trainer).toLocaleString('en-US')} lines in 9 files`);
    expect(text).toContain('defects: 2 malformed lines, 1 customers given a shared serial number');
    expect(text).toMatch(new RegExp(`machine_learning_curated\\s+${g.expected.tables.machine_learning_curated.toLocaleString('en-US')}`));
  });
});
