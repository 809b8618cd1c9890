// The shape of one environment's configuration: what differs between the dev and the prod account.
// Values live in dev.ts and prod.ts; load-environment.ts validates them with ajv before any stack is built.

/** The environments the project deploys, in promotion order. */
export const ENVIRONMENT_NAMES = ['dev', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

export interface AccountConfig {
  /** The 12-digit AWS account id; every provider of the environment refuses any other account. */
  readonly id: string;
  /** The AWS region every resource of the environment lives in, e.g. `eu-west-1`. */
  readonly region: string;
}

export interface DeployConfig {
  /**
   * The role that applies the environment's stacks. The bootstrap stack creates it; Terraform Cloud
   * reaches it through OIDC in the apply phase, an operator through `operatorPrincipalArns`.
   */
  readonly roleName: string;
  /** The read-only role Terraform Cloud uses in the plan phase (speculative plans of pull requests included). */
  readonly planRoleName: string;
  /**
   * An administrator role that already exists in the account (an AWS Organizations member account
   * has `OrganizationAccountAccessRole`); only the bootstrap stack assumes it, once, to create the roles above.
   */
  readonly bootstrapRoleName: string;
  /** Principals (ARNs) allowed to assume the deploy role from a workstation; empty means Terraform Cloud only. */
  readonly operatorPrincipalArns: readonly string[];
}

export interface TerraformCloudConfig {
  /** The Terraform Cloud organization; its workspaces hold the state of every stack. */
  readonly organization: string;
  /** The Terraform Cloud project the environment's workspaces belong to. */
  readonly project: string;
  /** The Terraform Cloud host, without scheme. Usually `app.terraform.io`. */
  readonly hostname: string;
  /** The audience of Terraform Cloud's workload identity tokens. Usually `aws.workload.identity`. */
  readonly audience: string;
}

export interface PrincipalsConfig {
  /** Who may assume the ingestion role to drop batch landing files (website export, phone app backend). */
  readonly producers: readonly string[];
  /** Analysts: read trusted and curated without PII (Lake Formation grants, a later issue). */
  readonly analysts: readonly string[];
  /** The machine-learning team: reads curated without PII (Lake Formation grants, a later issue). */
  readonly dataScientists: readonly string[];
  /** Auditors: describe everything, read no data (Lake Formation grants, a later issue). */
  readonly auditors: readonly string[];
}

export interface IngestionConfig {
  /** Landing datasets that arrive as an IoT stream through Firehose (the others arrive as files). */
  readonly streamedDatasets: readonly string[];
  /** Seconds Firehose buffers a stream before it writes a landing object (60..900). */
  readonly bufferSeconds: number;
  /** MiB Firehose buffers before it writes a landing object (1..128). */
  readonly bufferMiB: number;
}

export interface ScheduleConfig {
  /** An EventBridge Scheduler expression, e.g. `cron(0 3 * * ? *)`. */
  readonly expression: string;
  /** The IANA time zone the expression is read in. */
  readonly timezone: string;
  /** False creates the schedule disabled (runs start by hand only). */
  readonly enabled: boolean;
}

export interface RetentionConfig {
  /** Days CloudWatch keeps the logs of Lambdas, Glue, Step Functions and Firehose (a value CloudWatch accepts). */
  readonly logDays: number;
  /**
   * Age (days since written) after which a superseded run folder (`<table>/run_id=<id>/` of the
   * trusted and curated zones), its publish record, gate reports, validation results and validated
   * records are deleted. The live run and its rollback target are never superseded, however old.
   */
  readonly runFolderDays: number;
  /** Days quarantined records are kept. */
  readonly quarantineDays: number;
  /** Days Athena query results are kept. */
  readonly athenaResultsDays: number;
  /** Days S3 server access logs are kept. */
  readonly accessLogDays: number;
  /** Days a noncurrent object version lives in every bucket except landing (landing keeps everything). */
  readonly noncurrentVersionDays: number;
}

export interface ThresholdsConfig {
  /** Largest number of bytes one Athena query of the workgroup may scan before Athena cancels it. */
  readonly athenaBytesScannedCutoffPerQuery: number;
  /** Workers of each Glue job (G.1X), a hard bound on its cost. */
  readonly glueWorkers: number;
  /** Minutes a Glue job may run before Glue stops it. */
  readonly glueTimeoutMinutes: number;
  /** Validator Lambdas the Distributed Map runs at once. */
  readonly validatorConcurrency: number;
  /** Seconds a pipeline Lambda may run (at most 900). */
  readonly lambdaTimeoutSeconds: number;
  /** MiB of memory of the validator Lambda (its CPU share grows with it). */
  readonly validatorMemoryMiB: number;
}

export interface NotificationsConfig {
  /** Addresses subscribed (after confirming) to run failures and blocked gates. */
  readonly emails: readonly string[];
}

export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  readonly account: AccountConfig;
  readonly deploy: DeployConfig;
  /** Absent: the stacks keep their state in a local backend (no Terraform Cloud). */
  readonly terraformCloud?: TerraformCloudConfig;
  readonly principals: PrincipalsConfig;
  readonly ingestion: IngestionConfig;
  readonly schedule: ScheduleConfig;
  readonly retention: RetentionConfig;
  readonly thresholds: ThresholdsConfig;
  readonly notifications: NotificationsConfig;
}
