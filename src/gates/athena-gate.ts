// `stedi gate --engine athena --env E`: the quality rules on an environment's Glue tables, through
// Athena in the environment's workgroup. Names come from the same place the stacks take them.
import { AthenaClient } from '@aws-sdk/client-athena';
import type { EnvironmentConfig } from '../../config/environments/environment-config';
import { ResourceNames } from '../../stacks/environment/resource-names';
import type { Catalog } from '../catalog/registry';
import { AthenaEngine } from '../engine/athena-engine';
import { quoteIdent, type TableResolver } from '../engine/engine';
import type { GateSetup } from './auditor';
import type { GateResult } from './evaluator';
import { gateAll } from './lake-gate';

export interface AthenaGateOptions {
  /** Audit the staging database (the last run's unpublished tables) instead of the zone databases. @default false */
  readonly staged?: boolean;
  /** @default a client for the environment's region, with the default credential chain */
  readonly client?: AthenaClient;
  /** How the engine waits between status polls. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Each table as `"<database>"."<table>"`: its zone's database, or staging. */
export function environmentResolver(env: EnvironmentConfig, catalog: Catalog, staged: boolean): TableResolver {
  const names = new ResourceNames(env);
  return (t) => {
    const def = catalog.tables.get(t);
    return def ? `${quoteIdent(names.database(staged ? 'staging' : def.zone))}.${quoteIdent(t)}` : undefined;
  };
}

export async function gateEnvironment(env: EnvironmentConfig, catalog: Catalog, setup: GateSetup, options: AthenaGateOptions = {}): Promise<GateResult[]> {
  const names = new ResourceNames(env);
  const engine = new AthenaEngine({
    client: options.client ?? new AthenaClient({ region: env.account.region }),
    workgroup: names.workgroup,
    database: names.database('curated'),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  try {
    return await gateAll(engine, setup, environmentResolver(env, catalog, Boolean(options.staged)));
  } finally {
    await engine.close();
  }
}
