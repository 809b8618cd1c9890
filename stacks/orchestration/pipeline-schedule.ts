// The EventBridge Scheduler schedule that starts the pipeline, with a role that may start this
// state machine and nothing else.
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { Construct } from 'constructs';
import { LakeRole } from '../iam/lake-role';
import { PIPELINE_SCHEDULE_DEFAULTS, type PipelineScheduleProps } from './pipeline-schedule-props';

export class PipelineSchedule extends Construct {
  readonly schedule: SchedulerSchedule;
  readonly role: LakeRole;

  constructor(scope: Construct, id: string, props: PipelineScheduleProps) {
    super(scope, id);
    const { names } = props;
    this.role = new LakeRole(this, 'role', {
      names,
      purpose: 'scheduler',
      description: `${names.prefix}: starts the pipeline on its schedule`,
      services: ['scheduler.amazonaws.com'],
      trustConditions: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [names.account] }],
      statements: [
        { sid: 'StartPipeline', actions: ['states:StartExecution'], resources: [props.stateMachine.arn] },
        // The schedule's target input is encrypted with the environment's key. No kms:ViaService:
        // Scheduler assumes this role and decrypts with it itself, which is no request made through
        // a service on the role's behalf (the case kms:ViaService describes, KMS developer guide
        // "kms:ViaService"), and a StringEquals on a key the request lacks would stop every run.
        // The role reads no data it could decrypt: it may only start the state machine.
        { sid: 'DecryptScheduleInput', actions: ['kms:Decrypt'], resources: [props.key.key.arn] },
      ],
    });
    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: names.schedule,
      description: `${names.prefix}: runs the pipeline`,
      scheduleExpression: props.schedule.expression,
      scheduleExpressionTimezone: props.schedule.timezone,
      state: props.schedule.enabled ? 'ENABLED' : 'DISABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      kmsKeyArn: props.key.key.arn,
      target: {
        arn: props.stateMachine.stateMachine.arn,
        roleArn: this.role.role.arn,
        input: '{}',
        retryPolicy: { maximumRetryAttempts: props.retries ?? PIPELINE_SCHEDULE_DEFAULTS.retries },
      },
      dependsOn: [...this.role.ready],
    });
  }
}
