// A fake Athena for tests: an AthenaClient mocked with aws-sdk-client-mock whose queries really run in
// an embedded DuckDB, answered in the shapes Athena uses.
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
// - QueryExecutionStatus (API_QueryExecutionStatus.html): State QUEUED | RUNNING | SUCCEEDED | FAILED |
//   CANCELLED, StateChangeReason, AthenaError; Statistics.DataScannedInBytes (API_QueryExecutionStatistics).
// - Type names as Athena's DML reports them (docs.aws.amazon.com/athena/latest/ug/data-types.html):
//   boolean, tinyint, smallint, integer, bigint, double, float, decimal, varchar, date, timestamp.
// - Numbers are written the way Trino (Java) prints them: doubles as Double.toString (`1.5`, `1.0E21`),
//   dates as `2024-01-02`, timestamps as `2024-01-02 03:04:05.000`.
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type ColumnInfo,
  type GetQueryResultsOutput,
  type QueryExecution,
  type QueryExecutionState,
  type Row,
  type StartQueryExecutionInput,
  type StatementType,
} from '@aws-sdk/client-athena';
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { normaliseValue, type DuckDbEngine } from '../../src/engine/duckdb-engine';
import { quoteLiteral } from '../../src/engine/engine';

/** What the next started query does instead of running normally (see {@link AthenaFake.scriptNext}). */
export type ExecutionScript =
  /** Ends CANCELLED (someone stopped it in the console) after its queued and running polls. */
  | { readonly end: 'cancelled'; readonly reason?: string }
  /** Stays RUNNING until StopQueryExecution arrives. */
  | { readonly end: 'never' };

export interface AthenaFakeOptions {
  /** The DuckDB the queries run in: tables the test creates there are what "Athena" sees. */
  readonly duck: DuckDbEngine;
  /** GetQueryExecution calls that answer QUEUED after a start. @default 1 */
  readonly queuedPolls?: number;
  /** GetQueryExecution calls that answer RUNNING after the queued ones. @default 1 */
  readonly runningPolls?: number;
  /** Statistics.DataScannedInBytes of a finished query. @default the UTF-8 size of its result text */
  readonly dataScannedInBytes?: (sql: string) => number;
}

/** Athena's cap on GetQueryResults' MaxResults (also its value when MaxResults is left out). */
export const ATHENA_MAX_RESULTS = 1000;

interface Execution {
  readonly id: string;
  readonly input: StartQueryExecutionInput;
  readonly statementType: StatementType;
  readonly subStatementType: string;
  polls: number;
  state: QueryExecutionState;
  reason?: string;
  script?: ExecutionScript;
  columns: ColumnInfo[];
  rows: Row[];
  bytes: number;
}

export interface AthenaFake {
  /** The client to give the engine under test. */
  readonly client: AthenaClient;
  /** The mock, to assert the exact commands the client received (`mock.commandCalls(...)`). */
  readonly mock: AwsClientStub<AthenaClient>;
  /** The SQL of every StartQueryExecution, in order. */
  queries(): string[];
  /** Makes the next started query follow `script` instead of running in DuckDB. */
  scriptNext(script: ExecutionScript): void;
  restore(): void;
}

