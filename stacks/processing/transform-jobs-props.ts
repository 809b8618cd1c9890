// Props of TransformJobs: a Glue Spark job per transform of glue/sql/.
import type { Catalog } from '../../src/catalog/registry';
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { DataLakeStorage } from '../storage/data-lake-storage';

export interface TransformJobsProps {
  /**
   * The environment's resource names and ARNs (ResourceNames).
   * @default - none (required)
   */
  readonly names: ResourceNames;
  /**
   * The registry: one job per transform, inputs and output columns from ddl/.
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
   * Workers of each job: the bound on its size and cost.
   * @default - none (required)
   */
  readonly workers: number;
  /**
   * Minutes a job may run before Glue stops it.
   * @default - none (required)
   */
  readonly timeoutMinutes: number;
  /**
   * Days CloudWatch keeps the logs (config retention.logDays).
   * @default - none (required)
   */
  readonly logRetentionDays: number;
  /** The entry script every job runs. @default glue/jobs/run_transform.py */
  readonly scriptPath?: string;
  /** @default '5.0' (Spark 3.5, Python 3.11) */
  readonly glueVersion?: string;
  /** @default 'G.1X' */
  readonly workerType?: string;
}

/**
 * Spark settings of Lake Formation full-table access for Hive-format tables (ours: Parquet and JSON),
 * as the Glue 5.0 guide's full-table access page and the EMR Serverless one it points to for the
 * setup ("Lake Formation full table access for EMR Serverless") give them: S3 reads and writes of a
 * registered table's location take Lake Formation's credentials, and table create/drop do not
 * check or create locations through the job's own role. The data lake settings must allow
 * full-table access for external engines (stacks/governance/data-lake-settings.ts).
 */
export const FULL_TABLE_ACCESS_SPARK_CONF: Readonly<Record<string, string>> = {
  'spark.hadoop.fs.s3.credentialsResolverClass': 'com.amazonaws.glue.accesscontrol.AWSLakeFormationCredentialResolver',
  'spark.hadoop.fs.s3.useDirectoryHeaderAsFolderObject': 'true',
  'spark.hadoop.fs.s3.folderObject.autoAction.disabled': 'true',
  'spark.sql.catalog.skipLocationValidationOnCreateTable.enabled': 'true',
  'spark.sql.catalog.createDirectoryAfterTable.enabled': 'true',
  'spark.sql.catalog.dropDirectoryBeforeTable.enabled': 'true',
};

/** Several Spark settings in Glue's one `--conf` argument: `k1=v1 --conf k2=v2 ...`. */
export function sparkConf(settings: Readonly<Record<string, string>>): string {
  return Object.entries(settings)
    .map(([k, v]) => `${k}=${v}`)
    .join(' --conf ');
}

export const TRANSFORM_JOBS_DEFAULTS = {
  glueVersion: '5.0',
  workerType: 'G.1X',
  /** SFN retries whole steps; a Glue-level retry would run a transform twice unseen. */
  maxRetries: 0,
  /** One run at a time: two runs of a job would compete for the same staging tables. */
  maxConcurrentRuns: 1,
} as const;
