// Checklist #17: no IAM policy allows `*` actions, nor `*` resources where the action can be scoped.
import { CONDITION_SCOPED_ACTIONS, UNSCOPABLE_ACTIONS } from '../../iam/unscopable-actions';
import type { Finding, SecurityCheck } from '../security-check';
import { stackPolicies, type SynthesizedApp } from '../terraform-json';

const SERVICE_WIDE = /^([a-z0-9-]+:)?\*$/i;

export const IamPoliciesWithoutWildcards: SecurityCheck = {
  id: 'IamPoliciesWithoutWildcards',
  checklist: 17,
  asserts: 'no Allow statement of any policy grants "*" or a whole service ("s3:*"), uses NotAction, or grants Resource "*" for an action IAM can scope; no trust lets "*" assume a role',
  reason: 'Wildcards grant what nobody reviewed, including actions AWS adds later (CKV_AWS_63, CKV_AWS_355, CKV_AWS_356, AVD-AWS-0057).',
  remedy: 'List the actions the code calls and the ARNs it touches (stacks/environment/resource-names.ts builds them); "*" resources only for the actions of stacks/iam/unscopable-actions.ts (and the condition-scoped ones with their condition).',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const s of app.stacks) {
      for (const p of stackPolicies(s)) {
        applicable = true;
        for (const st of p.policy.Statement) {
          if (st.Effect !== 'Allow') continue;
          const where = `${p.address} ${st.Sid ?? ''}`.trim();
          if (p.kind === 'trust') {
            if (st.Principal === '*' || Object.values(st.Principal ?? {}).flat().includes('*')) findings.push({ stack: s.name, resource: where, problem: 'lets anyone assume the role' });
            continue;
          }
          if (st.NotAction) findings.push({ stack: s.name, resource: where, problem: 'allows NotAction (everything but a list)' });
          for (const a of st.Action ?? []) if (SERVICE_WIDE.test(a)) findings.push({ stack: s.name, resource: where, problem: `allows "${a}"` });
          if (st.NotResource) findings.push({ stack: s.name, resource: where, problem: 'allows NotResource (everything but a list)' });
          // In a key policy, Resource "*" is the key itself.
          if (p.kind === 'key') continue;
          if ((st.Resource ?? []).includes('*')) {
            const conditioned = (a: string) => CONDITION_SCOPED_ACTIONS[a] !== undefined && Object.values(st.Condition ?? {}).some((keys) => CONDITION_SCOPED_ACTIONS[a] in keys);
            const scopable = (st.Action ?? []).filter((a) => !(UNSCOPABLE_ACTIONS as readonly string[]).includes(a) && !conditioned(a));
            if (scopable.length) findings.push({ stack: s.name, resource: where, problem: `grants ${scopable.join(', ')} on Resource "*"` });
          }
          for (const r of st.Resource ?? []) {
            if (/^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\*:/.test(r)) findings.push({ stack: s.name, resource: where, problem: `grants on ${r}, in any account` });
          }
        }
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
