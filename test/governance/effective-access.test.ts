import { computeEffectiveAccess, effectiveAccessOfJson, type EffectiveAccess } from '../../src/governance/effective-access';
import { buildLakeFormationModel } from '../../src/governance/lake-formation-model';
import { renderGrantsMarkdown } from '../../src/governance/render-grants';
import { ReferenceResolver, resolveString, SynthesizedStackError, type JsonObject, type TerraformJson } from '../../stacks/checks/terraform-json';

const ACCOUNT = '111111111111';
const ANALYST = `arn:aws:iam::${ACCOUNT}:role/analyst`;

/** A hand-written stack: one database `db` with table `t` (columns a, b, c), plus the given resources. */
function stack(extra: { tags?: JsonObject[]; grants?: JsonObject[]; resources?: Record<string, Record<string, JsonObject>> }): TerraformJson {
  const resource: Record<string, Record<string, JsonObject>> = {
    aws_glue_catalog_database: { db: { name: 'db' } },
    aws_glue_catalog_table: {
      t: { database_name: '${aws_glue_catalog_database.db.name}', name: 't', storage_descriptor: { location: 's3://lake/t/', columns: [{ name: 'a', type: 'string' }, { name: 'b', type: 'string' }, { name: 'c', type: 'string' }] } },
    },
    aws_lakeformation_resource_lf_tag: Object.fromEntries((extra.tags ?? []).map((t, i) => [`tag${i}`, t])),
    aws_lakeformation_permissions: Object.fromEntries((extra.grants ?? []).map((g, i) => [`grant${i}`, { principal: ANALYST, permissions_with_grant_option: [], ...g }])),
    ...(extra.resources ?? {}),
  };
  return { provider: { aws: [{ allowed_account_ids: [ACCOUNT] }] }, resource };
}

const onDb = (key: string, value: string): JsonObject => ({ database: [{ name: 'db' }], lf_tag: [{ key, value }] });
const onTable = (key: string, value: string): JsonObject => ({ table: [{ database_name: 'db', name: 't' }], lf_tag: [{ key, value }] });
const onColumns = (columns: string[], key: string, value: string): JsonObject => ({ table_with_columns: [{ database_name: 'db', name: 't', column_names: columns }], lf_tag: [{ key, value }] });
const tableExpr = (expression: [string, string[]][], permissions = ['SELECT']): JsonObject => ({
  permissions,
  lf_tag_policy: { resource_type: 'TABLE', expression: expression.map(([key, values]) => ({ key, values })) },
});

/** `column:permissions` the analyst holds on table t. */
function columnsOf(access: EffectiveAccess): string[] {
  const p = access.principals.find((x) => x.principal === ANALYST);
  return (p?.tables.find((t) => t.table === 't')?.columns ?? []).map((c) => `${c.name}${c.pii ? '(pii)' : ''}:${c.permissions.join('+')}`);
}
const access = (json: TerraformJson) => effectiveAccessOfJson(json, 'test');

