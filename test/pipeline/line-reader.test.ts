import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { readLines } from '../../src/pipeline/line-reader';
import { tempDir, writeFiles } from '../support/tmp';

async function lines(content: string | Buffer, name = 'f.json', maxLineBytes?: number) {
  const dir = tempDir();
  writeFiles(dir, { [name]: content });
  const out = [];
  for await (const l of readLines(join(dir, name), { maxLineBytes })) out.push(l);
  return out;
}

describe('readLines', () => {
  it('numbers every line, blank ones included, and keeps a last line without newline', async () => {
    expect(await lines('{"a":1}\n\n{"a":2}')).toEqual([
      { lineNo: 1, bytes: 7, text: '{"a":1}' },
      { lineNo: 2, bytes: 0, text: '' },
      { lineNo: 3, bytes: 7, text: '{"a":2}' },
    ]);
  });

  it('strips a UTF-8 byte-order mark on the first line and CR of Windows line endings', async () => {
    const got = await lines(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\r\n{"b":2}\r\n')]));
    expect(got.map((l) => l.text)).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('reads gzip-compressed files', async () => {
    const got = await lines(gzipSync('{"a":1}\n{"a":2}\n'), 'f.json.gz');
    expect(got.map((l) => l.text)).toEqual(['{"a":1}', '{"a":2}']);
  });

  it('reports a line of invalid UTF-8 instead of replacing its bytes', async () => {
    const got = await lines(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n{"a":1}\n')]));
    expect(got[0]).toEqual({ lineNo: 1, bytes: 10, problem: 'line is not valid UTF-8' });
    expect(got[1]).toEqual({ lineNo: 2, bytes: 7, text: '{"a":1}' });
  });

  it('reports a line over the size limit without keeping it, and goes on with the next', async () => {
    const big = 'x'.repeat(5000);
    const got = await lines(`{"a":1}\n${big}\n{"a":2}\n`, 'f.json', 1000);
    expect(got).toEqual([
      { lineNo: 1, bytes: 7, text: '{"a":1}' },
      { lineNo: 2, bytes: 5000, problem: 'line is 5000 bytes, over the limit of 1000 bytes' },
      { lineNo: 3, bytes: 7, text: '{"a":2}' },
    ]);
  });

  it('keeps multi-byte characters split across read chunks intact', async () => {
    const text = `{"n":"${'é'.repeat(700_000)}"}\n`;
    const got = await lines(text);
    expect(got).toHaveLength(1);
    expect(got[0].text).toBe(text.trimEnd());
  });

  it('yields nothing for an empty file', async () => {
    expect(await lines('')).toEqual([]);
  });
});
