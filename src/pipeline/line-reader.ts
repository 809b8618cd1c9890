// Cuts a landing file (NDJSON, optionally gzip-compressed) into batches of whole lines, in bounded
// memory: a line over the size limit is reported by number and size, never held.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import * as bytes from './bytes';
import type { LineBatch } from './record-batch';

// Module-local copies: hot loops read a constant, not the module's export on each byte.
const { NEWLINE } = bytes;

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

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
 * Cuts a file's byte stream into batches of whole lines. A line longer than maxLineBytes is not
 * kept: it is reported through `oversized` with its line number and size, and the lines around it
 * go on in batches of their own.
 */
export async function* lineBatches(
  stream: Readable,
  /** Name of the file, as batches and reports give it. */
  name: string,
  batchBytes: number,
  maxLineBytes: number,
  oversized: (line: number, bytes: number) => void,
): AsyncGenerator<Omit<LineBatch, 'seq'>> {
  let line = 1; // number of the line being read
  let carry: Buffer[] = []; // start of the current line, from earlier chunks
  let carryBytes = 0;
  let skipping = -1; // bytes of the current oversized line seen so far; -1 when not skipping
  let pending: Buffer[] = []; // whole lines waiting to be a batch
  let pendingBytes = 0;
  let pendingFirst = 1;
  let fileStart = true;

  const take = (piece: Buffer, firstLine: number) => {
    if (!pendingBytes) pendingFirst = firstLine;
    pending.push(piece);
    pendingBytes += piece.length;
  };
  const batch = (): Omit<LineBatch, 'seq'> | undefined => {
    if (!pendingBytes) return undefined;
    const bytes = pending.length === 1 ? pending[0] : Buffer.concat(pending, pendingBytes);
    const b = { file: name, firstLine: pendingFirst, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), fileStart };
    fileStart = false;
    pending = [];
    pendingBytes = 0;
    return b;
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let pos = 0;
    let runStart = 0; // start of the run of whole, acceptable lines in this chunk
    let runFirst = line;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, pos);
      if (nl < 0) break;
      const length = (skipping >= 0 ? skipping : carryBytes) + (nl - pos);
      if (skipping >= 0 || length > maxLineBytes) {
        // Lines before the oversized one keep their order: emit them first.
        if (pos > runStart) take(Buffer.from(chunk.subarray(runStart, pos)), runFirst);
        const b = batch();
        if (b) yield b;
        oversized(line, length);
        fileStart = false;
        skipping = -1;
        carry = [];
        carryBytes = 0;
        runStart = nl + 1;
        runFirst = line + 1;
      } else if (carryBytes) {
        // The line began in an earlier chunk: it is the run's first line.
        carry.push(chunk.subarray(pos, nl + 1));
        take(Buffer.concat(carry), line);
        carry = [];
        carryBytes = 0;
        runStart = nl + 1;
        runFirst = line + 1;
      }
      line++;
      pos = nl + 1;
    }
    if (pos > runStart) take(Buffer.from(chunk.subarray(runStart, pos)), runFirst);
    if (pos < chunk.length) {
      const rest = chunk.length - pos;
      if (skipping >= 0) skipping += rest;
      else if (carryBytes + rest > maxLineBytes) {
        skipping = carryBytes + rest;
        carry = [];
        carryBytes = 0;
      } else {
        carry.push(Buffer.from(chunk.subarray(pos)));
        carryBytes += rest;
      }
    }
    if (pendingBytes >= batchBytes) {
      const b = batch();
      if (b) yield b;
    }
  }
  if (skipping >= 0) {
    const b = batch();
    if (b) yield b;
    oversized(line, skipping);
    return;
  }
  if (carryBytes) take(Buffer.concat(carry), line);
  const b = batch();
  if (b) yield b;
}
