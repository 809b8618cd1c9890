// What the deploy role may do (create and change the lakehouse stack's resources, each statement
// scoped to the environment's names) and, derived from it, what the plan role may do: only the
// read actions of the same statements. Grouped by domain, one managed policy each, because IAM
// caps a managed policy at 6,144 characters.
import type { ResourceNames } from '../environment/resource-names';
import type { PolicyStatement } from '../iam/policy-document';
import { KEY_ADMIN_ACTIONS } from '../storage/data-lake-key-props';
import { REGISTRATION_ROLE_PURPOSE } from '../governance/lake-registration-role-props';
import { LAKE_FORMATION_ADMIN_ACTIONS } from '../iam/lake-formation-actions';

export type PermissionDomain = 'storage' | 'catalog' | 'compute' | 'access' | 'governance';

/** Services the deploy role may pass lakehouse roles to. */
export const PASS_ROLE_SERVICES = ['firehose.amazonaws.com', 'glue.amazonaws.com', 'iot.amazonaws.com', 'lambda.amazonaws.com', 'scheduler.amazonaws.com', 'states.amazonaws.com'] as const;

/** Read-only actions: the plan role may hold nothing else. */
export const READ_ONLY_ACTION = /^[a-z0-9-]+:(Get|List|Describe|BatchGet)[A-Za-z*]*$/;

