import { Testing } from 'cdktf';
import { loadCatalog } from '../../src/catalog/registry';
import { loadGrantsPolicy } from '../../src/governance/grants-policy';
import type { JsonObject, TerraformJson } from '../../stacks/checks/terraform-json';
import { GovernanceConfigError } from '../../stacks/governance/lake-governance';
import { LAKE_GOVERNANCE_DEFAULTS } from '../../stacks/governance/lake-governance-props';
import { FAKE_ACCOUNTS, buildFakeEnvironment, roleArn, synthFakeEnvironment } from './fake-environment';

const catalog = loadCatalog();
const resources = (json: TerraformJson, type: string): [string, JsonObject][] => Object.entries(json.resource?.[type] ?? {});
const only = (json: TerraformJson, type: string): JsonObject => {
  const r = resources(json, type);
  expect(r).toHaveLength(1);
  return r[0][1];
};

describe('LakeGovernance', () => {
  const dev = synthFakeEnvironment('dev');

  it('lists every admin, the deploy role first, gives IAMAllowedPrincipals no default permissions, and lets external engines have full-table access', () => {
    expect(only(dev, 'aws_lakeformation_data_lake_settings')).toEqual({
      admins: [roleArn('dev', 'deploy'), roleArn('dev', 'platform-admin')],
      read_only_admins: [roleArn('dev', 'plan')],
      create_database_default_permissions: [],
      create_table_default_permissions: [],
      // Glue 5.0 full-table access and GetTemporaryGlueTableCredentials need it; filtering engines stay out.
      allow_full_table_external_data_access: true,
      allow_external_data_filtering: false,
    });
    expect(LAKE_GOVERNANCE_DEFAULTS.allowFullTableExternalDataAccess).toBe(true);
    const off = synthFakeEnvironment('dev', { props: (p) => ({ ...p, allowFullTableExternalDataAccess: false }) });
    expect(only(off, 'aws_lakeformation_data_lake_settings').allow_full_table_external_data_access).toBe(false);
  });

  it('makes the deploy role the only admin when no other admin is given (the documented default)', () => {
    expect(LAKE_GOVERNANCE_DEFAULTS.admins).toEqual([]);
    const json = synthFakeEnvironment('dev', { props: (p) => ({ ...p, admins: undefined }) });
    expect(only(json, 'aws_lakeformation_data_lake_settings').admins).toEqual([roleArn('dev', 'deploy')]);
  });

  it('registers each distinct zone location once with the custom role and hybrid access off; staging shares the trusted and curated buckets', () => {
    expect(resources(dev, 'aws_lakeformation_resource').map(([, r]) => r)).toEqual(
      ['curated', 'landing', 'trusted'].map((zone) => ({
        arn: `\${aws_s3_bucket.bucket-${zone}.arn}`,
        role_arn: '${aws_iam_role.lake-registration.arn}',
        use_service_linked_role: false,
        hybrid_access_enabled: false,
        depends_on: expect.any(Array),
      })),
    );
  });

  it('creates the zone, pii and staged_from LF-tags with their values', () => {
    expect(resources(dev, 'aws_lakeformation_lf_tag').map(([, r]) => [r.key, r.values])).toEqual([
      ['pii', ['no', 'yes']],
      ['staged_from', ['landing', 'trusted', 'curated']],
      ['zone', ['landing', 'trusted', 'curated', 'staging']],
    ]);
  });

  it('assigns tags with the singular resource only (the plural one removes tags it did not create, #36539)', () => {
    expect(resources(dev, 'aws_lakeformation_resource_lf_tags')).toEqual([]);
    expect(resources(dev, 'aws_lakeformation_resource_lf_tag').length).toBeGreaterThan(0);
    for (const [, r] of resources(dev, 'aws_lakeformation_resource_lf_tag')) expect(r.lf_tag as unknown[]).toHaveLength(1);
  });

  it('tags each zone database with its zone and pii=yes, each catalog table pii=no and its ddl PII columns pii=yes, each staging table with the zone it is the staged copy of', () => {
    const assignments = resources(dev, 'aws_lakeformation_resource_lf_tag').map(([, r]) => {
      const tag = (r.lf_tag as JsonObject[])[0];
      const key = String(tag.key).replace(/^\$\{aws_lakeformation_lf_tag\.governance_tag-(\w+)_\w+\.key\}$/, '$1');
      const target = r.database
        ? `db ${(r.database as JsonObject[])[0].name}`
        : r.table
          ? `table ${(r.table as JsonObject[])[0].database_name}.${(r.table as JsonObject[])[0].name}`
          : `columns ${(r.table_with_columns as JsonObject[])[0].database_name}.${(r.table_with_columns as JsonObject[])[0].name}: ${((r.table_with_columns as JsonObject[])[0].column_names as string[]).join(',')}`;
      return `${target} ${key}=${tag.value}`;
    });
    const expected: string[] = [];
    for (const zone of ['landing', 'trusted', 'curated', 'staging']) expected.push(`db stedi_dev_${zone} zone=${zone}`, `db stedi_dev_${zone} pii=yes`);
    const tables = [...catalog.tables.values()].map((t) => ({ zone: t.zone as string, t }));
    for (const t of catalog.tables.values()) tables.push({ zone: 'staging', t });
    for (const { zone, t } of tables) {
      expected.push(`table stedi_dev_${zone}.${t.name} pii=no`);
      const pii = t.columns.filter((c) => c.pii).map((c) => c.name.toLowerCase());
      if (pii.length) expected.push(`columns stedi_dev_${zone}.${t.name}: ${pii.join(',')} pii=yes`);
      if (zone === 'staging') expected.push(`table stedi_dev_staging.${t.name} staged=${t.zone}`);
    }
    expect(assignments.sort()).toEqual(expected.sort());
  });

  it('leaves databases without a pii tag when unclassified tables are not to be treated as PII', () => {
    expect(LAKE_GOVERNANCE_DEFAULTS.unclassifiedTablesArePii).toBe(true);
    const json = synthFakeEnvironment('dev', { props: (p) => ({ ...p, unclassifiedTablesArePii: false }) });
    const dbTags = resources(json, 'aws_lakeformation_resource_lf_tag').filter(([, r]) => r.database);
    expect(dbTags.map(([, r]) => (r.lf_tag as JsonObject[])[0].value).sort()).toEqual(['curated', 'landing', 'staging', 'trusted']);
  });

  it('writes permissions_with_grant_option on every grant: empty unless the policy says grantable', () => {
    for (const [, g] of resources(dev, 'aws_lakeformation_permissions')) expect(g.permissions_with_grant_option).toEqual([]);
    const policy = JSON.parse(JSON.stringify(loadGrantsPolicy('dev')));
    policy.personas.gate.tables[0].grantable = true;
    const json = synthFakeEnvironment('dev', { policy });
    const gate = resources(json, 'aws_lakeformation_permissions').find(([name]) => name.includes('grant-gate-tables-curated'))![1];
    expect([gate.permissions, gate.permissions_with_grant_option]).toEqual([['DESCRIBE', 'SELECT'], ['DESCRIBE', 'SELECT']]);
  });

  it('applies everything in one chain: each grant depends on the one before, the first on the last registration', () => {
    const app = Testing.app();
    const { stack, governance } = buildFakeEnvironment(app, 'dev');
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    const address = (r: { terraformResourceType: string; friendlyUniqueId: string }) => `${r.terraformResourceType}.${r.friendlyUniqueId}`;
    const chain = [
      governance.settings,
      governance.zoneTag,
      governance.piiTag,
      governance.stagedTag,
      ...governance.tagAssignments,
      ...governance.registrations.values(),
      ...governance.grants.values(),
    ].map(address);
    const dependsOn = (a: string) => {
      const [type, name] = a.split('.');
      return (json.resource![type][name].depends_on as string[] | undefined) ?? [];
    };
    expect(dependsOn(chain[0])).toEqual([]);
    for (let i = 1; i < chain.length; i++) expect(dependsOn(chain[i])).toContain(chain[i - 1]);
    expect(address(governance.done as never)).toBe(chain[chain.length - 1]);
  });

  it('grants data location access once per location, named by the zones it serves', () => {
    const app = Testing.app();
    const { governance } = buildFakeEnvironment(app, 'dev');
    expect([...governance.grants.keys()].filter((k) => k.includes('-location-'))).toEqual([
      'ingestion-location-landing-stedi-dev-producer',
      'ingestion-location-landing-stedi-dev-delivery',
      // Staging has two locations (the trusted and the curated bucket): told apart by number.
      'gate-location-staging',
      'gate-location-staging-2',
      'publish-location-trusted',
      'publish-location-curated',
    ]);
  });

  it('registers a location inside another once (staging under curated/staging) and makes its grant wait for the covering registration', () => {
    const app = Testing.app();
    const { stack, governance } = buildFakeEnvironment(app, 'dev', {
      props: (p) => ({ ...p, zoneLocations: { ...p.zoneLocations, staging: { bucket: (p.zoneLocations.curated as { bucket: { arn: string } }).bucket, prefix: 'staging/' } } }),
    });
    const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
    expect([...governance.registrations.keys()]).toHaveLength(3);
    const curated = [...governance.registrations.values()][2];
    const staging = governance.grants.get('gate-location-staging')!;
    const grant = json.resource!.aws_lakeformation_permissions[staging.friendlyUniqueId];
    expect(grant.data_location).toEqual({ arn: '${aws_s3_bucket.bucket-curated.arn}/staging' });
    expect(grant.depends_on).toContain(`aws_lakeformation_resource.${curated.friendlyUniqueId}`);
  });

  it('gives every principal of a persona the same grants, told apart by role name', () => {
    const app = Testing.app();
    const { governance } = buildFakeEnvironment(app, 'dev');
    expect([...governance.grants.keys()].filter((k) => k.startsWith('ingestion-'))).toEqual([
      'ingestion-databases-stedi-dev-producer',
      'ingestion-databases-stedi-dev-delivery',
      'ingestion-tables-landing-stedi-dev-producer',
      'ingestion-tables-landing-stedi-dev-delivery',
      'ingestion-location-landing-stedi-dev-producer',
      'ingestion-location-landing-stedi-dev-delivery',
    ]);
  });
});

