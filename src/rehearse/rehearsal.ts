// A rehearsal: the pipeline that `cdktf deploy` would create for an environment, executed on one
// machine. The synthesized state machine definition runs in the local interpreter (only its
// Distributed Maps translated), every Task bound by its Resource to what the stack deploys: the
// Lambda packages with their environment, the Glue jobs' contract on DuckDB, the alert topics;
// S3, the Glue catalog and Athena are local stand-ins under the work folder, which keeps them
// between rehearsals like an account keeps its buckets and tables.
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../../config/environments/environment-config';
import { loadEnvironment } from '../../config/environments/load-environment';
import { ResourceNames } from '../../stacks/environment/resource-names';
import { LAMBDA_ENV } from '../lambdas/lambda-environment';
import { RUN_ID_PARAMETER } from '../catalog/run-layout';
import { AlertTopicsStandIn, type PublishedAlert } from './alert-topics-stand-in';
import { AthenaStandIn } from './athena-stand-in';
import { AwsEndpoint, type EndpointCall } from './aws-endpoint';
import { translateDefinition, type TranslatedMap } from './distributed-map-translation';
import { ExecutionsStandIn } from './executions-stand-in';
import { GlueCatalogStandIn, type InjectedUpdateFailure, type TableUpdate } from './glue-catalog-stand-in';
import { GlueJobStandIn, type JobRun } from './glue-job-stand-in';
import { LakeFormationStandIn, type VendedCredentialScope } from './lake-formation-stand-in';
import { unpackLambdaPackage } from './lambda-package';
import { LambdaSandboxes } from './lambda-sandboxes';
import { LocalS3, LocalS3Error } from './local-s3';
import { createMapRun, MapRuns, type MapRunRecord } from './map-run';
import { RehearsalConfigError } from './rehearsal-config-error';
import { executionFailure, stateMachine, type ExecutionContext, type InterpreterEvent, type Json } from './state-machine-interpreter';
import { loadSynthesizedLakehouse, type SynthesizedLakehouse } from './synthesized-lakehouse';
import { bindTasks, type TaskBinding } from './task-bindings';

/** What the local stand-ins cannot show; every rehearsal prints it. */
export const REHEARSAL_LIMITS = [
  'IAM: no policy, trust or permissions boundary is evaluated; every call is allowed (the IAM simulation tests cover the policies)',
  'Lake Formation: permission decisions (grants, LF-tags, data filters) are not evaluated; Glue and Athena answer every principal, and GetTemporaryGlueTableCredentials vends placeholder credentials to every caller (scoped to the table\'s location, and refused for an unregistered location or without full-table access, as Lake Formation refuses them); the Glue jobs\' full-table access is not exercised',
  'KMS: nothing is encrypted and no key policy is checked',
  'Spark: the Glue jobs run their SQL on DuckDB, not Spark 3.5 on Glue 5 (dialect, readers, workers, job timeout)',
  'Athena: the gate\'s SQL runs on DuckDB, not Trino; data scanned is estimated from the files of the tables a query names',
  'Lambda: the deployed packages run on the local Node.js in worker threads, not the nodejs22.x runtime; memory only bounds the JavaScript heap, /tmp size is not enforced',
  'Step Functions: the interpreter times out a Task without TimeoutSeconds after 60 s (AWS waits 99999999 s); $$.State and $$.Task are absent from the context object',
  'S3: no versions, object metadata beyond tags, access logs or bucket policies; lifecycle rules are not run (objects keep the tags publish marks them with, nothing expires); landing objects can be deleted',
  'EventBridge Scheduler, Firehose, CloudWatch Logs and X-Ray are not run; SNS messages are written to a file, not delivered',
] as const;

export interface RehearsalOptions {
  readonly environment: EnvironmentName;
  /** The landing folder: one subfolder per dataset, delivered into the landing bucket as objects. */
  readonly landing: string;
  /** Where the stand-ins keep the buckets, the catalog, logs and executions. */
  readonly work: string;
  /** The synth output to read. @default 'cdktf.out', synthesized first when it holds no stack of the environment */
  readonly outDir?: string;
  /** Synthesize now instead of reading a synth output. @default false */
  readonly synthesize?: boolean;
  /** Failures to inject into the stand-ins (tests). @default none */
  readonly faults?: { readonly updateTable?: readonly InjectedUpdateFailure[] };
}

