// Props of PipelineSchedule.
import type { ScheduleConfig } from '../../config/environments/environment-config';
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { PipelineStateMachine } from './pipeline-state-machine';

export interface PipelineScheduleProps {
  /**
   * The environment's resource names and ARNs (ResourceNames).
   * @default - none (required)
   */
  readonly names: ResourceNames;
  /**
   * When the pipeline runs (config schedule).
   * @default - none (required)
   */
  readonly schedule: ScheduleConfig;
  /**
   * The pipeline the schedule starts.
   * @default - none (required)
   */
  readonly stateMachine: PipelineStateMachine;
  /**
   * The environment's customer-managed KMS key.
   * @default - none (required)
   */
  readonly key: DataLakeKey;
  /** Start attempts EventBridge Scheduler retries; the state machine refuses to overlap a running run anyway. @default 2 */
  readonly retries?: number;
}

export const PIPELINE_SCHEDULE_DEFAULTS = {
  retries: 2,
} as const;
