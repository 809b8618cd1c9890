// The Athena adapter of the engine interface: runs one statement per query through @aws-sdk/client-athena.
// Bundled into the gate Lambda, so it must never import DuckDB (see DESIGN.md, "The run model").
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type ColumnInfo,
  type Datum,
  type QueryExecution,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import type { EngineStats, QueryEngine, QueryResult, SqlValue } from './engine';

/** The defaults of {@link AthenaEngineOptions}, exported so tests and docs read the same numbers. */
export const ATHENA_ENGINE_DEFAULTS = {
  catalog: 'AwsDataCatalog',
  timeoutMs: 10 * 60 * 1000,
  pollInitialMs: 250,
  pollMaxMs: 5_000,
  /** Athena's own cap on MaxResults for GetQueryResults. */
  pageSize: 1000,
} as const;

export interface AthenaEngineOptions {
  /** The client to send commands with. @default a new AthenaClient with the SDK's region and credential chain */
  readonly client?: AthenaClient;
  /** The workgroup every query runs in (its settings, limits and result location apply). */
  readonly workgroup: string;
  /** The Glue database unqualified table names resolve in. */
  readonly database: string;
  /** The data catalog. @default 'AwsDataCatalog' */
  readonly catalog?: string;
  /**
   * Where Athena writes result files, e.g. `s3://bucket/athena/`.
   * @default none: the workgroup's own result location (a workgroup that enforces its settings ignores this anyway)
   */
  readonly outputLocation?: string;
  /** How long a query may take, queueing included, before it is stopped. @default 600000 (10 minutes) */
  readonly timeoutMs?: number;
  /** The first wait between status polls; each later wait doubles. @default 250 */
  readonly pollInitialMs?: number;
  /** The longest wait between status polls. @default 5000 */
  readonly pollMaxMs?: number;
  /**
   * An idempotency token per statement (32 to 128 characters), so a retried Lambda does not start
   * the same query twice. @default none: the SDK sends a fresh token with every call
   */
  readonly clientRequestToken?: (sql: string) => string | undefined;
  /** Waits between polls; injectable so tests do not really wait. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock the timeout is measured on, in milliseconds. @default Date.now */
  readonly clock?: () => number;
}

export interface AthenaEngineStats extends EngineStats {
  /** Sum of Statistics.DataScannedInBytes over finished queries (failed and cancelled ones included: Athena bills them). */
  readonly bytesScanned: number;
}

/** How a query ended when it did not succeed. */
export type AthenaFailureState = 'FAILED' | 'CANCELLED' | 'TIMED_OUT';

/** A query that failed, was cancelled, or ran out of time; carries what an operator needs to find it. */
export class AthenaQueryError extends Error {
  constructor(
    message: string,
    readonly state: AthenaFailureState,
    readonly queryExecutionId: string,
    readonly reason: string | undefined,
  ) {
    super(message);
    this.name = 'AthenaQueryError';
  }
}

/** The wait before status poll number `attempt` (0-based): doubles from `initialMs`, never above `maxMs`. */
export function pollDelayMs(attempt: number, initialMs: number, maxMs: number): number {
  return Math.min(initialMs * 2 ** Math.min(attempt, 30), maxMs);
}

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOAT_TYPES = new Set(['double', 'float', 'real', 'decimal']);

/**
 * Turns one Athena cell (always text, or absent for NULL) into the SqlValue the DuckDB adapter would
 * return for the same value: integers as numbers while safe, else as decimal strings; floating and
 * decimal as numbers; booleans as booleans; dates and timestamps as ISO-8601 UTC strings (DuckDB's
 * adapter goes through a JS Date); everything else as the text Athena sent.
 */
