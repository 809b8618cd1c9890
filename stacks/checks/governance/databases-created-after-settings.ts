// SECURITY-CHECKLIST 18, the order half: a database created before the settings keeps IAMAllowedPrincipals.
import { type Finding, NOT_APPLICABLE } from '../check';
import type { GovernanceCheck } from './governance-check';

export const DatabasesCreatedAfterSettings: GovernanceCheck = {
  id: 'DatabasesCreatedAfterSettings',
  source: 'SECURITY-CHECKLIST 18; provider issue #27295',
  reason:
    "Glue copies the account's create-table defaults into a database when it is created: one created before the settings clear them gives IAMAllowedPrincipals ALL on every table it will hold, and the provider cannot remove that default afterwards (#27295).",
  remedy: 'Pass the database resources to LakeGovernance (props.databases[zone].resource): it makes each wait for the data lake settings.',
  evaluate({ model }) {
    if (!model.databases.length || !model.settings.length) return NOT_APPLICABLE;
    const reaches = (from: string, target: string): boolean => {
      const seen = new Set<string>();
      const stack = [...(model.dependencies.get(from) ?? [])];
      while (stack.length) {
        const next = stack.pop()!;
        if (next === target) return true;
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(...(model.dependencies.get(next) ?? []));
      }
      return false;
    };
    const findings: Finding[] = [];
    for (const db of model.databases) {
      for (const s of model.settings) {
        if (!reaches(db.address, s.address)) findings.push({ resource: db.address, detail: `${db.name} may be created before ${s.address} clears the IAMAllowedPrincipals defaults` });
      }
    }
    return findings;
  },
};
