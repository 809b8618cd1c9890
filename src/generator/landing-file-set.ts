// The NDJSON files of one landing dataset, written through buffered streams with backpressure so
// that a run of any size holds only a bounded amount of text in memory.
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LandingDatasetName } from './generate-options';

export interface GeneratedFile {
  /** Absolute path. */
  readonly path: string;
  /** Path relative to the landing folder, with `/` separators, e.g. `accelerometer/2023/accelerometer-1691351831425.json`. */
  readonly name: string;
  readonly dataset: LandingDatasetName;
  /** Lines written, blank lines included. */
  readonly lines: number;
  readonly bytes: number;
}

/** Bytes gathered per file before they are handed to the stream. */
const CHUNK_BYTES = 256 * 1024;
const STREAM_HIGH_WATER_MARK = 1024 * 1024;
/** Lines are gathered as text this long (short enough to stay young garbage), then copied into the chunk. */
const TEXT_CHARS = 16 * 1024;

interface OpenFile {
  readonly name: string;
  readonly path: string;
  readonly stream: WriteStream;
  text: string;
  /** Text is copied into this buffer (latin1: every generated line is ASCII), then handed over whole. */
  chunk: Buffer;
  used: number;
  lines: number;
  bytes: number;
  /** The stream's buffer is over its high-water mark: wait for 'drain' before giving it more. */
  full: boolean;
}

/** `<dataset>/[<yyyy>/[<mm>/]]<dataset>-<epoch ms>.json`: file i sits i % 3 folders deep. */
export function landingFileName(dataset: LandingDatasetName, index: number, stampMs: number): string {
  const d = new Date(stampMs);
  const yyyy = String(d.getUTCFullYear());
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const folders = [yyyy, mm].slice(0, index % 3);
  return [dataset, ...folders, `${dataset}-${stampMs}.json`].join('/');
}

export class LandingFileSet {
  private readonly files: OpenFile[];
  private failure: Error | undefined;

  /** Opens one file per stamp under `root`; file i is named after `stampsMs[i]`. */
  constructor(
    root: string,
    readonly dataset: LandingDatasetName,
    stampsMs: readonly number[],
  ) {
    this.files = stampsMs.map((stamp, i) => {
      const name = landingFileName(dataset, i, stamp);
      const path = join(root, ...name.split('/'));
      mkdirSync(dirname(path), { recursive: true });
      const stream = createWriteStream(path, { highWaterMark: STREAM_HIGH_WATER_MARK });
      stream.on('error', (e) => {
        this.failure ??= new Error(`cannot write ${path}: ${e.message}`);
      });
      return { name, path, stream, text: '', chunk: Buffer.allocUnsafe(CHUNK_BYTES), used: 0, lines: 0, bytes: 0, full: false };
    });
  }

  get count(): number {
    return this.files.length;
  }

  /** Appends one line (without its newline) to file `index`. Lines must be ASCII. */
  write(index: number, line: string): void {
    const f = this.files[index];
    f.text += line + '\n';
    f.lines++;
    if (f.text.length >= TEXT_CHARS) this.copy(f);
  }

  /** Moves the gathered text into the chunk (one copy per few hundred lines), and a full chunk to the stream. */
  private copy(f: OpenFile): void {
    if (f.used + f.text.length > f.chunk.length) this.hand(f);
    if (f.text.length > f.chunk.length) f.chunk = Buffer.allocUnsafe(f.text.length);
    f.used += f.chunk.write(f.text, f.used, 'latin1');
    f.text = '';
  }

  private hand(f: OpenFile): void {
    if (f.used === 0) return;
    const full = f.chunk.subarray(0, f.used);
    f.bytes += f.used;
    // The stream keeps the buffer until it is written: start a new one rather than reuse it.
    f.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    f.used = 0;
    if (!f.stream.write(full)) f.full = true;
  }

  /** Waits until every stream has room again (backpressure); call it between bounded batches of writes. */
  async drain(): Promise<void> {
    if (this.failure) throw this.failure;
    for (const f of this.files) {
      if (!f.full) continue;
      await new Promise<void>((resolve, reject) => {
        if (!f.stream.writableNeedDrain) return resolve();
        const onError = (e: Error) => reject(new Error(`cannot write ${f.path}: ${e.message}`));
        f.stream.once('error', onError);
        f.stream.once('drain', () => {
          f.stream.off('error', onError);
          resolve();
        });
      });
      f.full = false;
    }
  }

  /** Flushes what is pending, closes every file and says what was written. */
  async close(): Promise<GeneratedFile[]> {
    for (const f of this.files) {
      this.copy(f);
      this.hand(f);
    }
    await Promise.all(
      this.files.map(
        (f) =>
          new Promise<void>((resolve, reject) => {
            f.stream.once('error', (e) => reject(new Error(`cannot write ${f.path}: ${e.message}`)));
            f.stream.end(() => resolve());
          }),
      ),
    );
    if (this.failure) throw this.failure;
    return this.files.map((f) => ({ path: f.path, name: f.name, dataset: this.dataset, lines: f.lines, bytes: f.bytes }));
  }

  /** Closes every file without waiting, after a failure elsewhere. */
  destroy(): void {
    for (const f of this.files) f.stream.destroy();
  }
}
