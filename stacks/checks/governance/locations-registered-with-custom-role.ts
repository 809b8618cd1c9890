// SECURITY-CHECKLIST 20: data locations registered with a custom role, not the service-linked role; hybrid access off.
import { NOT_APPLICABLE, type Finding } from '../check';
import type { GovernanceCheck } from './governance-check';

const SERVICE_LINKED = /:role\/aws-service-role\/lakeformation\.amazonaws\.com\//;

export const LocationsRegisteredWithCustomRole: GovernanceCheck = {
  id: 'LocationsRegisteredWithCustomRole',
  source: 'SECURITY-CHECKLIST 20; AWS Lake Formation best practices',
  reason:
    'The service-linked role cannot be scoped to our buckets and keys nor audited as ours, and hybrid access mode lets IAM permissions reach the data beside Lake Formation.',
  remedy: 'Register with registerS3Location: role_arn = the lake registration role, use_service_linked_role = false, hybrid_access_enabled = false, all written explicitly.',
  evaluate({ model }) {
    if (!model.registrations.length) return NOT_APPLICABLE;
    const findings: Finding[] = [];
    for (const r of model.registrations) {
      if (!r.roleArn) findings.push({ resource: r.address, detail: `registers ${r.arn} without role_arn, so Lake Formation uses its service-linked role` });
      else if (SERVICE_LINKED.test(r.roleArn)) findings.push({ resource: r.address, detail: `registers ${r.arn} with the service-linked role ${r.roleArn}` });
      if (r.useServiceLinkedRole !== false) findings.push({ resource: r.address, detail: `use_service_linked_role is ${r.useServiceLinkedRole === undefined ? 'not set' : r.useServiceLinkedRole}; it must be false` });
      if (r.hybridAccessEnabled !== false) findings.push({ resource: r.address, detail: `hybrid_access_enabled is ${r.hybridAccessEnabled === undefined ? 'not set' : r.hybridAccessEnabled}; it must be false` });
    }
    return findings;
  },
};