describe('LF-tag semantics of the effective-access calculator', () => {
  it('a table and its columns inherit the tags of their database', () => {
    const json = stack({ tags: [onDb('zone', 'trusted'), onDb('pii', 'no')], grants: [tableExpr([['zone', ['trusted']], ['pii', ['no']]])] });
    expect(columnsOf(access(json))).toEqual(['a:SELECT', 'b:SELECT', 'c:SELECT']);
  });

  it('an explicit table tag overrides the inherited value of the same key', () => {
    const json = stack({ tags: [onDb('zone', 'trusted'), onDb('pii', 'yes'), onTable('pii', 'no')], grants: [tableExpr([['zone', ['trusted']], ['pii', ['no']]])] });
    expect(columnsOf(access(json))).toEqual(['a:SELECT', 'b:SELECT', 'c:SELECT']);
  });

  it('an explicit column tag overrides the table value: a pii=no expression reaches only the other columns', () => {
    const json = stack({
      tags: [onDb('zone', 'trusted'), onDb('pii', 'yes'), onTable('pii', 'no'), onColumns(['b'], 'pii', 'yes')],
      grants: [tableExpr([['zone', ['trusted']], ['pii', ['no']]])],
    });
    expect(columnsOf(access(json))).toEqual(['a:SELECT', 'c:SELECT']);
  });

  it('an expression matches only where every key is satisfied; a key nobody assigned matches nothing', () => {
    const tags = [onDb('zone', 'trusted'), onTable('pii', 'no')];
    expect(columnsOf(access(stack({ tags, grants: [tableExpr([['zone', ['curated']], ['pii', ['no']]])] })))).toEqual([]);
    expect(columnsOf(access(stack({ tags, grants: [tableExpr([['zone', ['trusted']], ['domain', ['sales']]])] })))).toEqual([]);
    expect(columnsOf(access(stack({ tags, grants: [tableExpr([['zone', ['landing', 'trusted']]])] })))).toEqual(['a:SELECT', 'b:SELECT', 'c:SELECT']);
  });

  it('a column without any pii tag counts as PII', () => {
    const json = stack({ tags: [onDb('zone', 'trusted'), onColumns(['a'], 'pii', 'no')], grants: [tableExpr([['zone', ['trusted']]])] });
    expect(columnsOf(access(json))).toEqual(['a:SELECT', 'b(pii):SELECT', 'c(pii):SELECT']);
  });

  it('permissions of several grants add up per column', () => {
    const json = stack({
      tags: [onDb('zone', 'trusted'), onTable('pii', 'no'), onColumns(['c'], 'pii', 'yes')],
      grants: [tableExpr([['zone', ['trusted']]], ['DESCRIBE']), tableExpr([['zone', ['trusted']], ['pii', ['no']]], ['SELECT'])],
    });
    expect(columnsOf(access(json))).toEqual(['a:DESCRIBE+SELECT', 'b:DESCRIBE+SELECT', 'c(pii):DESCRIBE']);
  });

  it('a DATABASE expression reaches the databases whose own tags satisfy it', () => {
    const json = stack({ tags: [onDb('zone', 'trusted')], grants: [{ permissions: ['DESCRIBE'], lf_tag_policy: { resource_type: 'DATABASE', expression: [{ key: 'zone', values: ['trusted'] }] } }] });
    expect(access(json).principals[0].databases).toEqual([{ zone: 'trusted', database: 'db', permissions: ['DESCRIBE'], grantable: [], via: ['aws_lakeformation_permissions.grant0'] }]);
  });

  it('named grants: a table, a wildcard, and table_with_columns with excluded columns', () => {
    const tags = [onDb('zone', 'trusted'), onTable('pii', 'no')];
    expect(columnsOf(access(stack({ tags, grants: [{ permissions: ['SELECT'], table: { database_name: 'db', name: 't' } }] })))).toEqual(['a:SELECT', 'b:SELECT', 'c:SELECT']);
    expect(columnsOf(access(stack({ tags, grants: [{ permissions: ['ALTER'], table: { database_name: 'db', wildcard: true } }] })))).toEqual(['a:ALTER', 'b:ALTER', 'c:ALTER']);
    expect(columnsOf(access(stack({ tags, grants: [{ permissions: ['SELECT'], table_with_columns: { database_name: 'db', name: 't', excluded_column_names: ['a'], wildcard: true } }] })))).toEqual([
      'b:SELECT',
      'c:SELECT',
    ]);
    expect(columnsOf(access(stack({ tags, grants: [{ permissions: ['SELECT'], table_with_columns: { database_name: 'db', name: 't', column_names: ['c'] } }] })))).toEqual(['c:SELECT']);
  });

  it('grants on resources the stack does not hold are listed, not dropped', () => {
    const json = stack({ grants: [{ permissions: ['SELECT'], table: { database_name: 'elsewhere', name: 'x' } }] });
    expect(access(json).principals[0].other).toEqual([{ resource: 'table elsewhere.x (not in this stack)', permissions: ['SELECT'], grantable: [], via: ['aws_lakeformation_permissions.grant0'] }]);
  });

  it('refuses a resource tagged with two values of one key (a resource holds one value per key)', () => {
    const json = stack({ tags: [onTable('pii', 'no'), onTable('pii', 'yes')] });
    expect(() => access(json)).toThrow(SynthesizedStackError);
    expect(() => access(json)).toThrow('aws_lakeformation_resource_lf_tag.tag1: assigns pii=yes to db.t, which another assignment tags pii=no; a resource holds one value per LF-tag key');
  });

  it('refuses a grant that names no resource, or two', () => {
    expect(() => access(stack({ grants: [{ permissions: ['SELECT'] }] }))).toThrow('aws_lakeformation_permissions.grant0: a grant needs exactly one resource');
    expect(() => access(stack({ grants: [{ permissions: ['SELECT'], database: { name: 'db' }, table: { database_name: 'db', name: 't' } }] }))).toThrow('found 2');
  });
});

