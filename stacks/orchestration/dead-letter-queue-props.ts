// Props of DeadLetterQueue.
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';

export interface DeadLetterQueueProps {
  readonly names: ResourceNames;
  readonly key: DataLakeKey;
  /** Seconds a failed event is kept. @default 1209600 (14 days, the SQS maximum) */
  readonly retentionSeconds?: number;
}

export const DEAD_LETTER_QUEUE_DEFAULTS = {
  retentionSeconds: 14 * 24 * 3600,
} as const;
