// Reads a Glue table the way Athena does, in DuckDB: every file under its location (Hive's hidden
// `_` and `.` files skipped), in the format its SerDe names, columns matched to the Glue schema by
// name without regard to case and cast to their Glue types, a column missing from the files read
// as NULL. Used by the Athena stand-in and for the row counts a rehearsal reports.
import type { Table } from '@aws-sdk/client-glue';
import { quoteIdent, quoteLiteral } from '../engine/engine';
import { LocalS3Error, parseLocation, type LocalObject, type LocalS3 } from './local-s3';

/** Glue (Hive) column types and their DuckDB twins. */
const GLUE_TO_DUCKDB: Readonly<Record<string, string>> = {
  string: 'VARCHAR',
  varchar: 'VARCHAR',
  char: 'VARCHAR',
  bigint: 'BIGINT',
  int: 'INTEGER',
  integer: 'INTEGER',
  smallint: 'SMALLINT',
  tinyint: 'TINYINT',
  double: 'DOUBLE',
  float: 'FLOAT',
  boolean: 'BOOLEAN',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

export type TableFormat = 'parquet' | 'json';

/** The storage format a table's SerDe reads. */
export function tableFormat(table: Table): TableFormat {
  const serde = table.StorageDescriptor?.SerdeInfo?.SerializationLibrary ?? '';
  if (/parquet/i.test(serde)) return 'parquet';
  if (/json/i.test(serde)) return 'json';
  throw new Error(`${table.DatabaseName}.${table.Name}: the rehearsal reads Parquet and JSON tables only, not ${serde || 'a table without a SerDe'}`);
}

export function duckdbType(glueType: string, where: string): string {
  const t = glueType.toLowerCase().trim();
  const decimal = /^decimal\((\d+),\s*(\d+)\)$/.exec(t);
  if (decimal) return `DECIMAL(${decimal[1]}, ${decimal[2]})`;
  const mapped = GLUE_TO_DUCKDB[t.replace(/\(.*$/, '')];
  if (!mapped) throw new Error(`${where}: the rehearsal cannot read Glue type ${glueType}`);
  return mapped;
}

/** Whether Athena reads a file: Hive skips files and folders whose name starts with `_` or `.`. */
export function isDataFile(key: string, prefix: string): boolean {
  return !key.slice(prefix.length).split('/').some((s) => s.startsWith('_') || s.startsWith('.'));
}

export interface TableFiles {
  readonly bucket: string;
  readonly prefix: string;
  readonly files: readonly LocalObject[];
  readonly bytes: number;
}

/** The files of a table's location (a folder: its key prefix always ends in `/`). */
export function tableFiles(table: Table, s3: LocalS3): TableFiles {
  const location = table.StorageDescriptor?.Location;
  if (!location) throw new Error(`${table.DatabaseName}.${table.Name} has no location`);
  const { bucket, prefix: raw } = parseLocation(location);
  const prefix = raw === '' || raw.endsWith('/') ? raw : `${raw}/`;
  let files: LocalObject[];
  try {
    files = s3.list(bucket, prefix).filter((o) => isDataFile(o.key, prefix));
  } catch (e) {
    if (e instanceof LocalS3Error && e.code === 'NoSuchBucket') throw new Error(`${table.DatabaseName}.${table.Name} points at ${location}, a bucket the stack does not create`);
    throw e;
  }
  return { bucket, prefix, files, bytes: files.reduce((n, f) => n + f.size, 0) };
}

/** Runs a query that returns one VARCHAR column and gives its values (the caller's DuckDB). */
export type ColumnProbe = (sql: string) => Promise<string[]>;

export class TableScans {
  /** Column names found in a set of files, by the files' paths, sizes and times. */
  private readonly names = new Map<string, string[]>();

  constructor(
    private readonly s3: LocalS3,
    private readonly probe: ColumnProbe,
  ) {}

  /** A SELECT that yields the table's rows as Athena would read them, and the files it reads. */
  async select(table: Table): Promise<{ sql: string; files: TableFiles }> {
    const where = `${table.DatabaseName}.${table.Name}`;
    const columns = table.StorageDescriptor?.Columns ?? [];
    if (!columns.length) throw new Error(`${where} declares no columns`);
    const files = tableFiles(table, this.s3);
    const typed = columns.map((c) => ({ name: c.Name!, type: duckdbType(c.Type ?? '', `${where}.${c.Name}`) }));
    if (!files.files.length) {
      return { sql: `SELECT ${typed.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`, files };
    }
    const format = tableFormat(table);
    const list = `[${files.files.map((f) => quoteLiteral(f.file)).join(', ')}]`;
    const found = await this.fileColumns(format, list, files);
    const spelled = (name: string) => {
      const hits = found.filter((f) => f.toLowerCase() === name.toLowerCase());
      if (hits.length > 1) throw new Error(`${where}: the files hold column ${name} spelled ${hits.join(' and ')}; Athena would read only one of them`);
      return hits[0];
    };
    if (format === 'parquet') {
      const select = typed.map((c) => {
        const f = spelled(c.name);
        return `${f === undefined ? 'NULL' : `t.${quoteIdent(f)}`}::${c.type} AS ${quoteIdent(c.name)}`;
      });
      return { sql: `SELECT ${select.join(', ')} FROM read_parquet(${list}, union_by_name = true, hive_partitioning = false) t`, files };
    }
    // JSON: DuckDB matches keys exactly; the SerDe matches them without regard to case, so each
    // Glue column is read under the spelling the files use.
    const present = typed.map((c) => ({ ...c, key: spelled(c.name) }));
    const keyed = present.filter((c) => c.key !== undefined);
    const ignoreMalformed = (table.StorageDescriptor?.SerdeInfo?.Parameters ?? {})['ignore.malformed.json']?.toUpperCase() === 'TRUE';
    const source = keyed.length
      ? `read_json(${list}, format = 'newline_delimited', columns = {${keyed.map((c) => `${quoteLiteral(c.key!)}: ${quoteLiteral(c.type)}`).join(', ')}}${ignoreMalformed ? ', ignore_errors = true' : ''})`
      : `read_ndjson_objects(${list}${ignoreMalformed ? ', ignore_errors = true' : ''})`;
    const select = present.map((c) => `${c.key === undefined ? `NULL::${c.type}` : `t.${quoteIdent(c.key)}`} AS ${quoteIdent(c.name)}`);
    return { sql: `SELECT ${select.join(', ')} FROM ${source} t`, files };
  }

  private async fileColumns(format: TableFormat, list: string, files: TableFiles): Promise<string[]> {
    const id = `${format}\0${files.files.map((f) => `${f.file}\0${f.size}\0${f.lastModified.getTime()}`).join('\0')}`;
    const known = this.names.get(id);
    if (known) return known;
    const names =
      format === 'parquet'
        ? await this.probe(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet(${list}, union_by_name = true, hive_partitioning = false))`)
        : await this.probe(`SELECT DISTINCT k FROM (SELECT unnest(json_keys(json)) AS k FROM read_ndjson_objects(${list}, ignore_errors = true))`);
    this.names.set(id, names);
    return names;
  }
}
