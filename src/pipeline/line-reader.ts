// Streams the records of one landing file: NDJSON, optionally gzip-compressed, in bounded memory.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';

export interface LandingLine {
  /** 1-based line number in the (decompressed) file. */
  readonly lineNo: number;
  /** The line's text without line ending and byte-order mark; absent when it could not be decoded or kept. */
  readonly text?: string;
  /** Why the line cannot be a record (invalid UTF-8, over the size limit); absent for readable lines. */
  readonly problem?: string;
  /** Bytes of the line as stored (for reports); the text of an oversized line is not kept. */
  readonly bytes: number;
}

export interface LineReaderOptions {
  /** Lines longer than this are reported, not buffered. @default 16 MiB */
  readonly maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;
const NEWLINE = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export function isGzip(file: string): boolean {
  return file.toLowerCase().endsWith('.gz');
}

export function openLandingStream(file: string): Readable {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  if (!isGzip(file)) return raw;
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

/**
 * Yields every line of a file (blank lines included, so numbering matches an editor). Splits on
 * bytes so that invalid UTF-8 is detected per line instead of silently replaced.
 */
export async function* readLines(file: string, options: LineReaderOptions = {}): AsyncGenerator<LandingLine> {
  const max = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let parts: Buffer[] = [];
  let partBytes = 0;
  let oversized = false;
  let lineNo = 0;

  const finish = (last: Buffer): LandingLine => {
    lineNo++;
    let bytes = partBytes + last.length;
    if (oversized) {
      parts = [];
      partBytes = 0;
      oversized = false;
      return { lineNo, bytes, problem: `line is ${bytes} bytes, over the limit of ${max} bytes` };
    }
    let buf = parts.length ? Buffer.concat([...parts, last]) : last;
    parts = [];
    partBytes = 0;
    if (buf.length && buf[buf.length - 1] === CR) buf = buf.subarray(0, buf.length - 1);
    if (lineNo === 1 && buf.subarray(0, 3).equals(BOM)) buf = buf.subarray(3);
    bytes = buf.length;
    try {
      return { lineNo, bytes, text: decoder.decode(buf) };
    } catch {
      return { lineNo, bytes, problem: 'line is not valid UTF-8' };
    }
  };

  const keep = (chunk: Buffer) => {
    if (oversized) {
      partBytes += chunk.length;
      return;
    }
    if (partBytes + chunk.length > max) {
      oversized = true;
      partBytes += chunk.length;
      parts = [];
      return;
    }
    parts.push(chunk);
    partBytes += chunk.length;
  };

  for await (const chunk of openLandingStream(file) as AsyncIterable<Buffer>) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      if (oversized || partBytes + piece.length > max) {
        keep(piece);
        yield finish(Buffer.alloc(0));
      } else {
        yield finish(piece);
      }
      start = nl + 1;
    }
    if (start < chunk.length) keep(Buffer.from(chunk.subarray(start)));
  }
  if (partBytes > 0 || oversized) yield finish(Buffer.alloc(0));
}
