// The synthesized stacks of both environments: each resource the issue asks for is present with
// its settings, derived from the environment configs and the catalog folders (never a second list).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import { dev } from '../../config/environments/dev';
import type { EnvironmentConfig } from '../../config/environments/environment-config';
import { GLUE_TYPE } from '../../src/catalog/column-types';
import { loadCatalog } from '../../src/catalog/registry';
import { runFolder, tableFolder, tableRunKey, tableRunLocation } from '../../src/catalog/run-layout';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadRules } from '../../src/gates/rule-file';
import { lambdaCatalog } from '../../src/lambdas/lambda-catalog';
import { LAMBDA_ENV } from '../../src/lambdas/lambda-environment';
import { relativeTableRunDir } from '../../src/pipeline/lake-layout';
import { UNPUBLISHED_FOLDER } from '../../stacks/catalog/glue-catalog-props';
import { iamMatches, policyOf, referencedAddresses, renderPolicyDocument, resources, type JsonObject } from '../../stacks/checks/terraform-json';
import { LakehouseStack } from '../../stacks/lakehouse-stack';
import { synthesize, type Synthesized } from './synthesized';

let synth: Synthesized;
const catalog = loadCatalog();
const DEV = 'stedi-dev-lakehouse';
const PROD = 'stedi-prod-lakehouse';

beforeAll(() => {
  synth = synthesize();
});

const all = (stack: string, type: string) => resources(synth.stack(stack), type).map((r) => r.body);
const docOf = (stack: string, ref: unknown) => {
  const name = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(String(ref))![1];
  return renderPolicyDocument(synth.stack(stack), synth.stack(stack).json.data!.aws_iam_policy_document[name]);
};

