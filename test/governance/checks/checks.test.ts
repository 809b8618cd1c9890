import {
  DatabasesCreatedAfterSettings,
  EveryZoneLocationRegistered,
  GOVERNANCE_CHECKS,
  GranteesArePersonas,
  GrantsAppliedInOrder,
  GrantsByTagExpressionOnly,
  LakeAdminsListed,
  LandingReadOnlyByPipeline,
  LandingWrittenOnlyByIngestion,
  LocationsRegisteredWithCustomRole,
  NoExplicitGrantsToAdmins,
  NoGrantableOutsideAdmins,
  NoIamAllowedPrincipals,
  NoPiiForAnalystsOrMl,
  NoPrincipalOfOtherEnvironment,
  PiiColumnsTagged,
  SingularTagAssignments,
  WorkloadsHoldOnlyTheirWork,
  governanceSummary,
  runGovernanceCheck,
  runGovernanceChecks,
  type CheckContext,
  type GovernanceCheck,
} from '../../../stacks/checks/governance-checks';
import { describeViolations, type CheckOutcome } from '../../../stacks/checks/check';
import { who } from '../../../stacks/checks/governance/governance-check';
import { computeEffectiveAccess } from '../../../src/governance/effective-access';
import { buildLakeFormationModel } from '../../../src/governance/lake-formation-model';
import type { JsonObject, TerraformJson } from '../../../stacks/checks/terraform-json';
import { Testing } from 'cdktf';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FAKE_ACCOUNTS, buildFakeEnvironment, roleArn, synthFakeEnvironment } from '../fake-environment';
import { fakeContext } from './fake-context';

const base = synthFakeEnvironment('dev');
const context = fakeContext('dev');
const ACCOUNT = FAKE_ACCOUNTS.dev;
const SETTINGS = `aws_lakeformation_data_lake_settings.${Object.keys(base.resource!.aws_lakeformation_data_lake_settings)[0]}`;

/** A copy of the compliant dev stack, changed by `change`. */
function changed(change: (r: Record<string, Record<string, JsonObject>>) => void): TerraformJson {
  const json = JSON.parse(JSON.stringify(base)) as TerraformJson;
  change(json.resource as Record<string, Record<string, JsonObject>>);
  return json;
}
/** The resource whose name contains `part` (names carry a hash suffix). */
function named(r: Record<string, Record<string, JsonObject>>, type: string, part: string): JsonObject {
  const hits = Object.entries(r[type]).filter(([n]) => n.includes(part));
  expect(hits).toHaveLength(1);
  return hits[0][1];
}
const nameOf = (json: TerraformJson, type: string, part: string) => `${type}.${Object.keys(json.resource![type]).find((n) => n.includes(part))}`;
const run = (check: GovernanceCheck, json: TerraformJson, ctx: CheckContext = context): CheckOutcome => {
  const model = buildLakeFormationModel(json, 'stedi-dev');
  return runGovernanceCheck(check, { model, access: computeEffectiveAccess(model) }, ctx);
};
const details = (o: CheckOutcome) => o.findings.map((f) => `${f.resource}: ${f.detail}`);
const grantTo = (principal: string, rest: JsonObject): JsonObject => ({ principal, permissions_with_grant_option: [], ...rest });

describe('the pack', () => {
  it('each check is named after its file, once, and says where it comes from, why it matters and how to fix it', () => {
    const files = readdirSync(join(__dirname, '../../../stacks/checks/governance')).map((f) => f.replace(/\.ts$/, '').split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(''));
    for (const c of GOVERNANCE_CHECKS) {
      expect([c.id, files.includes(c.id), c.source.length > 5, c.reason.length > 20, c.remedy.length > 20]).toEqual([c.id, true, true, true, true]);
    }
    expect(new Set(GOVERNANCE_CHECKS.map((c) => c.id)).size).toBe(18);
  });
});

describe('what the pack prints', () => {
  it('a principal by its persona, as an admin, or bare when the environment does not know it', () => {
    expect([who(context, roleArn('dev', 'analyst')), who(context, roleArn('dev', 'platform-admin')), who(context, 'arn:aws:iam::333333333333:role/stranger')]).toEqual([
      `analyst ${roleArn('dev', 'analyst')}`,
      `admin ${roleArn('dev', 'platform-admin')}`,
      'arn:aws:iam::333333333333:role/stranger',
    ]);
  });
  it('the summary line counts every outcome of every stack and names the pack', () => {
    const outcome = (check: string, status: CheckOutcome['status']): CheckOutcome => ({ check, status, findings: [] });
    const result = { outcomes: [{ stack: 'stedi-dev', outcomes: [outcome('A', 'compliant'), outcome('B', 'non-compliant')] }, { stack: 'stedi-prod', outcomes: [outcome('A', 'not-applicable')] }], violations: 1, message: '' };
    expect(governanceSummary(result)).toBe('governance checks: 1 compliant, 1 non-compliant, 1 not applicable in 2 stacks (stacks/checks/governance-checks.ts)');
  });
});

describe('every check is compliant on the fake dev stack', () => {
  for (const check of GOVERNANCE_CHECKS) {
    it(`${check.id}`, () => expect(run(check, base)).toEqual({ check: check.id, status: 'compliant', findings: [] }));
  }
});