export interface RehearsedState {
  readonly name: string;
  /** The state's type as synthesized (a translated Distributed Map is a Map). */
  readonly type: string;
  /** `aborted`: stopped when a state it ran inside failed (a Parallel's other branch), as Step Functions stops it. */
  status: 'entered' | 'succeeded' | 'failed' | 'caught' | 'aborted';
  error?: string;
  cause?: string;
  retries?: number;
  /** Milliseconds from entering the state to leaving it. */
  ms?: number;
  /** The Map Run of a Distributed Map: child executions and the states they entered. */
  mapRun?: { executions: number; succeeded: number; failed: number; aborted: number; states: Record<string, { entered: number; failed: number }>; results?: string };
}

export interface PublishedTable {
  readonly rows: number;
  readonly database: string;
  readonly location: string;
  /** The run the location belongs to; absent while the table was never published. */
  readonly runId?: string;
  readonly version: string;
}

export interface RehearsalResult {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly error?: string;
  readonly cause?: string;
  readonly environment: EnvironmentName;
  readonly stateMachine: string;
  readonly execution: string;
  /** Where the definition came from, and files changed after it was synthesized. */
  readonly definition: { readonly file: string; readonly origin: SynthesizedLakehouse['origin']; readonly newerSources: readonly string[]; readonly translated: readonly string[] };
  /** The run id the execution named, when it got that far. */
  readonly runId?: string;
  /** The states entered, in order, with their outcome. */
  readonly states: readonly RehearsedState[];
  /** The tables the pipeline publishes, as the local Glue catalog points at them after the execution. */
  readonly tables: Readonly<Record<string, PublishedTable>>;
  readonly alerts: readonly PublishedAlert[];
  readonly bindings: readonly TaskBinding[];
  readonly glueJobRuns: readonly JobRun[];
  readonly catalogUpdates: readonly TableUpdate[];
  readonly lambdaInvocations: Readonly<Record<string, number>>;
  readonly awsCalls: Readonly<Record<string, number>>;
  /** The credentials Lake Formation's stand-in vended, each with the one prefix it reaches. */
  readonly vendedCredentials: readonly VendedCredentialScope[];
  /** Operations the Lambdas called that no stand-in implements. */
  readonly unsupportedCalls: readonly string[];
  readonly work: string;
  readonly limits: readonly string[];
}

