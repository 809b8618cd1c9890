// Issue 5: no principal outside the admins holds grantable permissions.
import type { Finding } from '../check';
import { who, type GovernanceCheck } from './governance-check';

export const NoGrantableOutsideAdmins: GovernanceCheck = {
  id: 'NoGrantableOutsideAdmins',
  source: 'issue 5; SECURITY-CHECKLIST 19',
  reason: 'A grant option lets its holder pass access on to anyone, outside this review and outside the policy.',
  remedy: 'Set "grantable": false for the persona in config/grants/<env>.json; only admins grant.',
  evaluate({ model }, context) {
    const admins = new Set([context.deployRoleArn, ...context.admins, ...model.settings.flatMap((s) => s.admins)]);
    const findings: Finding[] = [];
    for (const g of model.grants) {
      if (g.grantable.length && !admins.has(g.principal)) {
        findings.push({ resource: who(context, g.principal), detail: `may grant ${g.grantable.join(', ')} to others (${g.address})` });
      }
    }
    return findings;
  },
};
