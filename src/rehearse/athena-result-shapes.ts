// How Athena answers: statement types, column metadata, values as text, result pages and their
// tokens, computed from a DuckDB result. Shared by the rehearsal's Athena stand-in and the tests'
// Athena fake, so both speak the shapes the real client code path has to read.
//
// Shapes follow the Athena API reference and what drivers learned from the real service:
// - GetQueryResults (docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html):
//   MaxResults 1..1000; ResultSet.ResultSetMetadata.ColumnInfo[{Name, Label, Type, Precision, Scale,
//   Nullable, CaseSensitive, CatalogName, SchemaName, TableName}] on every page; Rows[{Data[{VarCharValue}]}]
//   where every value is text and NULL is a Datum without VarCharValue; NextToken while rows remain.
// - For SELECT (StatementType DML) the first row of the first page only is the column labels, and it
//   counts against MaxResults: a first page of 1000 holds 999 data rows
//   (uber/athenadriver resources/UndocumentedAthena.md, "When the Row resultset contains Header";
//   ghdna/athena-express issue 1, "It returns max 999 rows only"). DDL and UTILITY results have no header.
// - Type names as Athena's DML reports them (docs.aws.amazon.com/athena/latest/ug/data-types.html):
//   boolean, tinyint, smallint, integer, bigint, double, float, decimal, varchar, date, timestamp.
// - Numbers are written the way Trino (Java) prints them: doubles as Double.toString (`1.5`, `1.0E21`),
//   dates as `2024-01-02`, timestamps as `2024-01-02 03:04:05.000`.
import type { ColumnInfo, Row, StatementType } from '@aws-sdk/client-athena';
import { DuckDBTypeId, type DuckDBResultReader, type DuckDBType } from '@duckdb/node-api';
import { normaliseValue } from '../engine/duckdb-engine';

/** Athena's cap on GetQueryResults' MaxResults (also its value when MaxResults is left out). */
export const ATHENA_MAX_RESULTS = 1000;

/** Athena's statement type and sub-type of a query, from its first keyword. */
export function classifyStatement(sql: string): [StatementType, string] {
  const body = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  const word = /^\(?\s*([A-Za-z]+)/.exec(body)?.[1]?.toUpperCase() ?? '';
  if (['SELECT', 'WITH', 'VALUES', 'TABLE', 'FROM'].includes(word)) return ['DML', 'SELECT'];
  if (word === 'INSERT') return ['DML', 'INSERT'];
  if (word === 'CREATE' && /\bAS\s+(SELECT|WITH)\b/i.test(body)) return ['DML', 'CREATE_TABLE_AS_SELECT'];
  if (['SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN'].includes(word)) return ['UTILITY', word];
  return ['DDL', word];
}

export function athenaType(type: DuckDBType): string {
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN: return 'boolean';
    case DuckDBTypeId.TINYINT: return 'tinyint';
    case DuckDBTypeId.SMALLINT: case DuckDBTypeId.UTINYINT: return 'smallint';
    case DuckDBTypeId.INTEGER: case DuckDBTypeId.USMALLINT: return 'integer';
    // DuckDB widens SUM(BIGINT) to HUGEINT; Athena keeps bigint.
    case DuckDBTypeId.BIGINT: case DuckDBTypeId.UINTEGER: case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT: case DuckDBTypeId.UHUGEINT: return 'bigint';
    case DuckDBTypeId.FLOAT: return 'float';
    case DuckDBTypeId.DOUBLE: return 'double';
    case DuckDBTypeId.DECIMAL: return 'decimal';
    case DuckDBTypeId.DATE: return 'date';
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_S: case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS: return 'timestamp';
    case DuckDBTypeId.TIMESTAMP_TZ: return 'timestamp with time zone';
    case DuckDBTypeId.LIST: case DuckDBTypeId.ARRAY: return 'array';
    case DuckDBTypeId.STRUCT: return 'row';
    case DuckDBTypeId.MAP: return 'map';
    default: return 'varchar';
  }
}

