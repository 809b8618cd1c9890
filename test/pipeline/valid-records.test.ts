// Checked on the main thread, a landing file whose every line was kept as it arrived is its own
// valid records: nothing of it is written. The others' valid records are written, in landing order.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadCatalog } from '../../src/catalog/registry';
import { validateDataset } from '../../src/pipeline/validate';
import { tempDir, writeFiles } from '../support/tmp';

const accelerometer = loadCatalog().datasets.find((d) => d.dataset === 'accelerometer')!;
const reading = (t: number) => `{"user":"a@b.co","timestamp":${t},"x":1.0,"y":0.0,"z":-1.0}`;
const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => reading(from + i));

it('lists clean files as they are, writes the valid records of the others, and keeps landing order', async () => {
  const landing = tempDir();
  const out = tempDir();
  const b = [...lines(100, 40), '{"user":"a@b.co"}', ...lines(200, 5)];
  const g = [...lines(600, 30), 'x'.repeat(500), ...lines(700, 2)];
  writeFiles(landing, {
    'accelerometer/a.json': lines(1, 30).join('\n') + '\n',
    // Over three batches of clean lines, then a line that breaks the contract.
    'accelerometer/b.json': b.join('\n') + '\n',
    'accelerometer/c.json': lines(300, 3).join('\n'),
    'accelerometer/d.json.gz': gzipSync(lines(400, 3).join('\n') + '\n'),
    'accelerometer/e.json': '\ufeff' + lines(500, 2).join('\n') + '\n',
    'accelerometer/f.json': '',
    // Clean lines, then one over the size limit.
    'accelerometer/g.json': g.join('\n') + '\n',
    'accelerometer/h.json': `${reading(800)}\n\n${reading(801)}\n`,
  });
  const v = await validateDataset(accelerometer, {
    landingRoot: landing,
    validPrefix: join(out, 'valid'),
    quarantineFile: join(out, 'q.jsonl'),
    batchBytes: 1024,
    maxLineBytes: 400,
  });
  const at = (f: string) => join(landing, 'accelerometer', f);
  expect(v.validFiles).toEqual([at('a.json'), join(out, 'valid.0.jsonl'), at('c.json'), join(out, 'valid.1.jsonl')]);
  const written = (n: number) => readFileSync(join(out, `valid.${n}.jsonl`), 'utf8');
  // b's clean start is copied as it arrived, then its valid lines after the bad one.
  expect(written(0)).toBe([...lines(100, 40), ...lines(200, 5)].join('\n') + '\n');
  expect(written(1)).toBe([...lines(400, 3), ...lines(500, 2), ...lines(600, 30), ...lines(700, 2), reading(800), reading(801)].join('\n') + '\n');
  const records = v.validFiles.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter(Boolean));
  expect(records).toHaveLength(v.valid);
  expect([v.read, v.valid, v.quarantined, v.blankLines]).toEqual([30 + 46 + 3 + 3 + 2 + 33 + 2, 30 + 45 + 3 + 3 + 2 + 32 + 2, 2, 1]);
});

it('writes nothing when every file is clean', async () => {
  const landing = tempDir();
  const out = tempDir();
  writeFiles(landing, { 'accelerometer/a.json': lines(1, 3).join('\n') + '\n', 'accelerometer/b.json': lines(10, 3).join('\n') + '\n' });
  const v = await validateDataset(accelerometer, { landingRoot: landing, validPrefix: join(out, 'valid'), quarantineFile: join(out, 'q.jsonl') });
  expect(v.validFiles).toEqual([join(landing, 'accelerometer', 'a.json'), join(landing, 'accelerometer', 'b.json')]);
  expect(readdirSync(out)).toEqual(['q.jsonl']);
});
