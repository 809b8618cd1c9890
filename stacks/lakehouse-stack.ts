// The lakehouse of one environment, in its own account and Terraform Cloud workspace: storage,
// catalog, processing, orchestration and ingestion, all derived from the environment's config and
// the repository's catalog folders. Parts are exposed as typed fields (the governance constructs
// of stacks/governance/ take the buckets, databases, tables and roles from here).
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { PUBLISH_RECORD, RUN_FOLDER_PREFIX, RUN_RECORDS_PREFIX, tableFolder } from '../src/catalog/run-layout';
import { LAMBDA_ENV } from '../src/lambdas/lambda-environment';
import { GlueCatalog } from './catalog/glue-catalog';
import { configureAwsProvider } from './environment/environment-provider';
import { DATABASE_ZONES, ResourceNames } from './environment/resource-names';
import { configureStateBackend } from './environment/state-backend';
import { ExistingPrincipals } from './environment/existing-principals';
import { lakehousePrincipals } from './environment/existing-principals-props';
import { LandingIngestion } from './ingestion/landing-ingestion';
import { LAKEHOUSE_FUNCTION_SIZES, type LakehouseStackProps } from './lakehouse-stack-props';
import { PipelineAlerts } from './observability/pipeline-alerts';
import { bundleLambdas } from './orchestration/lambda-bundle';
import { PipelineFunction } from './orchestration/pipeline-function';
import { PipelineSchedule } from './orchestration/pipeline-schedule';
import { PipelineStateMachine } from './orchestration/pipeline-state-machine';
import { VALIDATION_RESULTS_PREFIX } from './orchestration/pipeline-state-machine-props';
import { QueryWorkgroup } from './processing/query-workgroup';
import { TransformJobs } from './processing/transform-jobs';
import { DataLakeKey } from './storage/data-lake-key';
import { DataLakeStorage } from './storage/data-lake-storage';
import { LAKE_FORMATION_DATA_ACCESS, LAKE_FORMATION_TABLE_CREDENTIALS } from './iam/lake-formation-actions';
import { useEncryptedCatalog } from './iam/encrypted-catalog';

export class LakehouseStack extends TerraformStack {
  readonly names: ResourceNames;
  readonly key: DataLakeKey;
  readonly storage: DataLakeStorage;
  readonly ingestion: LandingIngestion;
  readonly glueCatalog: GlueCatalog;
  readonly workgroup: QueryWorkgroup;
  readonly transforms: TransformJobs;
  readonly alerts: PipelineAlerts;
  readonly functions: { readonly validator: PipelineFunction; readonly gate: PipelineFunction; readonly publish: PipelineFunction };
  readonly pipeline: PipelineStateMachine;
  readonly schedule: PipelineSchedule;

