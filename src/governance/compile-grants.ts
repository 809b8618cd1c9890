// Compiles a grants policy into grant intents: what the governance construct turns into
// aws_lakeformation_permissions, one intent per resource, independent of cdktf.
import type { GrantsPolicy } from './grants-policy';
import {
  DATA_LOCATION_ACCESS,
  GOVERNED_ZONES,
  PERSONAS,
  PII_NO,
  PII_TAG,
  PII_VALUES,
  STAGED_TAG,
  STAGED_ZONES,
  ZONE_TAG,
  type GovernedZone,
  type Persona,
  type StagedZone,
} from './vocabulary';

export interface TagCondition {
  readonly key: string;
  readonly values: readonly string[];
}

/** Permissions on every database or table whose LF-tags satisfy each condition. */
export interface TagExpressionGrantIntent {
  readonly kind: 'tag-expression';
  /** Stable, readable id: becomes the construct id, so renaming it replaces the grant. */
  readonly id: string;
  readonly persona: Persona;
  readonly resourceType: 'DATABASE' | 'TABLE';
  readonly expression: readonly TagCondition[];
  readonly permissions: readonly string[];
  readonly grantable: boolean;
}

/** DATA_LOCATION_ACCESS on a zone's registered location. */
export interface DataLocationGrantIntent {
  readonly kind: 'data-location';
  readonly id: string;
  readonly persona: Persona;
  readonly zone: GovernedZone;
  readonly permissions: readonly [typeof DATA_LOCATION_ACCESS];
  readonly grantable: boolean;
}

export type GrantIntent = TagExpressionGrantIntent | DataLocationGrantIntent;

const inZoneOrder = (zones: Iterable<GovernedZone>): GovernedZone[] => {
  const set = new Set(zones);
  return GOVERNED_ZONES.filter((z) => set.has(z));
};

/**
 * One TABLE grant per distinct (zones, staged copies, PII) expression of a persona, one DATABASE DESCRIBE grant
 * over every zone the persona has tables in (so it can see the databases it reads), and one data
 * location grant per zone. Intents come out in a fixed order: persona, then databases, tables,
 * locations.
 */
export function compileGrants(policy: GrantsPolicy): GrantIntent[] {
  const intents: GrantIntent[] = [];
  for (const persona of PERSONAS) {
    const p = policy.personas[persona];
    const zones = inZoneOrder(p.tables.flatMap((t) => t.zones));
    if (zones.length) {
      intents.push({
        kind: 'tag-expression',
        id: `${persona}-databases`,
        persona,
        resourceType: 'DATABASE',
        expression: [{ key: ZONE_TAG, values: zones }],
        permissions: ['DESCRIBE'],
        grantable: false,
      });
    }
    const tables = new Map<string, { zones: GovernedZone[]; stagedFrom?: StagedZone[]; includePii: boolean; grantable: boolean; permissions: Set<string> }>();
    for (const rule of p.tables) {
      const ruleZones = inZoneOrder(rule.zones);
      const stagedFrom = rule.stagedFrom ? STAGED_ZONES.filter((z) => rule.stagedFrom!.includes(z)) : undefined;
      const key = `${ruleZones.join('-')}${stagedFrom ? `-copies-of-${stagedFrom.join('-')}` : ''}${rule.includePii ? '' : '-without-pii'}${rule.grantable ? '-grantable' : ''}`;
      const entry = tables.get(key) ?? { zones: ruleZones, ...(stagedFrom ? { stagedFrom } : {}), includePii: rule.includePii, grantable: rule.grantable, permissions: new Set<string>() };
      for (const perm of rule.permissions) entry.permissions.add(perm);
      tables.set(key, entry);
    }
    for (const [key, t] of tables) {
      intents.push({
        kind: 'tag-expression',
        id: `${persona}-tables-${key}`,
        persona,
        resourceType: 'TABLE',
        expression: [
          { key: ZONE_TAG, values: t.zones },
          // Staged copies of some zones only: tables without the tag (outside staging) never match.
          ...(t.stagedFrom ? [{ key: STAGED_TAG, values: t.stagedFrom }] : []),
          { key: PII_TAG, values: t.includePii ? [...PII_VALUES] : [PII_NO] },
        ],
        permissions: [...t.permissions].sort(),
        grantable: t.grantable,
      });
    }
    const locations = new Map<GovernedZone, boolean>();
    for (const rule of p.dataLocations) for (const z of rule.zones) locations.set(z, (locations.get(z) ?? false) || rule.grantable);
    for (const zone of inZoneOrder(locations.keys())) {
      intents.push({
        kind: 'data-location',
        id: `${persona}-location-${zone}`,
        persona,
        zone,
        permissions: [DATA_LOCATION_ACCESS],
        grantable: locations.get(zone)!,
      });
    }
  }
  return intents;
}