describe('LakeAdminsListed: the settings list every admin, the deploy role included', () => {
  it('non-compliance 1: the deploy role is missing', () => {
    const json = changed((r) => (Object.values(r.aws_lakeformation_data_lake_settings)[0].admins = [roleArn('dev', 'platform-admin')]));
    expect(details(run(LakeAdminsListed, json))).toEqual([`${SETTINGS}: does not list the deploy role ${roleArn('dev', 'deploy')}`]);
  });
  it('non-compliance 2: an admin the environment does not declare', () => {
    const json = changed((r) => (Object.values(r.aws_lakeformation_data_lake_settings)[0].admins as string[]).push(roleArn('dev', 'intern')));
    expect(details(run(LakeAdminsListed, json))).toEqual([`${SETTINGS}: lists ${roleArn('dev', 'intern')}, which the environment does not declare as an admin`]);
  });
  it('non-compliance 3: no settings resource, or two', () => {
    expect(details(run(LakeAdminsListed, changed((r) => delete (r as Record<string, unknown>).aws_lakeformation_data_lake_settings)))).toEqual([
      'stedi-dev: has 0 aws_lakeformation_data_lake_settings resources; exactly one owns the account\'s settings',
    ]);
    const two = changed((r) => (r.aws_lakeformation_data_lake_settings.other = { ...Object.values(r.aws_lakeformation_data_lake_settings)[0] }));
    expect(details(run(LakeAdminsListed, two))[0]).toBe("stedi-dev: has 2 aws_lakeformation_data_lake_settings resources; exactly one owns the account's settings");
  });
  it('non-compliance 4: a declared admin or read-only admin missing, an undeclared read-only admin listed', () => {
    const settings = (r: Record<string, Record<string, JsonObject>>) => Object.values(r.aws_lakeformation_data_lake_settings)[0];
    const withAdmins = { ...context, admins: [...context.admins, roleArn('dev', 'break-glass')] };
    expect(details(run(LakeAdminsListed, base, withAdmins))).toEqual([`${SETTINGS}: does not list the admin ${roleArn('dev', 'break-glass')}`]);
    const noReadOnly = changed((r) => (settings(r).read_only_admins = [roleArn('dev', 'auditor-tool')]));
    expect(details(run(LakeAdminsListed, noReadOnly))).toEqual([
      `${SETTINGS}: does not list the read-only admin ${roleArn('dev', 'plan')}`,
      `${SETTINGS}: lists ${roleArn('dev', 'auditor-tool')} as read-only admin, which the environment does not declare`,
    ]);
  });
});

describe('NoIamAllowedPrincipals: IAMAllowedPrincipals gets nothing', () => {
  const settings = SETTINGS;
  it('non-compliance 1: default table permissions for IAM_ALLOWED_PRINCIPALS', () => {
    const json = changed((r) => (Object.values(r.aws_lakeformation_data_lake_settings)[0].create_table_default_permissions = [{ principal: 'IAM_ALLOWED_PRINCIPALS', permissions: ['ALL'] }]));
    expect(details(run(NoIamAllowedPrincipals, json))).toEqual([`${settings}: create_table_default_permissions gives IAM_ALLOWED_PRINCIPALS ALL`]);
  });
  it('non-compliance 2: default database permissions left unset (the provider would keep what is there)', () => {
    const json = changed((r) => delete Object.values(r.aws_lakeformation_data_lake_settings)[0].create_database_default_permissions);
    expect(details(run(NoIamAllowedPrincipals, json))).toEqual([`${settings}: create_database_default_permissions is not set; set it to [] so no default permissions remain`]);
  });
  it('non-compliance 3: a grant to IAM_ALLOWED_PRINCIPALS', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.open = grantTo('IAM_ALLOWED_PRINCIPALS', { permissions: ['ALL'], database: { name: 'stedi_dev_landing' } })));
    expect(details(run(NoIamAllowedPrincipals, json))).toEqual(['aws_lakeformation_permissions.open: grants ALL to IAM_ALLOWED_PRINCIPALS']);
  });
  it('non-compliance 4: IAM_ALLOWED_PRINCIPALS made an admin or a read-only admin', () => {
    const json = changed((r) => (Object.values(r.aws_lakeformation_data_lake_settings)[0].read_only_admins = ['IAM_ALLOWED_PRINCIPALS']));
    expect(details(run(NoIamAllowedPrincipals, json))).toEqual([`${SETTINGS}: makes IAM_ALLOWED_PRINCIPALS an admin`]);
  });
});

describe('NoExplicitGrantsToAdmins: admins and the deploy role receive no explicit grants', () => {
  it('non-compliance 1: a grant to the deploy role', () => {
    const json = changed((r) => (named(r, 'aws_lakeformation_permissions', 'grant-auditor-databases').principal = roleArn('dev', 'deploy')));
    expect(details(run(NoExplicitGrantsToAdmins, json))).toEqual([`${nameOf(json, 'aws_lakeformation_permissions', 'grant-auditor-databases')}: grants DESCRIBE to the admin ${roleArn('dev', 'deploy')}`]);
  });
  it('non-compliance 2: a grant to another admin', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.extra = grantTo(roleArn('dev', 'platform-admin'), { permissions: ['SELECT'], table: { database_name: 'stedi_dev_trusted', wildcard: true } })));
    expect(details(run(NoExplicitGrantsToAdmins, json))).toEqual([`aws_lakeformation_permissions.extra: grants SELECT to the admin ${roleArn('dev', 'platform-admin')}`]);
  });
  it('non-compliance 3: a grant to an admin only the settings list, or to a read-only admin', () => {
    const extra = roleArn('dev', 'break-glass');
    const json = changed((r) => {
      (Object.values(r.aws_lakeformation_data_lake_settings)[0].admins as string[]).push(extra);
      r.aws_lakeformation_permissions.extra = grantTo(extra, { permissions: ['DESCRIBE'], database: { name: 'stedi_dev_trusted' } });
      r.aws_lakeformation_permissions.plan = grantTo(roleArn('dev', 'plan'), { permissions: ['DESCRIBE'], database: { name: 'stedi_dev_curated' } });
    });
    expect(details(run(NoExplicitGrantsToAdmins, json))).toEqual([
      `aws_lakeformation_permissions.extra: grants DESCRIBE to the admin ${extra}`,
      `aws_lakeformation_permissions.plan: grants DESCRIBE to the admin ${roleArn('dev', 'plan')}`,
    ]);
  });
});