  constructor(scope: Construct, props: LakehouseStackProps) {
    const { env, catalog } = props;
    const names = new ResourceNames(env);
    const stackName = names.stack('lakehouse');
    super(scope, stackName);
    this.names = names;
    // With Terraform Cloud, the run's dynamic credentials already are the environment's role (the
    // plan role in plans, the deploy role in applies, each pinned to this workspace). Chaining from
    // there into the deploy role would give plans write access; elsewhere the provider assumes it.
    configureAwsProvider(this, { env, stackName, ...(env.terraformCloud ? {} : { assumeRoleArn: names.deployRoleArn }) });
    configureStateBackend(this, env, stackName);

    new ExistingPrincipals(this, 'existing-principals', { env, principals: lakehousePrincipals(env) });
    const retention = env.retention;
    const logDays = retention.logDays;
    this.key = new DataLakeKey(this, 'key', { names });
    const ingestionProps = { names, catalog, ingestion: env.ingestion, producers: env.principals.producers };
    this.storage = new DataLakeStorage(this, 'storage', { names, key: this.key, retention, landingWriterArns: LandingIngestion.writers(ingestionProps) });
    this.ingestion = new LandingIngestion(this, 'ingestion', { ...ingestionProps, key: this.key, landing: this.storage.buckets.landing, logRetentionDays: logDays });
    this.glueCatalog = new GlueCatalog(this, 'catalog', { names, catalog, storage: this.storage, key: this.key });
    this.workgroup = new QueryWorkgroup(this, 'workgroup', {
      names,
      storage: this.storage,
      key: this.key,
      bytesScannedCutoffPerQuery: env.thresholds.athenaBytesScannedCutoffPerQuery,
    });
    this.transforms = new TransformJobs(this, 'transforms', {
      names,
      catalog,
      storage: this.storage,
      key: this.key,
      workers: env.thresholds.glueWorkers,
      timeoutMinutes: env.thresholds.glueTimeoutMinutes,
      logRetentionDays: logDays,
    });
    this.alerts = new PipelineAlerts(this, 'alerts', { names, key: this.key, emails: env.notifications.emails });

    const bundles = bundleLambdas(props.lambdaCatalog, props.bundleDir);
    const buckets = this.storage.buckets;
    const databases = JSON.stringify(Object.fromEntries(DATABASE_ZONES.map((z) => [z, names.database(z)])));
    const common = { names, key: this.key, logRetentionDays: logDays, timeoutSeconds: env.thresholds.lambdaTimeoutSeconds };
    const useKey = { sid: 'UseEnvironmentKey', actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'], resources: [this.key.key.arn] };
    const useCatalog = useEncryptedCatalog(names, this.key.key.arn);
    const builtTables = catalog.transforms.map((t) => t.table);
    const landingTables = catalog.datasets.map((d) => d.table.name);

    const validator = new PipelineFunction(this, 'validator', {
      ...common,
      name: 'validator',
      description: `${names.prefix}: validates one landing object against its record contract`,
      bundle: bundles.validator,
      memoryMiB: env.thresholds.validatorMemoryMiB,
      ephemeralStorageMiB: LAKEHOUSE_FUNCTION_SIZES.validatorEphemeralStorageMiB,
      reservedConcurrency: env.thresholds.validatorConcurrency,
      environment: {
        [LAMBDA_ENV.trustedBucket]: buckets.trusted.name,
        [LAMBDA_ENV.quarantineBucket]: buckets.quarantine.name,
        [LAMBDA_ENV.databases]: databases,
        [LAMBDA_ENV.accountId]: names.account,
      },
      statements: [
        // Landing objects and the run's validated records through Lake Formation only: credentials
        // vended for the dataset's landing table (SELECT) and its staging copy (INSERT).
        { sid: 'ReachTablesThroughLakeFormation', actions: [LAKE_FORMATION_DATA_ACCESS, LAKE_FORMATION_TABLE_CREDENTIALS], resources: ['*'] },
        {
          sid: 'DescribeLandingTables',
          actions: ['glue:GetTable'],
          resources: [names.glueCatalogArn, names.glueDatabaseArn('landing'), names.glueDatabaseArn('staging'), ...landingTables.flatMap((t) => [names.glueTableArn('landing', t), names.glueTableArn('staging', t)])],
        },
        // Quarantine is not a Lake Formation table: invalid lines with file, line and reasons.
        { sid: 'WriteQuarantine', actions: ['s3:PutObject'], resources: [names.objectsArn('quarantine')] },
        { sid: 'EncryptQuarantine', actions: ['kms:GenerateDataKey'], resources: [this.key.key.arn], conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${names.region}.amazonaws.com`] }] },
        useCatalog,
      ],
    });

    const gate = new PipelineFunction(this, 'gate', {
      ...common,
      name: 'gate',
      description: `${names.prefix}: audits a zone of a run with the quality rules on Athena`,
      bundle: bundles.gate,
      memoryMiB: LAKEHOUSE_FUNCTION_SIZES.gateMemoryMiB,
      reservedConcurrency: LAKEHOUSE_FUNCTION_SIZES.gateReservedConcurrency,
      environment: {
        [LAMBDA_ENV.trustedBucket]: buckets.trusted.name,
        [LAMBDA_ENV.curatedBucket]: buckets.curated.name,
        [LAMBDA_ENV.artifactsBucket]: buckets.artifacts.name,
        [LAMBDA_ENV.databases]: databases,
        [LAMBDA_ENV.workgroup]: this.workgroup.name,
      },
      statements: [
        {
          sid: 'QueryInWorkgroup',
          actions: ['athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:StopQueryExecution'],
          resources: [names.workgroupArn],
        },
        {
          sid: 'ReadStagedAndPublishedTables',
          actions: ['glue:GetDatabase', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables'],
          resources: [names.glueCatalogArn, ...(['staging', 'curated'] as const).flatMap((z) => [names.glueDatabaseArn(z), names.glueTableArn(z)])],
        },
        {
          sid: 'StageRunTables',
          actions: ['glue:UpdateTable'],
          resources: [names.glueCatalogArn, names.glueDatabaseArn('staging'), names.glueTableArn('staging')],
        },
        {
          sid: 'WriteQueryResults',
          actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
          resources: [names.objectsArn('athena-results', this.workgroup.resultsPrefix)],
        },
        {
          sid: 'FindQueryResults',
          actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
          resources: [buckets['athena-results'].arn],
        },
        // Athena reads the registered zone locations with credentials Lake Formation vends for
        // this role, after checking its grants (the gate persona of config/grants/<env>.json).
        { sid: 'ReadThroughLakeFormation', actions: [LAKE_FORMATION_DATA_ACCESS], resources: ['*'] },
        { sid: 'ReadValidationResults', actions: ['s3:GetObject'], resources: [names.objectsArn('artifacts', `${VALIDATION_RESULTS_PREFIX}/`)] },
        // Written with the expiry tag, which S3 authorizes as s3:PutObjectTagging.
        { sid: 'WriteGateReports', actions: ['s3:PutObject', 's3:PutObjectTagging'], resources: [names.objectsArn('artifacts', RUN_RECORDS_PREFIX)] },
        useKey,
        useCatalog,
      ],
    });

    const publish = new PipelineFunction(this, 'publish', {
      ...common,
      name: 'publish',
      description: `${names.prefix}: moves every trusted and curated table to a run's folders, or none`,
      bundle: bundles.publish,
      memoryMiB: LAKEHOUSE_FUNCTION_SIZES.publishMemoryMiB,
      reservedConcurrency: LAKEHOUSE_FUNCTION_SIZES.publishReservedConcurrency,
      environment: {
        [LAMBDA_ENV.trustedBucket]: buckets.trusted.name,
        [LAMBDA_ENV.curatedBucket]: buckets.curated.name,
        [LAMBDA_ENV.artifactsBucket]: buckets.artifacts.name,
        [LAMBDA_ENV.databases]: databases,
      },
      statements: [
        {
          sid: 'MovePublishedTables',
          actions: ['glue:GetTable', 'glue:UpdateTable'],
          resources: [
            names.glueCatalogArn,
            ...(['trusted', 'curated'] as const).map((z) => names.glueDatabaseArn(z)),
            ...builtTables.map((t) => names.glueTableArn(t.zone as 'trusted' | 'curated', t.name)),
          ],
        },
        { sid: 'RecordPublishes', actions: ['s3:GetObject', 's3:PutObject'], resources: [names.objectsArn('artifacts', RUN_RECORDS_PREFIX)] },
        // Marking superseded runs for lifecycle (src/lambdas/superseded-runs.ts): folder and object
        // names, and a tag on each object; never an object's content.
        ...(['trusted', 'curated'] as const).map((zone) => {
          const tables = builtTables.filter((t) => t.zone === zone);
          return {
            sid: `ListRunFolders${zone === 'trusted' ? 'Trusted' : 'Curated'}`,
            actions: ['s3:ListBucket'],
            resources: [buckets[zone].arn],
            conditions: [{ test: 'StringLike', variable: 's3:prefix', values: tables.map(tableFolder).flatMap((f) => [f.prefix, `${f.prefix}${RUN_FOLDER_PREFIX}*`]) }],
          };
        }),
        { sid: 'MarkSupersededRunFolders', actions: ['s3:PutObjectTagging'], resources: builtTables.map(tableFolder).map((f) => `${buckets[f.bucket].arn}/${f.prefix}${RUN_FOLDER_PREFIX}*`) },
        { sid: 'ListRunRecords', actions: ['s3:ListBucket'], resources: [buckets.artifacts.arn], conditions: [{ test: 'StringEquals', variable: 's3:prefix', values: [RUN_RECORDS_PREFIX] }] },
        { sid: 'MarkSupersededPublishRecords', actions: ['s3:PutObjectTagging'], resources: [`${buckets.artifacts.arn}/${RUN_RECORDS_PREFIX}*/${PUBLISH_RECORD}`] },
        useKey,
        useCatalog,
      ],
    });
    this.functions = { validator, gate, publish };

    this.pipeline = new PipelineStateMachine(this, 'pipeline', {
      names,
      catalog,
      storage: this.storage,
      key: this.key,
      jobs: this.transforms,
      functions: this.functions,
      alerts: this.alerts,
      maxConcurrency: env.thresholds.validatorConcurrency,
      logRetentionDays: logDays,
    });
    this.schedule = new PipelineSchedule(this, 'schedule', { names, schedule: env.schedule, stateMachine: this.pipeline, key: this.key });
  }
}