describe('zones as data, words only in the renderer', () => {
  const locationGrant = (location: string): JsonObject => ({ permissions: ['DATA_LOCATION_ACCESS'], data_location: { arn: location } });

  it('gives an untagged database or table no zone; the document says it has no zone tag', () => {
    const a = access(stack({ grants: [{ permissions: ['DESCRIBE'], database: { name: 'db' } }, { permissions: ['SELECT'], table: { database_name: 'db', name: 't' } }] }));
    expect([a.principals[0].databases[0].zone, a.principals[0].tables[0].zone, a.classification[0].zone]).toEqual([undefined, undefined, undefined]);
    const md = renderGrantsMarkdown(a);
    expect(md.split('\n').filter((l) => l.startsWith('| (no zone tag) |'))).toEqual([
      '| (no zone tag) | db | t | a, b, c (3 of 3) |',
      '| (no zone tag) | db | DESCRIBE | no |',
      '| (no zone tag) | db | t | SELECT | no | all 3 · PII: a, b, c |',
    ]);
  });

  it('lists the zones of a data location (those of the tables under it, without a record); none known reads (no zone)', () => {
    const a = access(stack({ tags: [onDb('zone', 'trusted')], grants: [locationGrant('arn:aws:s3:::lake'), locationGrant('arn:aws:s3:::elsewhere')] }));
    expect(a.principals[0].locations.map((l) => [l.location, l.zones])).toEqual([
      ['arn:aws:s3:::lake', ['trusted']],
      ['arn:aws:s3:::elsewhere', []],
    ]);
    const md = renderGrantsMarkdown(a);
    expect(md.split('\n').filter((l) => l.includes('DATA_LOCATION_ACCESS |'))).toEqual([
      '| trusted | `arn:aws:s3:::lake` (**not registered**) | DATA_LOCATION_ACCESS | no |',
      '| (no zone) | `arn:aws:s3:::elsewhere` (**not registered**) | DATA_LOCATION_ACCESS | no |',
    ]);
  });
});

describe('reference resolution', () => {
  const json: TerraformJson = {
    provider: { aws: [{ allowed_account_ids: [ACCOUNT] }] },
    locals: { prefix: 'stedi' },
    resource: {
      aws_s3_bucket: { named: { bucket: '${local.prefix}-landing' }, generated: { bucket_prefix: 'stedi-' } },
      aws_iam_role: { etl: { name: 'stedi-etl', path: '/lake/' }, plain: { name: 'plain' } },
    },
  };
  const r = new ReferenceResolver(json);

  it('derives bucket and role ARNs that Terraform computes predictably', () => {
    expect(r.string('${aws_s3_bucket.named.arn}/staging')).toBe('arn:aws:s3:::stedi-landing/staging');
    expect(r.string('${aws_iam_role.etl.arn}')).toBe(`arn:aws:iam::${ACCOUNT}:role/lake/stedi-etl`);
    expect(r.string('${aws_iam_role.plain.arn}')).toBe(`arn:aws:iam::${ACCOUNT}:role/plain`);
  });

  it('keeps what cannot be known before apply visible, so equal unknowns still compare equal', () => {
    expect(r.string('${aws_s3_bucket.generated.arn}')).toBe('arn:aws:s3:::{aws_s3_bucket.generated.bucket}');
    expect(r.string('s3://${aws_s3_bucket.generated.bucket}/t/')).toBe('s3://{aws_s3_bucket.generated.bucket}/t/');
    expect(r.string('${data.aws_caller_identity.me.account_id}')).toBe('{data.aws_caller_identity.me.account_id}');
  });

  it('derives attributes by the same table as the checks\' reader: a role ARN keeps its path, a key ARN is known to both', () => {
    const stack = { name: 'x', json: { ...json, provider: { aws: [{ allowed_account_ids: [ACCOUNT], region: 'eu-west-1' }] }, resource: { ...json.resource, aws_kms_key: { key: {} } } } };
    const model = new ReferenceResolver(stack.json);
    for (const ref of ['${aws_iam_role.etl.arn}', '${aws_kms_key.key.arn}', '${aws_s3_bucket.named.arn}']) expect([ref, model.string(ref)]).toEqual([ref, resolveString(stack, ref)]);
    expect(resolveString(stack, '${aws_iam_role.etl.arn}')).toBe(`arn:aws:iam::${ACCOUNT}:role/lake/stedi-etl`);
    expect(resolveString(stack, '${aws_kms_key.key.arn}')).toBe(`arn:aws:kms:eu-west-1:${ACCOUNT}:key/key`);
  });

  it('records depends_on and references as dependencies', () => {
    const model = buildLakeFormationModel(
      { resource: { aws_lakeformation_permissions: { g: { principal: '${aws_iam_role.etl.arn}', permissions: ['DESCRIBE'], database: { name: 'db' }, depends_on: ['aws_lakeformation_resource_lf_tag.t'] } } } },
      'x',
    );
    expect([...model.dependencies.get('aws_lakeformation_permissions.g')!].sort()).toEqual(['aws_iam_role.etl', 'aws_lakeformation_resource_lf_tag.t']);
  });

  it('computes nothing for a stack without Lake Formation resources', () => {
    const empty = computeEffectiveAccess(buildLakeFormationModel({ resource: {} }, 'x'));
    expect([empty.principals, empty.admins, empty.registrations]).toEqual([[], [], []]);
  });
});
