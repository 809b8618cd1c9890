// SECURITY-CHECKLIST 19: admins and the deploy role receive no explicit Lake Formation grants.
import type { Finding } from '../check';
import type { GovernanceCheck } from './governance-check';

export const NoExplicitGrantsToAdmins: GovernanceCheck = {
  id: 'NoExplicitGrantsToAdmins',
  source: 'SECURITY-CHECKLIST 19; terraform-provider-aws#35160',
  reason: 'Admins hold every permission implicitly; an explicit grant to one cannot be revoked cleanly (InvalidInputException on destroy) and hides who really has access.',
  remedy: 'Remove the grant; give the work a persona role of its own instead of an admin role.',
  evaluate({ model }, context) {
    const admins = new Set([context.deployRoleArn, ...context.admins, ...context.readOnlyAdmins, ...model.settings.flatMap((s) => [...s.admins, ...s.readOnlyAdmins])]);
    const findings: Finding[] = [];
    for (const g of model.grants) {
      if (admins.has(g.principal)) findings.push({ resource: g.address, detail: `grants ${g.permissions.join(', ')} to the admin ${g.principal}` });
    }
    return findings;
  },
};
