// The permissions boundary of every lakehouse role: the most any pipeline role may ever do, within
// this environment's resources only. The deploy role may create roles only with this boundary
// attached, so a change to the lakehouse stack cannot mint a role that escapes it. Landing objects
// are never deleted, whatever a role's own policy says.
import type { ResourceNames } from '../environment/resource-names';
import type { PolicyStatement } from './policy-document';
import { UNSCOPABLE_ACTIONS } from './unscopable-actions';
import { LAKE_FORMATION_DATA_ACCESS, LAKE_FORMATION_TABLE_CREDENTIALS } from './lake-formation-actions';

export function workloadBoundaryStatements(names: ResourceNames): PolicyStatement[] {
  const { region: r, account: a, prefix: p } = names;
  const db = `stedi_${names.env.name}_*`;
  // Bucket names carry no account, and another account can create a bucket named like ours:
  // every S3 statement holds to buckets this account owns (s3:ResourceAccount, set on every S3
  // request; IAM user guide, "Amazon S3 condition keys").
  const ownAccount = { test: 'StringEquals', variable: 's3:ResourceAccount', values: [a] };
  return [
    {
      sid: 'EnvironmentObjects',
      actions: [
        's3:AbortMultipartUpload',
        's3:DeleteObject',
        's3:GetBucketLocation',
        's3:GetObject',
        's3:ListBucket',
        's3:ListBucketMultipartUploads',
        's3:ListMultipartUploadParts',
        's3:PutObject',
        's3:PutObjectTagging',
      ],
      resources: [`arn:aws:s3:::${p}-*`, `arn:aws:s3:::${p}-*/*`],
      conditions: [ownAccount],
    },
    { sid: 'EnvironmentKey', actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [`arn:aws:kms:${r}:${a}:key/*`] },
    {
      sid: 'EnvironmentCatalogAndJobs',
      actions: ['glue:BatchStopJobRun', 'glue:GetDatabase', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables', 'glue:StartJobRun', 'glue:UpdateTable'],
      resources: [names.glueCatalogArn, `arn:aws:glue:${r}:${a}:database/${db}`, `arn:aws:glue:${r}:${a}:table/${db}/*`, `arn:aws:glue:${r}:${a}:job/${p}-*`, names.glueDefaultDatabaseArn],
    },
    {
      sid: 'EnvironmentQueries',
      actions: ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:StopQueryExecution'],
      resources: [`arn:aws:athena:${r}:${a}:workgroup/${p}-*`],
    },
    { sid: 'EnvironmentFunctions', actions: ['lambda:InvokeFunction'], resources: [`arn:aws:lambda:${r}:${a}:function:${p}-*`] },
    {
      sid: 'EnvironmentStateMachine',
      actions: ['states:DescribeExecution', 'states:ListExecutions', 'states:StartExecution', 'states:StopExecution'],
      resources: [`arn:aws:states:${r}:${a}:stateMachine:${p}-*`, `arn:aws:states:${r}:${a}:execution:${p}-*:*`],
    },
    { sid: 'EnvironmentAlerts', actions: ['sns:Publish'], resources: [`arn:aws:sns:${r}:${a}:${p}-*`] },
    { sid: 'EnvironmentStreams', actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'], resources: [`arn:aws:firehose:${r}:${a}:deliverystream/${p}-*`] },
    {
      sid: 'EnvironmentLogs',
      actions: ['logs:AssociateKmsKey', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: names.logGroupPatterns.flatMap((g) => [names.logGroupArn(g), `${names.logGroupArn(g)}:*`]),
    },
    {
      sid: 'UnscopableServiceActions',
      // Traces and Step Functions log delivery: IAM cannot scope these.
      actions: UNSCOPABLE_ACTIONS.filter((x) => /^(xray|logs):/.test(x)),
      resources: ['*'],
    },
    {
      // Athena and the Glue jobs ask Lake Formation for credentials to a registered location on the
      // caller's behalf; the validator asks for a table's credentials itself.
      sid: 'LakeFormationCredentials',
      actions: [LAKE_FORMATION_DATA_ACCESS, LAKE_FORMATION_TABLE_CREDENTIALS],
      resources: ['*'],
    },
    {
      sid: 'GlueJobMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: [{ test: 'StringEquals', variable: 'cloudwatch:namespace', values: ['Glue'] }],
    },
    {
      sid: 'NeverDeleteLandingObjects',
      effect: 'Deny',
      actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
      resources: [names.objectsArn('landing')],
    },
  ];
}
