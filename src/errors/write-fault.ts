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

/** The operator's line for an error that is a write the machine refused; undefined for any other error. */
export function writeFaultLine(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException & { dest?: string };
  const message = typeof err?.message === 'string' ? err.message : String(e);
  const known = typeof err?.code === 'string' ? WRITE_FAULTS[err.code] : undefined;
  if (known) return `cannot write ${err.dest ?? err.path ?? 'a file'}: ${known} (${err.code}); free space (or point the command at another folder) and run again`;
  if (DUCKDB_WRITE_FAULT.test(message)) return `${message.split('\n')[0]}; free space (or point the command at another folder) and run again`;
  return undefined;
}
