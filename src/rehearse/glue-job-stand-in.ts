// The rehearsal's stand-in for a Glue job run: the contract of glue/jobs/run_transform.py carried
// out on DuckDB. It receives the arguments Glue would hand the script (the job's default arguments
// from the synthesized Terraform, overridden by the state's Arguments), reads the same SQL file
// from the artifacts bucket and, as the script does, reads and writes through catalog tables only:
// each input and the output table must be staged for this run (the table parameter the Stage step
// sets), each input is read from its table's location as the table declares it (format, columns)
// and projected onto the job's DDL columns under its bare name, the result is checked and cast to
// the output columns and inserted, by position as Spark's insertInto does, into the output
// table's location, overwriting it. What it cannot show: Spark itself (its SQL dialect, its JSON
// and Parquet readers, workers, memory and the job's timeout) and Lake Formation's full-table
// access (the location is read and written whatever the job role's grants).
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Table } from '@aws-sdk/client-glue';
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../engine/engine';
import { RUN_ID_PARAMETER } from '../catalog/run-layout';
import { withoutTrailing } from '../catalog/sql-text';
import { GlueStandInError, type GlueCatalogStandIn } from './glue-catalog-stand-in';
import { parseLocation, type LocalS3 } from './local-s3';
import { tableFiles, tableFormat, TableScans } from './table-scan';

/** The arguments run_transform.py requires (its REQUIRED tuple); checked against the deployed script. */
export const ENTRY_SCRIPT_ARGUMENTS = ['run_id', 'table', 'sql_location', 'inputs', 'output_table', 'output_columns'] as const;

/**
 * Glue's own argument the script depends on: `insertInto` resolves `database`.`table` in Spark's
 * metastore, which is the Glue Data Catalog only with this argument set to true.
 */
export const DATA_CATALOG_ARGUMENT = '--enable-glue-datacatalog';

/** The script's SPARK_TYPES, as DuckDB spells them. */
const SPARK_TO_DUCKDB: Readonly<Record<string, string>> = { STRING: 'VARCHAR', BIGINT: 'BIGINT', INT: 'INTEGER', DOUBLE: 'DOUBLE' };

const RUN_ID = /^[0-9A-Za-z-]{1,64}$/;

/** A Glue job as the stack declares it (aws_glue_job). */
export interface DeclaredJob {
  readonly name: string;
  readonly scriptLocation: string;
  readonly commandName: string;
  readonly glueVersion?: string;
  readonly defaultArguments: Readonly<Record<string, string>>;
  readonly maxConcurrentRuns: number;
  readonly workerType?: string;
  readonly numberOfWorkers?: number;
  readonly timeoutMinutes?: number;
}

/** GetJobRun's JobRun, as the `.sync` integration returns it. */
export interface JobRun {
  readonly Id: string;
  readonly JobName: string;
  readonly Attempt: number;
  readonly Arguments: Record<string, string>;
  JobRunState: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly StartedOn: number;
  CompletedOn?: number;
  ExecutionTime?: number;
  ErrorMessage?: string;
  readonly GlueVersion?: string;
  readonly WorkerType?: string;
  readonly NumberOfWorkers?: number;
  readonly Timeout?: number;
}

/** An error Glue's StartJobRun answers with (the state machine sees it as `Glue.<name>`). */
export class GlueJobError extends Error {
  constructor(name: 'EntityNotFoundException' | 'ConcurrentRunsExceededException' | 'InvalidInputException', message: string) {
    super(message);
    this.name = name;
  }
}

/** What run_transform.py raises as TransformError: a problem in glue/sql, ddl/ or the job's arguments. */
class TransformError extends Error {}

export class GlueJobStandIn {
  /** Every job run, in the order they started. */
  readonly runs: JobRun[] = [];

  constructor(
    private readonly jobs: readonly DeclaredJob[],
    private readonly s3: LocalS3,
    private readonly glue: GlueCatalogStandIn,
    private readonly logDir: string,
  ) {}

