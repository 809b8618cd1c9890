// Checklist #23: no principal, bucket or key of one environment appears in the other's stack.
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { resources, type SynthesizedApp, type SynthesizedStack } from '../terraform-json';

/** What identifies an environment's own things: its account, and the names of its buckets, roles, keys, databases, functions and workspaces. */
export function identifiersOf(stacks: readonly SynthesizedStack[], account: string): Set<string> {
  const ids = new Set<string>([account]);
  const add = (type: string, attr: string) => {
    for (const s of stacks) for (const r of resources(s, type)) if (typeof r.body[attr] === 'string' && !String(r.body[attr]).includes('${')) ids.add(String(r.body[attr]));
  };
  add('aws_s3_bucket', 'bucket');
  add('aws_iam_role', 'name');
  add('aws_iam_policy', 'name');
  add('aws_kms_alias', 'name');
  add('aws_glue_catalog_database', 'name');
  add('aws_lambda_function', 'function_name');
  add('aws_sfn_state_machine', 'name');
  add('aws_athena_workgroup', 'name');
  for (const s of stacks) ids.add(s.name);
  return ids;
}

export const EnvironmentsShareNothing: SecurityCheck = {
  id: 'EnvironmentsShareNothing',
  ...checklistLine(23),
  asserts: "no stack of one environment names another environment's account, bucket, role, policy, key alias, database, function, state machine, workgroup or workspace",
  reason: 'A dev stack that reaches a prod bucket or trusts a prod principal turns every dev mistake into a production incident.',
  remedy: 'Derive every name and ARN from the stack\'s own environment config (ResourceNames); never type another environment\'s values.',
  evaluate(app: SynthesizedApp) {
    if (app.environments.length < 2) return 'not-applicable';
    const findings: Finding[] = [];
    for (const a of app.environments) {
      const own = app.stacks.filter((s) => a.stacks.includes(s.name));
      for (const b of app.environments) {
        if (a === b) continue;
        const theirs = identifiersOf(app.stacks.filter((s) => b.stacks.includes(s.name)), b.account);
        for (const s of own) {
          const text = JSON.stringify(s.json);
          for (const id of theirs) {
            if (text.includes(id)) findings.push({ stack: s.name, resource: '(stack)', detail: `names "${id}" of environment ${b.name}` });
          }
        }
      }
    }
    return findings;
  },
};
