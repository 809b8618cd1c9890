// Props of GlueCatalog: the Glue Data Catalog of one environment, generated from ddl/.
import type { Catalog } from '../../src/catalog/registry';
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { DataLakeStorage } from '../storage/data-lake-storage';

export interface GlueCatalogProps {
  /**
   * The environment's resource names and ARNs (ResourceNames).
   * @default - none (required)
   */
  readonly names: ResourceNames;
  /**
   * The registry read from ddl/, glue/sql/ and quality-rules/: the only list of tables.
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
   * Skip malformed JSON lines when Athena reads the raw landing tables (producers' files are not
   * validated yet; the pipeline quarantines those lines with reasons).
   * @default true
   */
  readonly ignoreMalformedLandingJson?: boolean;
}

export const GLUE_CATALOG_DEFAULTS = {
  ignoreMalformedLandingJson: true,
} as const;

/** Where a table points before its first publish: a folder no run ever writes, so it reads as empty. */
export const UNPUBLISHED_FOLDER = 'unpublished/';

/** Hive formats of the two storage formats ddl/ uses. */
export const STORAGE_FORMATS = {
  parquet: {
    classification: 'parquet',
    inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  },
  json: {
    classification: 'json',
    inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
    outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
  },
} as const;