describe('LakeGovernance refuses props that would break an invariant', () => {
  const attempt = (change: Parameters<typeof synthFakeEnvironment>[1]) => () => synthFakeEnvironment('dev', change);

  it('a persona that is also an admin (admins get no explicit grants, #35160)', () => {
    expect(attempt({ props: (p) => ({ ...p, personas: { ...p.personas, analyst: roleArn('dev', 'platform-admin') } }) })).toThrow(
      `personas.analyst: ${roleArn('dev', 'platform-admin')} is a data lake admin; admins hold every permission implicitly and must get no explicit grants (revoking them fails, terraform-provider-aws#35160). Give the analyst persona a role of its own.`,
    );
  });

  it("a principal of another environment's account", () => {
    const prodRole = `arn:aws:iam::${FAKE_ACCOUNTS.prod}:role/stedi-prod-ml`;
    expect(attempt({ props: (p) => ({ ...p, personas: { ...p.personas, ml: prodRole } }) })).toThrow(
      `personas.ml: "${prodRole}" belongs to account ${FAKE_ACCOUNTS.prod}, not this environment's ${FAKE_ACCOUNTS.dev}`,
    );
    expect(attempt({ props: (p) => ({ ...p, admins: [prodRole] }) })).toThrow(`admins[0]: "${prodRole}" belongs to account ${FAKE_ACCOUNTS.prod}`);
  });

  it('two personas sharing one role', () => {
    expect(attempt({ props: (p) => ({ ...p, personas: { ...p.personas, ml: p.personas.gate } }) })).toThrow(
      `personas.ml[0]: ${roleArn('dev', 'gate')} is also the gate persona; each persona needs its own role, or one would hold the other's access`,
    );
  });

  it('a staged_from tag on a table outside staging (only staging tables are staged copies)', () => {
    expect(attempt({ props: (p) => ({ ...p, tables: p.tables.map((t) => (t.zone === 'trusted' && t.name === 'customer_trusted' ? { ...t, stagedFrom: 'landing' as const } : t)) }) })).toThrow(
      /tables\[\d+\] \(customer_trusted\): stagedFrom "landing" on a trusted table; only staging tables are staged copies/,
    );
  });

  it('IAMAllowedPrincipals as a persona', () => {
    expect(attempt({ props: (p) => ({ ...p, personas: { ...p.personas, auditor: 'IAM_ALLOWED_PRINCIPALS' } }) })).toThrow(
      "personas.auditor: IAMAllowedPrincipals hands access back to IAM; name the persona's role",
    );
  });

  it("another environment's policy", () => {
    expect(attempt({ policy: loadGrantsPolicy('prod') })).toThrow('policy: is the prod policy, but the environment is dev');
    expect(attempt({ policy: loadGrantsPolicy('prod') })).toThrow(GovernanceConfigError);
  });
});
