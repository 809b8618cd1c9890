// Worker threads give exactly what the inline validator gives, in landing order.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { validateDataset } from '../../src/pipeline/validate';
import { defaultWorkerCount, ValidationPool } from '../../src/pipeline/validation-pool';
import { tempDir } from '../support/tmp';

const catalog = loadCatalog();
const accelerometer = catalog.datasets.find((d) => d.dataset === 'accelerometer')!;

const recordsIn = (files: readonly string[]) => files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean)).sort();

it('a pool of two workers finds the same valid records and writes the same quarantine file as the inline validator', async () => {
  const landing = tempDir();
  cpSync(join(__dirname, '..', 'fixtures', 'stedi-small'), landing, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    lines.push(i % 997 === 0 ? `{"user":"bad-${i}"` : `{"user":"u${i % 50}@test.com","timestamp":${1655564444103 + i},"x":1.0,"y":${i % 3}.0,"z":-1.0}`);
  }
  writeFileSync(join(landing, 'accelerometer', 'big.json'), lines.join('\n') + '\n');
  const out = tempDir();
  const inline = await validateDataset(accelerometer, { landingRoot: landing, validPrefix: join(out, 'a.valid'), quarantineFile: join(out, 'a.q'), batchBytes: 4096 });
  const pool = new ValidationPool(catalog.root, 2);
  try {
    const pooled = await validateDataset(accelerometer, { landingRoot: landing, validPrefix: join(out, 'b.valid'), quarantineFile: join(out, 'b.q'), batchBytes: 4096, pool });
    expect({ ...pooled, validFiles: [], quarantineFile: '' }).toEqual({ ...inline, validFiles: [], quarantineFile: '' });
    expect(pooled.validFiles).toEqual([join(out, 'b.valid.0.jsonl'), join(out, 'b.valid.1.jsonl')]);
    expect(recordsIn(pooled.validFiles)).toEqual(recordsIn(inline.validFiles));
    expect(readFileSync(join(out, 'b.q'), 'utf8')).toBe(readFileSync(join(out, 'a.q'), 'utf8'));
    expect([inline.read, inline.quarantined]).toEqual([20_010, 21]);
  } finally {
    await pool.close();
  }
});

it('by default leaves two cores to the main thread and DuckDB, and uses at most four workers', () => {
  expect([1, 2, 3, 4, 6, 8, 64].map((cores) => defaultWorkerCount(cores))).toEqual([0, 0, 1, 2, 4, 4, 4]);
});