export function deployStatements(names: ResourceNames): Record<PermissionDomain, PolicyStatement[]> {
  const { region: r, account: a, prefix: p } = names;
  const e = names.env.name;
  const db = `stedi_${e}_*`;
  const tagged = [{ test: 'StringEquals', variable: 'aws:ResourceTag/environment', values: [e] }];
  const logGroups = names.logGroupPatterns.flatMap((g) => [names.logGroupArn(g), `${names.logGroupArn(g)}:*`]);
  const lakeRoles = `arn:aws:iam::${a}:role/${names.lakeRole('*')}`;
  return {
    storage: [
      {
        sid: 'ManageEnvironmentBuckets',
        actions: [
          's3:CreateBucket',
          's3:DeleteBucket',
          's3:DeleteBucketPolicy',
          's3:GetAccelerateConfiguration',
          's3:GetAnalyticsConfiguration',
          's3:GetBucket*',
          's3:GetEncryptionConfiguration',
          's3:GetIntelligentTieringConfiguration',
          's3:GetInventoryConfiguration',
          's3:GetLifecycleConfiguration',
          's3:GetMetricsConfiguration',
          's3:GetReplicationConfiguration',
          's3:ListBucket',
          's3:PutBucket*',
          's3:PutEncryptionConfiguration',
          's3:PutLifecycleConfiguration',
        ],
        // Bucket ARNs only: no object of a data bucket is readable or writable through these.
        resources: [`arn:aws:s3:::${p}-*`],
      },
      {
        sid: 'UploadDeploymentAssets',
        actions: ['s3:DeleteObject', 's3:GetObject', 's3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'],
        resources: [names.objectsArn('artifacts', 'glue/')],
      },
      { sid: 'CreateEnvironmentKey', actions: ['kms:CreateKey'], resources: ['*'], conditions: [{ test: 'StringEquals', variable: 'aws:RequestTag/environment', values: [e] }] },
      { sid: 'ListKeyAliases', actions: ['kms:ListAliases'], resources: ['*'] },
      {
        sid: 'AdministerEnvironmentKey',
        actions: [...KEY_ADMIN_ACTIONS.filter((x) => !/Alias/.test(x)), 'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [`arn:aws:kms:${r}:${a}:key/*`],
        conditions: tagged,
      },
      {
        sid: 'NameEnvironmentKey',
        actions: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'],
        resources: [`arn:aws:kms:${r}:${a}:alias/${p}-*`, `arn:aws:kms:${r}:${a}:key/*`],
      },
    ],
    catalog: [
      {
        sid: 'ManageEnvironmentCatalog',
        actions: [
          'glue:CreateDatabase',
          'glue:CreateTable',
          'glue:DeleteDatabase',
          'glue:DeleteTable',
          'glue:GetDataCatalogEncryptionSettings',
          'glue:GetDatabase',
          'glue:GetDatabases',
          'glue:GetPartitions',
          'glue:GetTable',
          'glue:GetTables',
          'glue:GetTags',
          'glue:GetTableVersions',
          'glue:PutDataCatalogEncryptionSettings',
          'glue:TagResource',
          'glue:UntagResource',
          'glue:UpdateDatabase',
          'glue:UpdateTable',
        ],
        resources: [names.glueCatalogArn, `arn:aws:glue:${r}:${a}:database/${db}`, `arn:aws:glue:${r}:${a}:table/${db}/*`],
      },
      {
        sid: 'ManageEnvironmentJobs',
        actions: ['glue:CreateJob', 'glue:DeleteJob', 'glue:GetJob', 'glue:GetTags', 'glue:TagResource', 'glue:UntagResource', 'glue:UpdateJob'],
        resources: [`arn:aws:glue:${r}:${a}:job/${p}-*`],
      },
      {
        sid: 'ManageJobSecurityConfiguration',
        actions: ['glue:CreateSecurityConfiguration', 'glue:DeleteSecurityConfiguration', 'glue:GetSecurityConfiguration', 'glue:GetSecurityConfigurations'],
        resources: ['*'],
      },
      {
        sid: 'ManageEnvironmentWorkgroup',
        actions: ['athena:CreateWorkGroup', 'athena:DeleteWorkGroup', 'athena:GetWorkGroup', 'athena:ListTagsForResource', 'athena:TagResource', 'athena:UntagResource', 'athena:UpdateWorkGroup'],
        resources: [`arn:aws:athena:${r}:${a}:workgroup/${p}-*`],
      },
    ],
    compute: [
      {
        sid: 'ManageEnvironmentFunctions',
        actions: [
          'lambda:CreateFunction',
          'lambda:DeleteFunction',
          'lambda:DeleteFunctionConcurrency',
          'lambda:GetFunction',
          'lambda:GetFunctionCodeSigningConfig',
          'lambda:GetFunctionConcurrency',
          'lambda:GetFunctionConfiguration',
          'lambda:GetPolicy',
          'lambda:ListTags',
          'lambda:ListVersionsByFunction',
          'lambda:PutFunctionConcurrency',
          'lambda:TagResource',
          'lambda:UntagResource',
          'lambda:UpdateFunctionCode',
          'lambda:UpdateFunctionConfiguration',
        ],
        resources: [`arn:aws:lambda:${r}:${a}:function:${p}-*`],
      },
      {
        sid: 'ManageEnvironmentStateMachine',
        actions: [
          'states:CreateStateMachine',
          'states:DeleteStateMachine',
          'states:DescribeStateMachine',
          'states:ListStateMachineVersions',
          'states:ListTagsForResource',
          'states:TagResource',
          'states:UntagResource',
          'states:UpdateStateMachine',
        ],
        resources: [`arn:aws:states:${r}:${a}:stateMachine:${p}-*`],
      },
      { sid: 'ValidateStateMachineDefinition', actions: ['states:ValidateStateMachineDefinition'], resources: ['*'] },
      {
        sid: 'ManageEnvironmentSchedule',
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule', 'scheduler:UpdateSchedule'],
        resources: [`arn:aws:scheduler:${r}:${a}:schedule/default/${p}-*`],
      },
      {
        sid: 'ManageEnvironmentStreams',
        actions: [
          'firehose:CreateDeliveryStream',
          'firehose:DeleteDeliveryStream',
          'firehose:DescribeDeliveryStream',
          'firehose:ListTagsForDeliveryStream',
          'firehose:StartDeliveryStreamEncryption',
          'firehose:StopDeliveryStreamEncryption',
          'firehose:TagDeliveryStream',
          'firehose:UntagDeliveryStream',
          'firehose:UpdateDestination',
        ],
        resources: [`arn:aws:firehose:${r}:${a}:deliverystream/${p}-*`],
      },
      {
        sid: 'ManageEnvironmentTopicRules',
        actions: ['iot:CreateTopicRule', 'iot:DeleteTopicRule', 'iot:GetTopicRule', 'iot:ListTagsForResource', 'iot:ReplaceTopicRule', 'iot:TagResource', 'iot:UntagResource'],
        resources: [`arn:aws:iot:${r}:${a}:rule/stedi_${e}_*`],
      },
      {
        sid: 'ManageEnvironmentTopicsAndQueues',
        actions: [
          'sns:CreateTopic',
          'sns:DeleteTopic',
          'sns:GetSubscriptionAttributes',
          'sns:GetTopicAttributes',
          'sns:ListSubscriptionsByTopic',
          'sns:ListTagsForResource',
          'sns:SetSubscriptionAttributes',
          'sns:SetTopicAttributes',
          'sns:Subscribe',
          'sns:TagResource',
          'sns:Unsubscribe',
          'sns:UntagResource',
          'sqs:CreateQueue',
          'sqs:DeleteQueue',
          'sqs:GetQueueAttributes',
          'sqs:ListQueueTags',
          'sqs:SetQueueAttributes',
          'sqs:TagQueue',
          'sqs:UntagQueue',
        ],
        resources: [`arn:aws:sns:${r}:${a}:${p}-*`, `arn:aws:sqs:${r}:${a}:${p}-*`],
      },
      {
        sid: 'ManageEnvironmentLogGroups',
        actions: [
          'logs:AssociateKmsKey',
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DeleteLogGroup',
          'logs:DeleteLogStream',
          'logs:DeleteRetentionPolicy',
          'logs:DescribeLogStreams',
          'logs:DisassociateKmsKey',
          'logs:ListTagsForResource',
          'logs:ListTagsLogGroup',
          'logs:PutRetentionPolicy',
          'logs:TagLogGroup',
          'logs:TagResource',
          'logs:UntagLogGroup',
          'logs:UntagResource',
        ],
        resources: logGroups,
      },
      { sid: 'FindLogGroups', actions: ['logs:DescribeLogGroups'], resources: ['*'] },
    ],
    access: [
      {
        sid: 'ManageLakeRoles',
        actions: [
          'iam:DeleteRole',
          'iam:DeleteRolePolicy',
          'iam:GetRole',
          'iam:GetRolePolicy',
          'iam:ListAttachedRolePolicies',
          'iam:ListInstanceProfilesForRole',
          'iam:ListRolePolicies',
          'iam:ListRoleTags',
          'iam:TagRole',
          'iam:UntagRole',
          'iam:UpdateAssumeRolePolicy',
          'iam:UpdateRole',
          'iam:UpdateRoleDescription',
        ],
        resources: [lakeRoles],
      },
      {
        sid: 'CreateLakeRolesOnlyWithinBoundary',
        actions: ['iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'],
        resources: [lakeRoles],
        conditions: [{ test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [names.boundaryPolicyArn] }],
      },
      {
        sid: 'PassLakeRolesToTheirServices',
        actions: ['iam:PassRole'],
        resources: [lakeRoles],
        conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: [...PASS_ROLE_SERVICES] }],
      },
      { sid: 'ReadBoundary', actions: ['iam:GetPolicy', 'iam:GetPolicyVersion'], resources: [names.boundaryPolicyArn] },
      { sid: 'KnowOwnAccount', actions: ['sts:GetCallerIdentity'], resources: ['*'] },
      {
        sid: 'NeverLiftTheBoundary',
        effect: 'Deny',
        actions: ['iam:DeleteRolePermissionsBoundary'],
        resources: [lakeRoles],
      },
    ],
    governance: [
      { sid: 'AdministerLakeFormation', actions: [...LAKE_FORMATION_ADMIN_ACTIONS], resources: ['*'] },
      {
        // RegisterResource hands Lake Formation the role it will assume for the zone locations.
        // Exactly that role, and only to Lake Formation (the role trusts nobody else either).
        sid: 'PassRegistrationRoleToLakeFormation',
        actions: ['iam:PassRole'],
        resources: [`arn:aws:iam::${a}:role/${names.lakeRole(REGISTRATION_ROLE_PURPOSE)}`],
        conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lakeformation.amazonaws.com'] }],
      },
    ],
  };
}

