// One Glue 5 Spark job per transform of glue/sql/, all running the same thin entry script with
// the transform's SQL, input tables and output columns as arguments. The jobs read and write the
// run's data through the staging tables, with Lake Formation full-table access: the role has no
// S3 access to any zone bucket, Lake Formation vends credentials per table after its grants. A
// security configuration encrypts what the jobs write to S3, their CloudWatch logs and their
// bookmarks with the environment's key; workers and timeout are bounded; the script and each SQL
// file are uploaded as assets.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GlueJob } from '@cdktf/provider-aws/lib/glue-job';
import { GlueSecurityConfiguration } from '@cdktf/provider-aws/lib/glue-security-configuration';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { AssetType, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import type { DdlType } from '../../src/catalog/ddl';
import type { Transform } from '../../src/catalog/registry';
import { GLUE_ASSETS_PREFIX, GLUE_TEMP_PREFIX } from '../../src/catalog/run-layout';
import { LAKE_FORMATION_DATA_ACCESS } from '../iam/lake-formation-actions';
import { LakeRole } from '../iam/lake-role';
import type { PolicyStatement } from '../iam/policy-document';
import { EncryptedLogGroup } from '../observability/encrypted-log-group';
import { FULL_TABLE_ACCESS_SPARK_CONF, sparkConf, TRANSFORM_JOBS_DEFAULTS, type TransformJobsProps } from './transform-jobs-props';

const DEFAULT_SCRIPT = resolve(__dirname, '..', '..', 'glue', 'jobs', 'run_transform.py');

/** The DDL types Spark reads and casts to (ddl/ uses Athena's spelling, which Spark shares). */
const SPARK_TYPE: Record<DdlType, string> = { STRING: 'STRING', BIGINT: 'BIGINT', INT: 'INT', DOUBLE: 'DOUBLE' };

export interface TransformJob {
  readonly transform: Transform;
  readonly job: GlueJob;
  readonly name: string;
}

const md5 = (file: string) => createHash('md5').update(readFileSync(file)).digest('hex');

export class TransformJobs extends Construct {
  readonly role: LakeRole;
  readonly securityConfiguration: GlueSecurityConfiguration;
  readonly jobs: readonly TransformJob[];
  readonly logGroups: readonly EncryptedLogGroup[];

  constructor(scope: Construct, id: string, props: TransformJobsProps) {
    super(scope, id);
    const { names, catalog, storage, key } = props;
    const artifacts = storage.buckets.artifacts;
    const staging = names.database('staging');

    this.securityConfiguration = new GlueSecurityConfiguration(this, 'security-configuration', {
      name: names.glueSecurityConfiguration,
      encryptionConfiguration: {
        s3Encryption: { s3EncryptionMode: 'SSE-KMS', kmsKeyArn: key.key.arn },
        cloudwatchEncryption: { cloudwatchEncryptionMode: 'SSE-KMS', kmsKeyArn: key.key.arn },
        jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: key.key.arn },
      },
    });
    this.logGroups = (['glue-output', 'glue-error'] as const).map(
      (kind) => new EncryptedLogGroup(this, `logs-${kind}`, { name: names.logGroup(kind), key: key.key, retentionDays: props.logRetentionDays }),
    );

    const transforms = catalog.transforms;
    const tableOf = (name: string) => catalog.tables.get(name)!;
    const reads = [...new Set(transforms.flatMap((t) => t.inputs))];
    const writes = transforms.map((t) => t.table.name);
    const statements: PolicyStatement[] = [
      { sid: 'ReadScriptAndSql', actions: ['s3:GetObject'], resources: [names.objectsArn('artifacts', GLUE_ASSETS_PREFIX)] },
      {
        sid: 'SparkTemporaryFiles',
        actions: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        resources: [names.objectsArn('artifacts', GLUE_TEMP_PREFIX)],
      },
      {
        sid: 'ListSparkTemporaryFiles',
        actions: ['s3:ListBucket'],
        resources: [artifacts.arn],
        conditions: [{ test: 'StringLike', variable: 's3:prefix', values: [`${GLUE_TEMP_PREFIX}*`] }],
      },
      // The run's data: the staging tables' definitions here, their files only through Lake Formation.
      {
        sid: 'ReadStagedTables',
        actions: ['glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables'],
        resources: [names.glueCatalogArn, names.glueDatabaseArn('staging'), ...[...new Set([...reads, ...writes])].sort().map((t) => names.glueTableArn('staging', t))],
      },
      // Spark on the Glue catalog looks up its default database when it starts.
      { sid: 'FindDefaultDatabase', actions: ['glue:GetDatabase'], resources: [names.glueCatalogArn, names.glueDefaultDatabaseArn] },
      // Writing into a table may update its definition (statistics); never its location's files but through Lake Formation.
      { sid: 'WriteStagedTables', actions: ['glue:UpdateTable'], resources: [names.glueCatalogArn, names.glueDatabaseArn('staging'), ...writes.map((t) => names.glueTableArn('staging', t))] },
      // Full-table access: Lake Formation vends credentials for a registered table after its grants.
      { sid: 'ReadAndWriteThroughLakeFormation', actions: [LAKE_FORMATION_DATA_ACCESS], resources: ['*'] },
      // Not through one service only: the bookmarks are client-side encrypted (CSE-KMS) by the job
      // itself, besides the encrypted catalog (through Glue) and the temporary files (through S3).
      { sid: 'UseEnvironmentKey', actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [key.key.arn] },
      {
        // Every group under the jobs' prefix: the two created above, and whatever name Glue gives a
        // group there, so that no log is lost if it names one differently (stacks/README.md, First apply).
        sid: 'WriteJobLogs',
        actions: ['logs:AssociateKmsKey', 'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [names.logGroupArn(`${names.glueLogGroupPrefix}/*`), `${names.logGroupArn(`${names.glueLogGroupPrefix}/*`)}:*`],
      },
      {
        sid: 'PublishJobMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: [{ test: 'StringEquals', variable: 'cloudwatch:namespace', values: ['Glue'] }],
      },
    ];
    this.role = new LakeRole(this, 'role', {
      names,
      purpose: 'transform',
      description: `${names.prefix}: Glue jobs that build the trusted and curated tables of a run`,
      services: ['glue.amazonaws.com'],
      statements,
    });

    const scriptPath = props.scriptPath ?? DEFAULT_SCRIPT;
    const scriptAsset = new TerraformAsset(this, 'script-asset', { path: scriptPath, type: AssetType.FILE });
    const scriptHash = md5(scriptPath);
    const scriptKey = `${GLUE_ASSETS_PREFIX}jobs/${scriptHash}/${scriptAsset.fileName}`;
    const script = new S3Object(this, 'script', { bucket: artifacts.bucket.id, key: scriptKey, source: scriptAsset.path, sourceHash: scriptHash, contentType: 'text/x-python' });

    this.jobs = transforms.map((t) => {
      const sqlFile = resolve(catalog.root, t.file);
      const sqlHash = md5(sqlFile);
      const asset = new TerraformAsset(this, `sql-asset-${t.table.name}`, { path: sqlFile, type: AssetType.FILE });
      const sqlKey = `${GLUE_ASSETS_PREFIX}sql/${t.zone}/${sqlHash}/${t.table.name}.sql`;
      const sql = new S3Object(this, `sql-${t.table.name}`, { bucket: artifacts.bucket.id, key: sqlKey, source: asset.path, sourceHash: sqlHash, contentType: 'application/sql' });
      const inputs = t.inputs.map((name) => {
        const input = tableOf(name);
        return { table: input.name, database: staging, columns: input.columns.map((c) => [c.name, SPARK_TYPE[c.type]]) };
      });
      const name = names.glueJob(t.table.name);
      const job = new GlueJob(this, `job-${t.table.name}`, {
        name,
        description: `${names.prefix}: builds ${t.table.name} from ${t.inputs.join(', ')} (${t.file})`,
        roleArn: this.role.role.arn,
        glueVersion: props.glueVersion ?? TRANSFORM_JOBS_DEFAULTS.glueVersion,
        workerType: props.workerType ?? TRANSFORM_JOBS_DEFAULTS.workerType,
        numberOfWorkers: props.workers,
        timeout: props.timeoutMinutes,
        maxRetries: TRANSFORM_JOBS_DEFAULTS.maxRetries,
        executionProperty: { maxConcurrentRuns: TRANSFORM_JOBS_DEFAULTS.maxConcurrentRuns },
        securityConfiguration: this.securityConfiguration.name,
        command: { name: 'glueetl', pythonVersion: '3', scriptLocation: `s3://${artifacts.name}/${scriptKey}` },
        defaultArguments: {
          '--job-language': 'python',
          '--enable-metrics': 'true',
          // Glue 5.0 logs in real time without --enable-continuous-cloudwatch-log (a Glue 4.0-era
          // argument, "Enabling continuous logging for AWS Glue 4.0 and earlier jobs").
          '--custom-logGroup-prefix': names.glueLogGroupPrefix,
          '--job-bookmark-option': 'job-bookmark-disable',
          // The Glue Data Catalog as Spark's metastore, and Lake Formation full-table access for it.
          '--enable-glue-datacatalog': 'true',
          '--conf': sparkConf(FULL_TABLE_ACCESS_SPARK_CONF),
          '--TempDir': `s3://${artifacts.name}/${GLUE_TEMP_PREFIX}`,
          '--table': t.table.name,
          '--sql_location': `s3://${artifacts.name}/${sqlKey}`,
          '--inputs': JSON.stringify(inputs),
          '--output_table': JSON.stringify({ database: staging, table: t.table.name }),
          '--output_columns': JSON.stringify(t.table.columns.map((c) => [c.name, SPARK_TYPE[c.type]])),
        },
        dependsOn: [script, sql, ...this.logGroups.map((g) => g.group), ...this.role.ready],
      });
      return { transform: t, job, name };
    });
  }
}
