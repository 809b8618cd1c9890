// Framing of landing files into batches of whole lines, and decoding of each line.
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { batchMemory, fileSource, gunzipSource, lineBatches } from '../../src/pipeline/line-reader';
import { BatchValidator } from '../../src/pipeline/record-batch';
import { PREVIEW_BYTES, previewOf } from '../../src/pipeline/line-preview';
import { loadCatalog } from '../../src/catalog/registry';
import { tempDir, writeFiles } from '../support/tmp';

const accelerometer = loadCatalog().datasets.find((d) => d.dataset === 'accelerometer')!;
const validator = new BatchValidator(accelerometer.dataset, accelerometer.schema, accelerometer.table);
const reading = (t: number) => `{"user":"a@b.co","timestamp":${t},"x":1.0,"y":0.0,"z":-1.0}`;

/** Feeds the bytes in chunks of `chunk` bytes, as a file stream would. */
async function frame(bytes: Buffer, opts: { chunk?: number; batchBytes?: number; maxLineBytes?: number } = {}) {
  const chunk = opts.chunk ?? 1 << 20;
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) pieces.push(bytes.subarray(i, i + chunk));
  const oversized: [number, number][] = [];
  const previews: string[] = [];
  const batches = [];
  for await (const b of lineBatches(Readable.from(pieces), 'f.json', opts.batchBytes ?? 1 << 20, opts.maxLineBytes ?? 1 << 20, (u) => {
    oversized.push([u.line, u.bytes]);
    previews.push(u.preview);
  })) {
    batches.push(b);
  }
  return { batches, oversized, previews };
}

