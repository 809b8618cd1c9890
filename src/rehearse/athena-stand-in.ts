// The rehearsal's stand-in for Athena: the gate Lambda's queries, sent through its own
// @aws-sdk/client-athena, run in an embedded DuckDB over the tables of the Glue catalog stand-in
// (each Glue database a schema, each table a view over the files its location holds at the time of
// the query), answered in Athena's shapes (athena-result-shapes.ts). The workgroup must exist and
// be enabled, its bytes-scanned cutoff is enforced on the files a query's tables hold, and a client
// request token names one query. What it cannot show: Trino's SQL dialect (the SQL runs on DuckDB),
// Lake Formation's column and row filters, and result files in the results bucket.
import type { GetQueryResultsOutput, QueryExecution, QueryExecutionState, Row, StartQueryExecutionInput, StatementType, ColumnInfo } from '@aws-sdk/client-athena';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../engine/engine';
import { tableRefs, type TableRef } from '../catalog/sql-text';
import { ATHENA_MAX_RESULTS, athenaResultSet, classifyStatement, decodeResultToken, encodeResultToken } from './athena-result-shapes';
import type { GlueCatalogStandIn } from './glue-catalog-stand-in';
import type { LocalS3 } from './local-s3';
import { TableScans } from './table-scan';

/** An Athena workgroup as the stack declares it. */
export interface DeclaredWorkgroup {
  readonly name: string;
  readonly enabled: boolean;
  readonly bytesScannedCutoffPerQuery?: number;
  readonly outputLocation?: string;
}

/** An Athena API error: its exception name and HTTP status. */
export class AthenaStandInError extends Error {
  constructor(
    readonly type: 'InvalidRequestException' | 'ResourceNotFoundException',
    message: string,
  ) {
    super(message);
    this.name = type;
  }

  get status(): number {
    return 400;
  }
}

interface Execution {
  readonly id: string;
  readonly input: StartQueryExecutionInput;
  readonly statementType: StatementType;
  readonly subStatementType: string;
  state: QueryExecutionState;
  reason?: string;
  columns: ColumnInfo[];
  rows: Row[];
  bytes: number;
  readonly submitted: number;
  completed?: number;
}

export class AthenaStandIn {
  private readonly executions = new Map<string, Execution>();
  private readonly byToken = new Map<string, string>();
  private serial: Promise<unknown> = Promise.resolve();
  private counter = 0;
  private connection?: DuckDBConnection;
  private instance?: DuckDBInstance;
  private readonly scans: TableScans;
  /** The views as last pointed, and the catalog and bucket generations they were pointed at. */
  private views?: { readonly at: string; readonly bytes: Map<string, number> };

  constructor(
    private readonly glue: GlueCatalogStandIn,
    private readonly s3: LocalS3,
    private readonly workgroups: readonly DeclaredWorkgroup[],
    private readonly region: string,
  ) {
    this.scans = new TableScans(s3, async (sql) => {
      const r = await (await this.duck()).runAndReadAll(sql);
      return r.getRowObjectsJS().map((row) => String(Object.values(row)[0]));
    });
  }

  /** Every statement started, in order (for the rehearsal's record and tests). */
  statements(): string[] {
    return [...this.executions.values()].map((e) => e.input.QueryString ?? '');
  }

