// The same seed and options write the same bytes; another seed writes other data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateLanding } from '../../src/generator/generator';
import { LANDING_DATASETS, type DefectOptions } from '../../src/generator/generate-options';
import { PRESETS } from '../../src/generator/presets';
import { Prng } from '../../src/generator/prng';
import { hashTree } from '../support/lake';
import { tempDir } from '../support/tmp';

const EVERY_DEFECT: DefectOptions = { malformedLines: 4, wrongTypes: 4, sharedSerials: 2, timestampCollisions: 1, conflictingReadings: 4, blankLines: 3 };

describe('generateLanding is deterministic', () => {
  it('writes byte-identical files for the same seed and options, into any folder', async () => {
    const a = await generateLanding(join(tempDir(), 'a'), { ...PRESETS.tiny, seed: 42, defects: EVERY_DEFECT });
    const b = await generateLanding(join(tempDir(), 'b'), { ...PRESETS.tiny, seed: 42, defects: EVERY_DEFECT });
    const hashes = hashTree(a.dir);
    expect(Object.keys(hashes)).toHaveLength(3 * PRESETS.tiny.filesPerDataset);
    expect(hashTree(b.dir)).toEqual(hashes);
    const { dir: _a, elapsedMs: _ta, files: filesA, ...restA } = a;
    const { dir: _b, elapsedMs: _tb, files: filesB, ...restB } = b;
    expect(restB).toEqual(restA);
    expect(filesB.map(({ path: _p, ...f }) => f)).toEqual(filesA.map(({ path: _p, ...f }) => f));
  });

  it('writes other data for another seed: every dataset differs', async () => {
    const a = await generateLanding(join(tempDir(), 'a'), { ...PRESETS.tiny, seed: 1 });
    const b = await generateLanding(join(tempDir(), 'b'), { ...PRESETS.tiny, seed: 2 });
    for (const d of LANDING_DATASETS) {
      const text = (dir: string, files: typeof a.files) =>
        files.filter((f) => f.dataset === d).map((f) => readFileSync(join(dir, f.name), 'latin1')).join('');
      expect(text(b.dir, b.files)).not.toEqual(text(a.dir, a.files));
    }
    expect(b.expected).not.toEqual(a.expected);
  });

  it('depends on no clock: the file names derive from originMs', async () => {
    const a = await generateLanding(join(tempDir(), 'a'), { ...PRESETS.tiny, originMs: 1_700_000_000_000 });
    const stamps = a.files.map((f) => Number(/-(\d+)\.json$/.exec(f.name)![1]));
    for (const s of stamps) expect(s - 1_700_000_000_000).toBeGreaterThanOrEqual(0);
    for (const s of stamps) expect(s - 1_700_000_000_000).toBeLessThan(PRESETS.tiny.filesPerDataset * 3_600_000);
  });
});

describe('Prng: one independent stream per seed, name and index', () => {
  const draw = (p: Prng) => Array.from({ length: 8 }, () => p.uint32());

  it('repeats a stream exactly and keeps streams apart', () => {
    expect(draw(new Prng(7, 'readings', 3))).toEqual(draw(new Prng(7, 'readings', 3)));
    expect(draw(new Prng(7, 'readings', 4))).not.toEqual(draw(new Prng(7, 'readings', 3)));
    expect(draw(new Prng(7, 'clock', 3))).not.toEqual(draw(new Prng(7, 'readings', 3)));
    expect(draw(new Prng(8, 'readings', 3))).not.toEqual(draw(new Prng(7, 'readings', 3)));
    expect(draw(new Prng(2 ** 40 + 7, 'readings', 3))).not.toEqual(draw(new Prng(7, 'readings', 3)));
  });

  it('draws integers in range and version-4 UUIDs', () => {
    const p = new Prng(1, 'test');
    const ints = Array.from({ length: 10_000 }, () => p.between(3, 5));
    expect(new Set(ints)).toEqual(new Set([3, 4, 5]));
    for (let i = 0; i < 100; i++) expect(p.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses a seed that is not a safe integer', () => {
    expect(() => new Prng(1.5, 'x')).toThrow(RangeError);
  });
});
