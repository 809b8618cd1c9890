// A fake Athena for tests: an AthenaClient mocked with aws-sdk-client-mock whose queries really run in
// an embedded DuckDB, answered in the shapes Athena uses.
//
// The shapes (statement types, column metadata, values as text, paging) come from
// src/rehearse/athena-result-shapes.ts, which the rehearsal's Athena stand-in shares; the states
// (QueryExecutionStatus: QUEUED | RUNNING | SUCCEEDED | FAILED | CANCELLED, StateChangeReason,
// AthenaError, Statistics.DataScannedInBytes) follow API_QueryExecutionStatus.html.
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
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import type { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { quoteLiteral } from '../../src/engine/engine';
import {
  ATHENA_MAX_RESULTS,
  athenaResultSet,
  classifyStatement,
  decodeResultToken,
  encodeResultToken,
} from '../../src/rehearse/athena-result-shapes';

export { ATHENA_MAX_RESULTS, javaDouble } from '../../src/rehearse/athena-result-shapes';

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
    const [statementType, subStatementType] = classifyStatement(input.QueryString);
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
      const offset = input.NextToken === undefined ? 0 : decodeResultToken(input.NextToken, execution.id);
      if (offset === undefined) throw invalidRequest('The NextToken is invalid');
      const end = Math.min(offset + max, execution.rows.length);
      return {
        UpdateCount: 0,
        ResultSet: { Rows: execution.rows.slice(offset, end), ResultSetMetadata: { ColumnInfo: execution.columns } },
        ...(end < execution.rows.length ? { NextToken: encodeResultToken(execution.id, end) } : {}),
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
    const result = athenaResultSet(reader, execution.statementType, execution.subStatementType);
    execution.columns = result.columns;
    execution.rows = result.rows;
    execution.state = 'SUCCEEDED';
    execution.bytes = scannedBytes ? scannedBytes(sql) : result.textBytes;
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

function find(executions: Map<string, Execution>, id: string | undefined): Execution {
  const execution = id === undefined ? undefined : executions.get(id);
  if (!execution) throw invalidRequest(`QueryExecution ${id ?? '(none)'} was not found`);
  return execution;
}

function invalidRequest(message: string): InvalidRequestException {
  return new InvalidRequestException({ message, $metadata: {} });
}
