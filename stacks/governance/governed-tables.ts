// Derives the tables to classify from the catalog (ddl/): zone, columns and their PII flags.
import type { ITerraformDependable } from 'cdktf';
import type { Catalog, TableDef } from '../../src/catalog/registry';
import type { GovernedZone } from '../../src/governance/vocabulary';
import type { GovernedTable } from './lake-governance-props';

export interface GovernedTablesOptions {
  /**
   * Zones whose tables also exist in the staging database under the same name (the staged copy of
   * a run before it is published). Their staged copies are classified like the originals.
   * @default - none: staging tables created at run time stay unclassified (treated as PII)
   */
  readonly stagedZones?: readonly Exclude<GovernedZone, 'staging'>[];
}

export function governedTablesFromCatalog(catalog: Catalog, options: GovernedTablesOptions = {}): GovernedTable[] {
  const tables = [...catalog.tables.values()].map((t) => ({
    zone: t.zone as GovernedZone,
    name: t.name,
    columns: t.columns.map((c) => ({ name: c.name, pii: c.pii })),
  }));
  const staged = tables
    .filter((t) => (options.stagedZones ?? []).some((z) => z === t.zone))
    .map((t) => ({ ...t, zone: 'staging' as const, stagedFrom: t.zone as Exclude<GovernedZone, 'staging'> }));
  return [...tables, ...staged];
}

/** One Glue table to classify, from its database's zone (or staging, for its staged copy) and its ddl/ definition. */
export function governedTable(zone: GovernedZone, def: TableDef, resource?: ITerraformDependable): GovernedTable {
  return {
    zone,
    name: def.name,
    columns: def.columns.map((c) => ({ name: c.name, pii: c.pii })),
    ...(zone === 'staging' ? { stagedFrom: def.zone } : {}),
    ...(resource ? { resource } : {}),
  };
}
