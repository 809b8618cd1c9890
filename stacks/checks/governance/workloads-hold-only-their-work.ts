// Each pipeline workload holds in Lake Formation only what its code calls: a grant a workload's
// code never uses is access an attacker who takes over that one function would gain.
import { zonesText, zoneText } from '../../../src/governance/access-text';
import { EffectiveTags } from '../../../src/governance/effective-access';
import { DATA_LOCATION_ACCESS, STAGED_TAG, STAGED_ZONES, type GovernedZone, type Persona, type StagedZone, type TablePermission } from '../../../src/governance/vocabulary';
import type { Finding } from '../check';
import { who, type GovernanceCheck } from './governance-check';

/** A zone, or the staged copies of one zone's tables in staging (`staging:landing`). */
export type CeilingZone = Exclude<GovernedZone, 'staging'> | `staging:${StagedZone}`;

export interface WorkloadCeiling {
  /** The table permissions per zone the workload's code needs (DESCRIBE on those zones' databases comes with them). */
  readonly tables: Readonly<Partial<Record<CeilingZone, readonly TablePermission[]>>>;
  /** The zones whose registered locations its code points tables at (DATA_LOCATION_ACCESS). */
  readonly dataLocations: readonly GovernedZone[];
}

type WorkloadPersona = Extract<Persona, 'ingestion' | 'validator' | 'transform' | 'gate' | 'publish'>;

/**
 * The most each workload persona may hold, from what its code calls; the grants policies may ask
 * for less, never more. Changing a line here needs the code that calls it.
 */
export const WORKLOAD_CEILINGS: Readonly<Record<WorkloadPersona, WorkloadCeiling>> = {
  // Producers and Firehose add files to landing (stacks/ingestion/); nothing reads them back.
  ingestion: { tables: { landing: ['DESCRIBE', 'INSERT'] }, dataLocations: ['landing'] },
  // src/lambdas/validator.ts: GetTemporaryGlueTableCredentials SELECT on the dataset's landing
  // table, INSERT on its staging copy; it changes no table definition.
  validator: { tables: { landing: ['DESCRIBE', 'SELECT'], 'staging:landing': ['DESCRIBE', 'INSERT'] }, dataLocations: [] },
  // glue/jobs/run_transform.py: from_catalog reads of the staging inputs (the validated landing
  // records, trusted and curated tables built earlier in the run), insertInto(overwrite) of the
  // staging output (DELETE for the overwrite, ALTER for the statistics Spark updates).
  transform: {
    tables: {
      'staging:landing': ['DESCRIBE', 'SELECT'],
      'staging:trusted': ['ALTER', 'DELETE', 'DESCRIBE', 'INSERT', 'SELECT'],
      'staging:curated': ['ALTER', 'DELETE', 'DESCRIBE', 'INSERT', 'SELECT'],
    },
    dataLocations: [],
  },
  // src/lambdas/gate.ts: Athena over the run's staging tables, and over the published curated
  // tables for the volume comparison; the Stage step re-points the staging tables.
  gate: {
    tables: {
      curated: ['DESCRIBE', 'SELECT'],
      'staging:landing': ['ALTER', 'DESCRIBE', 'SELECT'],
      'staging:trusted': ['ALTER', 'DESCRIBE', 'SELECT'],
      'staging:curated': ['ALTER', 'DESCRIBE', 'SELECT'],
    },
    dataLocations: ['staging'],
  },
  // src/lambdas/publish.ts: glue:GetTable and glue:UpdateTable (the location) of the published tables.
  publish: { tables: { trusted: ['ALTER', 'DESCRIBE'], curated: ['ALTER', 'DESCRIBE'] }, dataLocations: ['trusted', 'curated'] },
};

/** The zone of a table or database, as a list (none when it carries no zone tag). */
const zonesOf = (zone: string | undefined) => (zone ? [zone] : []) as GovernedZone[];

/**
 * What the ceiling allows on a table of `zone`: a staging table by the zone it is the staged copy
 * of (its `staged_from` tag); one without the tag only what the ceiling allows on every copy.
 */