describe('NoGrantableOutsideAdmins: nobody outside the admins can pass access on', () => {
  it('non-compliance 1: analysts may grant SELECT', () => {
    const json = changed((r) => (named(r, 'aws_lakeformation_permissions', 'grant-analyst-tables-trusted').permissions_with_grant_option = ['SELECT']));
    expect(details(run(NoGrantableOutsideAdmins, json))).toEqual([
      `analyst ${roleArn('dev', 'analyst')}: may grant SELECT to others (${nameOf(json, 'aws_lakeformation_permissions', 'grant-analyst-tables-trusted')})`,
    ]);
  });
  it('an admin only the settings list may hold a grant option', () => {
    const extra = roleArn('dev', 'break-glass');
    const json = changed((r) => {
      (Object.values(r.aws_lakeformation_data_lake_settings)[0].admins as string[]).push(extra);
      r.aws_lakeformation_permissions.extra = grantTo(extra, { permissions: ['DESCRIBE'], permissions_with_grant_option: ['DESCRIBE'], database: { name: 'stedi_dev_trusted' } });
    });
    expect(run(NoGrantableOutsideAdmins, json).status).toBe('compliant');
  });
});

describe('LocationsRegisteredWithCustomRole: custom role, hybrid access off', () => {
  const landing = (json: TerraformJson) => nameOf(json, 'aws_lakeformation_resource', 'location-landing');
  it('non-compliance 1: no role_arn (the service-linked role is used)', () => {
    const json = changed((r) => delete named(r, 'aws_lakeformation_resource', 'location-landing').role_arn);
    expect(details(run(LocationsRegisteredWithCustomRole, json))).toEqual([
      `${landing(json)}: registers arn:aws:s3:::stedi-dev-landing-${ACCOUNT} without role_arn, so Lake Formation uses its service-linked role`,
    ]);
  });
  it('non-compliance 2: the service-linked role named as role_arn, and use_service_linked_role true', () => {
    const slr = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/lakeformation.amazonaws.com/AWSServiceRoleForLakeFormationDataAccess`;
    const json = changed((r) => Object.assign(named(r, 'aws_lakeformation_resource', 'location-landing'), { role_arn: slr, use_service_linked_role: true }));
    expect(details(run(LocationsRegisteredWithCustomRole, json))).toEqual([
      `${landing(json)}: registers arn:aws:s3:::stedi-dev-landing-${ACCOUNT} with the service-linked role ${slr}`,
      `${landing(json)}: use_service_linked_role is true; it must be false`,
    ]);
  });
  it('non-compliance 3: hybrid access on, or left to the default', () => {
    const on = changed((r) => (named(r, 'aws_lakeformation_resource', 'location-landing').hybrid_access_enabled = true));
    expect(details(run(LocationsRegisteredWithCustomRole, on))).toEqual([`${landing(on)}: hybrid_access_enabled is true; it must be false`]);
    const unset = changed((r) => delete named(r, 'aws_lakeformation_resource', 'location-landing').hybrid_access_enabled);
    expect(details(run(LocationsRegisteredWithCustomRole, unset))).toEqual([`${landing(unset)}: hybrid_access_enabled is not set; it must be false`]);
  });
  it('is not applicable to a stack that registers nothing', () => {
    expect(run(LocationsRegisteredWithCustomRole, changed((r) => delete (r as Record<string, unknown>).aws_lakeformation_resource)).status).toBe('not-applicable');
  });
  it('non-compliance 4: use_service_linked_role and hybrid_access_enabled left unset', () => {
    const json = changed((r) => {
      const l = named(r, 'aws_lakeformation_resource', 'location-landing');
      delete l.use_service_linked_role;
      delete l.hybrid_access_enabled;
    });
    expect(details(run(LocationsRegisteredWithCustomRole, json))).toEqual([
      `${landing(json)}: use_service_linked_role is not set; it must be false`,
      `${landing(json)}: hybrid_access_enabled is not set; it must be false`,
    ]);
  });
});

describe('EveryZoneLocationRegistered: every zone and table location is registered', () => {
  it('non-compliance 1: the landing registration is gone', () => {
    const json = changed((r) => {
      const name = Object.keys(r.aws_lakeformation_resource).find((n) => n.includes('location-landing'))!;
      delete r.aws_lakeformation_resource[name];
    });
    const found = details(run(EveryZoneLocationRegistered, json));
    expect(found.slice(0, 2)).toEqual([
      `zone landing: location arn:aws:s3:::stedi-dev-landing-${ACCOUNT} is not registered`,
      `aws_glue_catalog_table.table-landing-accelerometer_landing: table stedi_dev_landing.accelerometer_landing lives at s3://stedi-dev-landing-${ACCOUNT}/accelerometer_landing/, outside every registered location`,
    ]);
    expect(found).toHaveLength(1 + 3 + 2); // the zone, its three tables, the location grants of both ingestion roles
    expect(found[5]).toBe(`${nameOf(json, 'aws_lakeformation_permissions', 'grant-ingestion-location-landing-stedi-dev-producer')}: grants data location access on arn:aws:s3:::stedi-dev-landing-${ACCOUNT}, which is not registered`);
  });
  it('non-compliance 2: a table outside every zone location', () => {
    const json = changed((r) => ((r.aws_glue_catalog_table['table-trusted-customer_trusted'].storage_descriptor as JsonObject).location = 's3://scratch-bucket/customer_trusted/'));
    expect(details(run(EveryZoneLocationRegistered, json))).toEqual([
      'aws_glue_catalog_table.table-trusted-customer_trusted: table stedi_dev_trusted.customer_trusted lives at s3://scratch-bucket/customer_trusted/, outside every registered location',
    ]);
  });
  it('non-compliance 3: a stack without its governance record cannot say where its zones are', () => {
    const json = JSON.parse(JSON.stringify(base)) as TerraformJson;
    delete (json.locals as Record<string, unknown>).stedi_lake_governance;
    expect(details(run(EveryZoneLocationRegistered, json))).toEqual(['stedi-dev: has no governance record (local stedi_lake_governance), so its zone locations are unknown; is LakeGovernance in this stack?']);
  });
});

