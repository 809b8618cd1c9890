// SECURITY-CHECKLIST 23: no principal or location of one environment appears in the other's stack.
import { arnWithin } from '../../../src/governance/effective-access';
import type { Finding } from '../check';
import { IAM_ARN_ACCOUNT, type GovernanceCheck } from './governance-check';

export const NoPrincipalOfOtherEnvironment: GovernanceCheck = {
  id: 'NoPrincipalOfOtherEnvironment',
  source: 'SECURITY-CHECKLIST 23; DESIGN.md invariants',
  reason: 'A dev role holding prod grants (or a prod grant on a dev bucket) crosses the account boundary the two environments exist for.',
  remedy: "Take every principal and bucket from this environment's config; never copy ARNs between config/environments files.",
  evaluate({ model }, context) {
    const findings: Finding[] = [];
    const principals: [string, string][] = [
      ...model.grants.map((g): [string, string] => [g.address, g.principal]),
      ...model.settings.flatMap((s) => [...s.admins, ...s.readOnlyAdmins].map((a): [string, string] => [s.address, a])),
      ...model.registrations.filter((r) => r.roleArn).map((r): [string, string] => [r.address, r.roleArn!]),
      ...Object.values(model.record?.personas ?? {}).flat().map((p): [string, string] => ['governance record', p]),
    ];
    for (const [address, principal] of principals) {
      const account = IAM_ARN_ACCOUNT.exec(principal)?.[1];
      const foreign = context.otherEnvironments.find((o) => o.principals.includes(principal) || o.accountId === account);
      if (foreign) findings.push({ resource: address, detail: `names ${principal} of the ${foreign.environment} environment` });
      else if (account && account !== context.accountId) findings.push({ resource: address, detail: `names ${principal} of account ${account}, not ${context.accountId}` });
    }
    const locations: [string, string][] = [
      ...model.registrations.map((r): [string, string] => [r.address, r.arn]),
      ...model.grants.flatMap((g): [string, string][] => (g.target.kind === 'data-location' ? [[g.address, g.target.arn]] : [])),
    ];
    for (const [address, arn] of locations) {
      const foreign = context.otherEnvironments.find((o) => o.locations.some((l) => arnWithin(arn, l) || arnWithin(l, arn)));
      if (foreign) findings.push({ resource: address, detail: `names ${arn}, a location of the ${foreign.environment} environment` });
    }
    return findings;
  },
};
