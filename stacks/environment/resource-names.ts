// The names and ARNs of an environment's resources, derived from its config in one place. Names are
// deterministic so that IAM policies can be written with literal ARNs a reviewer (and the IAM
// simulator in the tests) can read, and so that bootstrap and lakehouse stacks agree without
// referencing each other.
import type { EnvironmentConfig } from '../../config/environments/environment-config';

/** What each bucket of an environment holds. */
export const BUCKET_PURPOSES = ['landing', 'trusted', 'curated', 'quarantine', 'artifacts', 'athena-results', 'access-logs'] as const;
export type BucketPurpose = (typeof BUCKET_PURPOSES)[number];

/** Glue databases: one per zone, and staging for the tables of unpublished runs. */
export const DATABASE_ZONES = ['landing', 'trusted', 'curated', 'staging'] as const;
export type DatabaseZone = (typeof DATABASE_ZONES)[number];

/** The stacks of one environment. */
export const STACK_KINDS = ['bootstrap', 'lakehouse'] as const;
export type StackKind = (typeof STACK_KINDS)[number];

export class ResourceNames {
  readonly prefix: string;
  readonly account: string;
  readonly region: string;

  constructor(readonly env: EnvironmentConfig) {
    this.prefix = `stedi-${env.name}`;
    this.account = env.account.id;
    this.region = env.account.region;
  }

  stack(kind: StackKind): string {
    return `${this.prefix}-${kind}`;
  }

  /** Globally unique: the account id is part of every bucket name. */
  bucket(purpose: BucketPurpose): string {
    return `${this.prefix}-${purpose}-${this.account}`;
  }

  bucketArn(purpose: BucketPurpose): string {
    return `arn:aws:s3:::${this.bucket(purpose)}`;
  }

  /** Objects under `prefix` of a bucket (`''` for all objects). */
  objectsArn(purpose: BucketPurpose, prefix = ''): string {
    return `${this.bucketArn(purpose)}/${prefix}*`;
  }

  database(zone: DatabaseZone): string {
    return `stedi_${this.env.name}_${zone}`;
  }

  /** Roles the lakehouse stack creates; the deploy role may manage only these (never itself). */
  lakeRole(purpose: string): string {
    return `${this.prefix}-lake-${purpose}`;
  }

  roleArn(name: string): string {
    return `arn:aws:iam::${this.account}:role/${name}`;
  }

  get deployRoleArn(): string {
    return this.roleArn(this.env.deploy.roleName);
  }

  get planRoleArn(): string {
    return this.roleArn(this.env.deploy.planRoleName);
  }

  get bootstrapRoleArn(): string {
    return this.roleArn(this.env.deploy.bootstrapRoleName);
  }

  /** The permissions boundary every lakehouse role carries (created by the bootstrap stack). */
  get boundaryPolicyName(): string {
    return `${this.prefix}-lake-boundary`;
  }

  get boundaryPolicyArn(): string {
    return `arn:aws:iam::${this.account}:policy/${this.boundaryPolicyName}`;
  }

  fn(name: string): string {
    return `${this.prefix}-${name}`;
  }

  functionArn(name: string): string {
    return `arn:aws:lambda:${this.region}:${this.account}:function:${this.fn(name)}`;
  }

  glueJob(table: string): string {
    return `${this.prefix}-${table.replace(/_/g, '-')}`;
  }

  glueJobArn(table: string): string {
    return `arn:aws:glue:${this.region}:${this.account}:job/${this.glueJob(table)}`;
  }

  get glueCatalogArn(): string {
    return `arn:aws:glue:${this.region}:${this.account}:catalog`;
  }

  /** The database Spark on the Glue catalog looks up when it starts. */
  get glueDefaultDatabaseArn(): string {
    return `arn:aws:glue:${this.region}:${this.account}:database/default`;
  }

  glueDatabaseArn(zone: DatabaseZone): string {
    return `arn:aws:glue:${this.region}:${this.account}:database/${this.database(zone)}`;
  }

