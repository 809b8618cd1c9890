// Props of QueryWorkgroup: the Athena workgroup the gate (and people) query the lake in.
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { DataLakeStorage } from '../storage/data-lake-storage';

export interface QueryWorkgroupProps {
  readonly names: ResourceNames;
  readonly storage: DataLakeStorage;
  readonly key: DataLakeKey;
  /** Bytes one query may scan before Athena cancels it. */
  readonly bytesScannedCutoffPerQuery: number;
  /** @default 'AUTO' (Athena picks the current engine version) */
  readonly engineVersion?: string;
}

export const QUERY_WORKGROUP_DEFAULTS = {
  engineVersion: 'AUTO',
} as const;