export function parseAthenaValue(datum: Datum | undefined, column: ColumnInfo): SqlValue {
  const text = datum?.VarCharValue;
  if (text === undefined || text === null) return null;
  const type = (column.Type ?? 'varchar').toLowerCase().replace(/\(.*$/, '').trim();
  const where = `column "${column.Name ?? '?'}" (${type})`;
  if (INTEGER_TYPES.has(type)) {
    if (!/^-?\d+$/.test(text)) throw new Error(`Athena returned "${text}" for integer ${where}`);
    const n = BigInt(text);
    return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(n) : text;
  }
  if (FLOAT_TYPES.has(type)) {
    const n = Number(text);
    // Number('') is 0 and Number('abc') is NaN; Athena writes NaN only as the literal "NaN".
    if (text.trim() === '' || (Number.isNaN(n) && text !== 'NaN')) {
      throw new Error(`Athena returned "${text}" for numeric ${where}`);
    }
    return n;
  }
  if (type === 'boolean') {
    if (text === 'true') return true;
    if (text === 'false') return false;
    throw new Error(`Athena returned "${text}" for boolean ${where}`);
  }
  if (type === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00.000Z` : text;
  if (type === 'timestamp' || type === 'timestamp with time zone') return isoTimestamp(text);
  return text;
}

/** Athena writes `2024-01-02 03:04:05.123` (and ` UTC` with a zone); DuckDB's adapter writes `2024-01-02T03:04:05.123Z`. */
function isoTimestamp(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?: UTC)?$/.exec(text);
  if (!m) return text;
  const millis = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  return `${m[1]}T${m[2]}.${millis}Z`;
}

/** The first non-blank line of a statement, for error messages (a rule file's first line names the rule). */
function firstLine(sql: string): string {
  const line = sql.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class AthenaEngine implements QueryEngine {
  readonly name = 'athena' as const;
  readonly client: AthenaClient;
  readonly workgroup: string;
  readonly database: string;
  readonly catalog: string;
  private readonly ownsClient: boolean;
  private readonly timeoutMs: number;
  private readonly pollInitialMs: number;
  private readonly pollMaxMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly clock: () => number;
  private queries = 0;
  private scanned = 0;

  constructor(private readonly options: AthenaEngineOptions) {
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new AthenaClient({});
    this.workgroup = options.workgroup;
    this.database = options.database;
    this.catalog = options.catalog ?? ATHENA_ENGINE_DEFAULTS.catalog;
    this.timeoutMs = options.timeoutMs ?? ATHENA_ENGINE_DEFAULTS.timeoutMs;
    this.pollInitialMs = options.pollInitialMs ?? ATHENA_ENGINE_DEFAULTS.pollInitialMs;
    this.pollMaxMs = options.pollMaxMs ?? ATHENA_ENGINE_DEFAULTS.pollMaxMs;
    this.sleep = options.sleep ?? defaultSleep;
    this.clock = options.clock ?? Date.now;
    if (!(this.timeoutMs > 0) || !(this.pollInitialMs > 0) || !(this.pollMaxMs >= this.pollInitialMs)) {
      throw new Error(
        `AthenaEngine: timeoutMs and pollInitialMs must be positive and pollMaxMs at least pollInitialMs ` +
          `(got ${this.timeoutMs}, ${this.pollInitialMs}, ${this.pollMaxMs})`,
      );
    }
  }

  /** Bytes Athena scanned for this engine's queries so far (what the workgroup is billed for). */
  get bytesScanned(): number {
    return this.scanned;
  }

  async query(sql: string): Promise<QueryResult> {
    this.queries++;
    const id = await this.start(sql);
    const execution = await this.waitUntilFinished(id, sql);
    return this.readResults(id, execution);
  }

  stats(): AthenaEngineStats {
    return { queries: this.queries, bytesScanned: this.scanned };
  }

  async close(): Promise<void> {
    if (this.ownsClient) this.client.destroy();
  }

  private async start(sql: string): Promise<string> {
    const input: StartQueryExecutionCommandInput = {
      QueryString: sql,
      QueryExecutionContext: { Database: this.database, Catalog: this.catalog },
      WorkGroup: this.workgroup,
    };
    if (this.options.outputLocation !== undefined) {
      input.ResultConfiguration = { OutputLocation: this.options.outputLocation };
    }
    const token = this.options.clientRequestToken?.(sql);
    if (token !== undefined) input.ClientRequestToken = token;
    const out = await this.client.send(new StartQueryExecutionCommand(input));
    if (!out.QueryExecutionId) {
      throw new Error(`Athena accepted a query in workgroup "${this.workgroup}" without returning its id: ${firstLine(sql)}`);
    }
    return out.QueryExecutionId;
  }

  /** Polls with capped exponential backoff until the query ends; stops it and throws once the timeout passes. */
  private async waitUntilFinished(id: string, sql: string): Promise<QueryExecution> {
    const deadline = this.clock() + this.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const remaining = deadline - this.clock();
      if (remaining <= 0) await this.stopAndThrow(id, sql);
      // The last wait is cut to the deadline, so the query gets one final look before it is stopped.
      await this.sleep(Math.min(pollDelayMs(attempt, this.pollInitialMs, this.pollMaxMs), remaining));
      const { QueryExecution: execution } = await this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED') {
        this.scanned += execution?.Statistics?.DataScannedInBytes ?? 0;
        if (state === 'SUCCEEDED') return execution ?? {};
        const reason = execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage;
        const advice = state === 'FAILED' ? 'fix the statement or the table it reads, then rerun' : 'rerun the gate';
        throw new AthenaQueryError(
          `Athena query ${id} ${state} in workgroup "${this.workgroup}", database "${this.database}": ` +
            `${reason ?? 'Athena gave no reason'}. Query: ${firstLine(sql)} (${advice})`,
          state,
          id,
          reason,
        );
      }
      // QUEUED or RUNNING (Athena may move a query back from RUNNING to QUEUED on transient errors): keep polling.
    }
  }

  private async stopAndThrow(id: string, sql: string): Promise<never> {
    let stopNote = 'and was stopped';
    try {
      await this.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch (err) {
      stopNote = `and could not be stopped (${(err as Error).message}); stop it in the Athena console`;
    }
    throw new AthenaQueryError(
      `Athena query ${id} did not finish within ${this.timeoutMs} ms in workgroup "${this.workgroup}" ${stopNote}. ` +
        `Query: ${firstLine(sql)} (raise timeoutMs, or check the workgroup's queue and the data the query scans)`,
      'TIMED_OUT',
      id,
      undefined,
    );
  }

  private async readResults(id: string, execution: QueryExecution): Promise<QueryResult> {
    // Athena repeats the column labels as the first row of the first page, for SELECT-like (DML)
    // statements only; DDL and UTILITY statements (SHOW, DESCRIBE) start with data.
    const hasHeaderRow = execution.StatementType !== 'DDL' && execution.StatementType !== 'UTILITY';
    let columnInfo: ColumnInfo[] | undefined;
    const rows: Record<string, SqlValue>[] = [];
    let nextToken: string | undefined;
    let firstPage = true;
    do {
      const page = await this.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: id,
          MaxResults: ATHENA_ENGINE_DEFAULTS.pageSize,
          ...(nextToken === undefined ? {} : { NextToken: nextToken }),
        }),
      );
      columnInfo ??= page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
      const pageRows = page.ResultSet?.Rows ?? [];
      for (const row of firstPage && hasHeaderRow ? pageRows.slice(1) : pageRows) {
        const out: Record<string, SqlValue> = {};
        columnInfo.forEach((column, i) => {
          out[column.Name ?? `_col${i}`] = parseAthenaValue(row.Data?.[i], column);
        });
        rows.push(out);
      }
      firstPage = false;
      nextToken = page.NextToken;
    } while (nextToken);
    return { columns: (columnInfo ?? []).map((c, i) => c.Name ?? `_col${i}`), rows };
  }
}
