// SECURITY-CHECKLIST 21 / issue 5: no PII column is reachable by the analyst or ML roles.
import { PII_FREE_PERSONAS } from '../../../src/governance/vocabulary';
import { zoneText } from '../../../src/governance/access-text';
import type { Finding } from '../check';
import type { GovernanceCheck } from './governance-check';

export const NoPiiForAnalystsOrMl: GovernanceCheck = {
  id: 'NoPiiForAnalystsOrMl',
  source: 'SECURITY-CHECKLIST 21; issue 5',
  reason: 'Analysts and the ML role work on research data of consenting customers; names, emails, phones and birthdays are not theirs to read.',
  remedy: 'Keep "includePii": false on every table grant of analyst and ml in config/grants/<env>.json (their tag expression must say pii = no).',
  evaluate({ access }, context) {
    const findings: Finding[] = [];
    for (const persona of PII_FREE_PERSONAS) {
      for (const principal of context.personas[persona]) {
        const p = access.principals.find((x) => x.principal === principal);
        for (const t of p?.tables ?? []) {
          for (const c of t.columns.filter((x) => x.pii && x.permissions.length)) {
            findings.push({ resource: `${persona} ${principal}`, detail: `${c.permissions.join(', ')} on PII column ${t.database}.${t.table}.${c.name} (${zoneText(t.zone)})` });
          }
        }
      }
    }
    return findings;
  },
};
