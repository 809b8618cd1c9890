// The reference's own reading of a landing folder, written from ../shared/STEDI-DATA.md and the
// README ("How a run works", step 1), sharing no code with src/pipeline: which files of a dataset
// hold records, and the lines of each. Small folders only: each file is read whole.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, crc32, inflateRawSync } from 'node:zlib';

/** One non-blank line of a landing file: a record to be checked, or bytes that cannot be one. */
export type LandingLine =
  | { readonly kind: 'text'; readonly text: string; readonly bytes: number }
  | { readonly kind: 'unreadable'; readonly why: string; readonly bytes: number };

export interface LandingFileLines {
  /** Relative to the dataset folder, `/`-separated. */
  readonly file: string;
  readonly lines: readonly LandingLine[];
  /** Lines of JSON whitespace only: no records. */
  readonly blank: number;
}

/** Record files end in .json, .jsonl or .ndjson, in any case, optionally compressed as .gz. */
const RECORD_FILE = /\.(json|jsonl|ndjson)(\.gz)?$/i;
/** A line longer than this is reported by its size, never read (README: "lines over 16 MiB"). */
export const LONGEST_LINE = 16 * 1024 * 1024;

const LF = 0x0a;
const CR = 0x0d;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Regular files at any depth below `dir` that hold records, sorted by relative path (symbolic links are never followed). */
export function recordFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...recordFiles(join(dir, e.name), rel));
    else if (e.isFile() && RECORD_FILE.test(e.name)) out.push(rel);
  }
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/**
 * The bytes of a file, decompressed when it is gzip (RFC 1952: members one after another, each a
 * header, deflate data and a trailer of CRC-32 and size). What follows the last whole member, a
 * member cut short or damaged, or bytes that are no member, gives the bytes decoded before it,
 * `damaged` with why, and `unread`: the compressed bytes from where that member (or those bytes)
 * starts to the end of the file, which weigh in quarantine.
 */
function contentOf(path: string): { bytes: Buffer; damaged?: string; unread?: number } {
  const raw = readFileSync(path);
  if (!/\.gz$/i.test(path)) return { bytes: raw };
  const members: Buffer[] = [];
  const broken = (start: number, why: string, decoded?: Buffer) => ({ bytes: Buffer.concat([...members, ...(decoded ? [decoded] : [])]), damaged: why, unread: raw.length - start });
  let pos = 0;
  while (pos < raw.length) {
    const start = pos;
    if (raw[pos] !== 0x1f || raw[pos + 1] !== 0x8b || raw[pos + 2] !== 8) return broken(start, 'no gzip member');
    if (raw.length < pos + 10) return broken(start, 'cut short');
    const flags = raw[pos + 3];
    pos += 10;
    if (flags & 4) pos = raw.length < pos + 2 ? raw.length + 1 : pos + 2 + raw.readUInt16LE(pos);
    // A name or comment ends at a zero byte; without one the header is cut short.
    if (flags & 8) pos = raw.indexOf(0, pos) < 0 ? raw.length + 1 : raw.indexOf(0, pos) + 1;
    if (flags & 16) pos = raw.indexOf(0, pos) < 0 ? raw.length + 1 : raw.indexOf(0, pos) + 1;
    if (flags & 2) pos += 2;
    if (pos > raw.length) return broken(start, 'header cut short');
    let data: Buffer;
    let used: number;
    try {
      const r = inflateRawSync(raw.subarray(pos), { info: true }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      data = r.buffer;
      used = r.engine.bytesWritten;
    } catch (e) {
      // What can be inflated before the damage: flushed block by block.
      let decoded: Buffer | undefined;
      try {
        decoded = inflateRawSync(raw.subarray(pos), { finishFlush: constants.Z_SYNC_FLUSH });
      } catch {
        decoded = undefined;
      }
      return broken(start, (e as Error).message, decoded);
    }
    pos += used;
    if (raw.length < pos + 8) return broken(start, 'trailer cut short', data);
    if (raw.readUInt32LE(pos) !== crc32(data) || raw.readUInt32LE(pos + 4) !== data.length % 2 ** 32) return broken(start, 'trailer does not match', data);
    pos += 8;
    members.push(data);
  }
  return { bytes: Buffer.concat(members) };
}

/** Only space and tab (JSON whitespace that a line can hold): no record. */
const isBlank = (b: Buffer) => b.every((c) => c === 0x20 || c === 0x09);

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function lineOf(b: Buffer): LandingLine {
  if (b.length > LONGEST_LINE) return { kind: 'unreadable', why: 'too long', bytes: b.length };
  try {
    return { kind: 'text', text: utf8.decode(b), bytes: b.length };
  } catch {
    return { kind: 'unreadable', why: 'not UTF-8', bytes: b.length };
  }
}

/**
 * Cuts a file into lines: a line ends at "\n", "\r\n" or a lone "\r"; a byte-order mark that opens
 * the file is no part of its first line (one further in is a line's content); the empty rest after
 * the last line end is no line. A damaged compressed file ends in one unreadable line: the one the
 * damage falls in, weighing its own bytes and the compressed bytes that could not be read.
 */
export function linesOfFile(path: string, file: string): LandingFileLines {
  const { bytes, damaged, unread = 0 } = contentOf(path);
  const start = bytes.subarray(0, 3).equals(BOM) ? 3 : 0;
  const pieces: Buffer[] = [];
  let from = start;
  for (let i = start; i < bytes.length; i++) {
    if (bytes[i] !== LF && bytes[i] !== CR) continue;
    pieces.push(bytes.subarray(from, i));
    if (bytes[i] === CR && bytes[i + 1] === LF) i++;
    from = i + 1;
  }
  const rest = bytes.subarray(from);
  const lines: LandingLine[] = [];
  let blank = 0;
  for (const p of pieces) {
    if (isBlank(p)) blank++;
    else lines.push(lineOf(p));
  }
  if (damaged !== undefined) lines.push({ kind: 'unreadable', why: `damaged: ${damaged}`, bytes: rest.length + unread });
  else if (rest.length) {
    if (isBlank(rest)) blank++;
    else lines.push(lineOf(rest));
  }
  return { file, lines, blank };
}

/** Every record file of a dataset folder with its lines; a dataset folder that is a symbolic link holds none (never followed). */
export function datasetLines(datasetDir: string): LandingFileLines[] {
  if (lstatSync(datasetDir).isSymbolicLink()) return [];
  return recordFiles(datasetDir).map((f) => linesOfFile(join(datasetDir, f), f));
}
