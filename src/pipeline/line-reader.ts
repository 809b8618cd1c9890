// Cuts a landing file (NDJSON, optionally gzip-compressed) into batches of whole lines, in bounded
// memory: a line over the size limit is reported by number and size, never held. A line ends at
// "\n", "\r\n" or a lone "\r" (some exporters write old Mac line ends).
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import * as bytes from './bytes';
import type { LineBatch } from './record-batch';
import { previewOf } from './line-preview';
import { GzipDamage, gunzipMembers } from './gzip-members';

// Module-local copies: hot loops read a constant, not the module's export on each byte.
const { CR, NEWLINE } = bytes;

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** A line that is reported instead of read: its number, size, why, and how it starts. */
export interface UnreadableLine {
  readonly line: number;
  /** Bytes of the line (without its line end) that were seen. */
  readonly bytes: number;
  readonly reason: string;
  /** The line's start (line-preview.ts). */
  readonly preview: string;
}

/**
 * Errors of damaged compressed data (zlib's codes): a cut upload ("unexpected end of file"), a
 * corrupt block or checksum, a file that is no gzip at all. Reading errors of the file itself stay
 * errors of the run.
 */
const DAMAGED_DATA_CODES = new Set(['Z_BUF_ERROR', 'Z_DATA_ERROR', 'Z_NEED_DICT']);
function isDamagedData(e: unknown): boolean {
  return typeof e === 'object' && e !== null && DAMAGED_DATA_CODES.has((e as { code?: unknown }).code as string);
}

/** A line over the size limit, as it is reported. */
function oversized(line: number, bytes: number, limit: number, preview: string): UnreadableLine {
  return { line, bytes, reason: `line is ${bytes} bytes, over the limit of ${limit} bytes`, preview };
}

/** Bytes read past a batch's size, so that a read ends a batch with whole lines to spare. */
const READ_SLACK = 64 * 1024;

export function isGzip(file: string): boolean {
  return file.toLowerCase().endsWith('.gz');
}

