// The lakehouse of one environment as `cdktf deploy` would create it, read from the synthesized
// Terraform (cdktf.out, or a fresh synth): the state machine definition, the Lambda functions with
// their packages and environment variables, the Glue jobs with their default arguments, the Glue
// databases and tables, the buckets and the objects uploaded into them, the alert topics, the Athena
// workgroups and the input the schedule starts the pipeline with. Everything the rehearsal runs
// comes from here, so that it runs what would be deployed, not what the code meant to deploy.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { EnvironmentName } from '../../config/environments/environment-config';
import { loadEnvironment } from '../../config/environments/load-environment';
import { ResourceNames } from '../../stacks/environment/resource-names';
import { loadCatalog, PROJECT_ROOT } from '../catalog/registry';
import { blocks, readSynthesizedStack, ReferenceResolver, type Json, type JsonObject, type TerraformJson } from '../../stacks/checks/terraform-json';
import type { DeclaredWorkgroup } from './athena-stand-in';
import { tableFromTerraform, type DeclaredTable } from './glue-catalog-stand-in';
import type { DeclaredJob } from './glue-job-stand-in';
import type { DeclaredLakeFormation } from './lake-formation-stand-in';
import type { DeclaredFunction } from './lambda-sandboxes';
import { RehearsalConfigError } from './rehearsal-config-error';

export type AslState = Record<string, unknown> & { readonly Type: string };

export interface AslDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly [other: string]: unknown;
}

export interface SynthesizedLakehouse {
  readonly environment: EnvironmentName;
  readonly stack: string;
  /** The cdk.tf.json the rehearsal read. */
  readonly file: string;
  /** How it came to be: read from a synth output folder, or synthesized for this rehearsal. */
  readonly origin: 'read' | 'synthesized';
  /** Files of the repository changed after the synth output was written (it may be stale). */
  readonly newerSources: readonly string[];
  readonly region: string;
  readonly account: string;
  readonly buckets: readonly string[];
  /** aws_s3_object: the assets uploaded at deploy time (Glue script, SQL). */
  readonly objects: readonly { readonly bucket: string; readonly key: string; readonly source: string }[];
  readonly databases: readonly { readonly name: string; readonly description?: string }[];
  readonly tables: readonly DeclaredTable[];
  readonly jobs: readonly DeclaredJob[];
  readonly functions: readonly (Omit<DeclaredFunction, 'taskRoot'> & { readonly packageFile: string })[];
  readonly topics: readonly { readonly name: string; readonly arn: string }[];
  readonly workgroups: readonly DeclaredWorkgroup[];
  /** The registered locations and the data lake settings Lake Formation's credential vending depends on. */
  readonly lakeFormation: DeclaredLakeFormation;
  readonly stateMachine: { readonly name: string; readonly arn: string; readonly roleArn: string; readonly type: string; readonly definition: AslDefinition };
  /** The input the schedule starts executions with. @default '{}' when no schedule targets the state machine */
  readonly executionInput: string;
}

/** The synth output cannot be read or lacks what a rehearsal needs: the operator re-synthesizes. */
export class SynthesizedLakehouseError extends RehearsalConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'SynthesizedLakehouseError';
  }
}

export interface LoadLakehouseOptions {
  /** The synth output folder to read. @default 'cdktf.out' (synthesized first when it holds no stack of the environment) */
  readonly outDir?: string;
  /** Synthesize the app now instead of reading a synth output. @default false */
  readonly synthesize?: boolean;
  /** Where a synthesis writes (replaced each time). @default a new temporary folder */
  readonly synthDir?: string;
}

const DEFAULT_OUT = 'cdktf.out';

/** How ReferenceResolver leaves a reference it cannot know before apply: `{type.name.attr}`. */
const UNRESOLVED = /\{(?:[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_]+|local\.[A-Za-z0-9_-]+|(?:var|data)\.[^{}]+)\}/;

/** The folders whose files the synthesized Terraform is made from (the CLI and the rehearsal never enter it). */
const SOURCE_FOLDERS = ['main.ts', 'stacks', 'src', 'glue', 'ddl', 'quality-rules', 'config'];
const NOT_SYNTHESIZED = ['src/cli', 'src/rehearse', 'src/report', 'src/generator'];

export async function loadSynthesizedLakehouse(environment: EnvironmentName, options: LoadLakehouseOptions = {}): Promise<SynthesizedLakehouse> {
  const catalog = loadCatalog();
  const env = loadEnvironment(environment, catalog.datasets.map((d) => d.dataset));
  const stack = new ResourceNames(env).stack('lakehouse');
  const stackFile = (out: string) => join(out, 'stacks', stack, 'cdk.tf.json');
  let out = options.outDir ?? DEFAULT_OUT;
  let origin: SynthesizedLakehouse['origin'] = 'read';
  if (options.synthesize || (options.outDir === undefined && !existsSync(stackFile(out)))) {
    out = synthesizeApp(env, options.synthDir);
    origin = 'synthesized';
  } else if (!existsSync(stackFile(out))) {
    throw new SynthesizedLakehouseError(`${stackFile(out)}: no synthesized stack ${stack}; run \`npm run synth\`, or rehearse with --synth`);
  }
  const file = stackFile(out);
  const json = readSynthesizedStack(file);
  return {
    ...fromTerraform(json, file, environment, stack),
    origin,
    newerSources: origin === 'read' ? newerThan(statSync(file).mtimeMs) : [],
  };
}

