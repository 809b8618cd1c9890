// Decompresses gzip data member by member (RFC 1952), so that damage is found where it is and
// nothing before it is lost. Node's Gunzip reads concatenated members too, but when the bytes after
// a member are no member (trailing garbage, a damaged second member) it fails the whole write they
// came in, and the records of the members before it went with them; bytes of zeros after the last
// member it drops without a word. Here each member's header is read here, its deflate data goes
// through Node's InflateRaw (which stops at the end of the deflate stream and says how much input
// it used), and its trailer (CRC-32, size) is checked: every byte of the file is a member's, or is
// reported with the offset it starts at and how many bytes cannot be read.
import * as zlib from 'node:zlib';

/** Compressed bytes handed to the inflater at once: a failed write loses at most their output. */
const SLICE_BYTES = 64 * 1024;

/** The gzip member header: magic bytes 1f 8b, method 8 (deflate). */
const ID1 = 0x1f;
const ID2 = 0x8b;
const DEFLATE = 8;
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const RESERVED_FLAGS = 0xe0;

/**
 * Damaged gzip data: where it starts and how many bytes of the file cannot be read from there. Its
 * `code` is zlib's (Z_BUF_ERROR when the data is cut short, Z_DATA_ERROR when it is damaged), so
 * that readers tell it from an error reading the file itself.
 */
export class GzipDamage extends Error {
  constructor(
    message: string,
    readonly code: 'Z_BUF_ERROR' | 'Z_DATA_ERROR',
    /** Offset in the compressed file of the member (or the bytes that are no member) that cannot be read. */
    readonly offset: number,
    /** Compressed bytes from `offset` to the end of the file: what the damage weighs in quarantine. */
    readonly unreadBytes: number,
  ) {
    super(message);
    this.name = 'GzipDamage';
  }
}

/** Length of the member header at the start of `b`, 'more' when `b` ends inside it, or why it is none. */
export function gzipHeaderLength(b: Buffer): number | 'more' | { readonly notGzip: string } {
  if (b.length >= 1 && b[0] !== ID1) return { notGzip: 'no gzip header' };
  if (b.length >= 2 && b[1] !== ID2) return { notGzip: 'no gzip header' };
  if (b.length >= 3 && b[2] !== DEFLATE) return { notGzip: `unknown compression method ${b[2]}` };
  if (b.length >= 4 && (b[3] & RESERVED_FLAGS) !== 0) return { notGzip: 'reserved header flags set' };
  if (b.length < 10) return 'more';
  const flags = b[3];
  let n = 10;
  if (flags & FEXTRA) {
    if (b.length < n + 2) return 'more';
    n += 2 + b.readUInt16LE(n);
  }
  for (const field of [FNAME, FCOMMENT]) {
    if (!(flags & field)) continue;
    const zero = b.indexOf(0, n);
    if (zero < 0) return 'more';
    n = zero + 1;
  }
  if (flags & FHCRC) n += 2;
  return b.length < n ? 'more' : n;
}

/** Node's own CRC-32 where it has one (20.15 and later); without it the trailer's size is checked alone. */
const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/**
 * The decompressed bytes of gzip data, as chunks, member after member. Throws GzipDamage (after
 * every byte decoded before the damage) when the data is cut short, damaged, or followed by bytes
 * that are no gzip member; an error of the input itself is thrown as it is.
 */
