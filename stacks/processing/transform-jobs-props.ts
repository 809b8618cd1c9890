// Props of TransformJobs: a Glue Spark job per transform of glue/sql/.
import type { Catalog } from '../../src/catalog/registry';
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { DataLakeStorage } from '../storage/data-lake-storage';

export interface TransformJobsProps {
  readonly names: ResourceNames;
  /** The registry: one job per transform, inputs and output columns from ddl/. */
  readonly catalog: Catalog;
  readonly storage: DataLakeStorage;
  readonly key: DataLakeKey;
  /** Workers of each job: the bound on its size and cost. */
  readonly workers: number;
  /** Minutes a job may run before Glue stops it. */
  readonly timeoutMinutes: number;
  readonly logRetentionDays: number;
  /** The entry script every job runs. @default glue/jobs/run_transform.py */
  readonly scriptPath?: string;
  /** @default '5.0' (Spark 3.5, Python 3.11) */
  readonly glueVersion?: string;
  /** @default 'G.1X' */
  readonly workerType?: string;
}

export const TRANSFORM_JOBS_DEFAULTS = {
  glueVersion: '5.0',
  workerType: 'G.1X',
  /** SFN retries whole steps; a Glue-level retry would run a transform twice unseen. */
  maxRetries: 0,
  /** One run at a time: two runs of a job would compete for the same staging tables. */
  maxConcurrentRuns: 1,
} as const;
