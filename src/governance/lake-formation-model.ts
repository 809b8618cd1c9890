// The Lake Formation and Glue catalog resources of one synthesized stack, references resolved.
import { GOVERNANCE_LOCAL } from './vocabulary';
import { ReferenceResolver, SynthesizedStackError, block, blocks, referencedAddresses, type Json, type JsonObject, type TerraformJson } from '../../stacks/checks/terraform-json';
import { workloadAccessOf, type WorkloadAccess } from './workload-access';

export interface DataLakeSettingsResource {
  readonly address: string;
  readonly admins: readonly string[];
  readonly readOnlyAdmins: readonly string[];
  /** undefined when the attribute is absent from the configuration. */
  readonly createDatabaseDefaultPermissions?: readonly { principal: string; permissions: readonly string[] }[];
  readonly createTableDefaultPermissions?: readonly { principal: string; permissions: readonly string[] }[];
  /** Engines outside Lake Formation's integrated services may get full-table credentials (Glue 5.0 jobs, GetTemporaryGlueTableCredentials). */
  readonly allowFullTableExternalDataAccess: boolean;
}

export interface LocationRegistration {
  readonly address: string;
  readonly arn: string;
  readonly roleArn?: string;
  readonly useServiceLinkedRole?: boolean;
  readonly hybridAccessEnabled?: boolean;
}

export interface LfTagDefinition {
  readonly address: string;
  readonly key: string;
  readonly values: readonly string[];
}

export interface CatalogDatabase {
  readonly address: string;
  readonly name: string;
  readonly locationUri?: string;
}

export interface CatalogTable {
  readonly address: string;
  readonly database: string;
  readonly name: string;
  readonly location?: string;
  /** Data columns then partition keys, in declared order. */
  readonly columns: readonly string[];
}

export type TagTarget =
  | { readonly kind: 'database'; readonly database: string }
  | { readonly kind: 'table'; readonly database: string; readonly table: string }
  | { readonly kind: 'table-wildcard'; readonly database: string }
  | { readonly kind: 'columns'; readonly database: string; readonly table: string; readonly columns: readonly string[] };

export interface TagAssignment {
  readonly address: string;
  readonly type: 'aws_lakeformation_resource_lf_tag' | 'aws_lakeformation_resource_lf_tags';
  readonly target: TagTarget;
  readonly tags: readonly { key: string; value: string }[];
}

export type GrantTarget =
  | { readonly kind: 'tag-policy'; readonly resourceType: 'DATABASE' | 'TABLE'; readonly expression: readonly { key: string; values: readonly string[] }[] }
  | { readonly kind: 'database'; readonly database: string }
  | { readonly kind: 'table'; readonly database: string; readonly table?: string; readonly wildcard: boolean }
  | {
      readonly kind: 'columns';
      readonly database: string;
      readonly table: string;
      readonly columnNames?: readonly string[];
      readonly excludedColumnNames?: readonly string[];
      readonly wildcard: boolean;
    }
  | { readonly kind: 'data-location'; readonly arn: string }
  | { readonly kind: 'lf-tag'; readonly key: string; readonly values: readonly string[] }
  | { readonly kind: 'catalog' }
  | { readonly kind: 'data-cells-filter'; readonly database: string; readonly table: string; readonly name: string };

export interface GrantResource {
  readonly address: string;
  readonly principal: string;
  readonly permissions: readonly string[];
  readonly grantable: readonly string[];
  readonly target: GrantTarget;
}

/** What the governance construct recorded about the environment (see LakeGovernance). */
export interface GovernanceRecord {
  readonly environment?: string;
  readonly accountId?: string;
  /** Each persona's principals. */
  readonly personas: Readonly<Record<string, readonly string[]>>;
  /** The data lake admins, the deploy role first. */
  readonly admins: readonly string[];
  readonly readOnlyAdmins?: readonly string[];
  /** The S3 location ARNs of each zone. */
  readonly zoneLocations: Readonly<Record<string, readonly string[]>>;
}

export interface LakeFormationModel {
  readonly stack: string;
  /** The account the AWS provider is pinned to (allowed_account_ids), when exactly one. */
  readonly accountId?: string;
  readonly record?: GovernanceRecord;
  readonly settings: readonly DataLakeSettingsResource[];
  readonly registrations: readonly LocationRegistration[];
  readonly lfTags: readonly LfTagDefinition[];
  readonly databases: readonly CatalogDatabase[];
  readonly tables: readonly CatalogTable[];
  readonly assignments: readonly TagAssignment[];
  readonly grants: readonly GrantResource[];
  /** Per resource address, the addresses it depends on (depends_on and references). */
  readonly dependencies: ReadonlyMap<string, ReadonlySet<string>>;
  /** How each workload role reaches data: Lake Formation, IAM paths to zone locations, other buckets. */
  readonly workloads: readonly WorkloadAccess[];
}

