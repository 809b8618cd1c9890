// The dev account: placeholder ids so that `npm run synth` works without credentials. Replace the
// account id and principals with real ones before the first deploy.
import type { EnvironmentConfig } from './environment-config';

export const dev = {
  name: 'dev',
  account: { id: '111111111111', region: 'eu-west-1' },
  deploy: {
    roleName: 'stedi-dev-deploy',
    planRoleName: 'stedi-dev-plan',
    bootstrapRoleName: 'OrganizationAccountAccessRole',
    operatorPrincipalArns: ['arn:aws:iam::111111111111:role/stedi-dev-operator'],
  },
  terraformCloud: {
    organization: 'stedi-lakehouse',
    project: 'stedi-dev',
    hostname: 'app.terraform.io',
    audience: 'aws.workload.identity',
  },
  principals: {
    producers: ['arn:aws:iam::111111111111:role/stedi-dev-website-export', 'arn:aws:iam::111111111111:role/stedi-dev-app-backend'],
    analysts: ['arn:aws:iam::111111111111:role/stedi-dev-analyst'],
    dataScientists: ['arn:aws:iam::111111111111:role/stedi-dev-data-scientist'],
    auditors: ['arn:aws:iam::111111111111:role/stedi-dev-auditor'],
  },
  ingestion: { streamedDatasets: ['step_trainer'], bufferSeconds: 60, bufferMiB: 5 },
  schedule: { expression: 'cron(0 4 * * ? *)', timezone: 'Europe/Dublin', enabled: false },
  retention: {
    logDays: 30,
    runFolderDays: 14,
    quarantineDays: 30,
    athenaResultsDays: 7,
    accessLogDays: 90,
    noncurrentVersionDays: 7,
  },
  thresholds: {
    athenaBytesScannedCutoffPerQuery: 1_000_000_000,
    glueWorkers: 2,
    glueTimeoutMinutes: 30,
    validatorConcurrency: 10,
    lambdaTimeoutSeconds: 300,
    validatorMemoryMiB: 1024,
  },
  notifications: { emails: ['stedi-dev-alerts@example.com'] },
} as const satisfies EnvironmentConfig;
