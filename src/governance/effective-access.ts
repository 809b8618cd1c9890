// Computes who can do what, down to the column, from the Lake Formation resources of a synthesized stack.
import { buildLakeFormationModel, type CatalogTable, type GrantResource, type LakeFormationModel } from './lake-formation-model';
import { SynthesizedStackError, type TerraformJson } from '../../stacks/checks/terraform-json';
import { PII_NO, PII_TAG, ZONE_TAG, isIamAllowedPrincipals, personaOrder, zoneOrder } from './vocabulary';
import type { WorkloadAccess } from './workload-access';

export interface ColumnAccess {
  readonly name: string;
  /** Effective `pii` tag is not `no` (unclassified columns count as personal data). */
  readonly pii: boolean;
  readonly permissions: readonly string[];
  readonly grantable: readonly string[];
}

export interface TableAccess {
  /** The table's zone tag; undefined when it has none. */
  readonly zone?: string;
  readonly database: string;
  readonly table: string;
  /** Columns of the table in the stack, granted or not. */
  readonly columnCount: number;
  /** The columns some grant reaches, in table order, each with its permissions. */
  readonly columns: readonly ColumnAccess[];
  readonly via: readonly string[];
}

export interface DatabaseAccess {
  /** The database's zone tag; undefined when it has none. */
  readonly zone?: string;
  readonly database: string;
  readonly permissions: readonly string[];
  readonly grantable: readonly string[];
  readonly via: readonly string[];
}

export interface LocationAccess {
  readonly location: string;
  /** The zones whose data the location holds (locationZones); empty when none is known. */
  readonly zones: readonly string[];
  readonly registered: boolean;
  readonly permissions: readonly string[];
  readonly grantable: readonly string[];
  readonly via: readonly string[];
}

/** Grants on anything else (LF-tags, the catalog, data cells filters, resources not in the stack). */
export interface OtherAccess {
  readonly resource: string;
  readonly permissions: readonly string[];
  readonly grantable: readonly string[];
  readonly via: readonly string[];
}

export interface PrincipalAccess {
  readonly principal: string;
  /** From the governance record in the stack; undefined for a principal no persona maps to. */
  readonly persona?: string;
  readonly isAdmin: boolean;
  readonly databases: readonly DatabaseAccess[];
  readonly tables: readonly TableAccess[];
  readonly locations: readonly LocationAccess[];
  readonly other: readonly OtherAccess[];
}

/** A permission the data lake settings give a principal on every new database or table (should be none). */
export interface DefaultPermission {
  readonly principal: string;
  /** The principal is IAMAllowedPrincipals: IAM alone decides who reaches new resources. */
  readonly iamAllowedPrincipals: boolean;
  readonly permissions: readonly string[];
}

export interface RegistrationView {
  readonly location: string;
  /** The zones whose recorded locations the registration covers, in zone order (e.g. curated and staging). */
  readonly zones: readonly string[];
  /** The role Lake Formation assumes for the location; undefined when the registration names none. */
  readonly roleArn?: string;
  readonly serviceLinkedRole: boolean;
  readonly hybridAccess: boolean;
}

export interface TableClassification {
  /** The table's zone tag; undefined when it has none. */
  readonly zone?: string;
  readonly database: string;
  readonly table: string;
  readonly columns: readonly { name: string; pii: boolean }[];
}

export interface EffectiveAccess {
  readonly stack: string;
  readonly environment?: string;
  readonly accountId?: string;
  readonly admins: readonly string[];
  readonly readOnlyAdmins: readonly string[];
  /** Principals with default permissions on new databases / tables (should be none). */
  readonly defaultPermissions: readonly DefaultPermission[];
  readonly registrations: readonly RegistrationView[];
  readonly classification: readonly TableClassification[];
  readonly principals: readonly PrincipalAccess[];
  /** Engines outside Lake Formation's integrated services may get full-table credentials (the data lake settings). */
  readonly fullTableAccessForExternalEngines: boolean;
  /** How each workload role reaches data, by mechanism (workload-access.ts). */
  readonly workloads: readonly WorkloadAccess[];
}

type Tags = ReadonlyMap<string, string>;

/** LF-tag inheritance: database -> table -> column, an explicit value overriding the inherited one. */
export class EffectiveTags {
  private readonly db = new Map<string, Map<string, string>>();
  private readonly tableWildcard = new Map<string, Map<string, string>>();
  private readonly table = new Map<string, Map<string, string>>();
  private readonly column = new Map<string, Map<string, string>>();

