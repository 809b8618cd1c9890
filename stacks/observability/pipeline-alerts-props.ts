// Props of PipelineAlerts: where failed and blocked runs are announced.
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';

export interface PipelineAlertsProps {
  readonly names: ResourceNames;
  readonly key: DataLakeKey;
  /** Addresses subscribed to the topic (each confirms by mail). @default [] */
  readonly emails?: readonly string[];
}
