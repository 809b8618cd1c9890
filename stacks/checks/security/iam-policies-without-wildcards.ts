// Checklist #17: no IAM policy allows `*` actions, nor `*` resources where the action can be scoped.
import { CONDITION_SCOPED_ACTIONS, UNSCOPABLE_ACTIONS } from '../../iam/unscopable-actions';
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { stackPolicies, type EnvironmentFacts, type SynthesizedApp } from '../terraform-json';

const SERVICE_WIDE = /^([a-z0-9-]+:)?\*$/i;

/**
 * Whether every resource of a statement belongs to the environment: its account or its name
 * prefix appears in the ARN (so "*" never does). A whole service on such resources is the deploy
 * role's shape (stacks/bootstrap/deploy-permissions.ts): it survives provider upgrades that start
 * new API calls, and the explicit denies beside it say what must never happen.
 */
function environmentScoped(resources: readonly string[], env: EnvironmentFacts): boolean {
  const names = [env.prefix, env.prefix.replace(/-/g, '_')];
  return resources.length > 0 && resources.every((r) => r.includes(`:${env.account}:`) || names.some((n) => r.includes(n)));
}

export const IamPoliciesWithoutWildcards: SecurityCheck = {
  id: 'IamPoliciesWithoutWildcards',
  ...checklistLine(17),
  asserts:
    'no Allow statement of any policy grants "*", uses NotAction or NotResource, or grants Resource "*" for an action IAM can scope; a whole service ("s3:*") only in the deploy role\'s policies and only on its environment\'s ARNs; no trust lets "*" assume a role',
  reason: 'Wildcards grant what nobody reviewed, including actions AWS adds later (CKV_AWS_63, CKV_AWS_355, CKV_AWS_356, AVD-AWS-0057).',
  remedy: 'List the actions the code calls and the ARNs it touches (stacks/environment/resource-names.ts builds them); "*" resources only for the actions of stacks/iam/unscopable-actions.ts (and the condition-scoped ones with their condition).',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const s of app.stacks) {
      const env = app.environments.find((e) => e.stacks.includes(s.name));
      for (const p of stackPolicies(s)) {
        const ofDeployRole = env !== undefined && p.kind === 'identity' && p.roles.includes(env.deployRole);
        applicable = true;
        for (const st of p.policy.Statement) {
          if (st.Effect !== 'Allow') continue;
          const where = `${p.address} ${st.Sid ?? ''}`.trim();
          if (p.kind === 'trust') {
            if (st.Principal === '*' || Object.values(st.Principal ?? {}).flat().includes('*')) findings.push({ stack: s.name, resource: where, detail: 'lets anyone assume the role' });
            continue;
          }
          if (st.NotAction) findings.push({ stack: s.name, resource: where, detail: 'allows NotAction (everything but a list)' });
          for (const a of st.Action ?? []) {
            if (!SERVICE_WIDE.test(a)) continue;
            if (a !== '*' && ofDeployRole && environmentScoped(st.Resource ?? [], env)) continue;
            findings.push({ stack: s.name, resource: where, detail: `allows "${a}"${a === '*' || !ofDeployRole ? '' : ' on resources outside its environment'}` });
          }
          if (st.NotResource) findings.push({ stack: s.name, resource: where, detail: 'allows NotResource (everything but a list)' });
          // In a key policy, Resource "*" is the key itself.
          if (p.kind === 'key') continue;
          if ((st.Resource ?? []).includes('*')) {
            const conditioned = (a: string) => CONDITION_SCOPED_ACTIONS[a] !== undefined && Object.values(st.Condition ?? {}).some((keys) => CONDITION_SCOPED_ACTIONS[a] in keys);
            const scopable = (st.Action ?? []).filter((a) => !(UNSCOPABLE_ACTIONS as readonly string[]).includes(a) && !conditioned(a));
            if (scopable.length) findings.push({ stack: s.name, resource: where, detail: `grants ${scopable.join(', ')} on Resource "*"` });
          }
          for (const r of st.Resource ?? []) {
            if (/^arn:aws:[a-z0-9-]+:[a-z0-9-]*:\*:/.test(r)) findings.push({ stack: s.name, resource: where, detail: `grants on ${r}, in any account` });
          }
        }
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