export async function rehearse(options: RehearsalOptions): Promise<RehearsalResult> {
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(options.environment)) {
    throw new RehearsalConfigError(`--env must be one of ${ENVIRONMENT_NAMES.join(', ')} (got ${JSON.stringify(options.environment)})`);
  }
  const landing = resolve(options.landing);
  if (!existsSync(landing) || !statSync(landing).isDirectory()) throw new RehearsalConfigError(`${options.landing}: no landing folder (one subfolder per dataset)`);
  const work = resolve(options.work);
  if (work === landing || work.startsWith(landing + sep) || landing.startsWith(work + sep)) {
    throw new RehearsalConfigError(`--work (${options.work}) and --landing (${options.landing}) must not contain each other`);
  }

  const lakehouse = await loadSynthesizedLakehouse(options.environment, { outDir: options.outDir, synthesize: options.synthesize, synthDir: join(work, 'synth') });
  const translation = translateDefinition(lakehouse.stateMachine.definition);
  const landingBucket = new ResourceNames(loadEnvironment(options.environment)).bucket('landing');
  if (!lakehouse.buckets.includes(landingBucket)) throw new RehearsalConfigError(`${lakehouse.file}: the stack declares no landing bucket ${landingBucket}`);

  // Deploy: buckets, assets, the catalog, the Lambda packages; deliver the landing files.
  const s3 = new LocalS3(join(work, 's3'));
  for (const b of lakehouse.buckets) s3.createBucket(b);
  for (const o of lakehouse.objects) s3.putFile(o.bucket, o.key, o.source);
  deliverLanding(s3, landingBucket, landing);
  const glue = new GlueCatalogStandIn(join(work, 'glue', `${lakehouse.account}-${lakehouse.region}.json`), lakehouse.account);
  glue.deploy(lakehouse.databases, lakehouse.tables);
  for (const f of options.faults?.updateTable ?? []) glue.injectUpdateFailure(f);
  const functions = lakehouse.functions.map(({ packageFile, ...f }) => {
    const taskRoot = join(work, 'lambda', f.name, 'task');
    rmSync(taskRoot, { recursive: true, force: true });
    unpackLambdaPackage(packageFile, taskRoot);
    return { ...f, taskRoot };
  });

  let machine;
  try {
    machine = stateMachine(translation.definition, true);
    for (const m of translation.maps) stateMachine(m.processor, true);
  } catch (e) {
    throw new RehearsalConfigError(`the local interpreter refuses the synthesized definition (${lakehouse.file}): ${(e as Error).message}`);
  }

  const athena = new AthenaStandIn(glue, s3, lakehouse.workgroups, lakehouse.region);
  const lakeFormation = new LakeFormationStandIn(glue, lakehouse.lakeFormation, lakehouse.region, lakehouse.account);
  const endpoint = new AwsEndpoint({ s3, glue, athena, lakeFormation });
  let lambdas: LambdaSandboxes | undefined;
  // Whatever happens from here on, the endpoint, the sandboxes and DuckDB are shut: a listening
  // endpoint would keep the process alive.
  let result: RehearsalResult;
  try {
    const url = await endpoint.start();
    const noConfig = join(work, 'lambda', 'no-shared-aws-config');
    lambdas = new LambdaSandboxes(
      functions,
      {
        AWS_ENDPOINT_URL: url,
        AWS_REGION: lakehouse.region,
        AWS_DEFAULT_REGION: lakehouse.region,
        // Placeholders: the clients sign with them; nothing here can reach AWS.
        AWS_ACCESS_KEY_ID: 'REHEARSALPLACEHOLDER',
        AWS_SECRET_ACCESS_KEY: 'rehearsal-placeholder-not-a-secret',
        AWS_SESSION_TOKEN: 'rehearsal-placeholder',
        AWS_CONFIG_FILE: noConfig,
        AWS_SHARED_CREDENTIALS_FILE: noConfig,
        AWS_EC2_METADATA_DISABLED: 'true',
        PATH: process.env.PATH ?? '',
        TMPDIR: join(work, 'lambda', 'tmp'),
      },
      join(work, 'logs', 'lambda'),
    );
    mkdirSync(join(work, 'lambda', 'tmp'), { recursive: true });
    const glueJobs = new GlueJobStandIn(lakehouse.jobs, s3, glue, join(work, 'logs', 'glue'));
    const topics = new AlertTopicsStandIn(lakehouse.topics, join(work, 'sns'));
    const executions = new ExecutionsStandIn(join(work, 'states', `${lakehouse.stateMachine.name}.json`), lakehouse.stateMachine.arn);

    const name = `rehearsal-${new Date().toISOString().replace(/[-:.]/g, '')}-${process.pid}`;
    const executionArn = `arn:aws:states:${lakehouse.region}:${lakehouse.account}:execution:${lakehouse.stateMachine.name}:${name}`;
    const context: ExecutionContext = {
      Execution: { Id: executionArn, Name: name, RoleArn: lakehouse.stateMachine.roleArn, RedriveCount: 0 },
      StateMachine: { Id: lakehouse.stateMachine.arn, Name: lakehouse.stateMachine.name },
    };
    const mapRuns: MapRunRecord[] = [];
    const inProgress = new MapRuns();
    let handlers: Record<string, (input: Json) => Promise<Json>> = {};
    const mapRunFor = (m: TranslatedMap) =>
      createMapRun({
        map: m,
        s3,
        region: lakehouse.region,
        account: lakehouse.account,
        stateMachine: lakehouse.stateMachine,
        roleArn: lakehouse.stateMachine.roleArn,
        context,
        overrides: () => ({ taskResourceLocalHandlers: handlers }),
        onRecord: (r) => mapRuns.push(r),
        runs: inProgress,
      });
    const { handlers: bound, bindings } = bindTasks(translation.definition, translation.maps, {
      lambdas,
      glueJobs,
      topics,
      executions,
      mapRun: (state) => mapRunFor(translation.maps.find((m) => m.name === state)!),
    });
    // Every Task call in flight, so that none still runs when the stand-ins shut down.
    const inFlight = new Set<Promise<unknown>>();
    handlers = Object.fromEntries(
      Object.entries(bound).map(([state, handler]) => [
        state,
        (input: Json) => {
          const call = handler(input);
          const settled: Promise<unknown> = call.then(
            () => inFlight.delete(settled),
            () => inFlight.delete(settled),
          );
          inFlight.add(settled);
          return call;
        },
      ]),
    );

    const states: RehearsedState[] = [];
    let outcome: { status: 'SUCCEEDED' | 'FAILED'; error?: string; cause?: string; output?: Json };
    executions.start({ executionArn, name, startDate: Date.now() });
    const run = machine.run(JSON.parse(lakehouse.executionInput) as never, {
      overrides: { taskResourceLocalHandlers: handlers },
      context: context as never,
    });
    const typeOf = typesByName(lakehouse.stateMachine.definition);
    const entered = new Map<RehearsedState, number>();
    const events = (async () => {
      for await (const e of run.eventLogs as AsyncGenerator<InterpreterEvent>) {
        // A Parallel or Map that fails stops what runs inside it: the interpreter aborts its branches, the rehearsal their Map Runs.
        if (e.type === 'StateFailed' && e.state && ['Parallel', 'Map'].includes(typeOf.get(e.state.name) ?? '')) inProgress.stopWithin(e.state.name);
        record(states, entered, e, typeOf);
      }
    })();
    try {
      outcome = { status: 'SUCCEEDED', output: (await run.result) as Json };
    } catch (e) {
      outcome = { status: 'FAILED', ...executionFailure(e) };
    }
    await events;
    // The execution ended: nothing it started runs on (Step Functions stops it), and nothing is left running here.
    inProgress.stopAll();
    await inProgress.ended();
    while (inFlight.size) await Promise.allSettled([...inFlight]);
    for (const s of states) if (s.status === 'entered') s.status = 'aborted';
    executions.finish(executionArn, outcome.status);
    attachMapRuns(states, mapRuns);
    const tables = await publishedTables(lakehouse, glue, athena);

    const runId = runIdOf(glueJobs.runs);
    result = {
      status: outcome.status,
      ...(outcome.error ? { error: outcome.error, cause: outcome.cause } : {}),
      environment: options.environment,
      stateMachine: lakehouse.stateMachine.arn,
      execution: executionArn,
      definition: { file: lakehouse.file, origin: lakehouse.origin, newerSources: lakehouse.newerSources, translated: translation.maps.map((m) => m.name) },
      ...(runId ? { runId } : {}),
      states,
      tables,
      alerts: topics.published,
      bindings,
      glueJobRuns: glueJobs.runs,
      catalogUpdates: glue.updates,
      lambdaInvocations: Object.fromEntries(lambdas.invocations),
      awsCalls: countCalls(endpoint.calls),
      vendedCredentials: lakeFormation.vended,
      unsupportedCalls: endpoint.unsupported(),
      work,
      limits: [...REHEARSAL_LIMITS],
    };
  } finally {
    await Promise.all([lambdas?.close(), endpoint.stop()]);
    await athena.close();
  }
  const name = result.execution.slice(result.execution.lastIndexOf(':') + 1);
  mkdirSync(join(work, 'executions'), { recursive: true });
  writeFileSync(join(work, 'executions', `${name}.json`), JSON.stringify(result, null, 2));
  return result;
}

