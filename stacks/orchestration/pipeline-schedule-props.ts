// Props of PipelineSchedule.
import type { ScheduleConfig } from '../../config/environments/environment-config';
import type { ResourceNames } from '../environment/resource-names';
import type { DataLakeKey } from '../storage/data-lake-key';
import type { PipelineStateMachine } from './pipeline-state-machine';

export interface PipelineScheduleProps {
  readonly names: ResourceNames;
  readonly schedule: ScheduleConfig;
  readonly stateMachine: PipelineStateMachine;
  readonly key: DataLakeKey;
  /** Start attempts EventBridge Scheduler retries; the state machine refuses to overlap a running run anyway. @default 2 */
  readonly retries?: number;
}

export const PIPELINE_SCHEDULE_DEFAULTS = {
  retries: 2,
} as const;
