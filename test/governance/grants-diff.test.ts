import { effectiveAccessOfJson, type EffectiveAccess } from '../../src/governance/effective-access';
import { diffGrants, isEmptyDiff, renderGrantsDiffJson, renderGrantsDiffMarkdown } from '../../src/governance/grants-diff';
import { loadGrantsPolicy, type GrantsPolicy } from '../../src/governance/grants-policy';
import type { JsonObject, TerraformJson } from '../../stacks/checks/terraform-json';
import { roleArn, synthFakeEnvironment } from './fake-environment';

const base = synthFakeEnvironment('dev');
const access = (json: TerraformJson): EffectiveAccess => effectiveAccessOfJson(json, 'stedi-dev');
const baseAccess = access(base);
const withPolicy = (change: (p: any) => void): EffectiveAccess => {
  const p = JSON.parse(JSON.stringify(loadGrantsPolicy('dev')));
  change(p);
  return access(synthFakeEnvironment('dev', { policy: p as GrantsPolicy }));
};
const changedJson = (change: (r: Record<string, Record<string, JsonObject>>) => void): EffectiveAccess => {
  const json = JSON.parse(JSON.stringify(base)) as TerraformJson;
  change(json.resource as Record<string, Record<string, JsonObject>>);
  return access(json);
};
const rows = (changes: ReturnType<typeof diffGrants>['granted']) =>
  changes.map((c) => `${c.persona} ${c.permission} ${c.zone} ${c.resource}${c.columns ? ` [${c.columns.map((x) => (x.pii ? `${x.name}*` : x.name)).join(',')}]` : ''}`);