/** Mirrors the landing folder into the landing bucket: its objects are exactly the folder's files. */
function deliverLanding(s3: LocalS3, bucket: string, landing: string): void {
  s3.empty(bucket);
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      // A link is delivered as what it points at, as a copy to S3 would upload it.
      const kind = entry.isSymbolicLink() ? statSync(path) : entry;
      if (kind.isDirectory()) walk(path);
      else if (kind.isFile()) {
        const key = relative(landing, path).split(sep).join('/');
        try {
          s3.putFile(bucket, key, path);
        } catch (e) {
          // The stand-in refuses a key it cannot hold rather than storing it under another name.
          if (e instanceof LocalS3Error) throw new RehearsalConfigError(`${path}: cannot be delivered into the landing bucket: ${e.message}`);
          throw e;
        }
      }
    }
  };
  walk(landing);
}

function typesByName(definition: { States: Record<string, { Type: string; [k: string]: unknown }> }): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (states: Record<string, { Type: string; [k: string]: unknown }>) => {
    for (const [n, s] of Object.entries(states)) {
      out.set(n, s.Type);
      if (s.Type === 'Parallel') for (const b of s.Branches as { States: Record<string, { Type: string }> }[]) walk(b.States);
      if (s.Type === 'Map') walk(((s.ItemProcessor ?? s.Iterator) as { States: Record<string, { Type: string }> }).States);
    }
  };
  walk(definition.States);
  return out;
}

