// Props of PipelineAlerts: where failed and blocked runs are announced.
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';

export interface PipelineAlertsProps {
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
  /** Addresses subscribed to the topic (each confirms by mail). @default [] */
  readonly emails?: readonly string[];
}