function entries(json: TerraformJson, type: string): [string, JsonObject][] {
  return Object.entries(json.resource?.[type] ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

function need(address: string, what: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new SynthesizedStackError(`${address}: ${what} is missing`);
  return value;
}

function bool(v: Json | undefined): boolean | undefined {
  return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : undefined;
}

export function buildLakeFormationModel(json: TerraformJson, stack: string): LakeFormationModel {
  const r = new ReferenceResolver(json);
  const s = (v: Json | undefined) => r.string(v);
  const ss = (v: Json | undefined) => r.strings(v);

  const defaults = (v: Json | undefined) =>
    v === undefined ? undefined : blocks(v).map((b) => ({ principal: s(b['principal']) ?? '', permissions: ss(b['permissions']) }));
  const settings = entries(json, 'aws_lakeformation_data_lake_settings').map(([name, c]) => ({
    address: `aws_lakeformation_data_lake_settings.${name}`,
    admins: ss(c['admins']),
    readOnlyAdmins: ss(c['read_only_admins']),
    createDatabaseDefaultPermissions: defaults(c['create_database_default_permissions']),
    createTableDefaultPermissions: defaults(c['create_table_default_permissions']),
    allowFullTableExternalDataAccess: bool(c['allow_full_table_external_data_access']) === true,
  }));

  const registrations = entries(json, 'aws_lakeformation_resource').map(([name, c]) => {
    const address = `aws_lakeformation_resource.${name}`;
    return {
      address,
      arn: need(address, 'arn', s(c['arn'])),
      roleArn: s(c['role_arn']),
      useServiceLinkedRole: bool(c['use_service_linked_role']),
      hybridAccessEnabled: bool(c['hybrid_access_enabled']),
    };
  });

  const lfTags = entries(json, 'aws_lakeformation_lf_tag').map(([name, c]) => ({
    address: `aws_lakeformation_lf_tag.${name}`,
    key: need(`aws_lakeformation_lf_tag.${name}`, 'key', s(c['key'])),
    values: ss(c['values']),
  }));

  const databases = entries(json, 'aws_glue_catalog_database').map(([name, c]) => ({
    address: `aws_glue_catalog_database.${name}`,
    name: need(`aws_glue_catalog_database.${name}`, 'name', s(c['name'])),
    locationUri: s(c['location_uri']),
  }));

  const tables = entries(json, 'aws_glue_catalog_table').map(([name, c]) => {
    const address = `aws_glue_catalog_table.${name}`;
    const sd = block(c['storage_descriptor']);
    const columns = [...blocks(sd?.['columns']), ...blocks(c['partition_keys'])].map((col) => need(address, 'column name', s(col['name'])));
    return { address, database: need(address, 'database_name', s(c['database_name'])), name: need(address, 'name', s(c['name'])), location: s(sd?.['location']), columns };
  });

  const assignments: TagAssignment[] = [];
  for (const type of ['aws_lakeformation_resource_lf_tag', 'aws_lakeformation_resource_lf_tags'] as const) {
    for (const [name, c] of entries(json, type)) {
      const address = `${type}.${name}`;
      const db = block(c['database']);
      const table = block(c['table']);
      const twc = block(c['table_with_columns']);
      let target: TagTarget;
      if (twc) {
        target = { kind: 'columns', database: need(address, 'table_with_columns.database_name', s(twc['database_name'])), table: need(address, 'table_with_columns.name', s(twc['name'])), columns: ss(twc['column_names']) };
      } else if (table) {
        const database = need(address, 'table.database_name', s(table['database_name']));
        target = bool(table['wildcard']) ? { kind: 'table-wildcard', database } : { kind: 'table', database, table: need(address, 'table.name', s(table['name'])) };
      } else if (db) {
        target = { kind: 'database', database: need(address, 'database.name', s(db['name'])) };
      } else {
        throw new SynthesizedStackError(`${address}: assigns LF-tags to neither a database, a table nor columns`);
      }
      const tags = blocks(c['lf_tag']).map((t) => ({ key: need(address, 'lf_tag.key', s(t['key'])), value: need(address, 'lf_tag.value', s(t['value'])) }));
      assignments.push({ address, type, target, tags });
    }
  }

  const grants = entries(json, 'aws_lakeformation_permissions').map(([name, c]) => {
    const address = `aws_lakeformation_permissions.${name}`;
    return {
      address,
      principal: need(address, 'principal', s(c['principal'])),
      permissions: ss(c['permissions']),
      grantable: ss(c['permissions_with_grant_option']),
      target: grantTarget(address, c, r),
    };
  });

  const dependencies = new Map<string, Set<string>>();
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, c] of Object.entries(byName)) {
      const deps = new Set<string>(referencedAddresses(c));
      const explicit = c['depends_on'];
      if (Array.isArray(explicit)) for (const d of explicit) if (typeof d === 'string') deps.add(d.replace(/^\$\{|\}$/g, ''));
      dependencies.set(`${type}.${name}`, deps);
    }
  }

  const record = governanceRecord(json, r);
  return {
    stack,
    accountId: r.accountId,
    record,
    settings,
    registrations,
    lfTags,
    databases,
    tables,
    assignments,
    grants,
    dependencies,
    workloads: workloadAccessOf(json, stack, record, registrations.map((x) => x.roleArn).filter((x): x is string => x !== undefined)),
  };
}

