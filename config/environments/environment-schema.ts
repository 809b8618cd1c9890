// The JSON Schema (2020-12) every environment config must satisfy; ajv checks it at synth time.
import { ENVIRONMENT_NAMES } from './environment-config';

/** Retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const name = { type: 'string', pattern: '^[A-Za-z0-9+=,.@_-]{1,64}$' };
const principalArn = { type: 'string', pattern: '^arn:aws:iam::[0-9]{12}:(role|user)/[A-Za-z0-9+=,.@_/-]{1,512}$' };
const principals = { type: 'array', items: principalArn, uniqueItems: true };
const days = { type: 'integer', minimum: 1, maximum: 3650 };

export const ENVIRONMENT_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'account', 'deploy', 'principals', 'ingestion', 'schedule', 'retention', 'thresholds', 'notifications'],
  properties: {
    name: { enum: [...ENVIRONMENT_NAMES] },
    account: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'region'],
      properties: {
        id: { type: 'string', pattern: '^[0-9]{12}$' },
        region: { type: 'string', pattern: '^[a-z]{2}(-gov)?-[a-z]+-[0-9]$' },
      },
    },
    deploy: {
      type: 'object',
      additionalProperties: false,
      required: ['roleName', 'planRoleName', 'bootstrapRoleName', 'operatorPrincipalArns'],
      properties: { roleName: name, planRoleName: name, bootstrapRoleName: name, operatorPrincipalArns: principals },
    },
    terraformCloud: {
      type: 'object',
      additionalProperties: false,
      required: ['organization', 'project', 'hostname', 'audience'],
      properties: {
        organization: { type: 'string', pattern: '^[A-Za-z0-9_-]{3,40}$' },
        project: { type: 'string', pattern: '^[A-Za-z0-9 _-]{3,40}$' },
        hostname: { type: 'string', pattern: '^[a-z0-9.-]+\\.[a-z]{2,}$' },
        audience: { type: 'string', minLength: 1, maxLength: 255 },
      },
    },
    principals: {
      type: 'object',
      additionalProperties: false,
      required: ['producers', 'analysts', 'dataScientists', 'auditors'],
      properties: { producers: principals, analysts: principals, dataScientists: principals, auditors: principals },
    },
    ingestion: {
      type: 'object',
      additionalProperties: false,
      required: ['streamedDatasets', 'bufferSeconds', 'bufferMiB'],
      properties: {
        streamedDatasets: { type: 'array', items: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' }, uniqueItems: true },
        bufferSeconds: { type: 'integer', minimum: 60, maximum: 900 },
        bufferMiB: { type: 'integer', minimum: 1, maximum: 128 },
      },
    },
    schedule: {
      type: 'object',
      additionalProperties: false,
      required: ['expression', 'timezone', 'enabled'],
      properties: {
        expression: { type: 'string', pattern: '^(cron\\([^)]+\\)|rate\\([0-9]+ (minute|minutes|hour|hours|day|days)\\))$' },
        timezone: { type: 'string', pattern: '^[A-Za-z_]+(/[A-Za-z_+-]+)*$' },
        enabled: { type: 'boolean' },
      },
    },
    retention: {
      type: 'object',
      additionalProperties: false,
      required: ['logDays', 'runFolderDays', 'quarantineDays', 'athenaResultsDays', 'accessLogDays', 'noncurrentVersionDays'],
      properties: {
        logDays: { enum: [...LOG_RETENTION_DAYS] },
        runFolderDays: { type: 'integer', minimum: 7, maximum: 3650 },
        quarantineDays: days,
        athenaResultsDays: days,
        accessLogDays: days,
        noncurrentVersionDays: days,
      },
    },
    thresholds: {
      type: 'object',
      additionalProperties: false,
      required: [
        'athenaBytesScannedCutoffPerQuery',
        'glueWorkers',
        'glueTimeoutMinutes',
        'validatorConcurrency',
        'lambdaTimeoutSeconds',
        'validatorMemoryMiB',
      ],
      properties: {
        // Athena's own bounds for BytesScannedCutoffPerQuery: 10 MB up to 7 EB.
        athenaBytesScannedCutoffPerQuery: { type: 'integer', minimum: 10_000_000 },
        glueWorkers: { type: 'integer', minimum: 2, maximum: 100 },
        glueTimeoutMinutes: { type: 'integer', minimum: 1, maximum: 2880 },
        validatorConcurrency: { type: 'integer', minimum: 1, maximum: 1000 },
        lambdaTimeoutSeconds: { type: 'integer', minimum: 30, maximum: 900 },
        validatorMemoryMiB: { type: 'integer', minimum: 128, maximum: 10240 },
      },
    },
    notifications: {
      type: 'object',
      additionalProperties: false,
      required: ['emails'],
      properties: { emails: { type: 'array', items: { type: 'string', format: 'email' }, uniqueItems: true } },
    },
  },
} as const;