/** Folds one interpreter event into the list of states entered. */
function record(states: RehearsedState[], entered: Map<RehearsedState, number>, e: InterpreterEvent, typeOf: Map<string, string>): void {
  if (!('state' in e) || !e.state || ('index' in e && e.index !== undefined)) return;
  const name = e.state.name;
  const last = [...states].reverse().find((s) => s.name === name);
  switch (e.type) {
    case 'StateEntered':
      states.push({ name, type: typeOf.get(name) ?? e.state.type, status: 'entered' });
      entered.set(states[states.length - 1], e.timestamp);
      break;
    case 'StateExited':
      if (last && last.status !== 'caught') last.status = 'succeeded';
      if (last) last.ms = e.timestamp - (entered.get(last) ?? e.timestamp);
      break;
    case 'StateFailed':
      if (last) Object.assign(last, { status: 'failed', error: e.Error, cause: typeof e.Cause === 'string' ? e.Cause : JSON.stringify(e.Cause), ms: e.timestamp - (entered.get(last) ?? e.timestamp) });
      break;
    case 'StateRetried':
      if (last) Object.assign(last, { status: 'entered', retries: (last.retries ?? 0) + 1 });
      break;
    case 'StateCaught':
      if (last) last.status = 'caught';
      break;
    default:
      break;
  }
}

function attachMapRuns(states: RehearsedState[], runs: readonly MapRunRecord[]): void {
  const pending = [...runs];
  for (const s of states) {
    const i = pending.findIndex((r) => r.state === s.name);
    if (i < 0) continue;
    const r = pending.splice(i, 1)[0];
    s.mapRun = {
      executions: r.executions.length,
      succeeded: r.executions.filter((e) => e.Status === 'SUCCEEDED').length,
      failed: r.executions.filter((e) => e.Status === 'FAILED').length,
      aborted: r.executions.filter((e) => e.Status === 'ABORTED').length,
      states: r.childStates,
      ...(r.resultWriter ? { results: `s3://${r.resultWriter.bucket}/${r.resultWriter.key}` } : {}),
    };
  }
}

/** The run id the pipeline handed its Glue jobs (what it named the run). */
function runIdOf(runs: readonly JobRun[]): string | undefined {
  return runs.find((r) => r.Arguments['--run_id'])?.Arguments['--run_id'];
}

/**
 * The tables the pipeline publishes: those whose location Terraform leaves to the run
 * (ignore_changes), outside the database the Lambdas stage runs in, with the rows their current
 * location holds.
 */
async function publishedTables(lakehouse: SynthesizedLakehouse, glue: GlueCatalogStandIn, athena: AthenaStandIn): Promise<Record<string, PublishedTable>> {
  const zones = lakehouse.functions.map((f) => f.environment[LAMBDA_ENV.databases]).find((v) => v !== undefined);
  const staging = zones ? (JSON.parse(zones) as Record<string, string>).staging : undefined;
  const out: Record<string, PublishedTable> = {};
  const movable = lakehouse.tables.filter((t) => t.ignoreChanges.includes('storage_descriptor[0].location') && t.database !== staging);
  const names = movable.map((t) => t.table.Name!);
  for (const t of movable) {
    const table = glue.getTable(t.database, t.table.Name!);
    const key = names.filter((n) => n === table.Name).length > 1 ? `${t.database}.${table.Name}` : table.Name!;
    const runId = table.Parameters?.[RUN_ID_PARAMETER];
    out[key] = {
      rows: await athena.countRows(t.database, table.Name!),
      database: t.database,
      location: table.StorageDescriptor?.Location ?? '',
      ...(runId ? { runId } : {}),
      version: table.VersionId ?? '',
    };
  }
  return out;
}

function countCalls(calls: readonly EndpointCall[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) out[`${c.service}:${c.operation}`] = (out[`${c.service}:${c.operation}`] ?? 0) + 1;
  return out;
}
