// Props of LakehouseStack.
import type { EnvironmentConfig } from '../config/environments/environment-config';
import type { Catalog } from '../src/catalog/registry';
import type { LambdaCatalog } from '../src/lambdas/lambda-catalog';

export interface LakehouseStackProps {
  /**
   * The environment's validated config (config/environments/).
   * @default - none (required)
   */
  readonly env: EnvironmentConfig;
  /**
   * The registry read from ddl/, glue/sql/ and quality-rules/.
   * @default - none (required)
   */
  readonly catalog: Catalog;
  /**
   * What the Lambdas embed (tables, contracts, rules, gate thresholds).
   * @default - none (required)
   */
  readonly lambdaCatalog: LambdaCatalog;
  /** Where Lambda bundles are written before cdktf copies them into cdktf.out. @default - a folder in the OS temp folder */
  readonly bundleDir?: string;
}

/** Memory, scratch space and concurrency of the gate and publish Lambdas (the validator's come from the config). */
export const LAKEHOUSE_FUNCTION_SIZES = {
  validatorEphemeralStorageMiB: 2048,
  gateMemoryMiB: 1024,
  gateReservedConcurrency: 2,
  publishMemoryMiB: 512,
  /** Publishing is one at a time: two publishes could interleave their table moves. */
  publishReservedConcurrency: 1,
} as const;
