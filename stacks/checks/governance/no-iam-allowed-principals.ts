// SECURITY-CHECKLIST 18 / issue 5: IAMAllowedPrincipals gets nothing, by default or by grant.
import { isIamAllowedPrincipals } from '../../../src/governance/vocabulary';
import type { Finding } from '../check';
import type { GovernanceCheck } from './governance-check';

export const NoIamAllowedPrincipals: GovernanceCheck = {
  id: 'NoIamAllowedPrincipals',
  source: 'SECURITY-CHECKLIST 18; issue 5; provider PR #20108',
  reason: 'A permission to IAMAllowedPrincipals lets IAM policies alone reach the data, bypassing every Lake Formation grant and the PII tags.',
  remedy:
    'Set create_database_default_permissions and create_table_default_permissions to [] on the settings (revokeIamAllowedPrincipalDefaults) and grant to named roles only.',
  evaluate({ model }) {
    const findings: Finding[] = [];
    for (const s of model.settings) {
      for (const [field, value] of [
        ['create_database_default_permissions', s.createDatabaseDefaultPermissions],
        ['create_table_default_permissions', s.createTableDefaultPermissions],
      ] as const) {
        if (value === undefined) findings.push({ resource: s.address, detail: `${field} is not set; set it to [] so no default permissions remain` });
        else for (const d of value) findings.push({ resource: s.address, detail: `${field} gives ${d.principal} ${d.permissions.join(', ')}` });
      }
      for (const a of [...s.admins, ...s.readOnlyAdmins]) if (isIamAllowedPrincipals(a)) findings.push({ resource: s.address, detail: `makes ${a} an admin` });
    }
    for (const g of model.grants) if (isIamAllowedPrincipals(g.principal)) findings.push({ resource: g.address, detail: `grants ${g.permissions.join(', ')} to ${g.principal}` });
    return findings;
  },
};