  /** StartJobRun, then waits for the run to end (`startJobRun.sync`); the finished JobRun. */
  async runJob(jobName: string, runArguments: Readonly<Record<string, string>> = {}): Promise<JobRun> {
    const job = this.jobs.find((j) => j.name === jobName);
    if (!job) throw new GlueJobError('EntityNotFoundException', `Job ${jobName} not found (the stack declares ${this.jobs.map((j) => j.name).join(', ')})`);
    const running = this.runs.filter((r) => r.JobName === jobName && r.JobRunState === 'RUNNING').length;
    if (running >= job.maxConcurrentRuns) throw new GlueJobError('ConcurrentRunsExceededException', `Concurrent runs exceeded for ${jobName}`);
    const args = { ...job.defaultArguments, ...runArguments };
    const run: JobRun = {
      Id: `jr_${randomUUID().replace(/-/g, '')}`,
      JobName: jobName,
      Attempt: 0,
      Arguments: { ...runArguments },
      JobRunState: 'RUNNING',
      StartedOn: Date.now() / 1000,
      ...(job.glueVersion ? { GlueVersion: job.glueVersion } : {}),
      ...(job.workerType ? { WorkerType: job.workerType } : {}),
      ...(job.numberOfWorkers ? { NumberOfWorkers: job.numberOfWorkers } : {}),
      ...(job.timeoutMinutes ? { Timeout: job.timeoutMinutes } : {}),
    };
    this.runs.push(run);
    const log = join(this.logDir, `${jobName}.log`);
    mkdirSync(dirname(log), { recursive: true });
    try {
      if (job.commandName !== 'glueetl') throw new TransformError(`job ${jobName} runs command ${job.commandName}; the rehearsal runs glueetl jobs of glue/jobs/run_transform.py only`);
      this.checkScript(job);
      const line = await this.transform(args);
      appendFileSync(log, `${run.Id}: ${line}\n`);
      run.JobRunState = 'SUCCEEDED';
    } catch (e) {
      run.JobRunState = 'FAILED';
      run.ErrorMessage = e instanceof TransformError ? `TransformError: ${e.message}` : `${(e as Error).name}: ${(e as Error).message}`;
      appendFileSync(log, `${run.Id}: ${run.ErrorMessage}\n`);
    }
    run.CompletedOn = Date.now() / 1000;
    run.ExecutionTime = Math.round(run.CompletedOn - run.StartedOn);
    return run;
  }

