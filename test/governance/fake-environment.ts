// A minimal stand-in for an environment stack: provider, zone buckets, Glue databases and tables
// from ddl/, IAM roles, and LakeGovernance, so governance tests synthesize real Terraform.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { GlueCatalogDatabase } from '@cdktf/provider-aws/lib/glue-catalog-database';
import { GlueCatalogTable } from '@cdktf/provider-aws/lib/glue-catalog-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { loadCatalog } from '../../src/catalog/registry';
import { loadGrantsPolicy, type GrantsPolicy } from '../../src/governance/grants-policy';
import type { TerraformJson } from '../../stacks/checks/terraform-json';
import { GOVERNED_ZONES, PERSONAS, type GovernedZone, type Persona } from '../../src/governance/vocabulary';
import { LakeGovernance } from '../../stacks/governance/lake-governance';
import type { LakeGovernanceProps } from '../../stacks/governance/lake-governance-props';
import { governedTablesFromCatalog } from '../../stacks/governance/governed-tables';

export type FakeEnv = 'dev' | 'prod';
export const FAKE_ACCOUNTS: Record<FakeEnv, string> = { dev: '111111111111', prod: '222222222222' };

export const roleArn = (env: FakeEnv, name: string) => `arn:aws:iam::${FAKE_ACCOUNTS[env]}:role/stedi-${env}-${name}`;

/**
 * The persona principals of a fake environment, as the environment config would list them:
 * ingestion has two writer roles (batch producers and the stream's delivery role); the transform
 * role is created in the stack, so in the synthesized Terraform its ARN is a reference.
 */
export function fakePersonas(env: FakeEnv): Record<Persona, string[]> {
  const out = Object.fromEntries(PERSONAS.map((p) => [p, [roleArn(env, p)]])) as Record<Persona, string[]>;
  out.ingestion = [roleArn(env, 'producer'), roleArn(env, 'delivery')];
  return out;
}

export interface FakeStackOptions {
  readonly policy?: GrantsPolicy;
  /** Changes to the props after the defaults are built. */
  readonly props?: (props: LakeGovernanceProps) => LakeGovernanceProps;
}

const catalog = loadCatalog();

export function buildFakeEnvironment(scope: Construct, env: FakeEnv, options: FakeStackOptions = {}): { stack: TerraformStack; governance: LakeGovernance } {
  const stack = new TerraformStack(scope, `stedi-${env}`);
  new AwsProvider(stack, 'aws', { region: 'eu-west-1', allowedAccountIds: [FAKE_ACCOUNTS[env]] });
  const bucket = (zone: string) => new S3Bucket(stack, `bucket-${zone}`, { bucket: `stedi-${env}-${zone}-${FAKE_ACCOUNTS[env]}` });
  const buckets = { landing: bucket('landing'), trusted: bucket('trusted'), curated: bucket('curated') };
  // Like the real lakehouse: staged copies of every table live in the trusted and curated buckets
  // (landing copies under validated/ of the trusted bucket), so staging has two locations.
  const locations: LakeGovernanceProps['zoneLocations'] = {
    landing: { bucket: buckets.landing },
    trusted: { bucket: buckets.trusted },
    curated: { bucket: buckets.curated },
    staging: [{ bucket: buckets.trusted }, { bucket: buckets.curated }],
  };
  const databases = Object.fromEntries(
    GOVERNED_ZONES.map((z) => [z, new GlueCatalogDatabase(stack, `db-${z}`, { name: `stedi_${env}_${z}` })]),
  ) as Record<GovernedZone, GlueCatalogDatabase>;
  const tables = governedTablesFromCatalog(catalog, { stagedZones: ['landing', 'trusted', 'curated'] }).map((t) => {
    const def = catalog.tables.get(t.name)!;
    const bucketOf = t.zone === 'staging' ? (def.zone === 'curated' ? buckets.curated : buckets.trusted) : buckets[t.zone];
    const prefix = t.zone === 'staging' && def.zone === 'landing' ? 'validated/' : '';
    const resource = new GlueCatalogTable(stack, `table-${t.zone}-${t.name}`, {
      databaseName: databases[t.zone].name,
      name: t.name,
      tableType: 'EXTERNAL_TABLE',
      storageDescriptor: {
        location: `s3://${bucketOf.bucket}/${prefix}${t.name}/`,
        // Glue keeps column names in lower case (stacks/catalog writes them so).
        columns: def.columns.map((c) => ({ name: c.name.toLowerCase(), type: c.type.toLowerCase(), comment: c.comment })),
      },
    });
    return { ...t, resource };
  });
  const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lakeformation.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const registration = new IamRole(stack, 'lake-registration', { name: `stedi-${env}-lake-registration`, assumeRolePolicy: trust });
  const transform = new IamRole(stack, 'transform', { name: `stedi-${env}-transform`, assumeRolePolicy: trust });
  let props: LakeGovernanceProps = {
    environment: env,
    accountId: FAKE_ACCOUNTS[env],
    databases: Object.fromEntries(GOVERNED_ZONES.map((z) => [z, { name: `stedi_${env}_${z}`, resource: databases[z] }])) as unknown as LakeGovernanceProps['databases'],
    tables,
    zoneLocations: locations,
    registrationRoleArn: registration.arn,
    deployRoleArn: roleArn(env, 'deploy'),
    admins: [roleArn(env, 'platform-admin')],
    readOnlyAdmins: [roleArn(env, 'plan')],
    personas: { ...fakePersonas(env), transform: transform.arn },
    policy: options.policy ?? loadGrantsPolicy(env),
  };
  if (options.props) props = options.props(props);
  const governance = new LakeGovernance(stack, 'governance', props);
  return { stack, governance };
}

/** Synthesizes a fake environment in memory (Testing.synth: no files). */
export function synthFakeEnvironment(env: FakeEnv, options: FakeStackOptions = {}): TerraformJson {
  const app = Testing.app();
  const { stack } = buildFakeEnvironment(app, env, options);
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** Synthesizes both fake environments into a cdktf.out-like folder, as `npm run synth` would. */
export function synthFakeApp(options: Partial<Record<FakeEnv, FakeStackOptions>> = {}, outdir = mkdtempSync(join(tmpdir(), 'stedi-grants-'))): string {
  const app = new App({ outdir, skipValidation: true });
  for (const env of ['dev', 'prod'] as const) buildFakeEnvironment(app, env, options[env] ?? {});
  app.synth();
  return outdir;
}

export function readStack(outdir: string, env: FakeEnv): TerraformJson {
  return JSON.parse(readFileSync(join(outdir, 'stacks', `stedi-${env}`, 'cdk.tf.json'), 'utf8')) as TerraformJson;
}
