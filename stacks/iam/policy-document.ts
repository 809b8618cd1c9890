// IAM policy documents as typed statements, rendered by the provider's aws_iam_policy_document
// data source (never JSON.stringify in place): the synthesized Terraform keeps each statement's
// fields apart, where the security checks and the IAM simulator read them.
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import type { Construct } from 'constructs';

export interface PolicyPrincipal {
  readonly type: 'AWS' | 'Service' | 'Federated' | '*';
  readonly identifiers: readonly string[];
}

export interface PolicyCondition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface PolicyStatement {
  /** Says why the statement exists (shown in reviews and simulator explanations). */
  readonly sid: string;
  /** @default 'Allow' */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions?: readonly string[];
  readonly notActions?: readonly string[];
  readonly resources?: readonly string[];
  /** Deny statements only: everything but these resources. */
  readonly notResources?: readonly string[];
  readonly principals?: readonly PolicyPrincipal[];
  readonly conditions?: readonly PolicyCondition[];
}

export function policyDocument(scope: Construct, id: string, statements: readonly PolicyStatement[]): DataAwsIamPolicyDocument {
  const sids = new Set<string>();
  for (const s of statements) {
    if (!/^[A-Za-z0-9]+$/.test(s.sid)) throw new Error(`${id}: statement id "${s.sid}" must be letters and digits only`);
    if (sids.has(s.sid)) throw new Error(`${id}: statement id "${s.sid}" is used twice`);
    sids.add(s.sid);
    if (s.notResources && (s.effect ?? 'Allow') === 'Allow') throw new Error(`${id}: statement ${s.sid} allows NotResource (everything but a list); only a Deny may`);
  }
  return new DataAwsIamPolicyDocument(scope, id, {
    statement: statements.map((s) => ({
      sid: s.sid,
      effect: s.effect ?? 'Allow',
      ...(s.actions ? { actions: [...s.actions] } : {}),
      ...(s.notActions ? { notActions: [...s.notActions] } : {}),
      ...(s.resources ? { resources: [...s.resources] } : {}),
      ...(s.notResources ? { notResources: [...s.notResources] } : {}),
      ...(s.principals ? { principals: s.principals.map((p) => ({ type: p.type, identifiers: [...p.identifiers] })) } : {}),
      ...(s.conditions ? { condition: s.conditions.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })) } : {}),
    })),
  });
}
