// SECURITY-CHECKLIST 18: the data lake settings list every admin, the deploy role included.
import type { Finding } from '../check';
import type { GovernanceCheck } from './governance-check';

export const LakeAdminsListed: GovernanceCheck = {
  id: 'LakeAdminsListed',
  source: 'SECURITY-CHECKLIST 18; terraform-provider-aws#25134',
  reason:
    'The settings resource replaces the whole admin list: an admin it omits is removed on apply, and without the deploy role Terraform cannot grant; an undeclared admin holds every permission unreviewed.',
  remedy: "Give exactly one aws_lakeformation_data_lake_settings per stack whose admins are the environment's declared admins, deploy role included (LakeGovernance props deployRoleArn and admins).",
  evaluate({ model }, context) {
    const findings: Finding[] = [];
    if (model.settings.length !== 1) {
      findings.push({ resource: model.stack, detail: `has ${model.settings.length} aws_lakeformation_data_lake_settings resources; exactly one owns the account's settings` });
    }
    for (const s of model.settings) {
      const expected = [...new Set([context.deployRoleArn, ...context.admins])];
      for (const a of expected) {
        if (!s.admins.includes(a)) findings.push({ resource: s.address, detail: `does not list ${a === context.deployRoleArn ? 'the deploy role ' : 'the admin '}${a}` });
      }
      for (const a of s.admins) if (!expected.includes(a)) findings.push({ resource: s.address, detail: `lists ${a}, which the environment does not declare as an admin` });
      for (const a of context.readOnlyAdmins) if (!s.readOnlyAdmins.includes(a)) findings.push({ resource: s.address, detail: `does not list the read-only admin ${a}` });
      for (const a of s.readOnlyAdmins) if (!context.readOnlyAdmins.includes(a)) findings.push({ resource: s.address, detail: `lists ${a} as read-only admin, which the environment does not declare` });
    }
    return findings;
  },
};
