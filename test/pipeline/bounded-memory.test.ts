// Landing files are streamed: validating a file many times larger than the JavaScript heap works.
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { tempDir } from '../support/tmp';

const HEAP_MB = 48;

async function writeBigFile(path: string, targetBytes: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  let lines = 0;
  let chunk: string[] = [];
  while (bytes < targetBytes) {
    const line = `{"user":"User.${lines % 1000}@test.com","timestamp":${1655564444103 + lines},"x":1.0,"y":-1.0,"z":0.0}\n`;
    chunk.push(line);
    bytes += line.length;
    lines++;
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join(''))) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end(chunk.join(''));
  await once(out, 'finish');
  return lines;
}

it(`validates a ${HEAP_MB * 3} MB landing file with a ${HEAP_MB} MB JavaScript heap`, async () => {
  const landing = tempDir();
  mkdirSync(join(landing, 'accelerometer'));
  const lines = await writeBigFile(join(landing, 'accelerometer', 'big.json'), HEAP_MB * 3 * 1024 * 1024);
  const out = tempDir();
  const script = `
    const { loadCatalog } = require('./src/catalog/registry');
    const { validateDataset } = require('./src/pipeline/validate');
    const ds = loadCatalog().datasets.find((d) => d.dataset === 'accelerometer');
    validateDataset(ds, { landingRoot: ${JSON.stringify(landing)}, validPrefix: ${JSON.stringify(join(out, 'v'))}, quarantineFile: ${JSON.stringify(join(out, 'q.jsonl'))} })
      .then((v) => console.log(JSON.stringify({ read: v.read, valid: v.valid, heapMb: process.memoryUsage().heapUsed / 1048576 })));
  `;
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '--require', 'tsx/cjs', '-e', script], {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  expect(r.stderr).not.toMatch(/heap out of memory/);
  expect(r.status).toBe(0);
  const v = JSON.parse(r.stdout);
  expect([v.read, v.valid]).toEqual([lines, lines]);
  expect(v.heapMb).toBeLessThan(HEAP_MB);
});