  constructor(model: LakeFormationModel) {
    const put = (store: Map<string, Map<string, string>>, key: string, tag: { key: string; value: string }, address: string) => {
      const tags = store.get(key) ?? new Map<string, string>();
      const had = tags.get(tag.key);
      if (had !== undefined && had !== tag.value) {
        throw new SynthesizedStackError(`${address}: assigns ${tag.key}=${tag.value} to ${key.replace(/\u0000/g, '.')}, which another assignment tags ${tag.key}=${had}; a resource holds one value per LF-tag key`);
      }
      tags.set(tag.key, tag.value);
      store.set(key, tags);
    };
    for (const a of model.assignments) {
      for (const tag of a.tags) {
        const t = a.target;
        if (t.kind === 'database') put(this.db, t.database, tag, a.address);
        else if (t.kind === 'table-wildcard') put(this.tableWildcard, t.database, tag, a.address);
        else if (t.kind === 'table') put(this.table, key(t.database, t.table), tag, a.address);
        // Glue keeps column names in lower case and Lake Formation matches them so.
        else for (const c of t.columns) put(this.column, key(t.database, t.table, c.toLowerCase()), tag, a.address);
      }
    }
  }

  ofDatabase(database: string): Tags {
    return new Map(this.db.get(database) ?? []);
  }

  ofTable(database: string, table: string): Tags {
    return new Map([...this.ofDatabase(database), ...(this.tableWildcard.get(database) ?? []), ...(this.table.get(key(database, table)) ?? [])]);
  }

  ofColumn(database: string, table: string, column: string): Tags {
    return new Map([...this.ofTable(database, table), ...(this.column.get(key(database, table, column.toLowerCase())) ?? [])]);
  }
}

const key = (...parts: string[]) => parts.join('\u0000');

/** Every condition's key has a value among the condition's values. */
export function satisfies(tags: Tags, expression: readonly { key: string; values: readonly string[] }[]): boolean {
  return expression.every((c) => {
    const v = tags.get(c.key);
    return v !== undefined && c.values.includes(v);
  });
}

class Acc {
  readonly permissions = new Set<string>();
  readonly grantable = new Set<string>();
  readonly via = new Set<string>();
  add(g: GrantResource, only?: ReadonlySet<string>) {
    for (const p of g.permissions) if (!only || only.has(p)) this.permissions.add(p);
    for (const p of g.grantable) if (!only || only.has(p)) this.grantable.add(p);
    this.via.add(g.address);
  }
}

const sorted = (s: Iterable<string>) => [...s].sort();

