// A landing file is read more than once in a run: validation reads it, and DuckDB loads the files
// whose every line was kept as it arrived from where they are (early, while they are checked, or
// after). A producer that appends to or replaces a file between those reads would have DuckDB
// publish bytes nobody validated. So each read is held to the file as it was listed: the same
// file (device, inode), size, modification time and status-change time (which no program can set
// back: any write, truncation or rename onto the path changes it or the inode). Validation checks
// the file it opened when it opens it and again at its end; the engine's reads are checked before
// and after. A file that changed ends the run as busy (exit 75): nothing is published, and a run
// once the producer has finished writing reads it whole.
import type { BigIntStats } from 'node:fs';
import { constants, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { BusyError } from '../errors/operator-error';
import type { LandingFile } from './landing-files';
import { gunzipSource, isGzip, type ByteSource } from './line-reader';

/** What must stay the same of a landing file between its listing and every read of it. */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

export const identityOf = (s: BigIntStats): FileIdentity => ({ dev: s.dev, ino: s.ino, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs });

/** A landing file changed (or was replaced) while the run read it: exit 75, run again once it is written. */
export class LandingChangedError extends BusyError {
  constructor(
    /** The file, relative to the landing root. */
    readonly file: string,
    message: string,
  ) {
    super(message);
    this.name = 'LandingChangedError';
  }
}

/** Why `now` is not the file that was listed, or undefined when it is. */
function difference(listed: FileIdentity, now: FileIdentity): string | undefined {
  if (listed.dev !== now.dev || listed.ino !== now.ino) return 'it was replaced by another file';
  if (listed.size !== now.size) return `it held ${listed.size} bytes when listed and holds ${now.size} now`;
  if (listed.mtimeNs !== now.mtimeNs || listed.ctimeNs !== now.ctimeNs) return 'it was written to';
  return undefined;
}

/** Throws LandingChangedError when `now` is not the file as it was listed. */
export function assertSameFile(file: LandingFile, now: FileIdentity, when: string): void {
  const why = difference(file.identity, now);
  if (why === undefined) return;
  throw new LandingChangedError(
    file.name,
    `landing file ${file.name} changed ${when}: ${why}. Nothing was published; run again once the producer has finished writing it`,
  );
}

/**
 * Runs a read of landing files by path (DuckDB's), proving that each of `paths` that is a listed
 * landing file is as it was listed before the read and still after it.
 */
export async function readingUnchanged<T>(listed: readonly LandingFile[], paths: readonly string[], read: () => Promise<T>): Promise<T> {
  const wanted = new Set(paths);
  const files = listed.filter((f) => wanted.has(f.path));
  const check = (when: string) => {
    for (const f of files) {
      let now: FileIdentity;
      try {
        now = identityOf(statSync(f.path, { bigint: true }));
      } catch (e) {
        throw new LandingChangedError(f.name, `landing file ${f.name} changed ${when}: it cannot be read any more (${(e as Error).message}). Nothing was published; run again once the producer has finished writing it`);
      }
      assertSameFile(f, now, when);
    }
  };
  check('after it was validated, before it was loaded');
  const result = await read();
  check('while it was loaded');
  return result;
}

/** Opens a listed landing file, never through a symbolic link, and proves it is the file listed. */
async function openListed(file: LandingFile): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    handle = await open(file.path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') {
      throw new LandingChangedError(file.name, `landing file ${file.name} changed after it was listed: it ${code === 'ENOENT' ? 'is gone' : 'is a symbolic link now'}. Nothing was published; run again once the producer has finished writing it`);
    }
    throw e;
  }
  try {
    assertSameFile(file, identityOf(await handle.stat({ bigint: true })), 'after it was listed');
    return handle;
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** The first `end` stored bytes of an open listed file, then the proof that it did not change. */
async function* storedBytes(file: LandingFile, handle: FileHandle, end: number): AsyncGenerator<Buffer> {
  try {
    let position = 0;
    while (position < end) {
      const buffer = Buffer.allocUnsafe(Math.min(1 << 20, end - position));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
    assertSameFile(file, identityOf(await handle.stat({ bigint: true })), 'while it was read');
  } finally {
    await handle.close();
  }
}

/**
 * The bytes of a listed landing file (decompressed when it is .gz), from a handle opened and proved
 * to be the listed file. Reading never goes past the size listed, and once the last byte has been
 * read the file is proved unchanged, so a read that ends saw exactly the bytes that were listed.
 */
export async function listedFileSource(file: LandingFile): Promise<ByteSource> {
  const handle = await openListed(file);
  const size = Number(file.identity.size);
  if (isGzip(file.path)) return gunzipSource(Readable.from(storedBytes(file, handle, size)));
  // A plain file is read straight into the reader's buffers.
  let position = 0;
  return {
    async read(buffer, offset, length) {
      const { bytesRead } = await handle.read(buffer, offset, Math.min(length, size - position), position);
      position += bytesRead;
      if (bytesRead === 0) assertSameFile(file, identityOf(await handle.stat({ bigint: true })), 'while it was validated');
      return bytesRead;
    },
    close: () => handle.close(),
  };
}

/** The first `length` bytes of a listed (plain) landing file, proved to be the file listed, unchanged. */
export async function* listedFileStart(file: LandingFile, length: number): AsyncGenerator<Buffer> {
  yield* storedBytes(file, await openListed(file), length);
}