/** Every dependency cycle among a stack's resources and data sources, through references and depends_on. */
function dependencyCycles(json: Record<string, unknown>): string[] {
  const edges = new Map<string, string[]>();
  for (const kind of ['resource', 'data'] as const) {
    for (const [type, byName] of Object.entries((json[kind] ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const [name, body] of Object.entries(byName)) {
        const address = kind === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
        const explicit = ((body.depends_on as string[] | undefined) ?? []).map((d) => d.replace(/^\$\{|\}$/g, ''));
        const dataRefs = [...JSON.stringify(body).matchAll(/\$\{data\.([a-z0-9_]+)\.([A-Za-z0-9_-]+)/g)].map((m) => `data.${m[1]}.${m[2]}`);
        edges.set(address, [...referencedAddresses(body as never), ...dataRefs, ...explicit]);
      }
    }
  }
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (a: string, path: string[]) => {
    if (state.get(a) === 'done') return;
    if (state.get(a) === 'open') return void cycles.push([...path.slice(path.indexOf(a)), a].join(' -> '));
    state.set(a, 'open');
    for (const d of edges.get(a) ?? []) if (edges.has(d)) visit(d, [...path, a]);
    state.set(a, 'done');
  };
  for (const a of edges.keys()) visit(a, []);
  return cycles;
}

describe('npm run synth output', () => {
  it('has no dependency cycle in any stack (Terraform would refuse the plan)', () => {
    // The detector finds a cycle when there is one.
    const looped = { resource: { a: { x: { v: '${b.y.id}' } }, b: { y: { depends_on: ['a.x'] } } } };
    expect(dependencyCycles(looped)).toEqual(['a.x -> b.y -> a.x']);
    for (const s of synth.app.stacks) expect([s.name, dependencyCycles(s.json as never)]).toEqual([s.name, []]);
  });

  it('has a bootstrap and a lakehouse stack per environment, each in its own Terraform Cloud workspace and project', () => {
    expect(synth.app.stacks.map((s) => s.name).sort()).toEqual(['stedi-dev-bootstrap', 'stedi-dev-lakehouse', 'stedi-prod-bootstrap', 'stedi-prod-lakehouse']);
    for (const s of synth.app.stacks) {
      const env = s.name.split('-')[1];
      expect(s.json.terraform!.cloud).toEqual({ hostname: 'app.terraform.io', organization: 'stedi-lakehouse', workspaces: { name: s.name, project: `stedi-${env}` } });
    }
  });

  it('pins every provider to its account, tags everything, and assumes the bootstrap role only in bootstrap stacks', () => {
    expect(synth.stack(DEV).json.provider).toEqual({
      aws: [
        {
          region: 'eu-west-1',
          allowed_account_ids: ['111111111111'],
          default_tags: [{ tags: { project: 'stedi-lakehouse', environment: 'dev', stack: DEV, 'managed-by': 'cdktf' } }],
        },
      ],
    });
    expect(synth.stack('stedi-prod-bootstrap').json.provider!.aws[0]).toEqual({
      region: 'eu-west-1',
      allowed_account_ids: ['222222222222'],
      assume_role: [{ role_arn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole', session_name: 'stedi-prod-bootstrap' }],
      default_tags: [{ tags: { project: 'stedi-lakehouse', environment: 'prod', stack: 'stedi-prod-bootstrap', 'managed-by': 'cdktf' } }],
    });
  });

  it('without Terraform Cloud, a stack keeps local state and its provider assumes the deploy role', () => {
    const { terraformCloud: _omitted, ...local } = dev;
    const app = new App({ outdir: join(synth.outdir, 'local') });
    const stack = new LakehouseStack(app, {
      env: local as EnvironmentConfig,
      catalog,
      lambdaCatalog: lambdaCatalog(catalog, loadRules(catalog), loadGateConfig(catalog)),
      bundleDir: join(synth.outdir, '.bundles'),
    });
    app.synth();
    const json = JSON.parse(readFileSync(join(synth.outdir, 'local', 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'));
    expect(json.terraform.backend).toEqual({ local: { path: '../../../terraform.stedi-dev-lakehouse.tfstate' } });
    expect(json.provider.aws[0].assume_role).toEqual([{ role_arn: 'arn:aws:iam::111111111111:role/stedi-dev-deploy', session_name: DEV }]);
  });
});

describe('bootstrap: Terraform Cloud trust', () => {
  it('trusts Terraform Cloud runs of the lakehouse workspace only: apply runs for deploy, plan runs for plan', () => {
    const roles = all('stedi-dev-bootstrap', 'aws_iam_role');
    const trust = (name: string) => docOf('stedi-dev-bootstrap', roles.find((r) => r.name === name)!.assume_role_policy);
    const tfc = (phase: string) => ({
      Sid: `TerraformCloud${phase === 'plan' ? 'Plan' : 'Apply'}Runs`,
      Effect: 'Allow',
      Action: ['sts:AssumeRoleWithWebIdentity'],
      Principal: { Federated: ['arn:aws:iam::111111111111:oidc-provider/app.terraform.io'] },
      Condition: {
        StringEquals: {
          'app.terraform.io:aud': ['aws.workload.identity'],
          'app.terraform.io:sub': [`organization:stedi-lakehouse:project:stedi-dev:workspace:stedi-dev-lakehouse:run_phase:${phase}`],
        },
      },
    });
    const operators = { Sid: 'Operators', Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { AWS: ['arn:aws:iam::111111111111:role/stedi-dev-operator'] } };
    expect(trust('stedi-dev-deploy').Statement).toEqual([tfc('apply'), operators]);
    expect(trust('stedi-dev-plan').Statement).toEqual([tfc('plan'), operators]);
    // Prod lists no operators: only Terraform Cloud deploys it.
    const prodDeploy = all('stedi-prod-bootstrap', 'aws_iam_role').find((r) => r.name === 'stedi-prod-deploy')!;
    expect(docOf('stedi-prod-bootstrap', prodDeploy.assume_role_policy).Statement.map((s) => s.Sid)).toEqual(['TerraformCloudApplyRuns']);
    expect(all('stedi-dev-bootstrap', 'aws_iam_openid_connect_provider')).toEqual([
      expect.objectContaining({ url: 'https://app.terraform.io', client_id_list: ['aws.workload.identity'] }),
    ]);
  });

  it('keeps each managed policy under IAM\'s 6,144-character limit', () => {
    for (const stack of ['stedi-dev-bootstrap', 'stedi-prod-bootstrap']) {
      for (const p of all(stack, 'aws_iam_policy')) {
        const size = JSON.stringify(docOf(stack, p.policy)).replace(/\s/g, '').length;
        expect(`${p.name} ${size < 6144}`).toBe(`${p.name} true`);
      }
    }
  });
});

describe('lakehouse: storage', () => {
  it('has a bucket per zone plus quarantine, artifacts, Athena results and access logs, named after environment and account', () => {
    expect(all(PROD, 'aws_s3_bucket').map((b) => b.bucket).sort()).toEqual(
      ['access-logs', 'artifacts', 'athena-results', 'curated', 'landing', 'quarantine', 'trusted'].map((p) => `stedi-prod-${p}-222222222222`),
    );
    expect(all(PROD, 'aws_s3_bucket').every((b) => b.force_destroy === false)).toBe(true);
  });

  it('keeps landing forever; expires only superseded run folders (tagged by publish), quarantine, results and logs after the configured days', () => {
    const rules = (stack: string, purpose: string) =>
      (all(stack, 'aws_s3_bucket_lifecycle_configuration').find((l) => String(l.bucket).includes(`storage_${purpose}_bucket`))!.rule as JsonObject[]).map((r) => {
        const filter = (r.filter as JsonObject[])[0];
        const and = (filter.and as JsonObject[] | undefined)?.[0];
        return {
          id: r.id,
          expire: (r.expiration as JsonObject[] | undefined)?.[0]?.days,
          noncurrent: (r.noncurrent_version_expiration as JsonObject[] | undefined)?.[0]?.noncurrent_days,
          prefix: filter.prefix ?? and?.prefix,
          tag: (filter.tag as JsonObject[] | undefined)?.[0] ?? and?.tags,
        };
      });
    const abort = { id: 'abort-incomplete-uploads', expire: undefined, noncurrent: undefined, prefix: '', tag: undefined };
    const superseded = (days: number, noncurrent: number) => [
      { id: 'expire-superseded-run-folders', expire: days, noncurrent: undefined, prefix: undefined, tag: { key: 'stedi-lifecycle', value: 'superseded' } },
      { id: 'expire-old-versions', expire: undefined, noncurrent, prefix: '', tag: undefined },
    ];
    expect(rules(PROD, 'landing')).toEqual([abort]);
    expect(rules(PROD, 'trusted')).toEqual([abort, ...superseded(90, 30), { id: 'expire-validated-records', expire: 90, noncurrent: undefined, prefix: 'validated/', tag: undefined }]);
    expect(rules(DEV, 'curated')).toEqual([abort, ...superseded(14, 7)]);
    // No rule of a data bucket expires by age what lies outside validated/: a live table's folder is never older than allowed.
    for (const purpose of ['trusted', 'curated']) {
      for (const r of rules(PROD, purpose)) if (r.expire !== undefined && r.tag === undefined) expect(`${purpose} ${r.id} ${r.prefix}`).toBe(`${purpose} ${r.id} validated/`);
    }
    expect(rules(DEV, 'artifacts')).toEqual([
      abort,
      { id: 'expire-old-versions', expire: undefined, noncurrent: 7, prefix: '', tag: undefined },
      { id: 'expire-run-records', expire: 14, noncurrent: undefined, prefix: 'runs/', tag: { 'stedi-lifecycle': 'superseded' } },
      { id: 'expire-validation-results', expire: 14, noncurrent: undefined, prefix: 'runs/validation/', tag: undefined },
      { id: 'expire-glue-temp', expire: 2, noncurrent: undefined, prefix: 'glue-temp/', tag: undefined },
    ]);
    expect(rules(PROD, 'quarantine')[1]).toEqual({ id: 'expire-quarantine', expire: 365, noncurrent: 30, prefix: '', tag: undefined });
  });

  it('encrypts with one rotating customer-managed key per environment, the log bucket with SSE-S3', () => {
    const keys = all(DEV, 'aws_kms_key');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ enable_key_rotation: true, rotation_period_in_days: 365, deletion_window_in_days: 30 });
    const enc = all(DEV, 'aws_s3_bucket_server_side_encryption_configuration').map((e) => [String(e.bucket).replace(/^\$\{aws_s3_bucket\.storage_|_bucket_.*$/g, ''), (e.rule as JsonObject[])[0]]);
    for (const [purpose, rule] of enc) {
      if (purpose === 'access-logs') expect(rule).toEqual({ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' } });
      else expect(rule).toEqual({ apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.key_F64E54E4.arn}' }, bucket_key_enabled: true });
    }
  });

  it('lets S3 deliver access logs of the environment\'s buckets only', () => {
    const policy = all(DEV, 'aws_s3_bucket_policy').find((p) => String(p.bucket).includes('access-logs'))!;
    const st = docOf(DEV, policy.policy).Statement.find((s) => s.Sid === 'S3ServerAccessLogsOfEnvironmentBuckets')!;
    expect(st.Principal).toEqual({ Service: ['logging.s3.amazonaws.com'] });
    expect(st.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': ['111111111111'] },
      ArnLike: { 'aws:SourceArn': ['landing', 'trusted', 'curated', 'quarantine', 'artifacts', 'athena-results'].map((p) => `arn:aws:s3:::stedi-dev-${p}-111111111111`) },
    });
  });
});

describe('lakehouse: catalog', () => {
  it('has a database per zone and a staging database, and encrypts the catalog', () => {
    expect(all(DEV, 'aws_glue_catalog_database').map((d) => d.name).sort()).toEqual(['stedi_dev_curated', 'stedi_dev_landing', 'stedi_dev_staging', 'stedi_dev_trusted']);
    expect(all(DEV, 'aws_glue_data_catalog_encryption_settings')[0].data_catalog_encryption_settings).toEqual({
      connection_password_encryption: { aws_kms_key_id: '${aws_kms_key.key_F64E54E4.arn}', return_connection_password_encrypted: true },
      encryption_at_rest: { catalog_encryption_mode: 'SSE-KMS', sse_aws_kms_key_id: '${aws_kms_key.key_F64E54E4.arn}' },
    });
  });

  it('generates every table from ddl/ in its zone and in staging, columns and types as the DDL says', () => {
    const tables = all(DEV, 'aws_glue_catalog_table');
    expect(tables).toHaveLength(catalog.tables.size * 2);
    for (const def of catalog.tables.values()) {
      for (const db of [def.zone, 'staging']) {
        const t = tables.find((x) => x.name === def.name && String(x.database_name).includes(`catalog_database-${db}_`))!;
        const sd = t.storage_descriptor as JsonObject;
        expect(sd.columns).toEqual(def.columns.map((c) => ({ name: c.name.toLowerCase(), type: GLUE_TYPE[c.type], comment: c.comment })));
        expect((sd.ser_de_info as JsonObject).serialization_library).toBe(
          def.format === 'json' ? 'org.openx.data.jsonserde.JsonSerDe' : 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
        );
        expect(t.parameters).toEqual({ EXTERNAL: 'TRUE', classification: def.format, stedi_ddl: def.file });
      }
    }
  });

  it('points raw landing tables at the producers\' folders and the others at a folder no run writes, leaving locations to publish', () => {
    const tables = all(DEV, 'aws_glue_catalog_table');
    const at = (db: string, name: string) => tables.find((x) => x.name === name && String(x.database_name).includes(`catalog_database-${db}_`))!;
    expect((at('landing', 'customer_landing').storage_descriptor as JsonObject).location).toBe('s3://stedi-dev-landing-111111111111/customer/');
    expect(at('landing', 'customer_landing').lifecycle).toBeUndefined();
    expect((at('curated', 'machine_learning_curated').storage_descriptor as JsonObject).location).toBe('s3://stedi-dev-curated-111111111111/machine_learning_curated/unpublished/');
    expect((at('staging', 'step_trainer_landing').storage_descriptor as JsonObject).location).toBe('s3://stedi-dev-trusted-111111111111/validated/step_trainer_landing/unpublished/');
    expect(at('curated', 'machine_learning_curated').lifecycle).toEqual({ ignore_changes: ['storage_descriptor[0].location', 'parameters["stedi_run_id"]'] });
  });
});

describe('lakehouse: processing', () => {
  it('has one Glue 5 job per transform with a security configuration, bounded workers and timeout', () => {
    const jobs = all(PROD, 'aws_glue_job');
    expect(jobs.map((j) => j.name).sort()).toEqual(catalog.transforms.map((t) => `stedi-prod-${t.table.name.replace(/_/g, '-')}`).sort());
    for (const j of jobs) {
      expect(j).toMatchObject({ glue_version: '5.0', worker_type: 'G.1X', number_of_workers: 10, timeout: 120, max_retries: 0, execution_property: { max_concurrent_runs: 1 } });
      expect(j.security_configuration).toBe('${aws_glue_security_configuration.transforms_security-configuration_CE70920B.name}');
    }
    expect(all(PROD, 'aws_glue_security_configuration')[0]).toMatchObject({
      name: 'stedi-prod-transforms',
      encryption_configuration: {
        s3_encryption: { s3_encryption_mode: 'SSE-KMS', kms_key_arn: '${aws_kms_key.key_F64E54E4.arn}' },
        cloudwatch_encryption: { cloudwatch_encryption_mode: 'SSE-KMS', kms_key_arn: '${aws_kms_key.key_F64E54E4.arn}' },
        job_bookmarks_encryption: { job_bookmarks_encryption_mode: 'CSE-KMS', kms_key_arn: '${aws_kms_key.key_F64E54E4.arn}' },
      },
    });
  });

  it('logs the Glue 5.0 way: --custom-logGroup-prefix, no 4.0 continuous-logging arguments, the two encrypted groups Glue documents under that prefix', () => {
    const jobs = all(PROD, 'aws_glue_job');
    for (const j of jobs) {
      const args = j.default_arguments as Record<string, string>;
      expect(args['--custom-logGroup-prefix']).toBe('/aws-glue/jobs/stedi-prod-transforms');
      expect(Object.keys(args).filter((k) => /continuous/.test(k))).toEqual([]);
    }
    const groups = all(PROD, 'aws_cloudwatch_log_group').filter((g) => String(g.name).startsWith('/aws-glue/'));
    expect(groups.map((g) => [g.name, g.kms_key_id, g.retention_in_days]).sort()).toEqual([
      // "Logging for AWS Glue jobs": <custom prefix>/error and <custom prefix>/output.
      ['/aws-glue/jobs/stedi-prod-transforms/error', '${aws_kms_key.key_F64E54E4.arn}', 365],
      ['/aws-glue/jobs/stedi-prod-transforms/output', '${aws_kms_key.key_F64E54E4.arn}', 365],
    ]);
    const stack = synth.stack(PROD);
    // CloudWatch Logs may use the key for them (the key policy's encryption context pattern).
    const keyPolicy = policyOf(stack, resources(stack, 'aws_kms_key')[0].body.policy);
    const logsUse = keyPolicy.Statement.find((x) => x.Sid === 'CloudWatchLogsEncryptsEnvironmentLogGroups')!;
    const patterns = Object.values(logsUse.Condition!['ArnLike']).flat() as string[];
    for (const g of groups) expect(patterns.some((p) => iamMatches(p, `arn:aws:logs:eu-west-1:222222222222:log-group:${g.name}`))).toBe(true);
    // The job role writes every group under the prefix (the ones above, or any Glue names there), nothing else.
    const policy = resources(stack, 'aws_iam_role_policy').find((r) => r.name.startsWith('transforms_role'))!;
    const logs = policyOf(stack, policy.body.policy).Statement.find((x) => x.Sid === 'WriteJobLogs')!;
    expect(logs.Resource).toEqual([
      'arn:aws:logs:eu-west-1:222222222222:log-group:/aws-glue/jobs/stedi-prod-transforms/*',
      'arn:aws:logs:eu-west-1:222222222222:log-group:/aws-glue/jobs/stedi-prod-transforms/*:*',
    ]);
  });

  it('hands each job its transform\'s SQL, its input and output tables (the run\'s staging copies) and the DDL\'s columns', () => {
    const j = all(DEV, 'aws_glue_job').find((x) => x.name === 'stedi-dev-machine-learning-curated')!;
    const args = j.default_arguments as Record<string, string>;
    expect(args['--table']).toBe('machine_learning_curated');
    const inputs = JSON.parse(args['--inputs']) as { table: string; database: string; columns: [string, string][] }[];
    expect(inputs.map((i) => [i.table, i.database])).toEqual([
      ['step_trainer_trusted', 'stedi_dev_staging'],
      ['customer_curated', 'stedi_dev_staging'],
      ['accelerometer_trusted', 'stedi_dev_staging'],
    ]);
    for (const i of inputs) expect(i.columns).toEqual(catalog.tables.get(i.table)!.columns.map((c) => [c.name, c.type]));
    expect(JSON.parse(args['--output_table'])).toEqual({ database: 'stedi_dev_staging', table: 'machine_learning_curated' });
    // No S3 path of zone data in any argument: the job reads and writes through the catalog.
    expect(Object.entries(args).filter(([, v]) => /stedi-dev-(landing|trusted|curated)-/.test(v))).toEqual([]);
    // Lake Formation full-table access: the Glue catalog as metastore and the credentials resolver for registered tables.
    expect(args['--enable-glue-datacatalog']).toBe('true');
    expect(args['--conf'].split(' --conf ')).toEqual([
      'spark.hadoop.fs.s3.credentialsResolverClass=com.amazonaws.glue.accesscontrol.AWSLakeFormationCredentialResolver',
      'spark.hadoop.fs.s3.useDirectoryHeaderAsFolderObject=true',
      'spark.hadoop.fs.s3.folderObject.autoAction.disabled=true',
      'spark.sql.catalog.skipLocationValidationOnCreateTable.enabled=true',
      'spark.sql.catalog.createDirectoryAfterTable.enabled=true',
      'spark.sql.catalog.dropDirectoryBeforeTable.enabled=true',
    ]);
    expect(args['--enable-lakeformation-fine-grained-access']).toBeUndefined();
    expect(JSON.parse(args['--output_columns'])).toEqual(catalog.tables.get('machine_learning_curated')!.columns.map((c) => [c.name, c.type]));
    expect(args['--sql_location']).toMatch(/^s3:\/\/stedi-dev-artifacts-111111111111\/glue\/sql\/curated\/[0-9a-f]{32}\/machine_learning_curated\.sql$/);
    const sqlObject = all(DEV, 'aws_s3_object').find((o) => args['--sql_location'].endsWith(String(o.key)))!;
    expect(readFileSync(join(synth.outdir, 'stacks', DEV, String(sqlObject.source)), 'utf8')).toBe(readFileSync(join(catalog.root, 'glue/sql/curated/machine_learning_curated.sql'), 'utf8'));
    expect(String((j.command as JsonObject).script_location)).toMatch(/^s3:\/\/stedi-dev-artifacts-111111111111\/glue\/jobs\/[0-9a-f]{32}\/run_transform\.py$/);
  });

  it('has an Athena workgroup that enforces its configuration, encrypts results with the key and caps bytes scanned', () => {
    expect(all(PROD, 'aws_athena_workgroup')[0]).toMatchObject({
      name: 'stedi-prod-pipeline',
      configuration: {
        enforce_workgroup_configuration: true,
        bytes_scanned_cutoff_per_query: 50_000_000_000,
        result_configuration: {
          output_location: 's3://stedi-prod-athena-results-222222222222/stedi-prod-pipeline/',
          expected_bucket_owner: '222222222222',
          encryption_configuration: { encryption_option: 'SSE_KMS', kms_key_arn: '${aws_kms_key.key_F64E54E4.arn}' },
        },
      },
    });
  });
});

describe('lakehouse: one run layout for the local lake, the Glue catalog, the Glue jobs and the Lambdas', () => {
  const RUN = '20240102T030405123Z-0a1b2c3d';
  // What the gate and publish Lambdas are told at run time: the buckets and the databases.
  const lambdaSettings = () => {
    const env = (all(DEV, 'aws_lambda_function').find((f) => f.function_name === 'stedi-dev-gate')!.environment as JsonObject).variables as Record<string, string>;
    return { buckets: { trusted: env[LAMBDA_ENV.trustedBucket], curated: env[LAMBDA_ENV.curatedBucket] }, databases: JSON.parse(env[LAMBDA_ENV.databases]) as Record<string, string> };
  };
  const locationOf = (database: string, table: string) => {
    const found = all(DEV, 'aws_glue_catalog_table').filter((x) => x.name === table && String(x.database_name).includes(`catalog_database-${database}_`));
    expect([database, table, found.length]).toEqual([database, table, 1]);
    return (found[0].storage_descriptor as JsonObject).location as string;
  };
  /** The table folder of a location: its unpublished folder's or its run folder's parent. */
  const parentOf = (location: string, child: string) => {
    expect(location.endsWith(child) ? location : `${location} (not ending in ${child})`).toBe(location);
    return location.slice(0, -child.length);
  };

  it('keeps every table that moves (staging copies, published trusted and curated) in the folder of the run folders the Lambdas point it at', () => {
    const { buckets } = lambdaSettings();
    const moving = [...catalog.tables.values()].flatMap((t) => [['staging', t] as const, ...(t.zone === 'landing' ? [] : [[t.zone, t] as const])]);
    expect(moving.length).toBe(catalog.tables.size + catalog.transforms.length);
    for (const [database, t] of moving) {
      const folder = tableFolder(t);
      expect([database, t.name, parentOf(locationOf(database, t.name), UNPUBLISHED_FOLDER)]).toEqual([database, t.name, `s3://${buckets[folder.bucket]}/${folder.prefix}`]);
      expect([database, t.name, parentOf(tableRunLocation(t, RUN, buckets), runFolder(RUN))]).toEqual([database, t.name, `s3://${buckets[folder.bucket]}/${folder.prefix}`]);
    }
  });

  it('has every Glue job read and write staging tables only, the tables the Stage step points at the run folders', () => {
    const { databases } = lambdaSettings();
    const jobs = all(DEV, 'aws_glue_job');
    expect(jobs.length).toBe(catalog.transforms.length);
    for (const j of jobs) {
      const args = j.default_arguments as Record<string, string>;
      const used = [JSON.parse(args['--output_table']) as { database: string; table: string }, ...(JSON.parse(args['--inputs']) as { database: string; table: string }[])];
      for (const u of used) {
        const t = catalog.tables.get(u.table)!;
        expect([j.name, u.database, t.name]).toEqual([j.name, databases.staging, u.table]);
        expect(parentOf(locationOf('staging', u.table), UNPUBLISHED_FOLDER)).toBe(parentOf(tableRunLocation(t, RUN, lambdaSettings().buckets), runFolder(RUN)));
      }
    }
  });

  it('lets publish list and mark exactly the run folders of the built tables, the ones the local lake keeps below data/<zone>/', () => {
    const { buckets } = lambdaSettings();
    const stack = synth.stack(DEV);
    const policy = policyOf(stack, resources(stack, 'aws_iam_role_policy').find((r) => r.name.startsWith('publish_role'))!.body.policy);
    const mark = policy.Statement.find((x) => x.Sid === 'MarkSupersededRunFolders')!;
    const list = policy.Statement.filter((x) => x.Sid?.startsWith('ListRunFolders'));
    const built = catalog.transforms.map((t) => t.table);
    for (const t of built) {
      const key = tableRunKey(t, RUN);
      expect([t.name, (mark.Resource as string[]).filter((r) => iamMatches(r, `arn:aws:s3:::${buckets[tableFolder(t).bucket]}/${key}part-0.parquet`)).length]).toEqual([t.name, 1]);
      const prefixes = list.filter((x) => (x.Resource as string[]).includes(`arn:aws:s3:::${buckets[tableFolder(t).bucket]}`)).flatMap((x) => Object.values(x.Condition!['StringLike']).flat() as string[]);
      expect([t.name, prefixes.filter((p) => iamMatches(p, key)).length]).toEqual([t.name, 1]);
      // The same run folder below the zone root as the local lake's.
      expect(`${relativeTableRunDir(t.zone, t.name, RUN)}/`.slice(`data/${t.zone}/`.length)).toBe(key);
    }
  });
});

describe('lakehouse: orchestration and ingestion', () => {
  it('bundles three Lambdas into deterministic zips with their settings from the config', () => {
    const fns = all(DEV, 'aws_lambda_function');
    expect(fns.map((f) => [f.function_name, f.memory_size, f.reserved_concurrent_executions, f.timeout]).sort()).toEqual([
      ['stedi-dev-gate', 1024, 2, 300],
      ['stedi-dev-publish', 512, 1, 300],
      ['stedi-dev-validator', 1024, 10, 300],
    ]);
    for (const f of fns) {
      expect(f).toMatchObject({ runtime: 'nodejs22.x', architectures: ['arm64'], handler: 'index.handler', tracing_config: { mode: 'Active' }, kms_key_arn: '${aws_kms_key.key_F64E54E4.arn}' });
      expect(existsSync(join(synth.outdir, 'stacks', DEV, String(f.filename)))).toBe(true);
    }
    expect((fns.find((f) => f.function_name === 'stedi-dev-gate')!.environment as JsonObject).variables).toEqual({
      STEDI_TRUSTED_BUCKET: 'stedi-dev-trusted-111111111111',
      STEDI_CURATED_BUCKET: 'stedi-dev-curated-111111111111',
      STEDI_ARTIFACTS_BUCKET: 'stedi-dev-artifacts-111111111111',
      STEDI_DATABASES: JSON.stringify({ landing: 'stedi_dev_landing', trusted: 'stedi_dev_trusted', curated: 'stedi_dev_curated', staging: 'stedi_dev_staging' }),
      STEDI_ATHENA_WORKGROUP: 'stedi-dev-pipeline',
    });
    // The same code in both environments: only settings differ.
    expect(all(PROD, 'aws_lambda_function').map((f) => f.source_code_hash).sort()).toEqual(fns.map((f) => f.source_code_hash).sort());
  });

  it('starts the pipeline on the configured schedule (disabled in dev, enabled in prod)', () => {
    expect(all(DEV, 'aws_scheduler_schedule')[0]).toMatchObject({ schedule_expression: 'cron(0 4 * * ? *)', schedule_expression_timezone: 'Europe/Dublin', state: 'DISABLED' });
    expect(all(PROD, 'aws_scheduler_schedule')[0]).toMatchObject({ schedule_expression: 'cron(0 3 * * ? *)', state: 'ENABLED', target: { input: '{}' } });
  });

  it('delivers the step-trainer IoT stream through Firehose into its landing folder as gzip NDJSON', () => {
    expect(all(DEV, 'aws_kinesis_firehose_delivery_stream')[0]).toMatchObject({
      name: 'stedi-dev-step-trainer-stream',
      destination: 'extended_s3',
      server_side_encryption: { enabled: true, key_type: 'CUSTOMER_MANAGED_CMK' },
      extended_s3_configuration: {
        bucket_arn: 'arn:aws:s3:::stedi-dev-landing-111111111111',
        prefix: 'step_trainer/!{timestamp:yyyy/MM/dd}/',
        error_output_prefix: '_errors/step_trainer/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/',
        compression_format: 'GZIP',
        file_extension: '.json.gz',
        buffering_interval: 60,
        buffering_size: 5,
      },
    });
    expect(all(DEV, 'aws_iot_topic_rule')[0]).toMatchObject({
      name: 'stedi_dev_step_trainer_to_firehose',
      sql: "SELECT * FROM 'stedi/dev/step_trainer'",
      sql_version: '2016-03-23',
      firehose: [{ delivery_stream_name: '${aws_kinesis_firehose_delivery_stream.ingestion_stream-step_trainer_86A1C669.name}', separator: '\n' }],
    });
  });

  it('announces failed and blocked runs on an encrypted topic; no dead-letter queue, since nothing invokes a pipeline Lambda asynchronously', () => {
    expect(all(DEV, 'aws_sns_topic')[0]).toMatchObject({ name: 'stedi-dev-pipeline-alerts', kms_master_key_id: '${aws_kms_key.key_F64E54E4.arn}' });
    expect(all(DEV, 'aws_sns_topic_subscription')[0]).toMatchObject({ protocol: 'email', endpoint: 'stedi-dev-alerts@example.com' });
    expect(all(DEV, 'aws_sqs_queue')).toEqual([]);
    for (const f of all(DEV, 'aws_lambda_function')) expect(f.dead_letter_config).toBeUndefined();
  });
});

describe('stacks/README.md, First apply', () => {
  it('names the Lambda concurrency quota each environment needs: its reservations plus the 100 Lambda keeps unreserved', () => {
    const readme = readFileSync(join(catalog.root, 'stacks', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## First apply'), readme.indexOf('**Why the lakehouse provider'));
    for (const stack of [DEV, PROD]) {
      const reserved = all(stack, 'aws_lambda_function').reduce((n, f) => n + Number(f.reserved_concurrent_executions), 0);
      const env = stack.split('-')[1];
      expect(section).toMatch(new RegExp(`\\*\\*${reserved + 100}\\*\\* in ${env}`));
    }
  });
});

describe('Lake Formation registration role', () => {
  it('trusts Lake Formation the way the Lake Formation guide documents, without aws:SourceAccount (a condition on a key Lake Formation does not send would fail every GetDataAccess)', () => {
    for (const stack of [DEV, PROD]) {
      const role = all(stack, 'aws_iam_role').find((r) => String(r.name).endsWith('-lake-registration'))!;
      expect(docOf(stack, role.assume_role_policy).Statement).toEqual([
        { Sid: 'AssumedBy', Effect: 'Allow', Action: ['sts:AssumeRole'], Principal: { Service: ['lakeformation.amazonaws.com'] } },
      ]);
    }
  });
});

describe('principals the stacks name but do not create', () => {
  /** The ARN each lookup of a stack stands for, with the message its postcondition gives. */
  const lookups = (stack: string) =>
    Object.values({ ...(synth.stack(stack).json.data?.aws_iam_roles ?? {}), ...(synth.stack(stack).json.data?.aws_iam_users ?? {}) }).map((d: any) => ({
      name: String(d.name_regex).replace(/^\^|\$$/g, '').replace(/\\(.)/g, '$1'),
      path: String(d.path_prefix),
      condition: d.lifecycle.postcondition[0].condition,
      message: d.lifecycle.postcondition[0].error_message,
    }));

  it('looks up each one while planning, so that a missing one stops the plan with its role, config file and field', () => {
    expect(lookups(DEV).find((l) => l.name === 'stedi-dev-website-export')).toEqual({
      name: 'stedi-dev-website-export',
      path: '/',
      condition: '${length(self.names) == 1}',
      message:
        'config/environments/dev.ts /principals/producers/0: IAM role arn:aws:iam::111111111111:role/stedi-dev-website-export does not exist in account 111111111111. Create it, or remove it from the config, before planning this stack.',
    });
    expect(lookups('stedi-dev-bootstrap').map((l) => l.message)).toEqual([
      'config/environments/dev.ts /deploy/operatorPrincipalArns/0: IAM role arn:aws:iam::111111111111:role/stedi-dev-operator does not exist in account 111111111111. Create it, or remove it from the config, before planning this stack.',
    ]);
  });

  it('every principal a trust policy, grant or data lake setting names is created by the environment\'s stacks or looked up', () => {
    for (const env of synth.environments) {
      const stacks = [`stedi-${env.name}-bootstrap`, `stedi-${env.name}-lakehouse`].map((n) => synth.stack(n));
      const account = env.account.id;
      const known = new Set<string>([`arn:aws:iam::${account}:root`]);
      for (const st of stacks) for (const r of resources(st, 'aws_iam_role')) known.add(`arn:aws:iam::${account}:role/${r.body.name}`);
      for (const st of stacks) for (const l of lookups(st.name)) known.add(`arn:aws:iam::${account}:role${l.path}${l.name}`);
      const named = new Set<string>();
      for (const st of stacks) {
        for (const r of resources(st, 'aws_iam_role')) {
          for (const s of policyOf(st, r.body.assume_role_policy).Statement) for (const p of (s.Principal as Record<string, string[]>).AWS ?? []) named.add(p);
        }
        for (const g of resources(st, 'aws_lakeformation_permissions')) named.add(String(g.body.principal));
        for (const x of resources(st, 'aws_lakeformation_data_lake_settings')) for (const p of [...((x.body.admins as string[]) ?? []), ...((x.body.read_only_admins as string[]) ?? [])]) named.add(p);
      }
      expect(named.size).toBeGreaterThan(8);
      expect([...named].filter((p) => !known.has(p))).toEqual([]);
    }
  });
});

describe('dev and prod', () => {
  it('share no bucket, role, key alias, database or principal', () => {
    const names = (stacks: string[], type: string, attr: string) => new Set(stacks.flatMap((s) => all(s, type).map((r) => String(r[attr]))));
    const devStacks = ['stedi-dev-bootstrap', DEV];
    const prodStacks = ['stedi-prod-bootstrap', PROD];
    for (const [type, attr] of [
      ['aws_s3_bucket', 'bucket'],
      ['aws_iam_role', 'name'],
      ['aws_kms_alias', 'name'],
      ['aws_glue_catalog_database', 'name'],
      ['aws_lambda_function', 'function_name'],
    ]) {
      const a = names(devStacks, type, attr);
      expect([...names(prodStacks, type, attr)].filter((x) => a.has(x))).toEqual([]);
    }
    const principals = (stacks: string[]) =>
      new Set(stacks.flatMap((s) => JSON.stringify(synth.stack(s).json).match(/arn:aws:iam::\d{12}:[a-z-]+\/[A-Za-z0-9+=,.@_/-]+/g) ?? []));
    const prodPrincipals = principals(prodStacks);
    expect([...principals(devStacks)].filter((p) => prodPrincipals.has(p))).toEqual([]);
  });
});
