// `stedi gate --engine athena --env E`: the quality rules on an environment's Glue tables, through
// Athena in the environment's workgroup. Names come from the same place the stacks take them.
// The accounting and volume checks are recomputed on those tables; the quarantine share needs the
// validation counts of the run, which only the state machine's run records hold, so it is skipped.
import { AthenaClient } from '@aws-sdk/client-athena';
import type { EnvironmentConfig } from '../../config/environments/environment-config';
import { ResourceNames } from '../../stacks/environment/resource-names';
import type { Catalog } from '../catalog/registry';
import { AthenaEngine } from '../engine/athena-engine';
import { quoteIdent, type TableResolver } from '../engine/engine';
import type { GateSetup } from './auditor';
import type { GateResult } from './evaluator';
import { factsDatasets, gateAll } from './zone-gates';
import { curatedFacts, trustedFacts } from './run-facts';
import type { SampleMask } from './sample-privacy';
import { OperatorError } from '../errors/operator-error';

export interface AthenaGateOptions {
  /** Audit the staging database (the last run's unpublished tables) instead of the zone databases. @default false */
  readonly staged?: boolean;
  /** @default a client for the environment's region, with the default credential chain */
  readonly client?: AthenaClient;
  /** How the engine waits between status polls. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** What failing rows may show. @default every value the setup's lineage does not prove free of personal data is masked */
  readonly samples?: SampleMask;
}

/** No AWS credentials could be found: one message naming what is missing, before any query. */
export class AwsCredentialsError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'AwsCredentialsError';
  }
}

/** Each table as `"<database>"."<table>"`: its zone's database, or staging. */
export function environmentResolver(env: EnvironmentConfig, catalog: Catalog, staged: boolean): TableResolver {
  const names = new ResourceNames(env);
  return (t) => {
    const def = catalog.tables.get(t);
    return def ? `${quoteIdent(names.database(staged ? 'staging' : def.zone))}.${quoteIdent(t)}` : undefined;
  };
}

/** Resolves the client's credentials once, so that a missing login is one message and not one failed rule per query. */
async function checkCredentials(client: AthenaClient, env: EnvironmentConfig): Promise<void> {
  try {
    await client.config.credentials();
  } catch (e) {
    const why = ((e as Error).message || String(e)).split('\n')[0];
    throw new AwsCredentialsError(
      `no AWS credentials for --engine athena --env ${env.name} (account ${env.account.id}, ${env.account.region}): ${why}. ` +
        'Sign in first: set AWS_PROFILE (aws sso login --profile ...), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role provides them',
    );
  }
}

export async function gateEnvironment(env: EnvironmentConfig, catalog: Catalog, setup: GateSetup, options: AthenaGateOptions = {}): Promise<GateResult[]> {
  const names = new ResourceNames(env);
  const client = options.client ?? new AthenaClient({ region: env.account.region });
  await checkCredentials(client, env);
  const staged = Boolean(options.staged);
  const engine = new AthenaEngine({
    client,
    workgroup: names.workgroup,
    database: names.database('curated'),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const resolve = environmentResolver(env, catalog, staged);
  const published = environmentResolver(env, catalog, false);
  try {
    return await gateAll(engine, setup, resolve, {
      ...(options.samples ? { samples: options.samples } : {}),
      facts: async (zone) =>
        zone === 'trusted'
          ? trustedFacts(engine, factsDatasets(catalog), () => ({ unknown: `the validation counts are in the run's records (s3 artifacts runs/<run id>/gate-trusted.json), not in Athena` }), resolve)
          : curatedFacts(
              engine,
              catalog.transforms.filter((t) => t.zone === 'curated').map((t) => t.table.name),
              resolve,
              // Staged tables are compared with the published ones; published tables have nothing to compare with here.
              async (t) => {
                if (!staged) return undefined;
                // A table never published (a new environment) has nothing to compare with.
                return engine.query(`SELECT COUNT(*) AS n FROM ${published(t)}`).then((r) => Number(r.rows[0].n), () => undefined);
              },
            ),
    });
  } finally {
    await engine.close();
  }
}
