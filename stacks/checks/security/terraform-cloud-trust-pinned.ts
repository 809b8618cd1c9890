// Checklist #3: the Terraform Cloud OIDC trust pins aud, organization, project and workspace; the plan role is read-only.
import { nonReadActions } from '../../bootstrap/deploy-permissions';
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { resolveString, resources, stackPolicies, type IamStatement, type SynthesizedApp } from '../terraform-json';

const SUBJECT = /^organization:[^:*?]+:project:[^:*?]+:workspace:[^:*?]+:run_phase:(plan|apply)$/;

export const TerraformCloudTrustPinned: SecurityCheck = {
  id: 'TerraformCloudTrustPinned',
  ...checklistLine(3),
  asserts: 'every role Terraform Cloud can assume pins the token audience and the exact organization, project, workspace and run phase; a role trusted for plan runs can only read',
  reason: 'A trust with a wildcard or without an audience lets any Terraform Cloud workspace (anyone\'s) assume the role; speculative plans run pull-request code, so the plan role must not be able to change anything.',
  remedy: 'Build the roles with TerraformCloudTrust (stacks/bootstrap/terraform-cloud-trust.ts): StringEquals on <host>:aud and on <host>:sub with full subjects; give the plan role planStatements() only.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const stack of app.stacks) {
      const providers = resources(stack, 'aws_iam_openid_connect_provider').map((p) => String(p.body.url).replace(/^https:\/\//, ''));
      const policies = stackPolicies(stack);
      for (const trust of policies.filter((p) => p.kind === 'trust')) {
        const federated = trust.policy.Statement.filter(
          (s) => s.Effect === 'Allow' && s.Principal !== '*' && (s.Principal?.Federated ?? []).some((f) => providers.some((h) => f.endsWith(`oidc-provider/${h}`))),
        );
        if (!federated.length) continue;
        applicable = true;
        const role = trust.roles[0];
        const phases = new Set<string>();
        for (const s of federated) {
          const host = providers.find((h) => (s.Principal as Record<string, string[]>).Federated.some((f) => f.endsWith(h)))!;
          const equals = s.Condition?.StringEquals ?? {};
          const aud = equals[`${host}:aud`];
          const sub = equals[`${host}:sub`];
          if (!aud?.length || aud.some((a) => /[*?]/.test(a))) findings.push({ stack: stack.name, resource: trust.address, detail: `${s.Sid ?? 'a statement'} does not pin ${host}:aud with StringEquals` });
          if (!sub?.length) findings.push({ stack: stack.name, resource: trust.address, detail: `${s.Sid ?? 'a statement'} does not pin ${host}:sub with StringEquals` });
          for (const v of sub ?? []) {
            const m = SUBJECT.exec(v);
            if (!m) findings.push({ stack: stack.name, resource: trust.address, detail: `subject "${v}" does not name one organization, project, workspace and run phase` });
            else phases.add(m[1]);
          }
          for (const [op, keys] of Object.entries(s.Condition ?? {})) {
            if (op !== 'StringEquals' && Object.keys(keys).some((k) => k.startsWith(`${host}:`))) {
              findings.push({ stack: stack.name, resource: trust.address, detail: `${op} on ${Object.keys(keys).join(', ')}: only StringEquals pins a token claim` });
            }
          }
        }
        if (phases.has('plan')) {
          if (phases.has('apply')) findings.push({ stack: stack.name, resource: trust.address, detail: `role ${role} is trusted for plan and apply runs alike` });
          const writes = policies
            .filter((p) => p.kind === 'identity' && p.roles.includes(role))
            .flatMap((p) =>
              p.policy.Statement.filter((s: IamStatement) => s.Effect === 'Allow').flatMap((s) =>
                nonReadActions([...(s.Action ?? []), ...(s.NotAction ? ['NotAction'] : [])]),
              ),
            );
          if (writes.length) findings.push({ stack: stack.name, resource: trust.address, detail: `plan role ${role} may ${[...new Set(writes)].join(', ')}` });
          // The attachment names its role by reference (`${aws_iam_role.x.name}`) or by name.
          if (resources(stack, 'aws_iam_role_policy_attachment').some((a) => resolveString(stack, String(a.body.role)) === role && /^arn:aws:iam::aws:policy\//.test(String(a.body.policy_arn)))) {
            findings.push({ stack: stack.name, resource: trust.address, detail: `plan role ${role} has an AWS-managed policy whose actions this check cannot read` });
          }
        }
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
