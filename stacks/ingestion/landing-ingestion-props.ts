// Props of LandingIngestion: the only ways data enters the landing zone.
import type { IngestionConfig } from '../../config/environments/environment-config';
import type { Catalog } from '../../src/catalog/registry';
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { SecureBucket } from '../storage/secure-bucket';

export interface LandingIngestionProps {
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
   * The environment's customer-managed KMS key.
   * @default - none (required)
   */
  readonly key: DataLakeKey;
  /**
   * The landing bucket; the streams wait for it.
   * @default - none (required)
   */
  readonly landing: SecureBucket;
  /**
   * The environment's ingestion settings (config ingestion).
   * @default - none (required)
   */
  readonly ingestion: IngestionConfig;
  /**
   * Principals that drop batch files (website export, app backend); they assume the ingestion role.
   * @default - none (required)
   */
  readonly producers: readonly string[];
  /**
   * Days CloudWatch keeps the logs (config retention.logDays).
   * @default - none (required)
   */
  readonly logRetentionDays: number;
}

/** Firehose writes failed records here (in the landing bucket, outside every dataset folder). */
export const STREAM_ERRORS_PREFIX = '_errors/';

/** Roles of the ingestion path: the only principals the landing bucket policy lets write. */
export const INGESTION_ROLE_PURPOSES = { producers: 'ingestion', delivery: 'delivery' } as const;
