// Issue 5: every grant goes to one of the environment's personas, so the review can name who holds it.
import type { Finding } from '../check';
import type { GovernanceCheck } from './governance-check';

export const GranteesArePersonas: GovernanceCheck = {
  id: 'GranteesArePersonas',
  source: 'issue 5; DESIGN.md: who may read what lives in the grants policy',
  reason: 'A grant to a principal that is no persona comes from outside the grants policy, so no policy file or review explains it.',
  remedy: 'Map the principal to a persona in the environment config and express its access in config/grants/<env>.json, or remove the grant.',
  evaluate({ model }, context) {
    const personas = new Set(Object.values(context.personas).flat());
    const findings: Finding[] = [];
    for (const g of model.grants) if (!personas.has(g.principal)) findings.push({ resource: g.address, detail: `grants ${g.permissions.join(', ')} to ${g.principal}, which is no persona of ${context.environment}` });
    return findings;
  },
};