  /** The deployed script must ask for the arguments this stand-in provides, no more: else the contracts drifted apart. */
  private checkScript(job: DeclaredJob): void {
    const { bucket, prefix } = parseLocation(job.scriptLocation);
    const script = this.s3.read(bucket, prefix).toString('utf8');
    const m = /^REQUIRED\s*=\s*\(([^)]*)\)/m.exec(script);
    const required = m ? [...m[1].matchAll(/"([^"]+)"|'([^']+)'/g)].map((x) => x[1] ?? x[2]) : undefined;
    if (!required || required.join(',') !== ENTRY_SCRIPT_ARGUMENTS.join(',')) {
      throw new TransformError(
        `${job.scriptLocation} requires the arguments (${required?.join(', ') ?? 'no REQUIRED tuple found'}) but the rehearsal's Glue job stand-in carries out the contract of (${ENTRY_SCRIPT_ARGUMENTS.join(', ')}); ` +
          'bring src/rehearse/glue-job-stand-in.ts in line with glue/jobs/run_transform.py',
      );
    }
  }

  /** run_transform.py's main(), on DuckDB. */
  private async transform(glueArgs: Readonly<Record<string, string>>): Promise<string> {
    const args: Record<string, string> = {};
    for (const [k, v] of Object.entries(glueArgs)) if (k.startsWith('--')) args[k.slice(2)] = v;
    const missing = ENTRY_SCRIPT_ARGUMENTS.filter((a) => !(a in args));
    if (missing.length) throw new TransformError(`missing job argument(s): ${missing.map((m) => `--${m}`).join(', ')}`);
    const runId = args.run_id;
    if (!RUN_ID.test(runId)) throw new TransformError(`--run_id must be 1-64 letters, digits or '-' (got '${runId}')`);
    const table = args.table;
    const inputs = jsonArgument<{ table: string; database: string; columns: [string, string][] }[]>(args, 'inputs');
    const output = jsonArgument<{ database: string; table: string }>(args, 'output_table');
    const columns = jsonArgument<[string, string][]>(args, 'output_columns');
    if (glueArgs[DATA_CATALOG_ARGUMENT] !== 'true') {
      throw scriptError(
        'AnalysisException',
        `Table or view not found: ${quoteSpark(output.database)}.${quoteSpark(output.table)} (${DATA_CATALOG_ARGUMENT} is ${JSON.stringify(glueArgs[DATA_CATALOG_ARGUMENT] ?? null)}: Spark's metastore is not the Glue Data Catalog)`,
      );
    }
    // As the script does before Spark starts: every table it reads or writes points at this run.
    const staged = (t: { database: string; table: string }): Table => {
      let found: Table;
      try {
        found = this.glue.getTable(t.database, t.table);
      } catch (e) {
        // boto3's get_table raises the Glue error, which ends the job.
        if (e instanceof GlueStandInError) throw scriptError(e.type, e.message);
        throw e;
      }
      const got = found.Parameters?.[RUN_ID_PARAMETER];
      if (got !== runId) {
        throw new TransformError(
          `staging table ${t.database}.${t.table} points at run ${got || '(none)'}, not this run ${runId}; the state machine's Stage step points it (stacks/orchestration/pipeline-definition.ts)`,
        );
      }
      return found;
    };
    const inputTables = inputs.map((i) => staged(i));
    const target = staged(output);
    const sqlLocation = parseLocation(args.sql_location);
    const sql = this.s3.read(sqlLocation.bucket, sqlLocation.prefix).toString('utf8');

    const scratch = mkdtempSync(join(tmpdir(), 'stedi-glue-job-'));
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    try {
      const scans = new TableScans(this.s3, async (q) => (await c.runAndReadAll(q)).getRowObjectsJS().map((row) => String(Object.values(row)[0])));
      for (const [i, source] of inputs.entries()) {
        // from_catalog reads the table as it declares itself; input_select puts it on the DDL's columns.
        const read = await scans.select(inputTables[i]);
        const raw = `__stedi_input_${source.table}`;
        await c.run(`CREATE TEMP VIEW ${quoteIdent(raw)} AS ${read.sql}`);
        const available = new Map((inputTables[i].StorageDescriptor?.Columns ?? []).map((col) => [col.Name!.toLowerCase(), col.Name!]));
        const casts = source.columns.map(([n, k]) => {
          const from = available.get(n.toLowerCase());
          return `CAST(${from === undefined ? 'NULL' : quoteIdent(from)} AS ${sparkType(k)}) AS ${quoteIdent(n)}`;
        });
        await c.run(`CREATE TEMP VIEW ${quoteIdent(source.table)} AS SELECT ${casts.join(', ')} FROM ${quoteIdent(raw)}`);
      }
      // Spark's parser skips a trailing `;` and comments; a view around the statement must not hold them.
      await c.run(`CREATE TEMP VIEW "__stedi_result" AS ${withoutTrailing(sql)}`);
      const got = (await c.runAndReadAll(`SELECT * FROM "__stedi_result" LIMIT 0`)).columnNames();
      const want = columns.map(([n]) => n);
      if (got.map((x) => x.toLowerCase()).join('\0') !== want.map((x) => x.toLowerCase()).join('\0')) {
        throw new TransformError(`glue/sql for ${table} returns columns (${got.join(', ')}) but ddl/ declares (${want.join(', ')})`);
      }
      // insertInto matches columns by position, under the table's names: a count that differs is Spark's error.
      const tableColumns = (target.StorageDescriptor?.Columns ?? []).map((col) => col.Name!);
      if (tableColumns.length !== columns.length) {
        throw scriptError(
          'AnalysisException',
          `Cannot write to ${output.database}.${output.table}: the table has ${tableColumns.length} column(s) (${tableColumns.join(', ')}), the data to write ${columns.length} (${want.join(', ')})`,
        );
      }
      const casts = columns.map(([n, k], i) => `CAST(${quoteIdent(n)} AS ${sparkType(k)}) AS ${quoteIdent(tableColumns[i])}`).join(', ');
      const format = tableFormat(target);
      const file = join(scratch, `part-00000.${format}`);
      await c.run(`COPY (SELECT ${casts} FROM "__stedi_result") TO ${quoteLiteral(file)} ${format === 'parquet' ? '(FORMAT parquet, COMPRESSION snappy)' : '(FORMAT json)'}`);
      // The staging table's folder belongs to this run alone: overwriting it makes a retried job idempotent.
      const { bucket, prefix } = tableFiles(target, this.s3);
      this.s3.deletePrefix(bucket, prefix);
      this.s3.put(bucket, `${prefix}part-00000-${randomUUID()}-c000${format === 'parquet' ? '.snappy.parquet' : '.json'}`, readFileSync(file));
      this.s3.put(bucket, `${prefix}_SUCCESS`, '');
      return `stedi: wrote ${table} for run ${runId} into ${quoteSpark(output.database)}.${quoteSpark(output.table)}`;
    } finally {
      c.closeSync();
      instance.closeSync();
      rmSync(scratch, { recursive: true, force: true });
    }
  }
}

/** A JSON job argument, or the error the script's json.loads would end with. */
function jsonArgument<T>(args: Readonly<Record<string, string>>, name: string): T {
  try {
    return JSON.parse(args[name]) as T;
  } catch (e) {
    throw scriptError('JSONDecodeError', `--${name} is not JSON (${(e as Error).message})`);
  }
}

/** An exception the script would end with (Spark's, boto3's, Python's), by its name. */
function scriptError(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** Spark's quoting of an identifier, as the script's quote(). */
function quoteSpark(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

function sparkType(kind: string): string {
  const t = SPARK_TO_DUCKDB[kind];
  if (!t) throw new TransformError(`output column type ${kind} is not one of the script's SPARK_TYPES (${Object.keys(SPARK_TO_DUCKDB).join(', ')})`);
  return t;
}