function allowedOn(ceiling: WorkloadCeiling, zone: GovernedZone, stagedFrom: string | undefined): readonly string[] {
  if (zone !== 'staging') return ceiling.tables[zone] ?? [];
  const copies = STAGED_ZONES.filter((z) => stagedFrom === undefined || z === stagedFrom).map((z) => ceiling.tables[`staging:${z}`] ?? []);
  if (!copies.length) return [];
  return copies.reduce<readonly string[]>((a, b) => a.filter((x) => b.includes(x as TablePermission)), copies[0]);
}
const usesZone = (ceiling: WorkloadCeiling, zone: GovernedZone) =>
  zone === 'staging' ? STAGED_ZONES.some((z) => (ceiling.tables[`staging:${z}`] ?? []).length > 0) : (ceiling.tables[zone] ?? []).length > 0;

export const WorkloadsHoldOnlyTheirWork: GovernanceCheck = {
  id: 'WorkloadsHoldOnlyTheirWork',
  source: 'issue 15 (one persona per workload); AWS Lake Formation best practices (least privilege)',
  reason: 'Each workload of the pipeline is a persona of its own so that it holds only what its code calls: the validator never changes a table, publish never reads data, the Glue jobs never touch a published table.',
  remedy: "Remove the grant from the workload's persona in config/grants/<env>.json; if its code really needs it, change WORKLOAD_CEILINGS in stacks/checks/governance/workloads-hold-only-their-work.ts with the call that needs it.",
  evaluate({ model, access }, context) {
    const tags = new EffectiveTags(model);
    const findings: Finding[] = [];
    for (const [persona, ceiling] of Object.entries(WORKLOAD_CEILINGS) as [WorkloadPersona, WorkloadCeiling][]) {
      for (const principal of context.personas[persona]) {
        const p = access.principals.find((x) => x.principal === principal);
        if (!p) continue;
        const name = who(context, principal);
        for (const t of p.tables) {
          const perms = [...new Set(t.columns.flatMap((c) => [...c.permissions, ...c.grantable]))].sort();
          const stagedFrom = tags.ofTable(t.database, t.table).get(STAGED_TAG);
          const beyond = perms.filter((perm) => !zonesOf(t.zone).some((z) => allowedOn(ceiling, z, stagedFrom).includes(perm)));
          const what = t.zone === 'staging' ? `staging table ${t.database}.${t.table} (${stagedFrom ? `the staged copy of a ${stagedFrom} table` : 'no staged_from tag'})` : `${zoneText(t.zone)} table ${t.database}.${t.table}`;
          if (beyond.length) findings.push({ resource: name, detail: `${beyond.join(', ')} on ${what}, which the ${persona} workload never calls for` });
        }
        for (const d of p.databases) {
          const inZone = zonesOf(d.zone).some((z) => usesZone(ceiling, z));
          const beyond = [...new Set([...d.permissions, ...d.grantable])].filter((perm) => perm !== 'DESCRIBE' || !inZone).sort();
          if (beyond.length) findings.push({ resource: name, detail: `${beyond.join(', ')} on ${zoneText(d.zone)} database ${d.database}, which the ${persona} workload never calls for` });
        }
        for (const l of p.locations) {
          // A location shared by zones (staging lives in the trusted and curated buckets) is within
          // the ceiling when one of its zones is; docs/grants shows the rest as wider than the policy.
          if (!(l.zones as GovernedZone[]).some((z) => ceiling.dataLocations.includes(z))) {
            findings.push({ resource: name, detail: `${[...new Set([...l.permissions, ...l.grantable])].sort().join(', ') || DATA_LOCATION_ACCESS} on ${zonesText(l.zones)} location ${l.location}, which the ${persona} workload never points a table at` });
          }
        }
        for (const o of p.other) findings.push({ resource: name, detail: `${o.permissions.join(', ')} on ${o.resource}, which the ${persona} workload never calls for` });
      }
    }
    return findings;
  },
};
