// Props of DeadLetterQueue.
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';

export interface DeadLetterQueueProps {
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
  /** Seconds a failed event is kept. @default 1209600 (14 days, the SQS maximum) */
  readonly retentionSeconds?: number;
}

export const DEAD_LETTER_QUEUE_DEFAULTS = {
  retentionSeconds: 14 * 24 * 3600,
} as const;
