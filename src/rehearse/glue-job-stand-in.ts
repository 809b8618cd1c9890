// The rehearsal's stand-in for a Glue job run: the contract of glue/jobs/run_transform.py carried
// out on DuckDB. It receives the arguments Glue would hand the script (the job's default arguments
// from the synthesized Terraform, overridden by the state's Arguments), reads the same SQL file
// from the artifacts bucket, registers each input as a view under its bare name (JSON with the
// given schema, or Parquet; a missing folder is an empty table), checks and casts the result to
// the output columns and overwrites the run's output folder with a Parquet file and _SUCCESS, as
// Spark does. What it cannot show: Spark itself (its SQL dialect, its JSON and Parquet readers,
// workers, memory and the job's timeout).
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../engine/engine';
import { parseLocation, type LocalS3 } from './local-s3';
import { isDataFile } from './table-scan';

/** The arguments run_transform.py requires (its REQUIRED tuple); checked against the deployed script. */
export const ENTRY_SCRIPT_ARGUMENTS = ['run_id', 'table', 'sql_location', 'inputs', 'output_location', 'output_columns'] as const;

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
    const forRun = (template: string) => {
      if (!RUN_ID.test(runId)) throw new TransformError(`--run_id must be 1-64 letters, digits or '-' (got '${runId}')`);
      return template.replaceAll('{run_id}', runId);
    };
    const table = args.table;
    const inputs = JSON.parse(args.inputs) as { table: string; format: string; location: string; schema: string }[];
    const columns = JSON.parse(args.output_columns) as [string, string][];
    const output = forRun(args.output_location);
    const sqlLocation = parseLocation(args.sql_location);
    const sql = this.s3.read(sqlLocation.bucket, sqlLocation.prefix).toString('utf8');

    const scratch = mkdtempSync(join(tmpdir(), 'stedi-glue-job-'));
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    try {
      for (const source of inputs) {
        await c.run(`CREATE TEMP VIEW ${quoteIdent(source.table)} AS ${this.readInput(source, forRun(source.location))}`);
      }
      await c.run(`CREATE TEMP VIEW "__stedi_result" AS ${sql.trim().replace(/;\s*$/, '')}`);
      const got = (await c.runAndReadAll(`SELECT * FROM "__stedi_result" LIMIT 0`)).columnNames();
      const want = columns.map(([n]) => n);
      if (got.map((x) => x.toLowerCase()).join('\0') !== want.map((x) => x.toLowerCase()).join('\0')) {
        throw new TransformError(`glue/sql for ${table} returns columns (${got.join(', ')}) but ddl/ declares (${want.join(', ')})`);
      }
      const casts = columns.map(([n, k]) => `CAST(${quoteIdent(n)} AS ${sparkType(k)}) AS ${quoteIdent(n)}`).join(', ');
      const file = join(scratch, 'part-00000.parquet');
      await c.run(`COPY (SELECT ${casts} FROM "__stedi_result") TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION snappy)`);
      // The folder belongs to this run alone: overwriting it makes a retried job idempotent.
      const { bucket, prefix } = parseLocation(output);
      const folder = prefix.endsWith('/') ? prefix : `${prefix}/`;
      this.s3.deletePrefix(bucket, folder);
      this.s3.put(bucket, `${folder}part-00000-${randomUUID()}-c000.snappy.parquet`, readFileSync(file));
      this.s3.put(bucket, `${folder}_SUCCESS`, '');
      return `stedi: wrote ${table} for run ${runId} to ${output}`;
    } finally {
      c.closeSync();
      instance.closeSync();
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  /** One input as Spark's reader with a schema sees it. */
  private readInput(source: { table: string; format: string; schema: string }, location: string): string {
    const schema = parseSparkSchema(source.schema, source.table);
    const { bucket, prefix } = parseLocation(location);
    const folder = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const files = this.s3.hasBucket(bucket) ? this.s3.list(bucket, folder).filter((o) => isDataFile(o.key, folder)) : [];
    // A dataset without valid records this run has no folder: it is an empty table, not an error.
    if (!files.length) return `SELECT ${schema.map((c) => `CAST(NULL AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`;
    const list = `[${files.map((f) => quoteLiteral(f.file)).join(', ')}]`;
    if (source.format === 'json') {
      return `SELECT * FROM read_json(${list}, format = 'newline_delimited', columns = {${schema.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}})`;
    }
    if (source.format === 'parquet') {
      return `SELECT ${schema.map((c) => `CAST(${quoteIdent(c.name)} AS ${c.type}) AS ${quoteIdent(c.name)}`).join(', ')} FROM read_parquet(${list}, hive_partitioning = false)`;
    }
    throw new TransformError(`input ${source.table} has unknown format '${source.format}'`);
  }
}

function sparkType(kind: string): string {
  const t = SPARK_TO_DUCKDB[kind];
  if (!t) throw new TransformError(`output column type ${kind} is not one of the script's SPARK_TYPES (${Object.keys(SPARK_TO_DUCKDB).join(', ')})`);
  return t;
}

/** "`a` STRING, `b` BIGINT" (the schema string run_transform.py hands Spark's reader) as names and DuckDB types. */
export function parseSparkSchema(schema: string, table: string): { name: string; type: string }[] {
  const out: { name: string; type: string }[] = [];
  const re = /\s*`((?:[^`]|``)+)`\s+([A-Za-z]+)\s*(,|$)/gy;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < schema.length && (m = re.exec(schema))) {
    out.push({ name: m[1].replace(/``/g, '`'), type: sparkType(m[2].toUpperCase()) });
    at = re.lastIndex;
  }
  if (at < schema.length || !out.length) throw new TransformError(`input ${table}: cannot read the schema ${JSON.stringify(schema)}`);
  return out;
}