describe('lineBatches', () => {
  it('cuts at whole lines and numbers each batch from the line it starts at, across chunk boundaries', async () => {
    const text = [1, 2, 3, 4, 5].map(reading).join('\n') + '\n';
    const { batches } = await frame(Buffer.from(text), { chunk: 7, batchBytes: 100 });
    expect(batches.map((b) => [b.firstLine, Buffer.from(b.bytes).toString().split('\n').filter(Boolean).length, b.fileStart])).toEqual([
      [1, 2, true],
      [3, 2, false],
      [5, 1, false],
    ]);
    expect(batches.map((b) => Buffer.from(b.bytes).toString()).join('')).toBe(text);
  });

  it('keeps a last line without newline', async () => {
    const { batches } = await frame(Buffer.from(`${reading(1)}\n${reading(2)}`), { chunk: 10 });
    expect(Buffer.from(batches[0].bytes).toString()).toBe(`${reading(1)}\n${reading(2)}`);
  });

  it('reports a line over the limit by number and size without holding it, at any chunk boundary', async () => {
    const big = 'x'.repeat(5000);
    for (const chunk of [3, 64, 4999, 5001, 1 << 20]) {
      const { batches, oversized, previews } = await frame(Buffer.from(`${reading(1)}\n${big}\n${reading(3)}\n`), { chunk, maxLineBytes: 1000 });
      expect(oversized).toEqual([[2, 5000]]);
      // Its start, as much of the first kilobyte as was read when it passed the limit.
      expect(previews.map((p) => [big.startsWith(p), p.length >= 1001 && p.length <= PREVIEW_BYTES])).toEqual([[true, true]]);
      const lines = batches.flatMap((b) => Buffer.from(b.bytes).toString().split('\n').filter(Boolean));
      expect(lines).toEqual([reading(1), reading(3)]);
      expect(batches.find((b) => Buffer.from(b.bytes).toString().startsWith(reading(3)))!.firstLine).toBe(3);
    }
  });

  it('reports an oversized last line without newline', async () => {
    const { oversized } = await frame(Buffer.from(`${reading(1)}\n${'y'.repeat(3000)}`), { chunk: 100, maxLineBytes: 1000 });
    expect(oversized).toEqual([[2, 3000]]);
  });

  it('keeps multi-byte characters split across chunks intact', async () => {
    const text = `{"n":"${'é'.repeat(1000)}"}\n`;
    const { batches } = await frame(Buffer.from(text), { chunk: 3 });
    expect(Buffer.from(batches[0].bytes).toString()).toBe(text);
  });

  it('yields nothing for an empty file', async () => {
    expect((await frame(Buffer.alloc(0))).batches).toEqual([]);
  });

  it('reads a plain file straight into batches that each own their memory, unchanged by the reads after them', async () => {
    const dir = tempDir();
    // Lines of varied lengths (one of 3,000 bytes, longer than the small batches), no final newline.
    const lines = Array.from({ length: 400 }, (_, i) => (i === 123 ? 'z'.repeat(3000) : reading(i) + ' '.repeat(i % 37)));
    const text = lines.join('\n');
    writeFiles(dir, { 'a.json': text });
    for (const batchBytes of [1, 100, 4096, 1 << 20]) {
      const batches = [];
      for await (const b of lineBatches(await fileSource(join(dir, 'a.json')), 'a.json', batchBytes, 1 << 20, () => {})) batches.push(b);
      // Read only after every batch was made: a read into memory a batch still uses would show here.
      expect(batches.map((b) => Buffer.from(b.bytes).toString()).join('')).toBe(text);
      expect(new Set(batches.map((b) => b.bytes.buffer)).size).toBe(batches.length);
      expect(batches.every((b) => b.bytes.byteOffset === 0)).toBe(true);
      // Each batch starts at the line its number says, and only the first starts the file.
      for (const b of batches) expect(Buffer.from(b.bytes).toString().split('\n')[0]).toBe(lines[b.firstLine - 1]);
      expect(batches.map((b) => b.fileStart)).toEqual(batches.map((_, i) => i === 0));
      if (batchBytes === 100) expect(batches.every((b, i) => i === batches.length - 1 || b.bytes.length >= 100)).toBe(true);
      if (batchBytes === 1 << 20) expect(batches).toHaveLength(1);
    }
  });

  it('reads into memory handed back, and never into the memory of a batch still held', async () => {
    const dir = tempDir();
    // About 16 reads of 64 KiB (a batch's memory is its size and 64 KiB to read ahead).
    const text = Array.from({ length: 20_000 }, (_, i) => reading(i)).join('\n') + '\n';
    writeFiles(dir, { 'a.json': text });
    const memory = batchMemory(512);
    const held: { bytes: Uint8Array; text: string }[] = [];
    const seen: string[] = [];
    const buffers = new Set<ArrayBufferLike>();
    let n = 0;
    for await (const b of lineBatches(await fileSource(join(dir, 'a.json')), 'a.json', 512, 1 << 20, () => {}, memory)) {
      const t = Buffer.from(b.bytes).toString();
      seen.push(t);
      buffers.add(b.bytes.buffer);
      // Every third batch is held to the end; the others are handed back at once.
      if (n++ % 3 === 0) held.push({ bytes: b.bytes, text: t });
      else memory.give(b.bytes);
    }
    expect(seen.join('')).toBe(text);
    for (const h of held) expect(Buffer.from(h.bytes).toString()).toBe(h.text);
    expect(seen.length).toBeGreaterThan(10);
    expect(buffers.size).toBeLessThan(seen.length);
    expect(buffers.size).toBeGreaterThan(held.length);
  });

  it('reports an oversized line of a plain file and keeps the lines around it', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.json': `${reading(1)}\n${'x'.repeat(70_000)}\n${reading(3)}\n${'y'.repeat(2000)}` });
    const oversized: [number, number][] = [];
    const out = [];
    for await (const b of lineBatches(await fileSource(join(dir, 'a.json')), 'a.json', 64, 1000, (u) => oversized.push([u.line, u.bytes]))) {
      out.push([b.firstLine, Buffer.from(b.bytes).toString()]);
    }
    expect(oversized).toEqual([
      [2, 70_000],
      [4, 2000],
    ]);
    expect(out).toEqual([
      [1, `${reading(1)}\n`],
      [3, `${reading(3)}\n`],
    ]);
  });

  it('reads gzip-compressed files through gunzip', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'a.json.gz': gzipSync(`${reading(1)}\n${reading(2)}\n`) });
    const out = [];
    for await (const b of lineBatches(await fileSource(join(dir, 'a.json.gz')), 'a.json.gz', 1 << 20, 1 << 20, () => {})) out.push(Buffer.from(b.bytes).toString());
    expect(out).toEqual([`${reading(1)}\n${reading(2)}\n`]);
  });
});

