// SECURITY-CHECKLIST 22: only ingestion writes landing; nobody deletes or overwrites landing data.
import { DATA_LOCATION_ACCESS, LANDING_WRITER, WRITE_PERMISSIONS } from '../../../src/governance/vocabulary';
import type { Finding } from '../check';
import { who, type GovernanceCheck } from './governance-check';


export const LandingWrittenOnlyByIngestion: GovernanceCheck = {
  id: 'LandingWrittenOnlyByIngestion',
  source: 'SECURITY-CHECKLIST 22; DESIGN.md: nothing lost',
  reason: 'Landing is the record of what producers sent; every later zone is rebuilt from it, so only ingestion may add to it and nobody may change or remove it (lifecycle rules expire it).',
  remedy: 'Grant INSERT on landing and its data location to the ingestion persona only; never ALTER, DELETE or DROP on landing.',
  evaluate({ access }, context) {
    const ingestion = new Set(context.personas[LANDING_WRITER]);
    const findings: Finding[] = [];
    for (const p of access.principals) {
      const name = who(context, p.principal);
      for (const t of p.tables.filter((x) => x.zone === 'landing')) {
        const perms = new Set(t.columns.flatMap((c) => c.permissions));
        for (const perm of WRITE_PERMISSIONS) {
          if (!perms.has(perm)) continue;
          if (perm === 'INSERT' && ingestion.has(p.principal)) continue;
          findings.push({ resource: name, detail: `${perm} on landing table ${t.database}.${t.table}` });
        }
      }
      for (const d of p.databases.filter((x) => x.zone === 'landing')) {
        for (const perm of d.permissions.filter((x) => x !== 'DESCRIBE')) findings.push({ resource: name, detail: `${perm} on landing database ${d.database}` });
      }
      for (const l of p.locations.filter((x) => x.zones.includes('landing'))) {
        if (l.permissions.includes(DATA_LOCATION_ACCESS) && !ingestion.has(p.principal)) findings.push({ resource: name, detail: `${DATA_LOCATION_ACCESS} on landing location ${l.location}` });
      }
    }
    return findings;
  },
};
