// Props of QueryWorkgroup: the Athena workgroup the gate (and people) query the lake in.
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { DataLakeStorage } from '../storage/data-lake-storage';

export interface QueryWorkgroupProps {
  /**
   * The environment's resource names and ARNs (ResourceNames).
   * @default - none (required)
   */
  readonly names: ResourceNames;
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
   * Bytes one query may scan before Athena cancels it.
   * @default - none (required)
   */
  readonly bytesScannedCutoffPerQuery: number;
  /** @default 'AUTO' (Athena picks the current engine version) */
  readonly engineVersion?: string;
}

export const QUERY_WORKGROUP_DEFAULTS = {
  engineVersion: 'AUTO',
} as const;