describe('PiiColumnsTagged: every PII column of ddl/ carries pii=yes', () => {
  it('non-compliance 1: the PII columns of customer_trusted lost their tag', () => {
    const json = changed((r) => {
      const name = Object.keys(r.aws_lakeformation_resource_lf_tag).find((n) => n.includes('pii-trusted-customer_trusted'))!;
      delete r.aws_lakeformation_resource_lf_tag[name];
    });
    expect(details(run(PiiColumnsTagged, json))).toEqual(
      ['customername', 'email', 'phone', 'birthday'].map((c) => `stedi_dev_trusted.customer_trusted.${c}: is PII in ddl/trusted/customer_trusted.sql but its effective pii tag is no`),
    );
  });
  it('is not applicable without the catalog', () => {
    expect(run(PiiColumnsTagged, base, { ...context, catalog: undefined }).status).toBe('not-applicable');
  });
});

describe('NoPiiForAnalystsOrMl: analysts and ML reach no PII column', () => {
  it('non-compliance 1: the analyst tag expression admits pii=yes', () => {
    const json = changed((r) => {
      const g = named(r, 'aws_lakeformation_permissions', 'grant-analyst-tables-trusted');
      ((g.lf_tag_policy as JsonObject).expression as JsonObject[])[1].values = ['no', 'yes'];
    });
    const analyst = `analyst ${roleArn('dev', 'analyst')}`;
    expect(details(run(NoPiiForAnalystsOrMl, json))).toEqual([
      `${analyst}: DESCRIBE, SELECT on PII column stedi_dev_trusted.accelerometer_trusted.user (trusted)`,
      ...['customername', 'email', 'phone', 'birthday'].map((c) => `${analyst}: DESCRIBE, SELECT on PII column stedi_dev_trusted.customer_trusted.${c} (trusted)`),
      ...['customername', 'email', 'phone', 'birthday'].map((c) => `${analyst}: DESCRIBE, SELECT on PII column stedi_dev_curated.customer_curated.${c} (curated)`),
      `${analyst}: DESCRIBE, SELECT on PII column stedi_dev_curated.machine_learning_curated.user (curated)`,
    ]);
  });
  it('non-compliance 2: a named column grant to the ML role', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.email = grantTo(roleArn('dev', 'ml'), { permissions: ['SELECT'], table_with_columns: { database_name: 'stedi_dev_curated', name: 'customer_curated', column_names: ['email'] } })));
    expect(details(run(NoPiiForAnalystsOrMl, json))).toEqual([`ml ${roleArn('dev', 'ml')}: SELECT on PII column stedi_dev_curated.customer_curated.email (curated)`]);
  });
  // Issue 19: the check could stop at a persona's first principal unnoticed.
  it('non-compliance 3: a PII grant to a persona\'s second principal', () => {
    const second = roleArn('dev', 'ml-batch');
    const ctx: CheckContext = { ...context, personas: { ...context.personas, ml: [...context.personas.ml, second] } };
    const json = changed((r) => (r.aws_lakeformation_permissions.email = grantTo(second, { permissions: ['SELECT'], table_with_columns: { database_name: 'stedi_dev_curated', name: 'customer_curated', column_names: ['email', 'phone'] } })));
    expect(details(run(NoPiiForAnalystsOrMl, json, ctx))).toEqual([
      `ml ${second}: SELECT on PII column stedi_dev_curated.customer_curated.email (curated)`,
      `ml ${second}: SELECT on PII column stedi_dev_curated.customer_curated.phone (curated)`,
    ]);
  });
  it('a grant of non-PII columns to analysts or ML is no finding', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.serial = grantTo(roleArn('dev', 'analyst'), { permissions: ['SELECT'], table_with_columns: { database_name: 'stedi_dev_curated', name: 'customer_curated', column_names: ['serialnumber'] } })));
    expect(run(NoPiiForAnalystsOrMl, json)).toEqual({ check: 'NoPiiForAnalystsOrMl', status: 'compliant', findings: [] });
  });
  it('PII granted to a persona allowed to read it (the gate) is no finding here', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.email = grantTo(context.personas.gate[0], { permissions: ['SELECT'], table_with_columns: { database_name: 'stedi_dev_curated', name: 'customer_curated', column_names: ['email'] } })));
    expect(run(NoPiiForAnalystsOrMl, json).status).toBe('compliant');
  });
});