export function createAthenaFake(options: AthenaFakeOptions): AthenaFake {
  const queuedPolls = options.queuedPolls ?? 1;
  const runningPolls = options.runningPolls ?? 1;
  const client = new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' } });
  const mock = mockClient(client);
  const executions = new Map<string, Execution>();
  const scripts: ExecutionScript[] = [];
  let counter = 0;
  // One DuckDB connection: statements (and their search_path switch) run one at a time.
  let serial: Promise<unknown> = Promise.resolve();

  mock.on(StartQueryExecutionCommand).callsFake(async (input: StartQueryExecutionInput) => {
    if (!input.QueryString) throw invalidRequest('QueryString is required');
    counter++;
    const id = `fake-${String(counter).padStart(4, '0')}-0000-4000-8000-000000000000`;
    const [statementType, subStatementType] = classify(input.QueryString);
    const execution: Execution = {
      id, input, statementType, subStatementType, polls: 0, state: 'QUEUED', columns: [], rows: [], bytes: 0,
    };
    const script = scripts.shift();
    if (script) execution.script = script;
    else {
      const run = serial.then(() => runInDuckDb(options.duck, execution, options.dataScannedInBytes));
      serial = run.catch(() => undefined);
      await run;
    }
    executions.set(id, execution);
    return { QueryExecutionId: id };
  });

  mock.on(GetQueryExecutionCommand).callsFake(async (input: { QueryExecutionId?: string }) => {
    const execution = find(executions, input.QueryExecutionId);
    execution.polls++;
    return { QueryExecution: queryExecution(execution, visibleState(execution, queuedPolls, runningPolls)) };
  });

  mock.on(StopQueryExecutionCommand).callsFake(async (input: { QueryExecutionId?: string }) => {
    const execution = find(executions, input.QueryExecutionId);
    // Stopping a finished query is a no-op in Athena; a live one ends CANCELLED.
    if (!isFinal(visibleState(execution, queuedPolls, runningPolls))) {
      execution.script = { end: 'cancelled', reason: 'Query cancelled by user' };
      execution.polls = queuedPolls + runningPolls;
    }
    return {};
  });

  mock.on(GetQueryResultsCommand).callsFake(
    async (input: { QueryExecutionId?: string; NextToken?: string; MaxResults?: number }): Promise<GetQueryResultsOutput> => {
      const execution = find(executions, input.QueryExecutionId);
      const state = visibleState(execution, queuedPolls, runningPolls);
      if (state !== 'SUCCEEDED') throw invalidRequest(`Query has not yet finished. Current state: ${state}`);
      const max = input.MaxResults ?? ATHENA_MAX_RESULTS;
      if (!Number.isInteger(max) || max < 1 || max > ATHENA_MAX_RESULTS) {
        throw invalidRequest(`1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: ` +
          `Member must have value less than or equal to ${ATHENA_MAX_RESULTS}`);
      }
      const offset = input.NextToken === undefined ? 0 : decodeToken(input.NextToken, execution.id);
      const end = Math.min(offset + max, execution.rows.length);
      return {
        UpdateCount: 0,
        ResultSet: { Rows: execution.rows.slice(offset, end), ResultSetMetadata: { ColumnInfo: execution.columns } },
        ...(end < execution.rows.length ? { NextToken: encodeToken(execution.id, end) } : {}),
      };
    },
  );

  return {
    client,
    mock,
    queries: () => mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input.QueryString ?? ''),
    scriptNext: (script) => {
      scripts.push(script);
    },
    restore: () => mock.restore(),
  };
}

/** The state a poll sees: QUEUED, then RUNNING, then the outcome, each for the configured number of polls. */
function visibleState(execution: Execution, queuedPolls: number, runningPolls: number): QueryExecutionState {
  if (execution.polls <= queuedPolls) return 'QUEUED';
  if (execution.polls <= queuedPolls + runningPolls) return 'RUNNING';
  if (execution.script?.end === 'never') return 'RUNNING';
  if (execution.script?.end === 'cancelled') return 'CANCELLED';
  return execution.state;
}

function isFinal(state: QueryExecutionState): boolean {
  return state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED';
}

function queryExecution(execution: Execution, state: QueryExecutionState): QueryExecution {
  const reason = state === 'CANCELLED' && execution.script?.end === 'cancelled' ? execution.script.reason : execution.reason;
  return {
    QueryExecutionId: execution.id,
    Query: execution.input.QueryString,
    StatementType: execution.statementType,
    SubstatementType: execution.subStatementType,
    ResultConfiguration: { OutputLocation: `${execution.input.ResultConfiguration?.OutputLocation ?? 's3://fake-athena-results/'}${execution.id}.csv` },
    QueryExecutionContext: execution.input.QueryExecutionContext,
    WorkGroup: execution.input.WorkGroup ?? 'primary',
    Status: {
      State: state,
      SubmissionDateTime: new Date(0),
      ...(isFinal(state) ? { CompletionDateTime: new Date(0) } : {}),
      ...(state === 'FAILED' || state === 'CANCELLED' ? { StateChangeReason: reason } : {}),
      ...(state === 'FAILED' ? { AthenaError: { ErrorCategory: 2, Retryable: false, ErrorMessage: reason } } : {}),
    },
    Statistics: {
      DataScannedInBytes: state === 'SUCCEEDED' || state === 'FAILED' ? execution.bytes : 0,
      EngineExecutionTimeInMillis: 0,
      TotalExecutionTimeInMillis: 0,
    },
    EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
  };
}

