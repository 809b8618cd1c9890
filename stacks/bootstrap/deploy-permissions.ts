// What the deploy role may do, and what the plan role may do on the same resources. The shape is
// the one platform teams use because it survives provider upgrades: each service's actions as a
// whole ("glue:*"), scoped to this environment's names and ARNs, plus explicit denies for what must
// never happen (landing deletes, running the pipeline or reading data, IAM outside the boundary,
// other environments). Enumerating the API calls of each resource broke whenever the provider
// started a new call (bucket tags in 6.23: terraform-provider-aws#45251, #46202; the definition
// validation a plan runs: internal/service/sfn/state_machine.go stateMachineDefinitionValidate).
// The plan role gets each statement's read actions (Get*, List*, Describe*) and the few validations
// a plan calls, and explicit denies for the reads that return data instead of configuration.
// Grouped by domain, one managed policy each, because IAM caps a managed policy at 6,144 characters.
// test/stacks/pike-oracle.test.ts holds both roles against pike's permission map.
import { BUCKET_PURPOSES, type ResourceNames } from '../environment/resource-names';
import { DEFAULT_TAG_KEYS } from '../environment/environment-provider-props';
import type { PolicyStatement } from '../iam/policy-document';
import { REGISTRATION_ROLE_PURPOSE } from '../governance/lake-registration-role-props';
import { LAKE_FORMATION_ADMIN_ACTIONS, LAKE_FORMATION_DATA_ACCESS, LAKE_FORMATION_TABLE_CREDENTIALS } from '../iam/lake-formation-actions';
import { ENVIRONMENT_NAMES } from '../../config/environments/environment-config';
import { GLUE_ASSETS_PREFIX } from '../../src/catalog/run-layout';

export type PermissionDomain = 'storage' | 'catalog' | 'compute' | 'access' | 'governance' | 'guards';

/** A deploy statement and, beside it, what the plan role may do on the same resources. */
export interface DeployStatement extends PolicyStatement {
  /** The plan role's actions on the statement's resources: reads only. @default - the plan role gets nothing of this statement */
  readonly planActions?: readonly string[];
}

/** Services the deploy role may pass lakehouse roles to. */
export const PASS_ROLE_SERVICES = ['firehose.amazonaws.com', 'glue.amazonaws.com', 'iot.amazonaws.com', 'lakeformation.amazonaws.com', 'lambda.amazonaws.com', 'scheduler.amazonaws.com', 'states.amazonaws.com'] as const;

/** Read-only actions: the plan role may hold nothing else, besides PLAN_VALIDATIONS. */
export const READ_ONLY_ACTION = /^[a-z0-9-]+:(Get|List|Describe|BatchGet)[A-Za-z*]*$/;

/**
 * Calls a plan makes that IAM does not name as reads but that change nothing: the provider
 * validates a state machine definition while it plans (state_machine.go, CustomizeDiff
 * stateMachineDefinitionValidate; IAM's service reference gives it access level Read).
 */
export const PLAN_VALIDATIONS = ['states:ValidateStateMachineDefinition'] as const;

/**
 * Actions that run the pipeline or read its data. Neither role ever needs them: deploying never
 * starts a run, queries a table, asks Lake Formation for data credentials or feeds landing.
 */
export const PIPELINE_RUN_ACTIONS = [
  'athena:StartQueryExecution',
  'firehose:PutRecord',
  'firehose:PutRecordBatch',
  'glue:StartJobRun',
  LAKE_FORMATION_DATA_ACCESS,
  LAKE_FORMATION_TABLE_CREDENTIALS,
  'lambda:InvokeAsync',
  'lambda:InvokeFunction',
  'states:StartExecution',
  'states:StartSyncExecution',
] as const;

/** Reads that return data (log events, execution payloads, query results) rather than configuration: the plan role is denied them. */
export const DATA_READ_ACTIONS = [
  'athena:GetQueryResults',
  'logs:FilterLogEvents',
  'logs:GetLogEvents',
  'logs:GetLogRecord',
  'logs:GetQueryResults',
  'states:GetExecutionHistory',
] as const;