export function athenaColumnInfo(name: string, type: DuckDBType): ColumnInfo {
  const athena = athenaType(type);
  const decimal = type.typeId === DuckDBTypeId.DECIMAL ? type : undefined;
  const precision: Record<string, number> = {
    boolean: 0, tinyint: 3, smallint: 5, integer: 10, bigint: 19, float: 17, double: 17, date: 0, timestamp: 3,
  };
  return {
    CatalogName: 'hive', SchemaName: '', TableName: '', Name: name, Label: name, Type: athena,
    Precision: decimal?.width ?? precision[athena] ?? 2147483647,
    Scale: decimal?.scale ?? 0,
    Nullable: 'UNKNOWN', CaseSensitive: athena === 'varchar',
  };
}

/** The text Athena would send for a DuckDB value; undefined for NULL (a Datum without VarCharValue). */
export function athenaText(value: unknown, type: DuckDBType): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (athenaType(type)) {
    case 'boolean': return value ? 'true' : 'false';
    case 'double': case 'float': return javaDouble(value as number);
    case 'decimal': return (value as number).toFixed(type.typeId === DuckDBTypeId.DECIMAL ? type.scale : 0);
    case 'date': return (value as Date).toISOString().slice(0, 10);
    case 'timestamp': return (value as Date).toISOString().replace('T', ' ').replace('Z', '');
    case 'timestamp with time zone': return `${(value as Date).toISOString().replace('T', ' ').replace('Z', '')} UTC`;
    default: {
      if (typeof value === 'string') return value;
      if (typeof value === 'bigint' || typeof value === 'number') return value.toString();
      const v = normaliseValue(value);
      return v === null ? undefined : String(v);
    }
  }
}

/** Java's Double.toString, which Trino uses: `1.5`, `100.0`, `1.0E21`, `1.0E-7`, `NaN`, `Infinity`. */
export function javaDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(n);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

export interface AthenaResultSet {
  readonly columns: ColumnInfo[];
  /** Every row a GetQueryResults page can hold, the header row of a SELECT included. */
  readonly rows: Row[];
  /** The UTF-8 size of the result text. */
  readonly textBytes: number;
}

export interface AthenaResultOptions {
  /**
   * Report column names in lower case, as Athena (Trino) does for every identifier.
   * @default false (the names DuckDB reports)
   */
  readonly lowerCaseNames?: boolean;
}

/** A DuckDB result as Athena's result set of a statement of `statementType`. */
export function athenaResultSet(
  reader: DuckDBResultReader,
  statementType: StatementType,
  subStatementType: string,
  options: AthenaResultOptions = {},
): AthenaResultSet {
  const names = reader.columnNames();
  const types = reader.columnTypes();
  const shown = names.map((n) => (options.lowerCaseNames ? n.toLowerCase() : n));
  const columns = shown.map((name, i) => athenaColumnInfo(name, types[i]!));
  let textBytes = 0;
  const data: Row[] = reader.getRowObjectsJS().map((r) => ({
    Data: names.map((name, i) => {
      const text = athenaText(r[name], types[i]!);
      if (text !== undefined) textBytes += Buffer.byteLength(text);
      return text === undefined ? {} : { VarCharValue: text };
    }),
  }));
  const header: Row[] = statementType === 'DML' && subStatementType === 'SELECT' ? [{ Data: shown.map((name) => ({ VarCharValue: name })) }] : [];
  return { columns, rows: [...header, ...data], textBytes };
}

/** An opaque NextToken for the page that starts at `offset` of a query's rows. */
export function encodeResultToken(id: string, offset: number): string {
  return Buffer.from(JSON.stringify({ id, offset })).toString('base64');
}

/** The offset a NextToken stands for, or undefined when this query did not issue it. */
export function decodeResultToken(token: string, id: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { id?: string; offset?: number };
    if (parsed.id === id && typeof parsed.offset === 'number') return parsed.offset;
  } catch {
    // not a token of ours: the caller answers as Athena does for a token it did not issue
  }
  return undefined;
}
