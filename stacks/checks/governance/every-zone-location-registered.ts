// SECURITY-CHECKLIST 20 / issue 5: every zone location (and every table's location) is registered.
import { arnWithin, s3UriToArn } from '../../../src/governance/effective-access';
import type { Finding } from '../check';
import type { GovernanceCheck } from './governance-check';

export const EveryZoneLocationRegistered: GovernanceCheck = {
  id: 'EveryZoneLocationRegistered',
  source: 'SECURITY-CHECKLIST 20; issue 5',
  reason: 'Data under an unregistered location is governed by IAM alone: Lake Formation grants and PII tags do not protect it.',
  remedy: "Give every zone a location in LakeGovernance's zoneLocations (it registers each distinct one) and keep table locations inside them.",
  evaluate({ model }) {
    const registered = model.registrations.map((r) => r.arn);
    const covered = (arn: string) => registered.some((r) => arnWithin(arn, r));
    const findings: Finding[] = [];
    if (!model.record) findings.push({ resource: model.stack, detail: 'has no governance record (local stedi_lake_governance), so its zone locations are unknown; is LakeGovernance in this stack?' });
    for (const [zone, arns] of Object.entries(model.record?.zoneLocations ?? {})) {
      for (const arn of arns) if (!covered(arn)) findings.push({ resource: `zone ${zone}`, detail: `location ${arn} is not registered` });
    }
    for (const t of model.tables) {
      const arn = t.location ? s3UriToArn(t.location) : undefined;
      if (arn && !covered(arn)) findings.push({ resource: t.address, detail: `table ${t.database}.${t.name} lives at ${t.location}, outside every registered location` });
    }
    for (const g of model.grants) {
      if (g.target.kind === 'data-location' && !covered(g.target.arn)) findings.push({ resource: g.address, detail: `grants data location access on ${g.target.arn}, which is not registered` });
    }
    return findings;
  },
};