/** Synthesizes the app for one environment into a temporary folder (no credentials needed). */
function synthesizeApp(env: ReturnType<typeof loadEnvironment>, into?: string): string {
  process.env.CHECKPOINT_DISABLE = '1';
  // Loaded only to synthesize (require, not import(): the CLI runs through tsx's CommonJS loader).
  const { App } = require('cdktf') as typeof import('cdktf');
  const { buildLakehouseApp } = require('../../stacks/lakehouse-app') as typeof import('../../stacks/lakehouse-app');
  let outdir: string;
  if (into) {
    rmSync(into, { recursive: true, force: true });
    mkdirSync(into, { recursive: true });
    outdir = into;
  } else outdir = mkdtempSync(join(tmpdir(), 'stedi-rehearsal-synth-'));
  const app = new App({ outdir });
  buildLakehouseApp(app, { environments: [env], catalog: loadCatalog(), bundleDir: join(outdir, '.bundles') });
  app.synth();
  return outdir;
}

function newerThan(mtimeMs: number): string[] {
  const newer: string[] = [];
  const walk = (path: string) => {
    const s = statSync(path);
    if (s.isDirectory()) {
      if (NOT_SYNTHESIZED.includes(relative(PROJECT_ROOT, path).split('\\').join('/'))) return;
      for (const name of readdirSync(path)) if (name !== 'node_modules' && !name.startsWith('.')) walk(join(path, name));
    } else if (s.mtimeMs > mtimeMs && !path.endsWith('.md')) newer.push(relative(PROJECT_ROOT, path));
  };
  for (const f of SOURCE_FOLDERS) if (existsSync(join(PROJECT_ROOT, f))) walk(join(PROJECT_ROOT, f));
  return newer.sort();
}

