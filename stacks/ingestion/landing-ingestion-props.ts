// Props of LandingIngestion: the only ways data enters the landing zone.
import type { IngestionConfig } from '../../config/environments/environment-config';
import type { Catalog } from '../../src/catalog/registry';
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { SecureBucket } from '../storage/secure-bucket';

export interface LandingIngestionProps {
  readonly names: ResourceNames;
  readonly catalog: Catalog;
  readonly key: DataLakeKey;
  /** The landing bucket; the streams wait for it. */
  readonly landing: SecureBucket;
  readonly ingestion: IngestionConfig;
  /** Principals that drop batch files (website export, app backend); they assume the ingestion role. */
  readonly producers: readonly string[];
  readonly logRetentionDays: number;
}

/** Firehose writes failed records here (in the landing bucket, outside every dataset folder). */
export const STREAM_ERRORS_PREFIX = '_errors/';

/** Roles of the ingestion path: the only principals the landing bucket policy lets write. */
export const INGESTION_ROLE_PURPOSES = { producers: 'ingestion', delivery: 'delivery' } as const;