/** Where lines are read from: bytes into a buffer the reader owns. */
export interface ByteSource {
  /** Reads at most `length` bytes into `buffer` at `offset`; 0 at the end. */
  read(buffer: Buffer, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

/** A stream's chunks, copied into the reader's buffer (S3 bodies, gunzip). */
export function streamSource(stream: Readable | AsyncIterable<Buffer>): ByteSource {
  const chunks = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let chunk: Buffer | undefined;
  let pos = 0;
  return {
    async read(buffer, offset, length) {
      while (!chunk || pos >= chunk.length) {
        const next = await chunks.next();
        if (next.done) return 0;
        chunk = next.value;
        pos = 0;
      }
      const n = Math.min(length, chunk.length - pos);
      chunk.copy(buffer, offset, pos, pos + n);
      pos += n;
      return n;
    },
    async close() {
      await chunks.return?.();
    },
  };
}

/**
 * The decompressed bytes of a gzip stream (a .gz file, an S3 body), member by member
 * (gzip-members.ts): every byte that can be decoded comes before the damage, however the bytes
 * arrived. Then read() throws the damage (a GzipDamage, which line-reader turns into a quarantined
 * line that weighs the compressed bytes it could not read); an error of the input itself is thrown
 * as it is.
 */
export function gunzipSource(compressed: Readable): ByteSource {
  const source = streamSource(gunzipMembers(compressed as AsyncIterable<Buffer>));
  return {
    read: source.read,
    async close() {
      await source.close();
      compressed.destroy();
    },
  };
}

/** A landing file: a plain file is read straight into the batches' memory, a .gz one through gunzip. */
export async function fileSource(file: string): Promise<ByteSource> {
  if (isGzip(file)) return gunzipSource(createReadStream(file, { highWaterMark: 1 << 20 }));
  const handle = await open(file, 'r');
  return {
    read: async (buffer, offset, length) => (await handle.read(buffer, offset, length, null)).bytesRead,
    close: () => handle.close(),
  };
}

/**
 * Batch memory that its reader's consumer hands back once a batch is done with, so that reading
 * does not allocate (and page in, and collect) a new megabyte for every batch.
 */
export class BatchMemory {
  private readonly free: ArrayBuffer[] = [];

  constructor(
    /** Bytes of each buffer: batches need at most this much unless a line is longer. */
    readonly size: number,
    private readonly keep = 4,
  ) {}

  /** A buffer of at least `bytes` bytes, from offset 0. */
  take(bytes: number): Buffer {
    const reused = bytes <= this.size ? this.free.pop() : undefined;
    return reused ? Buffer.from(reused) : Buffer.allocUnsafeSlow(Math.max(bytes, this.size));
  }

  /** Hands back a batch's memory: nothing may use it any more. */
  give(batch: Uint8Array): void {
    const buffer = batch.buffer as ArrayBuffer;
    if (buffer.byteLength === this.size && this.free.length < this.keep && !this.free.includes(buffer)) this.free.push(buffer);
  }
}

/** Bytes of the buffer a batch of `batchBytes` is read into: the batch, and room to read past it. */
const batchCapacity = (batchBytes: number) => Math.max(1, batchBytes) + READ_SLACK;

/** The batch memory lineBatches reads `batchBytes` batches into. */
export function batchMemory(batchBytes: number): BatchMemory {
  return new BatchMemory(batchCapacity(batchBytes));
}

/**
 * Cuts a file's bytes into batches of whole lines, each at least `batchBytes` long except the
 * file's last. Each batch owns its memory from offset 0 (it can be moved to a worker thread), and
 * its lines are read into it once: only the start of the line that crosses a batch's end is copied.
 * A line longer than maxLineBytes is not kept: it is reported through `unreadable` with its line
 * number, size and start, and the lines around it go on in batches of their own. Compressed data
 * that breaks off (a cut upload) ends the file: the lines before are read, and the line it breaks
 * off in is reported through `unreadable` for the rest.
 */
export async function* lineBatches(
  input: Readable | ByteSource,
  /** Name of the file, as batches and reports give it. */
  name: string,
  batchBytes: number,
  maxLineBytes: number,
  unreadable: (line: UnreadableLine) => void,
  /** Where batch buffers come from; the consumer may hand them back. @default new memory each time */
  memory: BatchMemory = batchMemory(batchBytes),
): AsyncGenerator<Omit<LineBatch, 'seq'>> {
  const source = typeof (input as Readable).pipe === 'function' ? streamSource(input as Readable) : (input as ByteSource);
  const capacity = batchCapacity(batchBytes);
  let buf = memory.take(capacity);
  let fill = 0; // bytes read into buf
  let scanned = 0; // bytes of buf searched for newlines
  let start = 0; // first byte of the lines not yet in a batch
  let firstLine = 1; // number of the line at start
  let lineStart = 0; // first byte of the line being read
  let line = 1; // its number
  let fileStart = true;
  /** A read started before the last batch was handed over, into the buffer that follows it. */
  let ahead: Promise<number> | undefined;
  /**
   * Bytes of buf whose carriage returns are decided: each lone one was turned into "\n" in place
   * (the same length, so nothing moves). A "\r" that ends what was read waits for the next byte.
   */
  let decided = 0;
  /** A lone "\r" was turned into "\n": from then on the file's batches are not as they arrived. */
  let crLineEnds = false;
  /** The line before was cut at a "\r" that ended a read: a "\n" read next belongs to it. */
  let dropNewline = false;
  /** Why the rest of the file cannot be read (damaged compressed data): the reading ends there. */
  let damage: string | undefined;
  /** Compressed bytes the damage made unreadable (gzip-members.ts): they weigh in quarantine. */
  let damagedBytes = 0;

  /** Reads from the source; damaged data ends the file, and the reason is kept. */
  const readSource = (into: Buffer, offset: number, length: number): Promise<number> =>
    source.read(into, offset, length).catch((e: unknown) => {
      if (!isDamagedData(e)) throw e;
      damage = (e as Error).message;
      damagedBytes = e instanceof GzipDamage ? e.unreadBytes : 0;
      return 0;
    });

  /** Decides the carriage returns of buf[decided, fill); at the end of the file a last "\r" is lone. */
  const decideCrs = (atEnd: boolean) => {
    const view = buf.subarray(0, fill);
    for (let cr = view.indexOf(CR, decided); cr !== -1; cr = view.indexOf(CR, cr + 1)) {
      if (cr + 1 === fill && !atEnd) {
        decided = cr;
        return;
      }
      if (buf[cr + 1] !== NEWLINE || cr + 1 === fill) {
        buf[cr] = NEWLINE;
        crLineEnds = true;
      }
    }
    decided = fill;
  };

  /** The lines [start, end) of `from` as a batch. */
  const batchOf = (from: Buffer, end: number): Omit<LineBatch, 'seq'> => {
    const b = { file: name, firstLine, bytes: new Uint8Array(from.buffer, from.byteOffset + start, end - start), fileStart, ...(crLineEnds ? { crLineEnds } : {}) };
    fileStart = false;
    return b;
  };
  /**
   * Ends the batch at `end` and moves the bytes from `keep` on into a fresh buffer of at least
   * `size` bytes: the batch's buffer is the consumer's from then on.
   */
  const cut = (end: number, keep: number, size = capacity) => {
    const old = buf;
    const rest = fill - keep;
    buf = memory.take(Math.max(size, rest + READ_SLACK));
    old.copy(buf, 0, keep, fill);
    const b = end > start ? batchOf(old, end) : undefined;
    fill = rest;
    scanned -= keep;
    decided = Math.max(0, decided - keep);
    lineStart -= keep;
    start = 0;
    return b;
  };

  try {
    for (;;) {
      if (dropNewline && fill > 0) {
        // The "\n" of a "\r\n" whose "\r" ended the line skipped before: no line of its own.
        if (buf[0] === NEWLINE) scanned = start = lineStart = 1;
        dropNewline = false;
      }
      decideCrs(false);
      // Whole lines in what was read; a line over the limit is left out and reported.
      // (Searched through a view: past `decided` a "\r" may still become a line end, and past
      // `fill` the buffer holds stale bytes.)
      let read = buf.subarray(0, decided);
      for (let nl = read.indexOf(NEWLINE, scanned); nl !== -1; nl = read.indexOf(NEWLINE, nl + 1)) {
        // The line's size without its line end (the "\r" of a "\r\n" is part of neither).
        const length = nl - lineStart - (nl > lineStart && buf[nl - 1] === CR ? 1 : 0);
        if (length > maxLineBytes) {
          const preview = previewOf(buf.subarray(lineStart, lineStart + length));
          const b = cut(lineStart, nl + 1);
          if (b) yield b;
          unreadable(oversized(line, length, maxLineBytes, preview));
          fileStart = false;
          firstLine = line + 1;
          read = buf.subarray(0, decided);
          nl = -1; // the buffer is a new one: search it from its start
        }
        line++;
        lineStart = nl + 1;
      }
      scanned = decided;
      if (decided - lineStart > maxLineBytes) {
        // The line being read is over the limit already: its bytes are counted, not kept. A "\r"
        // that ends what was read ends the line (alone or with the "\n" that may follow).
        const endsAtCr = decided < fill;
        let skipped = decided - lineStart;
        const preview = previewOf(buf.subarray(lineStart, decided));
        const b = cut(lineStart, fill);
        if (b) yield b;
        fileStart = false;
        let resume = -1; // where the next line starts in what was read last
        let got = 0;
        if (endsAtCr) dropNewline = true;
        while (!endsAtCr && resume < 0 && (got = await readSource(buf, 0, buf.length)) > 0) {
          const chunk = buf.subarray(0, got);
          const nl = chunk.indexOf(NEWLINE);
          const cr = chunk.subarray(0, nl < 0 ? got : nl).indexOf(CR);
          const end = cr >= 0 ? cr : nl;
          skipped += end < 0 ? got : end;
          if (end < 0) continue;
          resume = end + 1;
          if (cr >= 0 && resume < got && buf[resume] === NEWLINE) resume++;
          else if (cr >= 0 && resume === got) dropNewline = true;
        }
        unreadable(oversized(line, skipped, maxLineBytes, preview));
        if (!endsAtCr && resume < 0) {
          // The end of the file (or of what can be read of it) came first.
          fill = scanned = start = lineStart = decided = 0;
          line++;
          break;
        }
        if (!endsAtCr) {
          buf.copyWithin(0, resume, got);
          fill = got - resume;
        }
        scanned = start = lineStart = decided = 0;
        firstLine = ++line;
        continue;
      }
      if (lineStart - start >= batchBytes || fill === buf.length) {
        // A batch's worth of whole lines, or a full buffer: the line being read moves to a new
        // buffer, twice its size when that line alone filled this one.
        const b = cut(lineStart, lineStart, Math.max(capacity, 2 * (fill - lineStart)));
        if (b) {
          firstLine = line;
          // The next read goes on while the batch is checked.
          ahead = readSource(buf, fill, buf.length - fill);
          // Until it is awaited below, its failure is not unhandled.
          ahead.catch(() => undefined);
          yield b;
        }
      }
      const n = await (ahead ?? readSource(buf, fill, buf.length - fill));
      ahead = undefined;
      if (n === 0) break;
      fill += n;
    }
    decideCrs(true);
    if (damage === undefined) {
      if (fill > start) yield batchOf(buf, fill);
      return;
    }
    // The data breaks off: the whole lines before are read, the line it breaks off in is lost with
    // whatever followed, and is reported in their place.
    const rest = buf.subarray(0, fill);
    for (let nl = rest.indexOf(NEWLINE, scanned); nl !== -1; nl = rest.indexOf(NEWLINE, nl + 1)) {
      line++;
      lineStart = nl + 1;
    }
    if (lineStart > start) yield batchOf(buf, lineStart);
    const lost = buf.subarray(lineStart, fill);
    // The cut line's bytes, and those of the file that could not be decoded: a file that is no gzip
    // at all, or a damaged member, weighs what it holds, not the nothing that could be read of it.
    const where = lost.length ? `inside this line (after its ${lost.length} bytes)` : 'before this line';
    unreadable({ line, bytes: lost.length + damagedBytes, reason: `${where}, ${damage}`, preview: previewOf(lost) });
  } finally {
    await ahead?.catch(() => undefined);
    await source.close();
  }
}