/** IAM actions that change something: the deploy role may do them on the lakehouse roles only. */
const IAM_WRITES = ['iam:Add*', 'iam:Attach*', 'iam:Create*', 'iam:Delete*', 'iam:Detach*', 'iam:PassRole', 'iam:Put*', 'iam:Remove*', 'iam:Set*', 'iam:Tag*', 'iam:Untag*', 'iam:Update*', 'iam:Upload*'];

export function deployStatements(names: ResourceNames): Record<PermissionDomain, DeployStatement[]> {
  const { region: r, account: a, prefix: p } = names;
  const e = names.env.name;
  const db = `stedi_${e}_*`;
  const logGroups = names.logGroupPatterns.flatMap((g) => [names.logGroupArn(g), `${names.logGroupArn(g)}:*`]);
  const lakeRoles = `arn:aws:iam::${a}:role/${names.lakeRole('*')}`;
  const registrationRole = names.roleArn(names.lakeRole(REGISTRATION_ROLE_PURPOSE));
  const others = ENVIRONMENT_NAMES.filter((x) => x !== e);
  const newKeyTags = [
    { test: 'StringEquals', variable: 'aws:RequestTag/environment', values: [e] },
    { test: 'ForAllValues:StringEquals', variable: 'aws:TagKeys', values: [...DEFAULT_TAG_KEYS] },
  ];
  return {
    storage: [
      {
        sid: 'ManageEnvironmentBuckets',
        actions: ['s3:*'],
        // The bucket ARNs themselves: object actions need object ARNs, so no object of a data
        // bucket is readable or writable through this statement.
        resources: BUCKET_PURPOSES.map((b) => names.bucketArn(b)),
        planActions: ['s3:Get*', 's3:List*'],
      },
      {
        sid: 'UploadDeploymentAssets',
        actions: ['s3:*'],
        resources: [names.objectsArn('artifacts', GLUE_ASSETS_PREFIX)],
        planActions: ['s3:GetObject*'],
      },
      {
        // Tags are sent with CreateKey; KMS authorizes them as kms:TagResource, which for a key
        // being created must be granted in IAM on every key of the account and Region (KMS
        // developer guide, "Controlling access to tags"). The request tags pin it to this
        // environment. Everything else on the key is granted by the key's own policy
        // (stacks/storage/data-lake-key.ts), never by aws:ResourceTag: tag-based authorization
        // lags up to five minutes behind a tag change (KMS, "ABAC for AWS KMS").
        sid: 'CreateEnvironmentKey',
        actions: ['kms:CreateKey'],
        resources: ['*'],
        conditions: newKeyTags,
      },
      { sid: 'TagNewEnvironmentKey', actions: ['kms:TagResource'], resources: [`arn:aws:kms:${r}:${a}:key/*`], conditions: newKeyTags },
      { sid: 'ListKeyAliases', actions: ['kms:ListAliases'], resources: ['*'], planActions: ['kms:ListAliases'] },
      { sid: 'NameEnvironmentKey', actions: ['kms:CreateAlias', 'kms:DeleteAlias', 'kms:UpdateAlias'], resources: [`arn:aws:kms:${r}:${a}:alias/${p}-*`] },
    ],
    catalog: [
      {
        sid: 'ManageEnvironmentCatalog',
        actions: ['glue:*'],
        // DeleteDatabase acts on the database's tables and user-defined functions as well
        // ("Specifying AWS Glue resource ARNs"; IAM service reference: userdefinedfunction*), so a
        // destroy needs the functions' ARNs even though the lakehouse defines none.
        resources: [
          names.glueCatalogArn,
          `arn:aws:glue:${r}:${a}:database/${db}`,
          `arn:aws:glue:${r}:${a}:table/${db}/*`,
          `arn:aws:glue:${r}:${a}:userDefinedFunction/${db}/*`,
          `arn:aws:glue:${r}:${a}:job/${p}-*`,
        ],
        planActions: ['glue:BatchGet*', 'glue:Get*'],
      },
      {
        sid: 'ManageJobSecurityConfiguration',
        actions: ['glue:CreateSecurityConfiguration', 'glue:DeleteSecurityConfiguration', 'glue:GetSecurityConfiguration', 'glue:GetSecurityConfigurations'],
        resources: ['*'],
        planActions: ['glue:GetSecurityConfiguration', 'glue:GetSecurityConfigurations'],
      },
      // Not athena:Get*: it takes GetSessionEndpoint, which IAM classes as a write (Spark sessions).
      { sid: 'ManageEnvironmentWorkgroup', actions: ['athena:*'], resources: [`arn:aws:athena:${r}:${a}:workgroup/${p}-*`], planActions: ['athena:GetWorkGroup', 'athena:ListTagsForResource'] },
    ],
    compute: [
      { sid: 'ManageEnvironmentFunctions', actions: ['lambda:*'], resources: [`arn:aws:lambda:${r}:${a}:function:${p}-*`], planActions: ['lambda:Get*', 'lambda:List*'] },
      { sid: 'ManageEnvironmentStateMachine', actions: ['states:*'], resources: [`arn:aws:states:${r}:${a}:stateMachine:${p}-*`], planActions: ['states:Describe*', 'states:List*'] },
      { sid: 'ValidateStateMachineDefinitions', actions: [...PLAN_VALIDATIONS], resources: ['*'], planActions: [...PLAN_VALIDATIONS] },
      { sid: 'ManageEnvironmentSchedule', actions: ['scheduler:*'], resources: [`arn:aws:scheduler:${r}:${a}:schedule/default/${p}-*`], planActions: ['scheduler:Get*', 'scheduler:List*'] },
      { sid: 'ManageEnvironmentStreams', actions: ['firehose:*'], resources: [`arn:aws:firehose:${r}:${a}:deliverystream/${p}-*`], planActions: ['firehose:Describe*', 'firehose:List*'] },
      { sid: 'ManageEnvironmentTopicRules', actions: ['iot:*'], resources: [`arn:aws:iot:${r}:${a}:rule/stedi_${e}_*`], planActions: ['iot:Get*', 'iot:List*'] },
      { sid: 'ManageEnvironmentTopics', actions: ['sns:*'], resources: [`arn:aws:sns:${r}:${a}:${p}-*`], planActions: ['sns:Get*', 'sns:List*'] },
      { sid: 'ManageEnvironmentLogGroups', actions: ['logs:*'], resources: logGroups, planActions: ['logs:Describe*', 'logs:ListTags*'] },
      { sid: 'FindLogGroups', actions: ['logs:DescribeLogGroups'], resources: ['*'], planActions: ['logs:DescribeLogGroups'] },
    ],
    access: [
      { sid: 'ManageLakeRoles', actions: ['iam:*'], resources: [lakeRoles], planActions: ['iam:Get*', 'iam:List*'] },
      { sid: 'ReadBoundary', actions: ['iam:GetPolicy', 'iam:GetPolicyVersion'], resources: [names.boundaryPolicyArn], planActions: ['iam:GetPolicy', 'iam:GetPolicyVersion'] },
      // The lookups that make a plan fail early when a principal named in the config is missing
      // (stacks/environment/existing-principals.ts).
      { sid: 'FindPrincipals', actions: ['iam:ListRoles', 'iam:ListUsers'], resources: ['*'], planActions: ['iam:ListRoles', 'iam:ListUsers'] },
      { sid: 'KnowOwnAccount', actions: ['sts:GetCallerIdentity'], resources: ['*'], planActions: ['sts:GetCallerIdentity'] },
      // pike lists these for the Athena workgroup, Lambda functions and log streams; describes only.
      { sid: 'DescribeAccount', actions: ['ec2:DescribeAccountAttributes', 'ec2:DescribeNetworkInterfaces'], resources: ['*'], planActions: ['ec2:DescribeAccountAttributes', 'ec2:DescribeNetworkInterfaces'] },
    ],
    governance: [
      {
        // Lake Formation has no IAM resource types: it decides itself, and the deploy role may
        // because it is a data lake admin. Enumerated: "lakeformation:*" would include data access.
        sid: 'AdministerLakeFormation',
        actions: [...LAKE_FORMATION_ADMIN_ACTIONS],
        resources: ['*'],
        planActions: LAKE_FORMATION_ADMIN_ACTIONS.filter((x) => READ_ONLY_ACTION.test(x)),
      },
    ],
    guards: [
      {
        sid: 'NeverDeleteLanding',
        effect: 'Deny',
        actions: ['s3:DeleteBucket', 's3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [names.bucketArn('landing'), names.objectsArn('landing')],
      },
      { sid: 'NeverRunThePipelineOrReadData', effect: 'Deny', actions: [...PIPELINE_RUN_ACTIONS], resources: ['*'] },
      { sid: 'NeverOpenTheCatalog', effect: 'Deny', actions: ['glue:DeleteResourcePolicy', 'glue:PutResourcePolicy'], resources: ['*'] },
      {
        sid: 'RolesOnlyWithinBoundary',
        effect: 'Deny',
        actions: ['iam:AttachRolePolicy', 'iam:CreateRole', 'iam:PutRolePermissionsBoundary', 'iam:PutRolePolicy'],
        resources: ['*'],
        conditions: [{ test: 'StringNotEquals', variable: 'iam:PermissionsBoundary', values: [names.boundaryPolicyArn] }],
      },
      { sid: 'NeverLiftTheBoundary', effect: 'Deny', actions: ['iam:DeleteRolePermissionsBoundary'], resources: ['*'] },
      { sid: 'NoIamOutsideLakeRoles', effect: 'Deny', actions: IAM_WRITES, notResources: [lakeRoles] },
      {
        sid: 'PassRolesOnlyToTheirServices',
        effect: 'Deny',
        actions: ['iam:PassRole'],
        resources: ['*'],
        conditions: [{ test: 'StringNotEquals', variable: 'iam:PassedToService', values: [...PASS_ROLE_SERVICES] }],
      },
      {
        // RegisterResource hands Lake Formation the role it assumes for the zone locations: exactly that one.
        sid: 'OnlyRegistrationRoleToLakeFormation',
        effect: 'Deny',
        actions: ['iam:PassRole'],
        notResources: [registrationRole],
        conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lakeformation.amazonaws.com'] }],
      },
      // Bucket ARNs carry no account: the other environments' buckets are told apart by name.
      { sid: 'NeverTouchOtherEnvironments', effect: 'Deny', actions: ['s3:*'], resources: others.map((o) => `arn:aws:s3:::stedi-${o}-*`) },
    ],
  };
}

/**
 * The plan role's statements: the read actions of each deploy statement on the same resources,
 * and denies for the reads that return data. The key (and decrypting the encrypted catalog
 * through Glue) is granted by the key's policy, stacks/storage/data-lake-key.ts.
 */
export function planStatements(names: ResourceNames): Record<PermissionDomain, PolicyStatement[]> {
  const deploy = deployStatements(names);
  const out = {} as Record<PermissionDomain, PolicyStatement[]>;
  for (const [domain, statements] of Object.entries(deploy) as [PermissionDomain, DeployStatement[]][]) {
    out[domain] = statements
      .filter((s) => s.effect !== 'Deny' && s.planActions?.length)
      .map(({ planActions, actions: _actions, ...s }) => ({ ...s, actions: [...planActions!] }));
  }
  out.guards = [
    { sid: 'PlansNeverReadData', effect: 'Deny', actions: [...DATA_READ_ACTIONS, ...PIPELINE_RUN_ACTIONS], resources: ['*'] },
    // Bucket configuration and the deployment assets only: no data object, whatever a Get* matches.
    { sid: 'PlansReadNoDataObjects', effect: 'Deny', actions: ['s3:GetObject*'], notResources: [names.objectsArn('artifacts', GLUE_ASSETS_PREFIX)] },
  ];
  return out;
}

/** The actions of a plan-role statement that do more than read. */
export function nonReadActions(actions: readonly string[]): string[] {
  return actions.filter((a) => !READ_ONLY_ACTION.test(a) && !(PLAN_VALIDATIONS as readonly string[]).includes(a));
}