describe('diffGrants', () => {
  it('finds nothing between two renders of the same stack', () => {
    const d = diffGrants(baseAccess, access(base));
    expect(isEmptyDiff(d)).toBe(true);
    expect(renderGrantsDiffMarkdown([d])).toBe('No access changes.\n\nNo change of access in `stedi-dev`.\n');
  });

  it('lists what a narrowed persona loses as revoked, grouped by table', () => {
    const d = diffGrants(baseAccess, withPolicy((p) => (p.personas.ml.tables = p.personas.ml.tables.slice(0, 1))));
    expect(rows(d.granted)).toEqual([]);
    expect(rows(d.revoked)).toEqual([
      'ml DESCRIBE trusted stedi_dev_trusted',
      'ml DESCRIBE trusted stedi_dev_trusted.accelerometer_trusted [timestamp,x,y,z]',
      'ml SELECT trusted stedi_dev_trusted.accelerometer_trusted [timestamp,x,y,z]',
      'ml DESCRIBE trusted stedi_dev_trusted.customer_trusted [serialnumber,registrationdate,lastupdatedate,sharewithresearchasofdate,sharewithpublicasofdate,sharewithfriendsasofdate]',
      'ml SELECT trusted stedi_dev_trusted.customer_trusted [serialnumber,registrationdate,lastupdatedate,sharewithresearchasofdate,sharewithpublicasofdate,sharewithfriendsasofdate]',
      'ml DESCRIBE trusted stedi_dev_trusted.step_trainer_trusted [sensorreadingtime,serialnumber,distancefromobject]',
      'ml SELECT trusted stedi_dev_trusted.step_trainer_trusted [sensorreadingtime,serialnumber,distancefromobject]',
    ]);
  });

  it('shows a grant option as its own grant', () => {
    const d = diffGrants(baseAccess, withPolicy((p) => (p.personas.auditor.tables[0].grantable = true)));
    expect(d.revoked).toEqual([]);
    expect(new Set(d.granted.map((c) => `${c.persona} ${c.permission}`))).toEqual(new Set(['auditor DESCRIBE (grant option)']));
    expect(d.granted.filter((c) => c.zone === 'landing').map((c) => c.resource)).toEqual([
      'stedi_dev_landing.accelerometer_landing',
      'stedi_dev_landing.customer_landing',
      'stedi_dev_landing.step_trainer_landing',
    ]);
  });

  it('reports a declassified column, and the access it opens to analysts and ML, with the column marked', () => {
    const head = changedJson((r) => {
      const name = Object.keys(r.aws_lakeformation_resource_lf_tag).find((n) => n.includes('pii-trusted-customer_trusted'))!;
      ((r.aws_lakeformation_resource_lf_tag[name].table_with_columns as JsonObject[])[0].column_names as string[]).splice(1, 1); // email
    });
    const d = diffGrants(baseAccess, head);
    expect(d.other).toEqual(['column stedi_dev_trusted.customer_trusted.email is **no longer classified PII**']);
    expect(rows(d.granted)).toEqual([
      'analyst DESCRIBE trusted stedi_dev_trusted.customer_trusted [email]',
      'analyst SELECT trusted stedi_dev_trusted.customer_trusted [email]',
      'ml DESCRIBE trusted stedi_dev_trusted.customer_trusted [email]',
      'ml SELECT trusted stedi_dev_trusted.customer_trusted [email]',
    ]);
  });

  it('reports admins, default permissions and registrations that change', () => {
    const head = changedJson((r) => {
      const settings = Object.values(r.aws_lakeformation_data_lake_settings)[0];
      settings.admins = [roleArn('dev', 'deploy'), roleArn('dev', 'intern')];
      settings.create_table_default_permissions = [{ principal: 'IAM_ALLOWED_PRINCIPALS', permissions: ['ALL'] }];
      const landing = Object.keys(r.aws_lakeformation_resource).find((n) => n.includes('location-landing'))!;
      r.aws_lakeformation_resource[landing].hybrid_access_enabled = true;
    });
    const roleOf = 'arn:aws:iam::111111111111:role/stedi-dev-lake-registration';
    expect(diffGrants(baseAccess, head).other).toEqual([
      `data lake admin added: \`${roleArn('dev', 'intern')}\``,
      `data lake admin removed: \`${roleArn('dev', 'platform-admin')}\``,
      'default permission on new databases or tables added: IAM_ALLOWED_PRINCIPALS (IAMAllowedPrincipals): ALL',
      `location registered: \`arn:aws:s3:::stedi-dev-landing-111111111111\` (landing) with role \`${roleOf}\`, hybrid access on`,
      `location no longer registered: \`arn:aws:s3:::stedi-dev-landing-111111111111\` (landing) with role \`${roleOf}\``,
    ]);
  });

  it('holds default permissions and a registration without a role as data; the diff words them', () => {
    const head = changedJson((r) => {
      const settings = Object.values(r.aws_lakeformation_data_lake_settings)[0];
      settings.create_database_default_permissions = [{ principal: 'IAM_ALLOWED_PRINCIPALS', permissions: ['ALL'] }];
      settings.create_table_default_permissions = [{ principal: 'IAM_ALLOWED_PRINCIPALS', permissions: ['ALL'] }, { principal: roleArn('dev', 'intern'), permissions: ['SELECT', 'ALTER'] }];
      const landing = Object.keys(r.aws_lakeformation_resource).find((n) => n.includes('location-landing'))!;
      delete r.aws_lakeformation_resource[landing].role_arn;
    });
    expect(head.defaultPermissions).toEqual([
      { principal: 'IAM_ALLOWED_PRINCIPALS', iamAllowedPrincipals: true, permissions: ['ALL'] },
      { principal: roleArn('dev', 'intern'), iamAllowedPrincipals: false, permissions: ['SELECT', 'ALTER'] },
    ]);
    const landing = head.registrations.find((x) => x.location === 'arn:aws:s3:::stedi-dev-landing-111111111111')!;
    expect([landing.roleArn, landing.serviceLinkedRole]).toEqual([undefined, true]);
    expect(diffGrants(baseAccess, head).other).toEqual([
      'default permission on new databases or tables added: IAM_ALLOWED_PRINCIPALS (IAMAllowedPrincipals): ALL',
      `default permission on new databases or tables added: ${roleArn('dev', 'intern')}: SELECT, ALTER`,
      'location registered: `arn:aws:s3:::stedi-dev-landing-111111111111` (landing) with role `(none)`, service-linked role',
      'location no longer registered: `arn:aws:s3:::stedi-dev-landing-111111111111` (landing) with role `arn:aws:iam::111111111111:role/stedi-dev-lake-registration`',
    ]);
  });

  it('treats a stack present on one side only as all granted or all revoked', () => {
    const added = diffGrants(undefined, baseAccess);
    const removed = diffGrants(baseAccess, undefined);
    expect([added.revoked.length, removed.granted.length]).toEqual([0, 0]);
    expect(added.granted.length).toBe(removed.revoked.length);
    expect(added.granted.length).toBeGreaterThan(0);
  });

  it('renders as markdown for the pull request and as JSON for tools', () => {
    const d = diffGrants(baseAccess, withPolicy((p) => (p.personas.ml.tables[0].permissions = ['DESCRIBE'])));
    expect(renderGrantsDiffMarkdown([d])).toBe(
      [
        '# Lake Formation grants: changes',
        '',
        '## dev (`stedi-dev`)',
        '',
        '0 granted, 2 revoked.',
        '',
        '### Revoked (2)',
        '',
        '| persona | principal | permission | zone | resource | columns |',
        '| --- | --- | --- | --- | --- | --- |',
        `| ml | \`${roleArn('dev', 'ml')}\` | SELECT | curated | stedi_dev_curated.customer_curated | serialnumber, registrationdate, lastupdatedate, sharewithresearchasofdate, sharewithpublicasofdate, sharewithfriendsasofdate |`,
        `| ml | \`${roleArn('dev', 'ml')}\` | SELECT | curated | stedi_dev_curated.machine_learning_curated | sensorreadingtime, serialnumber, distancefromobject, x, y, z |`,
      ].join('\n') + '\n',
    );
    expect(JSON.parse(renderGrantsDiffJson([d]))).toEqual({ stacks: [JSON.parse(JSON.stringify(d))] });
  });
});
