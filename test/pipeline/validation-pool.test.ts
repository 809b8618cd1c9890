// Worker threads give exactly what the inline validator gives, in landing order.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { validateDataset } from '../../src/pipeline/validate';
import { ValidationPool } from '../../src/pipeline/validation-pool';
import { tempDir } from '../support/tmp';

const catalog = loadCatalog();
const accelerometer = catalog.datasets.find((d) => d.dataset === 'accelerometer')!;

it('a pool of two workers writes the same valid and quarantine files as the inline validator, batch order kept', async () => {
  const landing = tempDir();
  cpSync(join(__dirname, '..', 'fixtures', 'stedi-small'), landing, { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    lines.push(i % 997 === 0 ? `{"user":"bad-${i}"` : `{"user":"u${i % 50}@test.com","timestamp":${1655564444103 + i},"x":1.0,"y":${i % 3}.0,"z":-1.0}`);
  }
  writeFileSync(join(landing, 'accelerometer', 'big.json'), lines.join('\n') + '\n');
  const out = tempDir();
  const inline = await validateDataset(accelerometer, { landingRoot: landing, validFile: join(out, 'a.valid'), quarantineFile: join(out, 'a.q'), batchBytes: 4096 });
  const pool = new ValidationPool(catalog.root, 2);
  try {
    const pooled = await validateDataset(accelerometer, { landingRoot: landing, validFile: join(out, 'b.valid'), quarantineFile: join(out, 'b.q'), batchBytes: 4096, pool });
    expect({ ...pooled, validFile: '', quarantineFile: '' }).toEqual({ ...inline, validFile: '', quarantineFile: '' });
    expect(readFileSync(join(out, 'b.valid'), 'utf8')).toBe(readFileSync(join(out, 'a.valid'), 'utf8'));
    expect(readFileSync(join(out, 'b.q'), 'utf8')).toBe(readFileSync(join(out, 'a.q'), 'utf8'));
    expect([inline.read, inline.quarantined]).toEqual([20_010, 21]);
  } finally {
    await pool.close();
  }
});