/**
 * The plan role's statements: each allowing deploy statement cut down to its read actions, plus
 * decrypting through Glue only (the catalog is encrypted with the environment key, so reading a
 * table's definition needs it; kms:ViaService keeps the key from decrypting anything else).
 */
export function planStatements(names: ResourceNames): Record<PermissionDomain, PolicyStatement[]> {
  const deploy = deployStatements(names);
  const out = {} as Record<PermissionDomain, PolicyStatement[]>;
  for (const [domain, statements] of Object.entries(deploy) as [PermissionDomain, PolicyStatement[]][]) {
    out[domain] = statements
      .filter((s) => s.effect !== 'Deny')
      .map((s) => ({ ...s, actions: (s.actions ?? []).filter((x) => READ_ONLY_ACTION.test(x)) }))
      .filter((s) => s.actions.length > 0);
  }
  out.catalog.push({
    sid: 'ReadEncryptedCatalog',
    actions: ['kms:Decrypt'],
    resources: [`arn:aws:kms:${names.region}:${names.account}:key/*`],
    conditions: [
      { test: 'StringEquals', variable: 'aws:ResourceTag/environment', values: [names.env.name] },
      { test: 'StringEquals', variable: 'kms:ViaService', values: [`glue.${names.region}.amazonaws.com`] },
    ],
  });
  return out;
}

/** The actions of a plan-role statement that do more than read (decrypting through a named service counts as reading). */
export function nonReadActions(actions: readonly string[], conditionKeys: readonly string[]): string[] {
  return actions.filter((a) => !READ_ONLY_ACTION.test(a) && !(a === 'kms:Decrypt' && conditionKeys.includes('kms:ViaService')));
}
