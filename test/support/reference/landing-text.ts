// The reference's own reading of a landing folder, written from ../shared/STEDI-DATA.md and the
// README ("How a run works", step 1), sharing no code with src/pipeline: which files of a dataset
// hold records, and the lines of each. Small folders only: each file is read whole.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gunzipSync } from 'node:zlib';

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
 * The bytes of a file, decompressed when it is gzip. A compressed file cut short or damaged gives
 * the bytes before the damage, and `damaged` with zlib's words.
 */
function contentOf(path: string): { bytes: Buffer; damaged?: string } {
  const raw = readFileSync(path);
  if (!/\.gz$/i.test(path)) return { bytes: raw };
  try {
    return { bytes: gunzipSync(raw) };
  } catch (e) {
    // What can be inflated before the damage: flushed block by block.
    let bytes: Buffer;
    try {
      bytes = gunzipSync(raw, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      bytes = Buffer.alloc(0);
    }
    return { bytes, damaged: (e as Error).message };
  }
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
 * damage falls in.
 */
export function linesOfFile(path: string, file: string): LandingFileLines {
  const { bytes, damaged } = contentOf(path);
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
  if (damaged !== undefined) lines.push({ kind: 'unreadable', why: `damaged: ${damaged}`, bytes: rest.length });
  else if (rest.length) {
    if (isBlank(rest)) blank++;
    else lines.push(lineOf(rest));
  }
  return { file, lines, blank };
}

/** Every record file of a dataset folder with its lines. */
export function datasetLines(datasetDir: string): LandingFileLines[] {
  return recordFiles(datasetDir).map((f) => linesOfFile(join(datasetDir, f), f));
}
