// The Step Functions state machine that runs the pipeline (see pipeline-definition.ts), with a
// role scoped to the functions, jobs, buckets and topic it uses, logging at level ALL to a log
// group encrypted with the environment's key, and X-Ray tracing.
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { Construct } from 'constructs';
import { LakeRole } from '../iam/lake-role';
import { EncryptedLogGroup } from '../observability/encrypted-log-group';
import { landingPrefix } from '../../src/catalog/run-layout';
import { mapLabel, pipelineDefinition, type AslDefinition } from './pipeline-definition';
import { PIPELINE_STATE_MACHINE_DEFAULTS, VALIDATION_RESULTS_PREFIX, type PipelineStateMachineProps } from './pipeline-state-machine-props';

/** CloudWatch Logs delivery and X-Ray actions Step Functions needs; none supports resource-level permissions. */
export const STATES_LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
] as const;
export const XRAY_STATES_ACTIONS = ['xray:GetSamplingRules', 'xray:GetSamplingTargets', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'] as const;

export class PipelineStateMachine extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly role: LakeRole;
  readonly definition: AslDefinition;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: PipelineStateMachineProps) {
    super(scope, id);
    const { names, storage, key, functions } = props;
    this.arn = names.stateMachineArn;
    const logs = new EncryptedLogGroup(this, 'logs', { name: names.logGroup('states'), key: key.key, retentionDays: props.logRetentionDays });
    const fnArns = [functions.validator.arn, functions.gate.arn, functions.publish.arn];
    const datasets = props.catalog.datasets.map((d) => d.dataset);
    this.role = new LakeRole(this, 'role', {
      names,
      purpose: 'orchestrator',
      description: `${names.prefix}: the pipeline state machine`,
      services: ['states.amazonaws.com'],
      trustConditions: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [names.account] }],
      statements: [
        { sid: 'InvokePipelineFunctions', actions: ['lambda:InvokeFunction'], resources: [...fnArns, ...fnArns.map((a) => `${a}:*`)] },
        { sid: 'RunTransformJobs', actions: ['glue:BatchStopJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:StartJobRun'], resources: props.jobs.jobs.map((j) => names.glueJobArn(j.transform.table.name)) },
        // Object names of the dataset folders, never their contents (the validator reads those).
        {
          sid: 'ListLandingObjects',
          actions: ['s3:ListBucket'],
          resources: [storage.buckets.landing.arn],
          conditions: [{ test: 'StringEquals', variable: 's3:prefix', values: datasets.map((d) => landingPrefix(d)) }],
        },
        {
          sid: 'WriteValidationResults',
          actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
          resources: [names.objectsArn('artifacts', `${VALIDATION_RESULTS_PREFIX}/`)],
        },
        // The Map results (SSE-KMS objects, through S3) and the encrypted alert topic (through SNS).
        {
          sid: 'UseKeyForResultsAndAlerts',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [key.key.arn],
          conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${names.region}.amazonaws.com`, `sns.${names.region}.amazonaws.com`] }],
        },
        { sid: 'NotifyAlerts', actions: ['sns:Publish'], resources: [props.alerts.arn] },
        // The Distributed Maps run child executions of this state machine; listing finds overlapping runs.
        { sid: 'RunMapChildren', actions: ['states:ListExecutions', 'states:StartExecution'], resources: [names.stateMachineArn] },
        // A child execution is execution:<machine>/<map label>:<id> ("IAM policies for using Distributed
        // Map states"); with no failure tolerated, a Map stops the children still running when one fails.
        { sid: 'WatchMapChildren', actions: ['states:DescribeExecution', 'states:StopExecution'], resources: datasets.map((d) => names.mapChildExecutionsArn(mapLabel(d))) },
        { sid: 'DeliverExecutionLogs', actions: [...STATES_LOG_DELIVERY_ACTIONS], resources: ['*'] },
        { sid: 'WriteTraces', actions: [...XRAY_STATES_ACTIONS], resources: ['*'] },
      ],
    });
    this.definition = pipelineDefinition({
      environment: names.env.name,
      validatorArn: functions.validator.arn,
      gateArn: functions.gate.arn,
      publishArn: functions.publish.arn,
      transforms: props.catalog.transforms,
      jobNames: Object.fromEntries(props.jobs.jobs.map((j) => [j.transform.table.name, j.name])),
      landingBucket: storage.buckets.landing.name,
      datasets,
      resultsBucket: storage.buckets.artifacts.name,
      resultsPrefix: VALIDATION_RESULTS_PREFIX,
      alertTopicArn: props.alerts.arn,
      maxConcurrency: props.maxConcurrency,
    });
    this.stateMachine = new SfnStateMachine(this, 'state-machine', {
      name: names.stateMachine,
      type: 'STANDARD',
      roleArn: this.role.role.arn,
      definition: JSON.stringify(this.definition, null, 2),
      loggingConfiguration: {
        logDestination: `${logs.group.arn}:*`,
        includeExecutionData: true,
        level: props.logLevel ?? PIPELINE_STATE_MACHINE_DEFAULTS.logLevel,
      },
      tracingConfiguration: { enabled: true },
      // The role's policy too: CreateStateMachine with logging checks that the role may deliver to
      // the log group, and fails if its policy is not there yet (aws/aws-cdk#26432).
      dependsOn: [...this.role.ready, functions.validator.fn, functions.gate.fn, functions.publish.fn, ...props.jobs.jobs.map((j) => j.job), props.alerts.topic],
    });
  }
}