describe('GrantsByTagExpressionOnly: no grant names a database, table or column', () => {
  it('non-compliance 1: a named table grant', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.named = grantTo(roleArn('dev', 'gate'), { permissions: ['SELECT'], table: { database_name: 'stedi_dev_trusted', name: 'customer_trusted' } })));
    expect(details(run(GrantsByTagExpressionOnly, json))).toEqual([`aws_lakeformation_permissions.named: grants SELECT to ${roleArn('dev', 'gate')} on table stedi_dev_trusted.customer_trusted by name`]);
  });
  it('non-compliance 2: every other kind of grant by name, each named in words', () => {
    const gate = roleArn('dev', 'gate');
    const json = changed((r) => {
      const p = r.aws_lakeformation_permissions;
      p.db = grantTo(gate, { permissions: ['CREATE_TABLE', 'DESCRIBE'], database: { name: 'stedi_dev_trusted' } });
      p.all = grantTo(gate, { permissions: ['SELECT'], table: { database_name: 'stedi_dev_trusted', wildcard: true } });
      p.cols = grantTo(gate, { permissions: ['SELECT'], table_with_columns: { database_name: 'stedi_dev_trusted', name: 'customer_trusted', column_names: ['email'] } });
      p.tag = grantTo(gate, { permissions: ['ASSOCIATE'], lf_tag: { key: 'pii', values: ['yes'] } });
      p.catalog = grantTo(gate, { permissions: ['CREATE_DATABASE'], catalog_resource: true });
      p.filter = grantTo(gate, { permissions: ['SELECT'], data_cells_filter: { database_name: 'stedi_dev_trusted', table_name: 'customer_trusted', name: 'no-pii' } });
    });
    // Grants come out in address order.
    expect(details(run(GrantsByTagExpressionOnly, json))).toEqual([
      `aws_lakeformation_permissions.all: grants SELECT to ${gate} on table stedi_dev_trusted.* by name`,
      `aws_lakeformation_permissions.catalog: grants CREATE_DATABASE to ${gate} on the Data Catalog by name`,
      `aws_lakeformation_permissions.cols: grants SELECT to ${gate} on columns of stedi_dev_trusted.customer_trusted by name`,
      `aws_lakeformation_permissions.db: grants CREATE_TABLE, DESCRIBE to ${gate} on database stedi_dev_trusted by name`,
      `aws_lakeformation_permissions.filter: grants SELECT to ${gate} on data cells filter no-pii by name`,
      `aws_lakeformation_permissions.tag: grants ASSOCIATE to ${gate} on the LF-tag pii by name`,
    ]);
  });
});

describe('LandingWrittenOnlyByIngestion: only ingestion writes landing, nobody deletes it', () => {
  it('non-compliance 1: the validator may INSERT into landing', () => {
    const json = changed((r) => (named(r, 'aws_lakeformation_permissions', 'grant-validator-tables-landing').permissions = ['DESCRIBE', 'INSERT', 'SELECT']));
    expect(details(run(LandingWrittenOnlyByIngestion, json))).toEqual(
      ['accelerometer_landing', 'customer_landing', 'step_trainer_landing'].map((t) => `validator ${roleArn('dev', 'validator')}: INSERT on landing table stedi_dev_landing.${t}`),
    );
  });
  it('non-compliance 2: an ingestion role may DELETE landing', () => {
    const json = changed((r) => (named(r, 'aws_lakeformation_permissions', 'grant-ingestion-tables-landing-stedi-dev-producer').permissions = ['DELETE', 'DESCRIBE', 'INSERT']));
    expect(details(run(LandingWrittenOnlyByIngestion, json))).toEqual(
      ['accelerometer_landing', 'customer_landing', 'step_trainer_landing'].map((t) => `ingestion ${roleArn('dev', 'producer')}: DELETE on landing table stedi_dev_landing.${t}`),
    );
  });
  it('non-compliance 3: the gate gets data location access on landing', () => {
    const json = changed((r) => (named(r, 'aws_lakeformation_permissions', 'grant-ingestion-location-landing-stedi-dev-delivery').principal = roleArn('dev', 'gate')));
    expect(details(run(LandingWrittenOnlyByIngestion, json))).toEqual([`gate ${roleArn('dev', 'gate')}: DATA_LOCATION_ACCESS on landing location arn:aws:s3:::stedi-dev-landing-${ACCOUNT}`]);
  });
  it('non-compliance 4: a permission beyond DESCRIBE on the landing database; other databases are not its business', () => {
    const json = changed((r) => {
      r.aws_lakeformation_permissions.landing = grantTo(roleArn('dev', 'analyst'), { permissions: ['CREATE_TABLE', 'DESCRIBE'], database: { name: 'stedi_dev_landing' } });
      r.aws_lakeformation_permissions.trusted = grantTo(roleArn('dev', 'analyst'), { permissions: ['ALTER'], database: { name: 'stedi_dev_trusted' } });
    });
    expect(details(run(LandingWrittenOnlyByIngestion, json))).toEqual([`analyst ${roleArn('dev', 'analyst')}: CREATE_TABLE on landing database stedi_dev_landing`]);
  });
});

describe('LandingReadOnlyByPipeline: landing is read by the validator, the transforms and the gate only', () => {
  it('non-compliance 1: analysts read landing', () => {
    const json = changed((r) => {
      const g = named(r, 'aws_lakeformation_permissions', 'grant-analyst-tables-trusted');
      ((g.lf_tag_policy as JsonObject).expression as JsonObject[])[0].values = ['landing', 'trusted', 'curated'];
    });
    expect(details(run(LandingReadOnlyByPipeline, json))).toEqual([
      `analyst ${roleArn('dev', 'analyst')}: SELECT on landing table stedi_dev_landing.accelerometer_landing (4 of 5 columns)`,
      `analyst ${roleArn('dev', 'analyst')}: SELECT on landing table stedi_dev_landing.customer_landing (6 of 10 columns)`,
      `analyst ${roleArn('dev', 'analyst')}: SELECT on landing table stedi_dev_landing.step_trainer_landing (3 of 3 columns)`,
    ]);
  });
});