  async startQueryExecution(input: StartQueryExecutionInput): Promise<{ QueryExecutionId: string }> {
    if (!input.QueryString) throw new AthenaStandInError('InvalidRequestException', 'QueryString is required');
    const workgroupName = input.WorkGroup ?? 'primary';
    const workgroup = this.workgroups.find((w) => w.name === workgroupName);
    if (!workgroup) throw new AthenaStandInError('InvalidRequestException', `WorkGroup ${workgroupName} is not found.`);
    if (!workgroup.enabled) throw new AthenaStandInError('InvalidRequestException', `WorkGroup ${workgroupName} is disabled.`);
    // The same token starts a query once: a retried call gets the first call's id.
    if (input.ClientRequestToken) {
      const known = this.byToken.get(input.ClientRequestToken);
      if (known) {
        if (this.executions.get(known)!.input.QueryString !== input.QueryString) {
          throw new AthenaStandInError('InvalidRequestException', `Idempotent parameters do not match for ClientRequestToken ${input.ClientRequestToken}`);
        }
        return { QueryExecutionId: known };
      }
    }
    this.counter++;
    const id = `${String(this.counter).padStart(8, '0')}-0000-4000-8000-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
    const [statementType, subStatementType] = classifyStatement(input.QueryString);
    const execution: Execution = { id, input, statementType, subStatementType, state: 'RUNNING', columns: [], rows: [], bytes: 0, submitted: Date.now() };
    this.executions.set(id, execution);
    if (input.ClientRequestToken) this.byToken.set(input.ClientRequestToken, id);
    const run = this.serial.then(() => this.run(execution, workgroup));
    this.serial = run.catch(() => undefined);
    await run;
    return { QueryExecutionId: id };
  }

  getQueryExecution(id: string | undefined): { QueryExecution: QueryExecution } {
    const e = this.find(id);
    const workgroup = this.workgroups.find((w) => w.name === (e.input.WorkGroup ?? 'primary'));
    const final = e.state === 'SUCCEEDED' || e.state === 'FAILED' || e.state === 'CANCELLED';
    return {
      QueryExecution: {
        QueryExecutionId: e.id,
        Query: e.input.QueryString,
        StatementType: e.statementType,
        SubstatementType: e.subStatementType,
        ResultConfiguration: { OutputLocation: `${workgroup?.outputLocation ?? e.input.ResultConfiguration?.OutputLocation ?? ''}${e.id}.csv` },
        QueryExecutionContext: e.input.QueryExecutionContext,
        WorkGroup: e.input.WorkGroup ?? 'primary',
        Status: {
          State: e.state,
          SubmissionDateTime: (e.submitted / 1000) as unknown as Date,
          ...(final && e.completed ? { CompletionDateTime: (e.completed / 1000) as unknown as Date } : {}),
          ...(e.state === 'FAILED' || e.state === 'CANCELLED' ? { StateChangeReason: e.reason } : {}),
          ...(e.state === 'FAILED' ? { AthenaError: { ErrorCategory: 2, Retryable: false, ErrorMessage: e.reason } } : {}),
        },
        Statistics: { DataScannedInBytes: e.bytes, EngineExecutionTimeInMillis: (e.completed ?? e.submitted) - e.submitted, TotalExecutionTimeInMillis: (e.completed ?? e.submitted) - e.submitted },
        EngineVersion: { SelectedEngineVersion: 'AUTO', EffectiveEngineVersion: 'Athena engine version 3' },
      },
    };
  }

  getQueryResults(id: string | undefined, nextToken: string | undefined, maxResults: number | undefined): GetQueryResultsOutput {
    const e = this.find(id);
    if (e.state !== 'SUCCEEDED') throw new AthenaStandInError('InvalidRequestException', `Query has not yet finished. Current state: ${e.state}`);
    const max = maxResults ?? ATHENA_MAX_RESULTS;
    if (!Number.isInteger(max) || max < 1 || max > ATHENA_MAX_RESULTS) {
      throw new AthenaStandInError(
        'InvalidRequestException',
        `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${ATHENA_MAX_RESULTS}`,
      );
    }
    const offset = nextToken === undefined ? 0 : decodeResultToken(nextToken, e.id);
    if (offset === undefined) throw new AthenaStandInError('InvalidRequestException', 'The NextToken is invalid');
    const end = Math.min(offset + max, e.rows.length);
    return {
      UpdateCount: 0,
      ResultSet: { Rows: e.rows.slice(offset, end), ResultSetMetadata: { ColumnInfo: e.columns } },
      ...(end < e.rows.length ? { NextToken: encodeResultToken(e.id, end) } : {}),
    };
  }

  stopQueryExecution(id: string | undefined): Record<string, never> {
    this.find(id); // Stopping a finished query is a no-op in Athena; every query here finishes before its id is returned.
    return {};
  }

  /** The rows of a table as Athena would read it now (for the tables a rehearsal reports). */
  async countRows(database: string, table: string): Promise<number> {
    const run = this.serial.then(async () => {
      const { sql } = await this.scans.select(this.glue.getTable(database, table));
      return Number((await (await this.duck()).runAndReadAll(`SELECT COUNT(*) AS n FROM (${sql})`)).getRowObjectsJS()[0].n);
    });
    this.serial = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.serial;
    this.connection?.closeSync();
    this.instance?.closeSync();
  }

  private async duck(): Promise<DuckDBConnection> {
    if (!this.connection) {
      this.instance = await DuckDBInstance.create(':memory:');
      this.connection = await this.instance.connect();
    }
    return this.connection;
  }

  private async run(e: Execution, workgroup: DeclaredWorkgroup): Promise<void> {
    const sql = e.input.QueryString!;
    const database = e.input.QueryExecutionContext?.Database;
    const catalog = e.input.QueryExecutionContext?.Catalog ?? 'AwsDataCatalog';
    try {
      if (catalog !== 'AwsDataCatalog') throw new Error(`CATALOG_NOT_FOUND: the rehearsal knows only the catalog AwsDataCatalog, not ${catalog}`);
      const c = await this.duck();
      const read = await this.refreshViews(c);
      if (database) {
        if (!this.glue.databases().includes(database)) throw new Error(`SCHEMA_NOT_FOUND: Schema '${database}' does not exist`);
        await c.run(`SET search_path = ${quoteLiteral(database)}`);
      }
      e.bytes = scannedBytes(sql, database, read);
      const cutoff = workgroup.bytesScannedCutoffPerQuery;
      if (cutoff !== undefined && e.bytes > cutoff) {
        throw new Error(`Query exhausted resources at this scale factor: Bytes scanned limit was exceeded (the files of its tables hold ${e.bytes} bytes; workgroup ${workgroup.name} allows ${cutoff})`);
      }
      const reader = await c.runAndReadAll(sql);
      // Trino reports every identifier in lower case.
      const result = athenaResultSet(reader, e.statementType, e.subStatementType, { lowerCaseNames: true });
      e.columns = result.columns;
      e.rows = result.rows;
      e.state = 'SUCCEEDED';
    } catch (err) {
      e.state = 'FAILED';
      e.reason = (err as Error).message;
    } finally {
      e.completed = Date.now();
    }
  }

  /** Points one view per Glue table at the files its location holds now; returns their sizes. */
  private async refreshViews(c: DuckDBConnection): Promise<Map<string, number>> {
    const at = `${this.glue.generation}:${this.s3.generation}`;
    if (this.views?.at === at) return this.views.bytes;
    const bytes = new Map<string, number>();
    for (const db of this.glue.databases()) await c.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(db)}`);
    for (const t of this.glue.tables()) {
      const { sql, files } = await this.scans.select(t);
      await c.run(`CREATE OR REPLACE VIEW ${quoteIdent(t.DatabaseName!)}.${quoteIdent(t.Name!)} AS ${sql}`);
      bytes.set(`${t.DatabaseName}.${t.Name}`, files.bytes);
    }
    this.views = { at, bytes };
    return bytes;
  }

  private find(id: string | undefined): Execution {
    const e = id === undefined ? undefined : this.executions.get(id);
    if (!e) throw new AthenaStandInError('InvalidRequestException', `QueryExecution ${id ?? '(none)'} was not found in ${this.region}`);
    return e;
  }
}

/** Bytes of the files of every table a statement reads: what Athena bills at most (it reads only the columns it needs). */
function scannedBytes(sql: string, database: string | undefined, tables: Map<string, number>): number {
  let refs: TableRef[];
  try {
    refs = tableRefs(sql);
  } catch {
    return 0; // SQL that cannot be lexed fails before it reads anything
  }
  const read = new Set(refs.map((r) => (r.qualified ? r.name : `${database}.${r.name}`).toLowerCase()));
  let total = 0;
  for (const [name, bytes] of tables) if (read.has(name.toLowerCase())) total += bytes;
  return total;
}
