// Hands file paths to DuckDB as names, never as patterns, and proves which files they name.
//
// DuckDB's file readers (read_json, read_parquet, read_blob) expand every path they are given
// (LocalFileSystem::Glob in DuckDB 1.5): `*`, `?` and `[` make a path a pattern, and once it is
// one, `\` splits it like `/`. `{ }` are not patterns there, but they are tested like the others.
// A path without those characters is opened as it is; one with them is escaped here, each of
// `*`, `?`, `[` as a one-character class (`[*]`, `[?]`, `[[]`), which matches that character only.
import { quoteLiteral } from './engine';

const PATTERN_CHARS = /[*?[]/;

/** A path DuckDB cannot be made to read literally. */
export class UnreadablePathError extends Error {
  constructor(readonly path: string) {
    super(`${path}: DuckDB cannot read a path that holds a backslash and one of * ? [ (it reads such a path as a pattern split at the backslash); rename the folder or file`);
    this.name = 'UnreadablePathError';
  }
}

/** What DuckDB resolved a list of names to, when that is not exactly the files listed. */
export class FileSetMismatchError extends Error {
  constructor(
    readonly what: string,
    readonly missing: readonly string[],
    readonly unexpected: readonly string[],
  ) {
    super(
      `${what}: DuckDB would read other files than the ones listed, so nothing is read` +
        (missing.length ? `; listed but not read: ${missing.join(', ')}` : '') +
        (unexpected.length ? `; read but not listed: ${unexpected.join(', ')}` : ''),
    );
    this.name = 'FileSetMismatchError';
  }
}

/** Whether DuckDB can be handed this path so that it reads exactly this file. */
export function readableByName(path: string): boolean {
  return !(PATTERN_CHARS.test(path) && path.includes('\\'));
}

/** The string DuckDB's readers take to mean exactly `path` (itself, when it holds no pattern character). */
export function literalPattern(path: string): string {
  if (!PATTERN_CHARS.test(path)) return path;
  if (!readableByName(path)) throw new UnreadablePathError(path);
  return path.replace(/[*?[]/g, (c) => `[${c}]`);
}

/** A SQL list literal of the files, for read_json / read_parquet / read_blob, read by name. */
export function fileListSql(paths: readonly string[]): string {
  return `[${paths.map((p) => quoteLiteral(literalPattern(p))).join(', ')}]`;
}

interface Queries {
  query(sql: string): Promise<{ readonly rows: readonly Record<string, unknown>[] }>;
}

/**
 * Fails closed unless DuckDB resolves `fileList` (a SQL list expression, as handed to a reader) to
 * exactly `expected`, each file once. read_blob expands its list the way every multi-file reader
 * does (the same MultiFileList), and reads no content when only `filename` is asked for, so this
 * costs a directory lookup per file, where `filename = true` on the read itself would cost a column
 * on every row.
 */
export async function assertReadsExactly(engine: Queries, fileList: string, expected: readonly string[], what: string): Promise<void> {
  let got: string[];
  try {
    got = (await engine.query(`SELECT filename FROM read_blob(${fileList})`)).rows.map((r) => String(r.filename));
  } catch (e) {
    throw new FileSetMismatchError(what, [...expected], [`(${(e as Error).message.split('\n')[0]})`]);
  }
  const want = [...expected].sort();
  got.sort();
  if (want.length === got.length && want.every((p, i) => p === got[i])) return;
  const missing = want.filter((p) => !got.includes(p));
  const unexpected = got.filter((p, i) => !want.includes(p) || got.indexOf(p) !== i);
  throw new FileSetMismatchError(what, missing, unexpected);
}

