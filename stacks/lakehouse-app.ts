// Creates every stack of every environment in a cdktf app: per environment, a bootstrap stack and
// a lakehouse stack, each in its own workspace. main.ts and the tests build the app through here.
import type { App } from 'cdktf';
import type { EnvironmentConfig, EnvironmentName } from '../config/environments/environment-config';
import type { Catalog } from '../src/catalog/registry';
import { loadGateConfig } from '../src/gates/gate-config';
import { loadRules } from '../src/gates/rule-file';
import { lambdaCatalog, type LambdaCatalog } from '../src/lambdas/lambda-catalog';
import { BootstrapStack } from './bootstrap/bootstrap-stack';
import { ResourceNames } from './environment/resource-names';
import { LakehouseStack } from './lakehouse-stack';
import { governLakehouse, type GovernedLakehouse } from './governance/govern-lakehouse';
import type { GrantsPolicy } from '../src/governance/grants-policy';

export interface EnvironmentStacks {
  readonly bootstrap: BootstrapStack;
  readonly lakehouse: LakehouseStack;
  /** Lake Formation settings, LF-tags, registrations and grants of the lakehouse stack. */
  readonly governance: GovernedLakehouse;
}

export interface LakehouseAppOptions {
  readonly environments: readonly EnvironmentConfig[];
  readonly catalog: Catalog;
  /** Where Lambda bundles are written before cdktf copies them. @default - the OS temp folder */
  readonly bundleDir?: string;
  /** Grants policies to use instead of config/grants/<env>.json (tests that widen a grant). @default - the files */
  readonly grantsPolicies?: Readonly<Partial<Record<EnvironmentName, GrantsPolicy>>>;
  /**
   * The catalog embedded into the Lambdas, with the lineage of the rules' sample columns
   * (orchestration/synth-lambda-catalog.ts, which main.ts uses).
   * @default - built here without that lineage: the gate Lambda then masks every sample value
   */
  readonly lambdaCatalog?: LambdaCatalog;
}

export function buildLakehouseApp(app: App, options: LakehouseAppOptions): Partial<Record<EnvironmentName, EnvironmentStacks>> {
  const { catalog } = options;
  const embedded = options.lambdaCatalog ?? lambdaCatalog(catalog, loadRules(catalog), loadGateConfig(catalog));
  const out: Partial<Record<EnvironmentName, EnvironmentStacks>> = {};
  for (const env of options.environments) {
    const names = new ResourceNames(env);
    const lakehouse = new LakehouseStack(app, { env, catalog, lambdaCatalog: embedded, ...(options.bundleDir ? { bundleDir: options.bundleDir } : {}) });
    const governance = governLakehouse(lakehouse, env, options.grantsPolicies?.[env.name]);
    const bootstrap = new BootstrapStack(app, { env, deployedStacks: [names.stack('lakehouse')] });
    out[env.name] = { bootstrap, lakehouse, governance };
  }
  return out;
}