function grantTarget(address: string, c: JsonObject, r: ReferenceResolver): GrantTarget {
  const s = (v: Json | undefined) => r.string(v);
  const kinds: GrantTarget[] = [];
  const policy = block(c['lf_tag_policy']);
  if (policy) {
    const resourceType = s(policy['resource_type']);
    if (resourceType !== 'DATABASE' && resourceType !== 'TABLE') throw new SynthesizedStackError(`${address}: lf_tag_policy.resource_type is ${resourceType}, expected DATABASE or TABLE`);
    const expression = blocks(policy['expression']).map((e) => ({ key: need(address, 'lf_tag_policy.expression.key', s(e['key'])), values: r.strings(e['values']) }));
    if (!expression.length) throw new SynthesizedStackError(`${address}: lf_tag_policy has no expression`);
    kinds.push({ kind: 'tag-policy', resourceType, expression });
  }
  const db = block(c['database']);
  if (db) kinds.push({ kind: 'database', database: need(address, 'database.name', s(db['name'])) });
  const table = block(c['table']);
  if (table) kinds.push({ kind: 'table', database: need(address, 'table.database_name', s(table['database_name'])), table: s(table['name']), wildcard: bool(table['wildcard']) ?? false });
  const twc = block(c['table_with_columns']);
  if (twc) {
    kinds.push({
      kind: 'columns',
      database: need(address, 'table_with_columns.database_name', s(twc['database_name'])),
      table: need(address, 'table_with_columns.name', s(twc['name'])),
      columnNames: twc['column_names'] === undefined ? undefined : r.strings(twc['column_names']),
      excludedColumnNames: twc['excluded_column_names'] === undefined ? undefined : r.strings(twc['excluded_column_names']),
      wildcard: bool(twc['wildcard']) ?? false,
    });
  }
  const loc = block(c['data_location']);
  if (loc) kinds.push({ kind: 'data-location', arn: need(address, 'data_location.arn', s(loc['arn'])) });
  const tag = block(c['lf_tag']);
  if (tag) kinds.push({ kind: 'lf-tag', key: need(address, 'lf_tag.key', s(tag['key'])), values: r.strings(tag['values']) });
  if (bool(c['catalog_resource'])) kinds.push({ kind: 'catalog' });
  const filter = block(c['data_cells_filter']);
  if (filter) kinds.push({ kind: 'data-cells-filter', database: s(filter['database_name']) ?? '', table: s(filter['table_name']) ?? '', name: s(filter['name']) ?? '' });
  if (kinds.length !== 1) {
    throw new SynthesizedStackError(`${address}: a grant needs exactly one resource (lf_tag_policy, database, table, table_with_columns, data_location, lf_tag, catalog_resource or data_cells_filter); found ${kinds.length}`);
  }
  return kinds[0];
}

function governanceRecord(json: TerraformJson, r: ReferenceResolver): GovernanceRecord | undefined {
  const raw = json.locals?.[GOVERNANCE_LOCAL];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const v = r.value(raw) as JsonObject;
  const listMap = (m: Json | undefined): Record<string, string[]> => {
    const out: Record<string, string[]> = {};
    if (m && typeof m === 'object' && !Array.isArray(m)) {
      for (const [k, x] of Object.entries(m)) {
        if (typeof x === 'string') out[k] = [x];
        else if (Array.isArray(x)) out[k] = x.filter((y): y is string => typeof y === 'string');
      }
    }
    return out;
  };
  const list = (x: Json | undefined) => (Array.isArray(x) ? x.filter((a): a is string => typeof a === 'string') : []);
  return {
    environment: typeof v['environment'] === 'string' ? v['environment'] : undefined,
    accountId: typeof v['accountId'] === 'string' ? v['accountId'] : undefined,
    personas: listMap(v['personas']),
    admins: list(v['admins']),
    readOnlyAdmins: list(v['readOnlyAdmins']),
    zoneLocations: listMap(v['zoneLocations']),
  };
}

/** True when the stack has any Lake Formation resource (a stack without is not governed here). */
export function hasLakeFormation(json: TerraformJson): boolean {
  return Object.keys(json.resource ?? {}).some((t) => t.startsWith('aws_lakeformation_'));
}