describe('damaged gzip files', () => {
  /** Reads a .gz file as a run does, collecting the lines (numbered) and what could not be read. */
  async function readGz(bytes: Buffer, batchBytes = 256) {
    const dir = tempDir();
    writeFiles(dir, { 'a.json.gz': bytes });
    const lines: [number, string][] = [];
    const lost: { line: number; bytes: number; reason: string; preview: string }[] = [];
    for await (const b of lineBatches(await fileSource(join(dir, 'a.json.gz')), 'a.json.gz', batchBytes, 1 << 20, (u) => lost.push(u))) {
      Buffer.from(b.bytes).toString().split('\n').filter(Boolean).forEach((l, i) => lines.push([b.firstLine + i, l]));
    }
    return { lines, lost };
  }

  const text = Array.from({ length: 60 }, (_, i) => reading(1655564444000 + i)).join('\n') + '\n';
  const whole = gzipSync(text);

  it('a cut upload: the lines before the cut are read, the line it falls in is reported with the rest, at every cut', async () => {
    const all = text.split('\n').slice(0, -1);
    // Every cut from inside the header to just before the trailer (the last 8 bytes hold only the checksum and size).
    for (let cut = 1; cut < whole.length - 8; cut += 7) {
      const { lines, lost } = await readGz(whole.subarray(0, cut));
      expect(lines).toEqual(all.slice(0, lines.length).map((l, i) => [i + 1, l]));
      expect(lost).toHaveLength(1);
      const [u] = lost;
      expect(u.line).toBe(lines.length + 1);
      expect(all[lines.length].startsWith(u.preview)).toBe(true);
      // The cut line's bytes, and the compressed bytes of the member it breaks off in (all of the file).
      const cutLine = Buffer.byteLength(u.preview);
      expect(u.bytes).toBe(cutLine + cut);
      const where = cutLine ? `inside this line (after its ${cutLine} bytes)` : 'before this line';
      expect(u.reason).toBe(
        cut < 10
          ? `${where}, the gzip data is cut short in the header of the member at byte 0: its ${cut} bytes cannot be read`
          : `${where}, the gzip data is cut short (unexpected end of file) in the member at byte 0: its ${cut} bytes from there to the end of the file cannot be read`,
      );
    }
  });

  it('a cut upload gives every line zlib can decode before the cut, however its bytes arrive (an S3 body in small chunks)', async () => {
    const cut = whole.subarray(0, Math.floor(whole.length * 0.7));
    // The oracle: all zlib decodes of the cut data when asked not to fail on its end.
    const decodable = gunzipSync(cut, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString();
    const decodedLines = decodable.split('\n').slice(0, -1);
    for (const chunk of [1, 7, 100, 1 << 20]) {
      const pieces: Buffer[] = [];
      for (let i = 0; i < cut.length; i += chunk) pieces.push(cut.subarray(i, i + chunk));
      const lines: string[] = [];
      const lost: number[] = [];
      for await (const b of lineBatches(gunzipSource(Readable.from(pieces)), 'a.json.gz', 64, 1 << 20, (u) => lost.push(u.line, u.bytes))) {
        lines.push(...Buffer.from(b.bytes).toString().split('\n').filter(Boolean));
      }
      expect([chunk, lines, lost]).toEqual([chunk, decodedLines, [decodedLines.length + 1, Buffer.byteLength(decodable.slice(decodable.lastIndexOf('\n') + 1)) + cut.length]]);
    }
  });

  it('a wrong checksum: the member is read, then reported as damaged with all its compressed bytes', async () => {
    const bad = Buffer.from(whole);
    bad[bad.length - 8] ^= 0xff;
    const { lines, lost } = await readGz(bad);
    expect(lines).toEqual(text.split('\n').slice(0, -1).map((l, i) => [i + 1, l]));
    expect(lost).toEqual([
      { line: 61, bytes: whole.length, preview: '', reason: `before this line, the gzip data is damaged (incorrect data check) in the member at byte 0: its ${whole.length} bytes from there to the end of the file cannot be read` },
    ]);
  });

  it('a file named .gz that is no gzip at all weighs all its bytes', async () => {
    const { lines, lost } = await readGz(Buffer.from(text));
    const n = Buffer.byteLength(text);
    expect([lines, lost]).toEqual([[], [{ line: 1, bytes: n, preview: '', reason: `before this line, the file is not gzip data (no gzip header): its ${n} bytes cannot be read` }]]);
  });

  describe('after the first member', () => {
    const second = gzipSync(`${reading(1)}\n${reading(2)}\n`);
    const allLines = (extra: string) => (text + extra).split('\n').slice(0, -1).map((l, i): [number, string] => [i + 1, l]);

    it('a second member is read as the rest of the file', async () => {
      const { lines, lost } = await readGz(Buffer.concat([whole, second]));
      expect([lines, lost]).toEqual([allLines(`${reading(1)}\n${reading(2)}\n`), []]);
    });

    it('trailing garbage: every line of the member before is read, the garbage reported with its offset and size', async () => {
      // Node's gunzip failed the write the garbage came in, and the member's 60 readings went with it.
      const garbage = Buffer.from('this is no gzip member\n');
      for (const batchBytes of [256, 1 << 20]) {
        const { lines, lost } = await readGz(Buffer.concat([whole, garbage]), batchBytes);
        expect([lines, lost]).toEqual([
          allLines(''),
          [{ line: 61, bytes: garbage.length, preview: '', reason: `before this line, the gzip data ends at byte ${whole.length}, and the ${garbage.length} bytes after it are no gzip member (no gzip header): they cannot be read` }],
        ]);
      }
    });

    it('zeros after the last member are reported too, not dropped without a word', async () => {
      const { lines, lost } = await readGz(Buffer.concat([whole, Buffer.alloc(100)]));
      expect([lines, lost]).toEqual([
        allLines(''),
        [{ line: 61, bytes: 100, preview: '', reason: `before this line, the gzip data ends at byte ${whole.length}, and the 100 bytes after it are no gzip member (no gzip header): they cannot be read` }],
      ]);
    });

    it('a damaged second member: the first is read whole, the second weighs its compressed bytes', async () => {
      const broken = Buffer.from(second);
      broken.fill(0xff, 12, 20);
      const { lines, lost } = await readGz(Buffer.concat([whole, broken]));
      expect(lines).toEqual(allLines(''));
      expect(lost).toHaveLength(1);
      expect(lost[0]).toMatchObject({ line: 61, bytes: broken.length, preview: '' });
      expect(lost[0].reason).toMatch(new RegExp(`^before this line, the gzip data is damaged \\(.+\\) in the member at byte ${whole.length}: its ${broken.length} bytes from there to the end of the file cannot be read$`));
    });

    it('a second member cut short', async () => {
      const { lines, lost } = await readGz(Buffer.concat([whole, second.subarray(0, second.length - 12)]));
      expect(lines).toEqual(allLines(`${reading(1)}\n`));
      expect(lost).toHaveLength(1);
      const cutLine = Buffer.byteLength(lost[0].preview);
      expect(lost[0]).toMatchObject({ line: 62, bytes: cutLine + second.length - 12 });
    });
  });

  it('an error of the source itself is no damaged data: it stays an error', async () => {
    const failing = new Readable({ read() { this.destroy(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' })); } });
    await expect((async () => { for await (const _ of lineBatches(failing, 'a.json', 256, 1 << 20, () => {})) void _; })()).rejects.toThrow('EIO: i/o error, read');
  });
});

describe('line ends: "\\n", "\\r\\n" and a lone "\\r"', () => {
  /** The lines of a text as a reader that knows all three line ends sees them (the reference). */
  function referenceLines(text: string): string[] {
    const lines = text.split(/\r\n|\r|\n/);
    if (lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  it('end a line wherever they fall in the chunks and batches, oversized lines included', async () => {
    const line = fc.string({ unit: fc.constantFrom('a', 'b', '{', '}', 'é', ' '), maxLength: 30 });
    const end = fc.constantFrom('\n', '\r\n', '\r');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(line, end), { maxLength: 25 }),
        fc.option(line, { nil: undefined }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 4, max: 24 }),
        async (lines, last, chunk, batchBytes, maxLineBytes) => {
          const text = lines.map(([l, e]) => l + e).join('') + (last ?? '');
          const want = referenceLines(text).map((l, i) => ({ line: i + 1, text: l }));
          const { batches, oversized } = await frame(Buffer.from(text), { chunk, batchBytes, maxLineBytes });
          expect(oversized).toEqual(want.filter((l) => Buffer.byteLength(l.text) > maxLineBytes).map((l) => [l.line, Buffer.byteLength(l.text)]));
          const got = batches.flatMap((b) => {
            const t = Buffer.from(b.bytes).toString('utf8');
            const ls = t.split('\n');
            if (ls[ls.length - 1] === '') ls.pop();
            return ls.map((l, i) => ({ line: b.firstLine + i, text: l.replace(/\r$/, '') }));
          });
          expect(got).toEqual(want.filter((l) => Buffer.byteLength(l.text) <= maxLineBytes));
          // A batch not marked comes byte for byte from the text; a lone "\r" is always marked.
          for (const b of batches) if (!b.crLineEnds) expect(text.includes(Buffer.from(b.bytes).toString('utf8'))).toBe(true);
          if (!/\r(?!\n)/.test(text)) expect(batches.filter((b) => b.crLineEnds)).toEqual([]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a file of CR-only line ends is read line by line, its valid records written, not kept as they arrived', async () => {
    const text = [1, 2, 3, 4].map(reading).join('\r') + '\r';
    const { batches } = await frame(Buffer.from(text), { chunk: 5 });
    const r = validator.check({ seq: 0, ...batches[0] });
    expect([batches.length, r.read, r.valid, r.asArrived, r.quarantine]).toEqual([1, 4, 4, 0, []]);
    expect(Buffer.from(r.validLines).toString()).toBe([1, 2, 3, 4].map((t) => reading(t) + '\n').join(''));
  });
});

describe('previews of lines quarantine cannot keep', () => {
  it('show at most 1 KiB, cut before a character that would not fit whole', () => {
    expect(PREVIEW_BYTES).toBe(1024);
    expect(previewOf(Buffer.from('é'.repeat(600)))).toBe('é'.repeat(512));
    expect(previewOf(Buffer.from('a' + 'é'.repeat(600)))).toBe('a' + 'é'.repeat(511));
    expect(previewOf(Buffer.from('short é'))).toBe('short é');
    expect(previewOf(Buffer.from([0x61, 0xff, 0x62]))).toBe('a\ufffdb');
  });
});

describe('BatchValidator decoding', () => {
  const check = (bytes: Buffer, fileStart = true) => validator.check({ seq: 0, file: 'f.json', firstLine: 1, bytes, fileStart });

  it('drops a byte-order mark at the start of a file and the CR of Windows line endings', () => {
    const r = check(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${reading(1)}\r\n${reading(2)}\r\n`)]));
    expect([r.read, r.valid, r.quarantine]).toEqual([2, 2, []]);
  });

  it('quarantines the one line of invalid UTF-8 in a batch and keeps the others', () => {
    const r = check(Buffer.concat([Buffer.from(`${reading(1)}\n{"user":"`), Buffer.from([0xc3, 0x28]), Buffer.from(`"}\n${reading(3)}\n`)]));
    expect([r.read, r.valid]).toEqual([3, 2]);
    expect(r.quarantine).toEqual([{ dataset: 'accelerometer', file: 'f.json', line: 2, reasons: ['line is not valid UTF-8'], preview: '{"user":"\ufffd("}', bytes: 13 }]);
  });

  it('counts blank and whitespace-only lines apart from records', () => {
    const r = check(Buffer.from(`\n  \n${reading(1)}\n\t\n`));
    expect([r.read, r.blankLines, r.valid]).toEqual([1, 3, 1]);
  });

  it('counts only JSON whitespace as blank: other white space, a form feed or a byte-order mark inside a file is a record, quarantined', () => {
    const others = ['\u00a0', '\f', '\u2028', '\u2029', '\v', '\ufeff', '\u3000', ' \u00a0 ', '\u0085'];
    const r = check(Buffer.from(`${reading(1)}\n \t \r\n${others.join('\n')}\n\t\n`));
    expect([r.read, r.blankLines, r.valid]).toEqual([1 + others.length, 2, 1]);
    expect(r.quarantine.map((q) => [q.line, q.record, q.reasons.map((x) => x.replace(/:[\s\S]*/, ''))])).toEqual(others.map((o, i) => [3 + i, o, ['malformed JSON']]));
  });
});
