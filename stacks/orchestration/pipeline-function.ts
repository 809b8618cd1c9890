// One Lambda of the pipeline: the esbuild bundle as a deterministic zip asset, a role of its own
// with scoped statements, a log group encrypted with the environment's key, active tracing,
// reserved concurrency, environment variables encrypted with the key. No dead-letter queue: Lambda
// sends only failed asynchronous invocations there (Lambda API reference, DeadLetterConfig), and
// the state machine invokes every pipeline function synchronously (lambda:invoke without
// InvocationType is RequestResponse), so its failures surface as task errors that Retry, Catch and
// the alert topic handle. LambdasHardened fails a function that something invokes asynchronously.
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { LakeRole } from '../iam/lake-role';
import { EncryptedLogGroup } from '../observability/encrypted-log-group';
import { PIPELINE_FUNCTION_DEFAULTS, type PipelineFunctionProps } from './pipeline-function-props';

/** X-Ray's trace upload actions support no resource-level permissions. */
export const XRAY_WRITE_ACTIONS = ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'] as const;

export class PipelineFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: LakeRole;
  readonly name: string;
  /** The function's ARN, known at synth time. */
  readonly arn: string;
  readonly logGroup: EncryptedLogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const { names, key } = props;
    this.name = names.fn(props.name);
    this.arn = names.functionArn(props.name);
    this.logGroup = new EncryptedLogGroup(this, 'logs', { name: names.logGroup('lambda', props.name), key: key.key, retentionDays: props.logRetentionDays });
    const logArn = names.logGroupArn(this.logGroup.name);
    this.role = new LakeRole(this, 'role', {
      names,
      purpose: props.name,
      description: `${names.prefix}: the ${props.name} Lambda`,
      services: ['lambda.amazonaws.com'],
      statements: [
        ...props.statements,
        { sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logArn}:*`] },
        { sid: 'WriteTraces', actions: [...XRAY_WRITE_ACTIONS], resources: ['*'] },
        {
          // The environment variables are encrypted with the environment key.
          sid: 'DecryptOwnSettings',
          actions: ['kms:Decrypt'],
          resources: [key.key.arn],
          conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`lambda.${names.region}.amazonaws.com`] }],
        },
      ],
    });
    const asset = new TerraformAsset(this, 'code', { path: props.bundle.zipFile, type: AssetType.FILE });
    this.fn = new LambdaFunction(this, 'function', {
      functionName: this.name,
      description: props.description,
      role: this.role.role.arn,
      handler: 'index.handler',
      runtime: props.runtime ?? PIPELINE_FUNCTION_DEFAULTS.runtime,
      architectures: [props.architecture ?? PIPELINE_FUNCTION_DEFAULTS.architecture],
      filename: asset.path,
      sourceCodeHash: props.bundle.sha256,
      memorySize: props.memoryMiB ?? PIPELINE_FUNCTION_DEFAULTS.memoryMiB,
      timeout: props.timeoutSeconds,
      ephemeralStorage: { size: props.ephemeralStorageMiB ?? PIPELINE_FUNCTION_DEFAULTS.ephemeralStorageMiB },
      reservedConcurrentExecutions: props.reservedConcurrency ?? PIPELINE_FUNCTION_DEFAULTS.reservedConcurrency,
      tracingConfig: { mode: 'Active' },
      kmsKeyArn: key.key.arn,
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name, applicationLogLevel: 'INFO', systemLogLevel: 'WARN' },
      environment: { variables: { ...props.environment } },
      dependsOn: [this.logGroup.group, ...this.role.ready],
    });
  }
}
