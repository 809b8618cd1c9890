// The prod account: placeholder ids so that `npm run synth` works without credentials. Replace the
// account id and principals with real ones before the first deploy.
import type { EnvironmentConfig } from './environment-config';

export const prod = {
  name: 'prod',
  account: { id: '222222222222', region: 'eu-west-1' },
  deploy: {
    roleName: 'stedi-prod-deploy',
    planRoleName: 'stedi-prod-plan',
    bootstrapRoleName: 'OrganizationAccountAccessRole',
    // Production changes only through Terraform Cloud.
    operatorPrincipalArns: [],
  },
  terraformCloud: {
    organization: 'stedi-lakehouse',
    project: 'stedi-prod',
    hostname: 'app.terraform.io',
    audience: 'aws.workload.identity',
  },
  principals: {
    producers: ['arn:aws:iam::222222222222:role/stedi-prod-website-export', 'arn:aws:iam::222222222222:role/stedi-prod-app-backend'],
    analysts: ['arn:aws:iam::222222222222:role/stedi-prod-analyst'],
    dataScientists: ['arn:aws:iam::222222222222:role/stedi-prod-data-scientist'],
    auditors: ['arn:aws:iam::222222222222:role/stedi-prod-auditor'],
  },
  ingestion: { streamedDatasets: ['step_trainer'], bufferSeconds: 300, bufferMiB: 64 },
  schedule: { expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Dublin', enabled: true },
  retention: {
    logDays: 365,
    runFolderDays: 90,
    quarantineDays: 365,
    athenaResultsDays: 30,
    accessLogDays: 400,
    noncurrentVersionDays: 30,
  },
  thresholds: {
    athenaBytesScannedCutoffPerQuery: 50_000_000_000,
    glueWorkers: 10,
    glueTimeoutMinutes: 120,
    validatorConcurrency: 50,
    lambdaTimeoutSeconds: 900,
    validatorMemoryMiB: 2048,
  },
  notifications: { emails: ['stedi-oncall@example.com'] },
} as const satisfies EnvironmentConfig;
