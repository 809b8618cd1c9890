// Props of DataLakeStorage: the buckets of one environment.
import type { RetentionConfig } from '../../config/environments/environment-config';
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from './data-lake-key';

export interface DataLakeStorageProps {
  /**
   * The environment's resource names and ARNs (ResourceNames).
   * @default - none (required)
   */
  readonly names: ResourceNames;
  /**
   * The environment's customer-managed KMS key.
   * @default - none (required)
   */
  readonly key: DataLakeKey;
  /**
   * The environment's retention settings (config retention).
   * @default - none (required)
   */
  readonly retention: RetentionConfig;
  /**
   * The only principals that may put objects into landing (the ingestion path). Everyone else is
   * denied by the bucket policy, whatever their IAM policies say.
   * @default - none (required)
   */
  readonly landingWriterArns: readonly string[];
}

/** Days after which objects of Glue Spark's temporary folder expire. */
export const GLUE_TEMP_EXPIRE_DAYS = 2;