describe('LandingReadOnlyByPipeline: staged copies of landing tables count as landing', () => {
  it('non-compliance 2: analysts read staging', () => {
    const json = changed((r) => {
      const g = named(r, 'aws_lakeformation_permissions', 'grant-analyst-tables-trusted');
      ((g.lf_tag_policy as JsonObject).expression as JsonObject[])[0].values = ['trusted', 'curated', 'staging'];
    });
    expect(details(run(LandingReadOnlyByPipeline, json))).toEqual([
      `analyst ${roleArn('dev', 'analyst')}: SELECT on the staged copy of landing table stedi_dev_staging.accelerometer_landing (4 of 5 columns)`,
      `analyst ${roleArn('dev', 'analyst')}: SELECT on the staged copy of landing table stedi_dev_staging.customer_landing (6 of 10 columns)`,
      `analyst ${roleArn('dev', 'analyst')}: SELECT on the staged copy of landing table stedi_dev_staging.step_trainer_landing (3 of 3 columns)`,
    ]);
  });
});

describe('WorkloadsHoldOnlyTheirWork: each workload holds only what its code calls (issue 15)', () => {
  const tableGrant = (principal: string, zones: string[], permissions: string[]) =>
    grantTo(principal, { permissions, lf_tag_policy: { resource_type: 'TABLE', expression: [{ key: 'zone', values: zones }, { key: 'pii', values: ['no', 'yes'] }] } });
  const [validator, transform, publish] = (['validator', 'transform', 'publish'] as const).map((p) => context.personas[p][0]);

  // The three cases the one shared etl persona gave every workload.
  it('non-compliance 1: publish may read landing (PII included)', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.wide = tableGrant(publish, ['landing'], ['DESCRIBE', 'SELECT'])));
    expect(details(run(WorkloadsHoldOnlyTheirWork, json))).toEqual(
      ['accelerometer_landing', 'customer_landing', 'step_trainer_landing'].map((t) => `publish ${publish}: DESCRIBE, SELECT on landing table stedi_dev_landing.${t}, which the publish workload never calls for`),
    );
  });
  it('non-compliance 2: the validator may alter and write the published tables', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.wide = tableGrant(validator, ['trusted', 'curated'], ['ALTER', 'INSERT'])));
    expect(details(run(WorkloadsHoldOnlyTheirWork, json))).toEqual(
      ['stedi_dev_trusted.accelerometer_trusted', 'stedi_dev_trusted.customer_trusted', 'stedi_dev_trusted.step_trainer_trusted', 'stedi_dev_curated.customer_curated', 'stedi_dev_curated.machine_learning_curated'].map(
        (t) => `validator ${validator}: ALTER, INSERT on ${t.includes('trusted.') ? 'trusted' : 'curated'} table ${t}, which the validator workload never calls for`,
      ),
    );
  });
  it('non-compliance 3: the Glue jobs may point tables anywhere in the trusted bucket', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.wide = grantTo(transform, { permissions: ['DATA_LOCATION_ACCESS'], data_location: { arn: '${aws_s3_bucket.bucket-trusted.arn}' } })));
    expect(details(run(WorkloadsHoldOnlyTheirWork, json))).toEqual([
      `transform ${transform}: DATA_LOCATION_ACCESS on trusted, staging location arn:aws:s3:::stedi-dev-trusted-${ACCOUNT}, which the transform workload never points a table at`,
    ]);
  });
  it('non-compliance 4: a permission beyond the ceiling in a zone the workload does use (the validator may ALTER its staged landing copies)', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.wide = tableGrant(validator, ['staging'], ['ALTER'])));
    const found = details(run(WorkloadsHoldOnlyTheirWork, json));
    expect(found).toHaveLength(8);
    expect(found[0]).toBe(`validator ${validator}: ALTER on staging table stedi_dev_staging.accelerometer_landing (the staged copy of a landing table), which the validator workload never calls for`);
  });
  it('non-compliance 5: the validator may write the staged trusted tables the Glue jobs build (a staging grant by zone alone)', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.wide = tableGrant(validator, ['staging'], ['INSERT'])));
    expect(details(run(WorkloadsHoldOnlyTheirWork, json))).toEqual(
      ['accelerometer_trusted', 'customer_curated', 'customer_trusted', 'machine_learning_curated', 'step_trainer_trusted'].map(
        (t) => `validator ${validator}: INSERT on staging table stedi_dev_staging.${t} (the staged copy of a ${t.endsWith('curated') ? 'curated' : 'trusted'} table), which the validator workload never calls for`,
      ),
    );
  });
  it('non-compliance 6: the Glue jobs may write the validated landing records', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.wide = grantTo(transform, { permissions: ['INSERT'], lf_tag_policy: { resource_type: 'TABLE', expression: [{ key: 'zone', values: ['staging'] }, { key: 'staged_from', values: ['landing'] }] } })));
    expect(details(run(WorkloadsHoldOnlyTheirWork, json))).toEqual(
      ['accelerometer_landing', 'customer_landing', 'step_trainer_landing'].map((t) => `transform ${transform}: INSERT on staging table stedi_dev_staging.${t} (the staged copy of a landing table), which the transform workload never calls for`),
    );
  });
  it('non-compliance 7: a database permission other than DESCRIBE (publish may create tables in curated)', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.wide = grantTo(publish, { permissions: ['CREATE_TABLE'], lf_tag_policy: { resource_type: 'DATABASE', expression: [{ key: 'zone', values: ['curated'] }] } })));
    expect(details(run(WorkloadsHoldOnlyTheirWork, json))).toEqual([`publish ${publish}: CREATE_TABLE on curated database stedi_dev_curated, which the publish workload never calls for`]);
  });
  it('a grant within the ceiling is no finding (the gate reads curated PII; a second publish grant of ALTER)', () => {
    const json = changed((r) => {
      r.aws_lakeformation_permissions.gate = tableGrant(context.personas.gate[0], ['curated'], ['SELECT']);
      r.aws_lakeformation_permissions.publish = tableGrant(publish, ['trusted'], ['ALTER']);
    });
    expect(run(WorkloadsHoldOnlyTheirWork, json).status).toBe('compliant');
  });
});