/** Runs the statement; a DuckDB error becomes a FAILED query whose reason is DuckDB's message. */
async function runInDuckDb(
  duck: DuckDbEngine,
  execution: Execution,
  scannedBytes: ((sql: string) => number) | undefined,
): Promise<void> {
  const sql = execution.input.QueryString ?? '';
  const restorePath = await useDatabase(duck, execution.input.QueryExecutionContext?.Database);
  try {
    const reader = await duck.connection.runAndReadAll(sql);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    execution.columns = names.map((name, i) => columnInfo(name, types[i]!));
    const data: Row[] = reader.getRowObjectsJS().map((r) => ({
      Data: names.map((name, i) => {
        const text = athenaText(r[name], types[i]!);
        return text === undefined ? {} : { VarCharValue: text };
      }),
    }));
    const header: Row[] = execution.statementType === 'DML' && execution.subStatementType === 'SELECT'
      ? [{ Data: names.map((name) => ({ VarCharValue: name })) }]
      : [];
    execution.rows = [...header, ...data];
    execution.state = 'SUCCEEDED';
    execution.bytes = scannedBytes
      ? scannedBytes(sql)
      : data.reduce((n, row) => n + (row.Data ?? []).reduce((m, d) => m + Buffer.byteLength(d.VarCharValue ?? ''), 0), 0);
  } catch (err) {
    execution.state = 'FAILED';
    execution.reason = (err as Error).message;
    execution.bytes = scannedBytes ? scannedBytes(sql) : 0;
  } finally {
    await restorePath();
  }
}

/** Athena resolves unqualified names in the context Database; the DuckDB twin of that is a schema of the same name. */
async function useDatabase(duck: DuckDbEngine, database: string | undefined): Promise<() => Promise<void>> {
  if (!database) return async () => undefined;
  const exists = await duck.connection.runAndReadAll(
    `SELECT 1 FROM information_schema.schemata WHERE schema_name = $1`, [database]);
  if (exists.currentRowCount === 0) return async () => undefined;
  const previous = await duck.connection.runAndReadAll(`SELECT current_setting('search_path') AS p`);
  const before = String(previous.getRowObjectsJS()[0]?.p ?? '');
  await duck.connection.run(`SET search_path = ${quoteLiteral(database)}`);
  return async () => {
    await duck.connection.run(`SET search_path = ${quoteLiteral(before)}`);
  };
}

function classify(sql: string): [StatementType, string] {
  const body = sql.replace(/^(\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, '');
  const word = /^\(?\s*([A-Za-z]+)/.exec(body)?.[1]?.toUpperCase() ?? '';
  if (['SELECT', 'WITH', 'VALUES', 'TABLE', 'FROM'].includes(word)) return ['DML', 'SELECT'];
  if (word === 'INSERT') return ['DML', 'INSERT'];
  if (word === 'CREATE' && /\bAS\s+(SELECT|WITH)\b/i.test(body)) return ['DML', 'CREATE_TABLE_AS_SELECT'];
  if (['SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN'].includes(word)) return ['UTILITY', word];
  return ['DDL', word];
}

function athenaType(type: DuckDBType): string {
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

function columnInfo(name: string, type: DuckDBType): ColumnInfo {
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
function athenaText(value: unknown, type: DuckDBType): string | undefined {
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

function find(executions: Map<string, Execution>, id: string | undefined): Execution {
  const execution = id === undefined ? undefined : executions.get(id);
  if (!execution) throw invalidRequest(`QueryExecution ${id ?? '(none)'} was not found`);
  return execution;
}

function encodeToken(id: string, offset: number): string {
  return Buffer.from(JSON.stringify({ id, offset })).toString('base64');
}

function decodeToken(token: string, id: string): number {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { id?: string; offset?: number };
    if (parsed.id === id && typeof parsed.offset === 'number') return parsed.offset;
  } catch {
    // fall through to the error Athena gives for a token it did not issue
  }
  throw invalidRequest('The NextToken is invalid');
}

function invalidRequest(message: string): InvalidRequestException {
  return new InvalidRequestException({ message, $metadata: {} });
}
