// Props of PipelineStateMachine.
import type { Catalog } from '../../src/catalog/registry';
import type { ResourceNames } from '../environment/resource-names';
import type { PipelineAlerts } from '../observability/pipeline-alerts';
import type { TransformJobs } from '../processing/transform-jobs';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { DataLakeStorage } from '../storage/data-lake-storage';
import type { PipelineFunction } from './pipeline-function';

export interface PipelineStateMachineProps {
  /**
   * The environment's resource names and ARNs (ResourceNames).
   * @default - none (required)
   */
  readonly names: ResourceNames;
  /**
   * The registry read from ddl/, glue/sql/ and quality-rules/.
   * @default - none (required)
   */
  readonly catalog: Catalog;
  /**
   * The environment's buckets.
   * @default - none (required)
   */
  readonly storage: DataLakeStorage;
  /**
   * The environment's customer-managed KMS key.
   * @default - none (required)
   */
  readonly key: DataLakeKey;
  /**
   * The Glue jobs of the transforms.
   * @default - none (required)
   */
  readonly jobs: TransformJobs;
  /**
   * The validator, gate and publish Lambdas.
   * @default - none (required)
   */
  readonly functions: { readonly validator: PipelineFunction; readonly gate: PipelineFunction; readonly publish: PipelineFunction };
  /**
   * The topic failed and blocked runs are announced on.
   * @default - none (required)
   */
  readonly alerts: PipelineAlerts;
  /**
   * Validator Lambdas the Distributed Map runs at once.
   * @default - none (required)
   */
  readonly maxConcurrency: number;
  /**
   * Days CloudWatch keeps the logs (config retention.logDays).
   * @default - none (required)
   */
  readonly logRetentionDays: number;
  /** @default 'ALL' */
  readonly logLevel?: 'ALL' | 'ERROR' | 'FATAL';
}

export const PIPELINE_STATE_MACHINE_DEFAULTS = {
  logLevel: 'ALL',
} as const;

/** Where the Distributed Maps write their results, in the artifacts bucket. */
export { VALIDATION_RESULTS_PREFIX } from '../../src/catalog/run-layout';