/** The parts of one synthesized lakehouse stack a rehearsal deploys locally. */
export function fromTerraform(json: TerraformJson, file: string, environment: EnvironmentName, stack: string): Omit<SynthesizedLakehouse, 'origin' | 'newerSources'> {
  const r = new ReferenceResolver(json);
  const provider = blocks((json.provider ?? {})['aws'])[0];
  const account = r.accountId;
  const region = provider?.region !== undefined ? r.string(provider.region) : undefined;
  if (!account || !region) throw new SynthesizedLakehouseError(`${file}: the AWS provider names no single account and region`);
  const stackDir = resolve(file, '..');
  const all = (type: string) => Object.entries(json.resource?.[type] ?? {});
  const str = (v: Json | undefined, what: string): string => {
    const s = r.string(v);
    if (s === undefined || UNRESOLVED.test(s)) throw new SynthesizedLakehouseError(`${file}: cannot know ${what} before apply (${JSON.stringify(v)})`);
    return s;
  };
  const obj = (v: Json | undefined) => (blocks(v)[0] ?? {}) as JsonObject;
  const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${account}:${resource}`;

  const buckets = all('aws_s3_bucket').map(([name, b]) => str(b.bucket, `the name of bucket ${name}`));
  const objects = all('aws_s3_object').map(([name, o]) => {
    if (o.source === undefined) throw new SynthesizedLakehouseError(`${file}: aws_s3_object.${name} has no source file; the rehearsal uploads assets only`);
    return { bucket: str(o.bucket, `the bucket of aws_s3_object.${name}`), key: str(o.key, `the key of aws_s3_object.${name}`), source: resolve(stackDir, str(o.source, 'an asset path')) };
  });
  const databases = all('aws_glue_catalog_database').map(([name, d]) => ({
    name: str(d.name, `the name of aws_glue_catalog_database.${name}`),
    ...(d.description !== undefined ? { description: str(d.description, 'a description') } : {}),
  }));
  const tables = all('aws_glue_catalog_table').map(([name, t]): DeclaredTable => {
    const resolved = r.value(t) as JsonObject;
    const database = str(t.database_name, `the database of aws_glue_catalog_table.${name}`);
    const ignore = obj(t.lifecycle).ignore_changes;
    return { database, table: tableFromTerraform(resolved, database), ignoreChanges: Array.isArray(ignore) ? ignore.map(String) : [] };
  });
  const jobs = all('aws_glue_job').map(([name, j]): DeclaredJob => {
    const command = obj(j.command);
    const args = (r.value(j.default_arguments) ?? {}) as Record<string, Json>;
    return {
      name: str(j.name, `the name of aws_glue_job.${name}`),
      scriptLocation: str(command.script_location, `the script of aws_glue_job.${name}`),
      commandName: command.name !== undefined ? str(command.name, 'the command') : 'glueetl',
      ...(j.glue_version !== undefined ? { glueVersion: str(j.glue_version, 'the Glue version') } : {}),
      defaultArguments: Object.fromEntries(Object.entries(args).map(([k, v]) => [k, String(v)])),
      maxConcurrentRuns: Number(obj(j.execution_property).max_concurrent_runs ?? 1),
      ...(j.worker_type !== undefined ? { workerType: String(j.worker_type) } : {}),
      ...(j.number_of_workers !== undefined ? { numberOfWorkers: Number(j.number_of_workers) } : {}),
      ...(j.timeout !== undefined ? { timeoutMinutes: Number(j.timeout) } : {}),
    };
  });
  const functions = all('aws_lambda_function').map(([name, f]) => {
    const fnName = str(f.function_name, `the name of aws_lambda_function.${name}`);
    const variables = (r.value(obj(f.environment).variables) ?? {}) as Record<string, Json>;
    if (f.filename === undefined) throw new SynthesizedLakehouseError(`${file}: aws_lambda_function.${name} has no local package (filename); the rehearsal runs packaged functions only`);
    return {
      name: fnName,
      arn: arn('lambda', `function:${fnName}`),
      handler: str(f.handler, 'the handler'),
      runtime: str(f.runtime, 'the runtime'),
      timeoutSeconds: Number(f.timeout ?? 3),
      memoryMiB: Number(f.memory_size ?? 128),
      ...(f.reserved_concurrent_executions !== undefined && Number(f.reserved_concurrent_executions) >= 0
        ? { reservedConcurrency: Number(f.reserved_concurrent_executions) }
        : {}),
      environment: Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, str(v, `environment variable ${k} of ${fnName}`)])),
      packageFile: resolve(stackDir, str(f.filename, 'a package path')),
    };
  });
  const topics = all('aws_sns_topic').map(([name, t]) => {
    const topic = str(t.name, `the name of aws_sns_topic.${name}`);
    return { name: topic, arn: arn('sns', topic) };
  });
  const workgroups = all('aws_athena_workgroup').map(([name, w]): DeclaredWorkgroup => {
    const config = obj(w.configuration);
    const result = obj(config.result_configuration);
    return {
      name: str(w.name, `the name of aws_athena_workgroup.${name}`),
      enabled: (w.state ?? 'ENABLED') === 'ENABLED',
      ...(config.bytes_scanned_cutoff_per_query !== undefined ? { bytesScannedCutoffPerQuery: Number(config.bytes_scanned_cutoff_per_query) } : {}),
      ...(result.output_location !== undefined ? { outputLocation: str(result.output_location, 'the result location') } : {}),
    };
  });
  const settings = all('aws_lakeformation_data_lake_settings');
  if (settings.length > 1) throw new SynthesizedLakehouseError(`${file}: ${settings.length} aws_lakeformation_data_lake_settings; one per account and region, or they overwrite each other`);
  const lakeFormation: DeclaredLakeFormation = {
    registeredLocations: all('aws_lakeformation_resource').map(([name, l]) => str(l.arn, `the location of aws_lakeformation_resource.${name}`)),
    allowFullTableExternalDataAccess: settings[0]?.[1].allow_full_table_external_data_access === true,
  };
  const machines = all('aws_sfn_state_machine');
  if (machines.length !== 1) throw new SynthesizedLakehouseError(`${file}: expected one aws_sfn_state_machine, found ${machines.length}`);
  const [machineAddress, machine] = machines[0];
  const machineName = str(machine.name, 'the state machine name');
  let definition: AslDefinition;
  try {
    definition = JSON.parse(str(machine.definition, 'the state machine definition')) as AslDefinition;
  } catch (e) {
    throw new SynthesizedLakehouseError(`${file}: the definition of aws_sfn_state_machine.${machineAddress} is not JSON: ${(e as Error).message}`);
  }
  const schedule = all('aws_scheduler_schedule')
    .map(([, s]) => obj(s.target))
    .find((t) => t.arn === `\${aws_sfn_state_machine.${machineAddress}.arn}`);
  return {
    environment,
    stack,
    file,
    region,
    account,
    buckets,
    objects,
    databases,
    tables,
    jobs,
    functions,
    topics,
    workgroups,
    lakeFormation,
    stateMachine: {
      name: machineName,
      arn: arn('states', `stateMachine:${machineName}`),
      roleArn: str(machine.role_arn, 'the state machine role'),
      type: String(machine.type ?? 'STANDARD'),
      definition,
    },
    executionInput: schedule?.input !== undefined ? str(schedule.input, 'the schedule input') : '{}',
  };
}
