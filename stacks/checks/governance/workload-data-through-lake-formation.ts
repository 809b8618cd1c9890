// DESIGN.md: Lake Formation decides in AWS for every workload; no workload role reads or writes zone
// data through IAM alone, but on the narrow paths of src/governance/iam-paths.ts, each with its reason.
import type { Finding } from '../check';
import type { GovernanceCheck } from './governance-check';

export const WorkloadDataThroughLakeFormation: GovernanceCheck = {
  id: 'WorkloadDataThroughLakeFormation',
  source: 'DESIGN.md (Lake Formation decides for every workload, the Glue jobs included); issue 15',
  reason:
    'An IAM grant on a registered location bypasses Lake Formation: the role reaches the data whatever its grants say, and the grants documents describe a control that does not exist.',
  remedy:
    'Reach the zone through Lake Formation (Athena, Glue full-table access, GetTemporaryGlueTableCredentials) and drop the IAM statement; where no Lake Formation engine can do the work, add the narrowest path, with its reason, to src/governance/iam-paths.ts.',
  evaluate({ model }) {
    if (!model.record) return 'not-applicable';
    const findings: Finding[] = [];
    for (const w of model.workloads) {
      for (const p of w.iamZonePaths) {
        if (p.reason !== undefined) continue;
        findings.push({ resource: w.role, detail: `statement ${p.statement} reaches ${p.zones.join(', ')} data through IAM alone: ${p.actions.join(', ')} on ${p.resources.join(', ')}` });
      }
    }
    return findings;
  },
};
