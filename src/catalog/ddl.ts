// Parses the Athena DDL files in ddl/ into table definitions: the one source of columns and types.
import { readFileSync } from 'node:fs';
import { OperatorError } from '../errors/operator-error';

/** Column types used in ddl/, as Athena spells them. */
export const DDL_TYPES = ['STRING', 'BIGINT', 'INT', 'DOUBLE'] as const;
export type DdlType = (typeof DDL_TYPES)[number];

export interface ColumnDef {
  readonly name: string;
  readonly type: DdlType;
  readonly comment: string;
  /** True when the DDL comment starts with `pii:`. Drives LF-tags and column exclusions. */
  readonly pii: boolean;
}

export type StorageFormat = 'json' | 'parquet';

export interface TableDdl {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  readonly format: StorageFormat;
  /** The leading `--` comment lines of the file, joined. */
  readonly description: string;
  readonly file: string;
}

export class DdlError extends OperatorError {
  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'DdlError';
  }
}

const CREATE = /^CREATE\s+EXTERNAL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?`?(\w+)`?\s*\($/i;
const COLUMN = /^`?(\w+)`?\s+(\w+)(?:\s+COMMENT\s+'([^']*)')?\s*,?$/i;

export function parseDdl(text: string, file: string): TableDdl {
  const lines = text.split(/\r?\n/);
  const description: string[] = [];
  let name: string | undefined;
  let i = 0;
  for (; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (line.startsWith('--')) {
      if (name === undefined) description.push(line.replace(/^--\s?/, ''));
      continue;
    }
    const m = CREATE.exec(line);
    if (!m) throw new DdlError(file, i + 1, `expected "CREATE EXTERNAL TABLE <name> (", found "${line}"`);
    name = m[1];
    i++;
    break;
  }
  if (name === undefined) throw new DdlError(file, lines.length, 'no CREATE EXTERNAL TABLE statement');
  const columns: ColumnDef[] = [];
  for (; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('--')) continue;
    if (line.startsWith(')')) break;
    const m = COLUMN.exec(line);
    if (!m) throw new DdlError(file, i + 1, `cannot read column definition "${line}"`);
    const type = m[2].toUpperCase();
    if (!(DDL_TYPES as readonly string[]).includes(type)) {
      throw new DdlError(file, i + 1, `column ${m[1]} has type ${m[2]}; supported: ${DDL_TYPES.join(', ')}`);
    }
    if (columns.some((c) => c.name.toLowerCase() === m[1].toLowerCase())) {
      throw new DdlError(file, i + 1, `column ${m[1]} is defined twice`);
    }
    const comment = m[3] ?? '';
    columns.push({ name: m[1], type: type as DdlType, comment, pii: /^pii:/i.test(comment) });
  }
  if (i >= lines.length) throw new DdlError(file, lines.length, 'column list is not closed with ")"');
  if (columns.length === 0) throw new DdlError(file, i + 1, `table ${name} has no columns`);
  const rest = lines.slice(i).join('\n');
  const format: StorageFormat = /STORED\s+AS\s+PARQUET/i.test(rest)
    ? 'parquet'
    : /JsonSerDe/i.test(rest)
      ? 'json'
      : (() => {
          throw new DdlError(file, i + 1, 'table must be STORED AS PARQUET or use the JsonSerDe');
        })();
  return { name, columns, format, description: description.join(' '), file };
}

export function readDdl(file: string): TableDdl {
  return parseDdl(readFileSync(file, 'utf8'), file);
}