describe('LandingReadOnlyByPipeline: without the catalog, the staged_from tag says which staging tables are landing copies', () => {
  it('non-compliance 3: analysts read staging, checked with no ddl/ catalog at hand', () => {
    const json = changed((r) => {
      const g = named(r, 'aws_lakeformation_permissions', 'grant-analyst-tables-trusted');
      ((g.lf_tag_policy as JsonObject).expression as JsonObject[])[0].values = ['trusted', 'curated', 'staging'];
    });
    const { catalog: _catalog, ...withoutCatalog } = context;
    expect(details(run(LandingReadOnlyByPipeline, json, withoutCatalog))).toEqual(
      ['accelerometer_landing', 'customer_landing', 'step_trainer_landing'].map(
        (t) => `analyst ${roleArn('dev', 'analyst')}: SELECT on the staged copy of landing table stedi_dev_staging.${t} (${{ accelerometer_landing: '4 of 5', customer_landing: '6 of 10', step_trainer_landing: '3 of 3' }[t]} columns)`,
      ),
    );
  });
});

describe("NoPrincipalOfOtherEnvironment: nothing of prod in dev's stack", () => {
  it('non-compliance 1: a grant to a prod role', () => {
    const json = changed((r) => (named(r, 'aws_lakeformation_permissions', 'grant-ml-tables-curated').principal = roleArn('prod', 'ml')));
    expect(details(run(NoPrincipalOfOtherEnvironment, json))).toEqual([`${nameOf(json, 'aws_lakeformation_permissions', 'grant-ml-tables-curated')}: names ${roleArn('prod', 'ml')} of the prod environment`]);
  });
  it('non-compliance 2: an admin of an unknown account', () => {
    const stranger = 'arn:aws:iam::999999999999:role/someone';
    const json = changed((r) => (Object.values(r.aws_lakeformation_data_lake_settings)[0].admins as string[]).push(stranger));
    expect(details(run(NoPrincipalOfOtherEnvironment, json))).toEqual([`${SETTINGS}: names ${stranger} of account 999999999999, not ${ACCOUNT}`]);
  });
  it('non-compliance 3: a data location grant on a prod bucket', () => {
    const prodBucket = `arn:aws:s3:::stedi-prod-landing-${FAKE_ACCOUNTS.prod}`;
    const json = changed((r) => (named(r, 'aws_lakeformation_permissions', 'grant-ingestion-location-landing-stedi-dev-producer').data_location = { arn: prodBucket }));
    expect(details(run(NoPrincipalOfOtherEnvironment, json))).toEqual([`${nameOf(json, 'aws_lakeformation_permissions', 'grant-ingestion-location-landing-stedi-dev-producer')}: names ${prodBucket}, a location of the prod environment`]);
  });
});

describe('GranteesArePersonas: every grant goes to a persona', () => {
  it('non-compliance 1: a grant to a role no persona maps to', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.side = grantTo(roleArn('dev', 'contractor'), { permissions: ['DESCRIBE'], lf_tag_policy: { resource_type: 'DATABASE', expression: [{ key: 'zone', values: ['curated'] }] } })));
    expect(details(run(GranteesArePersonas, json))).toEqual([`aws_lakeformation_permissions.side: grants DESCRIBE to ${roleArn('dev', 'contractor')}, which is no persona of dev`]);
  });
});

describe('SingularTagAssignments: no plural aws_lakeformation_resource_lf_tags', () => {
  it('non-compliance 1: a plural assignment', () => {
    const json = changed((r) => (r.aws_lakeformation_resource_lf_tags = { legacy: { database: { name: 'stedi_dev_landing' }, lf_tag: [{ key: 'zone', value: 'landing' }] } }));
    expect(details(run(SingularTagAssignments, json))).toEqual(['aws_lakeformation_resource_lf_tags.legacy: uses the plural resource']);
  });
});

describe('GrantsAppliedInOrder: grants wait for the settings and tags, and never run in parallel', () => {
  it('non-compliance 1: a grant without depends_on breaks the chain in two', () => {
    const json = changed((r) => delete named(r, 'aws_lakeformation_permissions', 'grant-auditor-databases_').depends_on);
    const { governance } = buildFakeEnvironment(Testing.app(), 'dev');
    const order = [...governance.grants.values()].map((g) => `aws_lakeformation_permissions.${g.friendlyUniqueId}`);
    const cut = order.indexOf(nameOf(json, 'aws_lakeformation_permissions', 'grant-auditor-databases_'));
    const [before, after] = [order.slice(0, cut), order.slice(cut)];
    const prerequisites = 1 + Object.keys(json.resource!.aws_lakeformation_resource_lf_tag).length;
    const byName = (a: string, b: string) => `${a < b ? a : b}: may run in parallel with ${a < b ? b : a}: neither depends on the other`;
    const expected = [
      // Location grants still wait for their registration, which comes after the tags.
      ...after.filter((g) => !g.includes('-location-')).map((g) => `${g}: does not wait for ${prerequisites} of the settings and tag assignments, e.g. ${SETTINGS}`),
      ...after.flatMap((a) => before.map((b) => byName(a, b))),
    ];
    // Before the cut: the tag grants of ingestion (two roles), validator, transform (its staged
    // landing copies apart), gate, publish, analyst and ml; after it: the auditor's two, then the
    // six location grants that follow in the chain (ingestion's two roles, the gate's two staging
    // locations, publish's trusted and curated).
    expect([before.length, after.length]).toEqual([4 + 3 + 3 + 3 + 2 + 2 + 3, 2 + 6]);
    expect(details(run(GrantsAppliedInOrder, json)).sort()).toEqual(expected.sort());
  });
  it('non-compliance: a location grant that does not wait for the registration of its location', () => {
    // A location registered by a resource nothing in the grant chain waits for.
    const json = changed((r) => {
      r.aws_lakeformation_resource.extra = { ...named(r, 'aws_lakeformation_resource', 'location-landing'), arn: 'arn:aws:s3:::stedi-dev-extra' };
      named(r, 'aws_lakeformation_permissions', 'grant-gate-location-staging-2').data_location = { arn: 'arn:aws:s3:::stedi-dev-extra/run' };
    });
    const grant = nameOf(json, 'aws_lakeformation_permissions', 'grant-gate-location-staging-2');
    expect(details(run(GrantsAppliedInOrder, json))).toEqual([`${grant}: does not wait for the registration aws_lakeformation_resource.extra of its location`]);
  });
});

