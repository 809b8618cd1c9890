// Props of PipelineStateMachine.
import type { Catalog } from '../../src/catalog/registry';
import type { ResourceNames } from '../environment/resource-names';
import type { PipelineAlerts } from '../observability/pipeline-alerts';
import type { TransformJobs } from '../processing/transform-jobs';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { DataLakeStorage } from '../storage/data-lake-storage';
import type { PipelineFunction } from './pipeline-function';

export interface PipelineStateMachineProps {
  readonly names: ResourceNames;
  readonly catalog: Catalog;
  readonly storage: DataLakeStorage;
  readonly key: DataLakeKey;
  readonly jobs: TransformJobs;
  readonly functions: { readonly validator: PipelineFunction; readonly gate: PipelineFunction; readonly publish: PipelineFunction };
  readonly alerts: PipelineAlerts;
  /** Validator Lambdas the Distributed Map runs at once. */
  readonly maxConcurrency: number;
  readonly logRetentionDays: number;
  /** @default 'ALL' */
  readonly logLevel?: 'ALL' | 'ERROR' | 'FATAL';
}

export const PIPELINE_STATE_MACHINE_DEFAULTS = {
  logLevel: 'ALL',
} as const;

/** Where the Distributed Map writes its results, in the artifacts bucket. */
export const VALIDATION_RESULTS_PREFIX = 'runs/validation';