export async function* gunzipMembers(compressed: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const input = compressed[Symbol.asyncIterator]();
  let inputDone = false;
  /** Compressed bytes read but not yet used, and the offset of their first byte in the file. */
  let pending: Buffer = Buffer.alloc(0);
  let offset = 0;
  const more = async (): Promise<boolean> => {
    if (inputDone) return false;
    const next = await input.next();
    if (next.done) {
      inputDone = true;
      return false;
    }
    pending = pending.length ? Buffer.concat([pending, next.value]) : next.value;
    return true;
  };
  const use = (n: number) => {
    pending = pending.subarray(n);
    offset += n;
  };
  /** Bytes of the file from `from` to its end (the rest of the input is read to count them). */
  const bytesFrom = async (from: number): Promise<number> => {
    let end = offset + pending.length;
    pending = Buffer.alloc(0);
    while (!inputDone) {
      const next = await input.next();
      if (next.done) inputDone = true;
      else end += next.value.length;
    }
    return end - from;
  };
  const damage = async (code: GzipDamage['code'], from: number, what: (bytes: number) => string) => {
    const bytes = await bytesFrom(from);
    return new GzipDamage(what(bytes), code, from, bytes);
  };

  try {
    for (let member = 0; ; member++) {
      if (pending.length === 0 && !(await more())) return;
      const memberStart = offset;
      let header = gzipHeaderLength(pending);
      while (header === 'more' && (await more())) header = gzipHeaderLength(pending);
      if (header === 'more') {
        throw await damage('Z_BUF_ERROR', memberStart, (n) => `the gzip data is cut short in the header of the member at byte ${memberStart}: its ${n} bytes cannot be read`);
      }
      if (typeof header !== 'number') {
        const why = header.notGzip;
        throw await damage('Z_DATA_ERROR', memberStart, (n) =>
          member === 0
            ? `the file is not gzip data (${why}): its ${n} bytes cannot be read`
            : `the gzip data ends at byte ${memberStart}, and the ${n} bytes after it are no gzip member (${why}): they cannot be read`,
        );
      }
      use(header);

      const inflater = zlib.createInflateRaw();
      const out: Buffer[] = [];
      inflater.on('data', (d: Buffer) => out.push(d));
      let failure: Error | undefined;
      inflater.on('error', (e) => (failure ??= e));
      let crc = 0;
      let size = 0;
      const deliver = function* () {
        for (const d of out.splice(0)) {
          if (crc32) crc = crc32(d, crc);
          size = (size + d.length) % 0x1_0000_0000;
          yield d;
        }
      };
      const inMember = (why: string) => (n: number) => `the gzip data is ${why} in the member at byte ${memberStart}: its ${n} bytes from there to the end of the file cannot be read`;
      try {
        // The member's deflate data, a slice at a time, until the inflater uses less than it was given.
        for (;;) {
          if (pending.length === 0 && !(await more())) {
            // The input ends inside the deflate data: a cut upload. What was decoded is delivered first.
            yield* deliver();
            throw await damage('Z_BUF_ERROR', memberStart, inMember('cut short (unexpected end of file)'));
          }
          const slice = pending.subarray(0, SLICE_BYTES);
          const before = inflater.bytesWritten;
          await new Promise<void>((resolve) => {
            // A failed write may never call back: its error ends the wait.
            const done = () => {
              inflater.off('error', done);
              resolve();
            };
            inflater.once('error', done);
            inflater.write(slice, () => done());
          });
          // Output is emitted before the write's callback; a failed write's output is lost with it.
          await new Promise<void>((resolve) => setImmediate(resolve));
          if (failure) {
            yield* deliver();
            const message = failure.message;
            throw await damage('Z_DATA_ERROR', memberStart, inMember(`damaged (${message})`));
          }
          yield* deliver();
          const used = inflater.bytesWritten - before;
          use(used);
          if (used < slice.length) break;
        }
      } finally {
        inflater.destroy();
      }
      // The trailer: CRC-32 and size (mod 2^32) of the member's data.
      while (pending.length < 8 && (await more()));
      if (pending.length < 8) throw await damage('Z_BUF_ERROR', memberStart, inMember('cut short in the trailer (unexpected end of file)'));
      if ((crc32 && pending.readUInt32LE(0) !== crc >>> 0) || pending.readUInt32LE(4) !== size) {
        throw await damage('Z_DATA_ERROR', memberStart, inMember('damaged (incorrect data check)'));
      }
      use(8);
    }
  } finally {
    await input.return?.();
  }
}