describe('the runner fails closed', () => {
  const throwing: GovernanceCheck = {
    id: 'Throws',
    source: 'test',
    reason: 'r',
    remedy: 'm',
    evaluate: () => {
      throw new Error('boom');
    },
  };
  it('a check that throws counts as a violation', () => {
    expect(run(throwing, base)).toEqual({ check: 'Throws', status: 'non-compliant', findings: [{ resource: 'stedi-dev', detail: 'the check could not run: boom' }] });
  });
  it('a stack that cannot be read makes every check a violation', () => {
    const json = changed((r) => (r.aws_lakeformation_permissions.broken = { principal: roleArn('dev', 'gate'), permissions: ['SELECT'] }));
    const outcomes = runGovernanceChecks(GOVERNANCE_CHECKS, json, 'stedi-dev', context);
    expect(outcomes.map((o) => o.status)).toEqual(GOVERNANCE_CHECKS.map(() => 'non-compliant'));
    expect(outcomes[0].findings[0].detail).toMatch(/^the stack could not be read: aws_lakeformation_permissions.broken: a grant needs exactly one resource/);
  });
  it('violations read as what, where, why and how to fix', () => {
    const json = changed((r) => (named(r, 'aws_lakeformation_permissions', 'grant-analyst-tables-trusted').permissions_with_grant_option = ['SELECT']));
    const outcomes = runGovernanceChecks(GOVERNANCE_CHECKS, json, 'stedi-dev', context);
    expect(describeViolations(GOVERNANCE_CHECKS, outcomes)).toBe(
      [
        'NoGrantableOutsideAdmins (issue 5; SECURITY-CHECKLIST 19):',
        `  - analyst ${roleArn('dev', 'analyst')}: may grant SELECT to others (${nameOf(json, 'aws_lakeformation_permissions', 'grant-analyst-tables-trusted')})`,
        `  why: ${NoGrantableOutsideAdmins.reason}`,
        `  fix: ${NoGrantableOutsideAdmins.remedy}`,
      ].join('\n'),
    );
  });
});

describe('DatabasesCreatedAfterSettings: no database is created before the settings clear the IAMAllowedPrincipals defaults', () => {
  it('every database of the fake stack waits for the settings', () => {
    for (const [name, db] of Object.entries(base.resource!.aws_glue_catalog_database)) {
      // A bare address, as Terraform's JSON syntax wants in depends_on (not "${...}").
      expect([name, (db.depends_on as string[]).filter((d) => d.includes('data_lake_settings'))]).toEqual([name, [SETTINGS]]);
    }
  });
  it('non-compliance 1: a database without depends_on on the settings', () => {
    const json = changed((r) => delete named(r, 'aws_glue_catalog_database', 'db-curated').depends_on);
    expect(details(run(DatabasesCreatedAfterSettings, json))).toEqual([
      `${nameOf(json, 'aws_glue_catalog_database', 'db-curated')}: stedi_dev_curated may be created before ${SETTINGS} clears the IAMAllowedPrincipals defaults`,
    ]);
  });
  it('a wait through another resource counts; a dependency cycle that never reaches the settings does not, and ends', () => {
    const curated = (r: Record<string, Record<string, JsonObject>>) => named(r, 'aws_glue_catalog_database', 'db-curated');
    const through = changed((r) => {
      r.terraform_data = { a: { depends_on: [SETTINGS] } };
      curated(r).depends_on = ['terraform_data.a'];
    });
    expect(run(DatabasesCreatedAfterSettings, through).status).toBe('compliant');
    const cycle = changed((r) => {
      r.terraform_data = { a: { depends_on: ['terraform_data.b'] }, b: { depends_on: ['terraform_data.a'] } };
      curated(r).depends_on = ['terraform_data.a'];
    });
    expect(details(run(DatabasesCreatedAfterSettings, cycle))).toEqual([
      `${nameOf(cycle, 'aws_glue_catalog_database', 'db-curated')}: stedi_dev_curated may be created before ${SETTINGS} clears the IAMAllowedPrincipals defaults`,
    ]);
  });
  it('a stack without databases or without settings: not applicable', () => {
    expect(run(DatabasesCreatedAfterSettings, changed((r) => delete (r as Record<string, unknown>).aws_glue_catalog_database)).status).toBe('not-applicable');
    expect(run(DatabasesCreatedAfterSettings, changed((r) => delete (r as Record<string, unknown>).aws_lakeformation_data_lake_settings)).status).toBe('not-applicable');
  });
});