/** `s3://bucket/prefix/` -> `arn:aws:s3:::bucket/prefix` */
export function s3UriToArn(uri: string): string | undefined {
  const m = /^s3a?:\/\/(.+?)\/*$/.exec(uri);
  return m ? `arn:aws:s3:::${m[1]}` : undefined;
}

export function arnWithin(inner: string, outer: string): boolean {
  const o = outer.replace(/\/+$/, '');
  return inner === o || inner.startsWith(`${o}/`);
}

export function computeEffectiveAccess(model: LakeFormationModel): EffectiveAccess {
  const tags = new EffectiveTags(model);
  const tablesByDb = new Map<string, CatalogTable[]>();
  for (const t of model.tables) tablesByDb.set(t.database, [...(tablesByDb.get(t.database) ?? []), t]);
  const zoneOfDb = (db: string) => tags.ofDatabase(db).get(ZONE_TAG);
  const zoneOfTable = (t: CatalogTable) => tags.ofTable(t.database, t.name).get(ZONE_TAG);
  const isPii = (t: CatalogTable, c: string) => tags.ofColumn(t.database, t.name, c).get(PII_TAG) !== PII_NO;

  /**
   * The zones of a data location: those of the most specific recorded zone location it lies in
   * (several zones sharing it are all named, in zone order); without one, the zone tags of the
   * tables under it, by name.
   */
  const zonesOfLocation = (arn: string): string[] => {
    const recorded = Object.entries(model.record?.zoneLocations ?? {})
      .flatMap(([zone, locs]) => locs.map((loc): [string, string] => [zone, loc]))
      .filter(([, loc]) => arnWithin(arn, loc))
      .sort(([, a], [, b]) => b.length - a.length);
    if (recorded.length) {
      // The most specific location wins; several zones sharing it are all named.
      const best = recorded[0][1].length;
      return [...new Set(recorded.filter(([, l]) => l.length === best).map(([z]) => z))].sort((a, b) => zoneOrder(a) - zoneOrder(b));
    }
    const zones = new Set<string>();
    for (const t of model.tables) {
      const loc = t.location && s3UriToArn(t.location);
      const zone = zoneOfTable(t);
      if (loc && arnWithin(loc, arn) && zone !== undefined) zones.add(zone);
    }
    return sorted(zones);
  };

  /** The zones whose recorded location a registration covers, e.g. curated and staging. */
  const zonesUnder = (arn: string): string[] => {
    const zones = Object.entries(model.record?.zoneLocations ?? {}).filter(([, locs]) => locs.some((loc) => arnWithin(loc, arn))).map(([z]) => z);
    return zones.length ? zones.sort((a, b) => zoneOrder(a) - zoneOrder(b)) : zonesOfLocation(arn);
  };

  const admins = new Set(model.settings.flatMap((s) => s.admins));
  const byPrincipal = new Map<
    string,
    { dbs: Map<string, Acc>; cols: Map<string, Map<string, Acc>>; locs: Map<string, Acc>; other: Map<string, Acc> }
  >();
  const of = (principal: string) => {
    let p = byPrincipal.get(principal);
    if (!p) {
      p = { dbs: new Map(), cols: new Map(), locs: new Map(), other: new Map() };
      byPrincipal.set(principal, p);
    }
    return p;
  };
  const acc = <K>(m: Map<K, Acc>, k: K) => {
    let a = m.get(k);
    if (!a) {
      a = new Acc();
      m.set(k, a);
    }
    return a;
  };
  const tableCols = (p: ReturnType<typeof of>, t: CatalogTable) => {
    const k = key(t.database, t.name);
    let m = p.cols.get(k);
    if (!m) {
      m = new Map();
      p.cols.set(k, m);
    }
    return m;
  };
  const findTable = (db: string, name: string) => model.tables.find((t) => t.database === db && t.name === name);

  for (const g of model.grants) {
    const p = of(g.principal);
    const t = g.target;
    switch (t.kind) {
      case 'tag-policy':
        if (t.resourceType === 'DATABASE') {
          for (const db of model.databases) if (satisfies(tags.ofDatabase(db.name), t.expression)) acc(p.dbs, db.name).add(g);
        } else {
          for (const table of model.tables) {
            for (const c of table.columns) {
              if (satisfies(tags.ofColumn(table.database, table.name, c), t.expression)) acc(tableCols(p, table), c).add(g);
            }
          }
        }
        break;
      case 'database':
        if (model.databases.some((d) => d.name === t.database)) acc(p.dbs, t.database).add(g);
        else acc(p.other, `database ${t.database} (not in this stack)`).add(g);
        break;
      case 'table': {
        const targets = t.wildcard ? tablesByDb.get(t.database) ?? [] : [findTable(t.database, t.table ?? '')].filter((x): x is CatalogTable => !!x);
        if (!targets.length) acc(p.other, `table ${t.database}.${t.wildcard ? '*' : t.table} (not in this stack)`).add(g);
        for (const table of targets) for (const c of table.columns) acc(tableCols(p, table), c).add(g);
        break;
      }
      case 'columns': {
        const table = findTable(t.database, t.table);
        if (!table) {
          acc(p.other, `columns of ${t.database}.${t.table} (not in this stack)`).add(g);
          break;
        }
        const named = (list: readonly string[] | undefined) => new Set((list ?? []).map((c) => c.toLowerCase()));
        const cols = t.columnNames?.length
          ? table.columns.filter((c) => named(t.columnNames).has(c.toLowerCase()))
          : table.columns.filter((c) => !named(t.excludedColumnNames).has(c.toLowerCase()));
        for (const c of cols) acc(tableCols(p, table), c).add(g);
        break;
      }
      case 'data-location':
        acc(p.locs, t.arn).add(g);
        break;
      case 'lf-tag':
        acc(p.other, `LF-tag ${t.key} = ${t.values.join(' | ')}`).add(g);
        break;
      case 'catalog':
        acc(p.other, 'the Data Catalog').add(g);
        break;
      case 'data-cells-filter':
        acc(p.other, `data cells filter ${t.name} on ${t.database}.${t.table}`).add(g);
        break;
    }
  }

  const personaOf = new Map<string, string>();
  for (const [persona, principals] of Object.entries(model.record?.personas ?? {})) for (const p of principals) personaOf.set(p, persona);
  const registeredArns = model.registrations.map((r) => r.arn);

  const principals: PrincipalAccess[] = [...byPrincipal].map(([principal, p]) => ({
    principal,
    persona: personaOf.get(principal),
    isAdmin: admins.has(principal),
    databases: [...p.dbs]
      .map(([database, a]) => ({ zone: zoneOfDb(database), database, permissions: sorted(a.permissions), grantable: sorted(a.grantable), via: sorted(a.via) }))
      .sort((x, y) => zoneOrder(x.zone) - zoneOrder(y.zone) || x.database.localeCompare(y.database)),
    tables: [...p.cols]
      .map(([k, cols]) => {
        const table = model.tables.find((t) => key(t.database, t.name) === k)!;
        const via = new Set<string>();
        for (const a of cols.values()) for (const v of a.via) via.add(v);
        return {
          zone: zoneOfTable(table),
          database: table.database,
          table: table.name,
          columnCount: table.columns.length,
          columns: table.columns
            .filter((c) => cols.has(c))
            .map((c) => ({ name: c, pii: isPii(table, c), permissions: sorted(cols.get(c)!.permissions), grantable: sorted(cols.get(c)!.grantable) })),
          via: sorted(via),
        };
      })
      .sort((x, y) => zoneOrder(x.zone) - zoneOrder(y.zone) || x.database.localeCompare(y.database) || x.table.localeCompare(y.table)),
    locations: [...p.locs]
      .map(([location, a]) => ({
        location,
        zones: zonesOfLocation(location),
        registered: registeredArns.some((r) => arnWithin(location, r)),
        permissions: sorted(a.permissions),
        grantable: sorted(a.grantable),
        via: sorted(a.via),
      }))
      .sort((x, y) => zoneOrder(x.zones[0]) - zoneOrder(y.zones[0]) || x.location.localeCompare(y.location)),
    other: [...p.other].map(([resource, a]) => ({ resource, permissions: sorted(a.permissions), grantable: sorted(a.grantable), via: sorted(a.via) })).sort((x, y) => x.resource.localeCompare(y.resource)),
  }));
  principals.sort((a, b) => personaOrder(a.persona) - personaOrder(b.persona) || a.principal.localeCompare(b.principal));

  // Each once (databases and tables often give the same), by principal and permissions.
  const defaultPermissions = new Map<string, DefaultPermission>();
  for (const s of model.settings) {
    for (const d of [...(s.createDatabaseDefaultPermissions ?? []), ...(s.createTableDefaultPermissions ?? [])]) {
      defaultPermissions.set(JSON.stringify([d.principal, d.permissions]), { principal: d.principal, iamAllowedPrincipals: isIamAllowedPrincipals(d.principal), permissions: d.permissions });
    }
  }

  return {
    stack: model.stack,
    environment: model.record?.environment,
    accountId: model.accountId ?? model.record?.accountId,
    admins: sorted(admins),
    readOnlyAdmins: sorted(new Set(model.settings.flatMap((s) => s.readOnlyAdmins))),
    defaultPermissions: sorted(defaultPermissions.keys()).map((k) => defaultPermissions.get(k)!),
    registrations: model.registrations
      .map((r) => ({ location: r.arn, zones: zonesUnder(r.arn), ...(r.roleArn !== undefined ? { roleArn: r.roleArn } : {}), serviceLinkedRole: r.useServiceLinkedRole === true || r.roleArn === undefined, hybridAccess: r.hybridAccessEnabled === true }))
      .sort((a, b) => zoneOrder(a.zones[0]) - zoneOrder(b.zones[0]) || a.location.localeCompare(b.location)),
    classification: model.tables
      .map((t) => ({ zone: zoneOfTable(t), database: t.database, table: t.name, columns: t.columns.map((c) => ({ name: c, pii: isPii(t, c) })) }))
      .sort((x, y) => zoneOrder(x.zone) - zoneOrder(y.zone) || x.database.localeCompare(y.database) || x.table.localeCompare(y.table)),
    principals,
    fullTableAccessForExternalEngines: model.settings.some((s) => s.allowFullTableExternalDataAccess),
    workloads: model.workloads,
  };
}

export function effectiveAccessOfJson(json: TerraformJson, stack: string): EffectiveAccess {
  return computeEffectiveAccess(buildLakeFormationModel(json, stack));
}
