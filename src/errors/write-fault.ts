// Failures of the machine while writing (a full disk, a quota, an I/O error): not our bug, and not
// the operator's typo either, but theirs to fix; the message names the file that could not be written.

/** The error codes of a write the machine refused, and what each means. */
export const WRITE_FAULTS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
  EIO: 'input/output error',
};

/**
 * `e` with `path` set when it has none: Node names the file of a failed open, not of a failed
 * write(2) into it, and the operator needs to know which file the disk refused.
 */
export function namingFile(e: unknown, path: string): unknown {
  if (e && typeof e === 'object' && typeof (e as NodeJS.ErrnoException).code === 'string' && !(e as NodeJS.ErrnoException).path) {
    (e as NodeJS.ErrnoException).path = path;
  }
  return e;
}

/** DuckDB's words for a write the machine refused (it names the file itself). */
export const DUCKDB_WRITE_FAULT = /No space left on device|Disk quota exceeded|File too large/;
