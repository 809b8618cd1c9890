// Loads and validates the environment configs (ajv, strict): a bad value stops synth with a message
// naming the file and the field, before any stack is built.
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { dev } from './dev';
import { prod } from './prod';
import { ENVIRONMENT_NAMES, type EnvironmentConfig, type EnvironmentName } from './environment-config';
import { ENVIRONMENT_SCHEMA } from './environment-schema';
import { OperatorError } from '../../src/errors/operator-error';

export class EnvironmentConfigError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentConfigError';
  }
}

/** The committed config of each environment, and the file it is read from (for messages). */
export const ENVIRONMENTS: Readonly<Record<EnvironmentName, { readonly file: string; readonly value: unknown }>> = {
  dev: { file: 'config/environments/dev.ts', value: dev },
  prod: { file: 'config/environments/prod.ts', value: prod },
};

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validateSchema = ajv.compile(ENVIRONMENT_SCHEMA);

/** One ajv error as `/field/path message (got value)`. */
function describe(e: ErrorObject, value: unknown): string {
  const field = e.instancePath || '/';
  let detail = e.message ?? e.keyword;
  if (e.keyword === 'additionalProperties') detail = `has unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'required') return `${field === '/' ? '' : field}/${(e.params as { missingProperty: string }).missingProperty} is required`;
  const got = e.instancePath ? at(value, e.instancePath) : undefined;
  const shown = got === undefined || typeof got === 'object' ? '' : ` (got ${JSON.stringify(got)})`;
  return `${field} ${detail}${shown}`;
}

function at(value: unknown, pointer: string): unknown {
  let cur = value;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return cur;
}

/** Account id of an IAM principal ARN (`arn:aws:iam::<account>:role/...`). */
export function principalAccount(arn: string): string {
  return arn.split(':')[4];
}

/**
 * Checks one environment config. `datasets` are the landing datasets of the catalog, when the caller
 * knows them: a streamed dataset must be one of them.
 */
export function validateEnvironment(value: unknown, source: string, datasets?: readonly string[]): EnvironmentConfig {
  if (!validateSchema(value)) {
    const problems = (validateSchema.errors ?? []).map((e) => `${source}: ${describe(e, value)}`);
    throw new EnvironmentConfigError([...new Set(problems)].join('\n'));
  }
  const config = value as unknown as EnvironmentConfig;
  const problems: string[] = [];
  const own = (field: string, arns: readonly string[]) =>
    arns.forEach((arn, i) => {
      if (principalAccount(arn) !== config.account.id) {
        problems.push(`${source}: /${field}/${i} is in account ${principalAccount(arn)}, not this environment's account ${config.account.id} (${arn})`);
      }
    });
  own('deploy/operatorPrincipalArns', config.deploy.operatorPrincipalArns);
  for (const [k, arns] of Object.entries(config.principals)) own(`principals/${k}`, arns as readonly string[]);
  if (!config.terraformCloud && config.deploy.operatorPrincipalArns.length === 0) {
    problems.push(`${source}: /deploy/operatorPrincipalArns is empty and /terraformCloud is absent: nobody could assume the deploy role`);
  }
  if (datasets) {
    config.ingestion.streamedDatasets.forEach((d, i) => {
      if (!datasets.includes(d)) problems.push(`${source}: /ingestion/streamedDatasets/${i} "${d}" is no landing dataset (${datasets.join(', ')})`);
    });
  }
  if (problems.length) throw new EnvironmentConfigError(problems.join('\n'));
  return config;
}

/** Configs must keep environments apart: no account, project or role of one is another's. */
export function checkSeparation(configs: readonly { readonly source: string; readonly config: EnvironmentConfig }[]): void {
  const problems: string[] = [];
  for (let i = 0; i < configs.length; i++) {
    for (let j = i + 1; j < configs.length; j++) {
      const [a, b] = [configs[i], configs[j]];
      if (a.config.name === b.config.name) problems.push(`${b.source}: /name "${b.config.name}" is also the name of ${a.source}`);
      if (a.config.account.id === b.config.account.id) {
        problems.push(`${b.source}: /account/id ${b.config.account.id} is also the account of ${a.source}; each environment needs its own account`);
      }
      const ta = a.config.terraformCloud;
      const tb = b.config.terraformCloud;
      if (ta && tb && ta.organization === tb.organization && ta.project === tb.project) {
        problems.push(`${b.source}: /terraformCloud/project "${tb.project}" is also the project of ${a.source}; the OIDC trust pins the project`);
      }
    }
  }
  if (problems.length) throw new EnvironmentConfigError(problems.join('\n'));
}

export function loadEnvironment(name: EnvironmentName, datasets?: readonly string[]): EnvironmentConfig {
  const entry = ENVIRONMENTS[name];
  if (!entry) throw new EnvironmentConfigError(`no environment "${name}"; known: ${ENVIRONMENT_NAMES.join(', ')}`);
  const config = validateEnvironment(entry.value, entry.file, datasets);
  if (config.name !== name) throw new EnvironmentConfigError(`${entry.file}: /name is "${config.name}" but the file configures "${name}"`);
  return config;
}

/** Every environment, validated one by one and against each other. */
export function loadEnvironments(datasets?: readonly string[]): EnvironmentConfig[] {
  const loaded = ENVIRONMENT_NAMES.map((n) => ({ source: ENVIRONMENTS[n].file, config: loadEnvironment(n, datasets) }));
  checkSeparation(loaded);
  return loaded.map((l) => l.config);
}