  /** Tables of a database; `table` may be a pattern. */
  glueTableArn(zone: DatabaseZone, table = '*'): string {
    return `arn:aws:glue:${this.region}:${this.account}:table/${this.database(zone)}/${table}`;
  }

  get stateMachine(): string {
    return `${this.prefix}-pipeline`;
  }

  get stateMachineArn(): string {
    return `arn:aws:states:${this.region}:${this.account}:stateMachine:${this.stateMachine}`;
  }

  /** The child executions a Distributed Map with this Label starts: `execution:<machine>/<label>:<id>`. */
  mapChildExecutionsArn(label: string): string {
    return `arn:aws:states:${this.region}:${this.account}:execution:${this.stateMachine}/${label}:*`;
  }

  get workgroup(): string {
    return `${this.prefix}-pipeline`;
  }

  get workgroupArn(): string {
    return `arn:aws:athena:${this.region}:${this.account}:workgroup/${this.workgroup}`;
  }

  get alertsTopic(): string {
    return `${this.prefix}-pipeline-alerts`;
  }

  get alertsTopicArn(): string {
    return `arn:aws:sns:${this.region}:${this.account}:${this.alertsTopic}`;
  }

  deliveryStream(dataset: string): string {
    return `${this.prefix}-${dataset.replace(/_/g, '-')}-stream`;
  }

  deliveryStreamArn(dataset: string): string {
    return `arn:aws:firehose:${this.region}:${this.account}:deliverystream/${this.deliveryStream(dataset)}`;
  }

  /** IoT rule names allow only letters, digits and underscores. */
  iotRule(dataset: string): string {
    return `stedi_${this.env.name}_${dataset}_to_firehose`;
  }

  iotTopic(dataset: string): string {
    return `stedi/${this.env.name}/${dataset}`;
  }

  get schedule(): string {
    return `${this.prefix}-pipeline-schedule`;
  }

  get glueSecurityConfiguration(): string {
    return `${this.prefix}-transforms`;
  }

  /** The Glue jobs' --custom-logGroup-prefix: every group they write is under it. */
  get glueLogGroupPrefix(): string {
    return `/aws-glue/jobs/${this.prefix}-transforms`;
  }

  get keyAlias(): string {
    return `alias/${this.prefix}-data-lake`;
  }

  /** Log groups, by what writes them. */
  logGroup(kind: 'lambda' | 'states' | 'glue-output' | 'glue-error' | 'firehose', name = ''): string {
    switch (kind) {
      case 'lambda':
        return `/aws/lambda/${this.fn(name)}`;
      case 'states':
        return `/aws/vendedlogs/states/${this.stateMachine}`;
      // Glue 5.0 writes a job's stdout/stderr to <prefix>/output and its system, Spark and Glue
      // logger logs to <prefix>/error, the prefix set by --custom-logGroup-prefix (AWS Glue guide,
      // "Logging for AWS Glue jobs", Custom logging). The guide names no suffix for a security
      // configuration that encrypts CloudWatch logs (continuous logging before 5.0 added
      // -<security configuration>); if Glue 5.0 does, the job role may still create such groups
      // under the prefix, without our retention (stacks/README.md, First apply).
      case 'glue-output':
        return `${this.glueLogGroupPrefix}/output`;
      case 'glue-error':
        return `${this.glueLogGroupPrefix}/error`;
      case 'firehose':
        return `/aws/kinesisfirehose/${this.deliveryStream(name)}`;
    }
  }

  logGroupArn(name: string): string {
    return `arn:aws:logs:${this.region}:${this.account}:log-group:${name}`;
  }

  /** Every log group of the environment starts with one of these (the KMS key lets CloudWatch use it for them). */
  get logGroupPatterns(): string[] {
    return [`/aws/lambda/${this.prefix}-*`, `/aws/vendedlogs/states/${this.prefix}-*`, `/aws-glue/jobs/${this.prefix}-*`, `/aws/kinesisfirehose/${this.prefix}-*`];
  }
}
