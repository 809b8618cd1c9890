// Reads synthesized stacks (cdk.tf.json) for the security checks: resources by type, references
// resolved to the values they will have, and IAM policy documents rendered as IAM JSON. A
// reference this reader cannot resolve is an error, never a guess: the checks fail closed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Block = { [key: string]: Json };

export interface TerraformJson {
  readonly provider?: Record<string, Block[]>;
  readonly terraform?: Block;
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
}

export interface SynthesizedStack {
  readonly name: string;
  readonly json: TerraformJson;
}

/** The environments the app was built for, as the checks need them. */
export interface EnvironmentFacts {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** The landing bucket's name (what #22 protects). */
  readonly landingBucket: string;
  /** The stack names of the environment. */
  readonly stacks: readonly string[];
  /** What every resource name of the environment starts with, e.g. `stedi-dev` (`stedi_dev` where names take no hyphen). */
  readonly prefix: string;
  /** The role that applies the environment's stacks. */
  readonly deployRole: string;
}

export interface SynthesizedApp {
  readonly stacks: readonly SynthesizedStack[];
  readonly environments: readonly EnvironmentFacts[];
  /** The committed resource addresses of each stack (stacks/pinned-addresses/), when the caller loaded them. */
  readonly pinnedAddresses?: Readonly<Record<string, readonly string[]>>;
}

export interface Resource {
  readonly type: string;
  readonly name: string;
  /** `type.name`, as Terraform addresses it. */
  readonly address: string;
  readonly body: Block;
}

export class UnresolvableReference extends Error {
  constructor(stack: string, expression: string) {
    super(`${stack}: cannot resolve ${expression}; the checks only trust values they can read`);
    this.name = 'UnresolvableReference';
  }
}

export function readSynthesizedStacks(outdir: string): SynthesizedStack[] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return Object.entries(manifest.stacks).map(([name, s]) => ({ name, json: JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), 'utf8')) as TerraformJson }));
}

export function resources(stack: SynthesizedStack, type: string): Resource[] {
  return Object.entries(stack.json.resource?.[type] ?? {}).map(([name, body]) => ({ type, name, address: `${type}.${name}`, body }));
}

export function allResources(stack: SynthesizedStack): Resource[] {
  return Object.keys(stack.json.resource ?? {}).flatMap((type) => resources(stack, type));
}

export function awsProviders(stack: SynthesizedStack): Block[] {
  return stack.json.provider?.aws ?? [];
}

/** The account and region a stack's (first) AWS provider is pinned to. */
export function stackAccount(stack: SynthesizedStack): { account: string; region: string } {
  const p = awsProviders(stack)[0];
  const ids = (p?.allowed_account_ids as string[] | undefined) ?? [];
  if (!p || ids.length !== 1) throw new Error(`${stack.name}: no AWS provider pinned to one account`);
  return { account: ids[0], region: String(p.region) };
}

/** The first (and only) nested block of a Terraform block list, as cdktf renders `foo { ... }`. */
export function one(value: Json | undefined): Block | undefined {
  if (Array.isArray(value)) return (value[0] as Block | undefined) ?? undefined;
  if (value && typeof value === 'object') return value as Block;
  return undefined;
}

const REF = /\$\{([a-z0-9_]+(?:\.[A-Za-z0-9_-]+)+)\}/g;

/** Resolves `${type.name.attr}` references inside a string to the values they will have. */
export function resolveString(stack: SynthesizedStack, text: string): string {
  return text.replace(REF, (_, expr: string) => {
    const value = resolveExpression(stack, expr);
    if (typeof value !== 'string') throw new UnresolvableReference(stack.name, `\${${expr}}`);
    return value;
  });
}

function body(stack: SynthesizedStack, type: string, name: string, data = false): Block {
  const b = (data ? stack.json.data : stack.json.resource)?.[type]?.[name];
  if (!b) throw new UnresolvableReference(stack.name, `${data ? 'data.' : ''}${type}.${name} (no such block)`);
  return b;
}

function resolveExpression(stack: SynthesizedStack, expr: string): Json {
  const parts = expr.split('.');
  if (parts[0] === 'data') {
    const [, type, name, attr] = parts;
    if (type === 'aws_iam_policy_document' && attr === 'json') return JSON.stringify(renderPolicyDocument(stack, body(stack, type, name, true)));
    throw new UnresolvableReference(stack.name, expr);
  }
  const [type, name, attr] = parts;
  const b = body(stack, type, name);
  const { account, region } = stackAccount(stack);
  const str = (key: string) => resolveString(stack, String(b[key]));
  switch (`${type}.${attr}`) {
    case 'aws_kms_key.arn':
      return `arn:aws:kms:${region}:${account}:key/${name}`;
    case 'aws_kms_key.key_id':
      return name;
    case 'aws_iam_role.arn':
      return `arn:aws:iam::${account}:role/${str('name')}`;
    case 'aws_iam_role.id':
    case 'aws_iam_role.name':
      return str('name');
    case 'aws_iam_policy.arn':
      return `arn:aws:iam::${account}:policy/${str('name')}`;
    case 'aws_iam_openid_connect_provider.arn':
      return `arn:aws:iam::${account}:oidc-provider/${str('url').replace(/^https:\/\//, '')}`;
    case 'aws_s3_bucket.arn':
      return `arn:aws:s3:::${str('bucket')}`;
    case 'aws_s3_bucket.id':
    case 'aws_s3_bucket.bucket':
      return str('bucket');
    case 'aws_cloudwatch_log_group.arn':
      return `arn:aws:logs:${region}:${account}:log-group:${str('name')}`;
    case 'aws_cloudwatch_log_group.name':
    case 'aws_cloudwatch_log_stream.name':
    case 'aws_glue_security_configuration.name':
    case 'aws_glue_catalog_database.name':
    case 'aws_kinesis_firehose_delivery_stream.name':
      return str('name');
    case 'aws_sqs_queue.arn':
      return `arn:aws:sqs:${region}:${account}:${str('name')}`;
    case 'aws_sqs_queue.url':
      return `https://sqs.${region}.amazonaws.com/${account}/${str('name')}`;
    case 'aws_sns_topic.arn':
      return `arn:aws:sns:${region}:${account}:${str('name')}`;
    case 'aws_sfn_state_machine.arn':
      return `arn:aws:states:${region}:${account}:stateMachine:${str('name')}`;
    default:
      throw new UnresolvableReference(stack.name, expr);
  }
}

/** A statement in IAM's JSON form. */
export interface IamStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string[];
  readonly NotAction?: string[];
  readonly Resource?: string[];
  readonly NotResource?: string[];
  readonly Principal?: '*' | Record<string, string[]>;
  readonly Condition?: Record<string, Record<string, string[]>>;
}

export interface IamPolicyJson {
  readonly Version: '2012-10-17';
  readonly Statement: IamStatement[];
}

const strings = (stack: SynthesizedStack, v: Json | undefined) => ((v as string[] | undefined) ?? []).map((s) => resolveString(stack, s));

/** Renders an aws_iam_policy_document block the way the data source renders it (IAM JSON). */
export function renderPolicyDocument(stack: SynthesizedStack, doc: Block): IamPolicyJson {
  const statements = (doc.statement as Block[] | undefined) ?? [];
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const principals = (key: string) => {
        const list = (s[key] as Block[] | undefined) ?? [];
        if (!list.length) return undefined;
        if (list.some((p) => p.type === '*')) return '*' as const;
        const out: Record<string, string[]> = {};
        for (const p of list) out[String(p.type)] = [...(out[String(p.type)] ?? []), ...strings(stack, p.identifiers)];
        return out;
      };
      const conditions = (s.condition as Block[] | undefined) ?? [];
      const condition: Record<string, Record<string, string[]>> = {};
      for (const c of conditions) {
        const test = String(c.test);
        condition[test] = { ...(condition[test] ?? {}), [resolveString(stack, String(c.variable))]: strings(stack, c.values) };
      }
      const st: IamStatement = {
        ...(s.sid ? { Sid: String(s.sid) } : {}),
        Effect: (s.effect as 'Allow' | 'Deny' | undefined) ?? 'Allow',
        ...(s.actions ? { Action: strings(stack, s.actions) } : {}),
        ...(s.not_actions ? { NotAction: strings(stack, s.not_actions) } : {}),
        ...(s.resources ? { Resource: strings(stack, s.resources) } : {}),
        ...(s.not_resources ? { NotResource: strings(stack, s.not_resources) } : {}),
        ...(principals('principals') ? { Principal: principals('principals')! } : {}),
        ...(conditions.length ? { Condition: condition } : {}),
      };
      return st;
    }),
  };
}

/** A policy attribute (`policy`, `assume_role_policy`) read as IAM JSON. */
export function policyOf(stack: SynthesizedStack, value: Json | undefined): IamPolicyJson {
  if (typeof value !== 'string') throw new Error(`${stack.name}: policy is not a string`);
  return JSON.parse(resolveString(stack, value)) as IamPolicyJson;
}

export type PolicyKind = 'identity' | 'trust' | 'bucket' | 'key' | 'queue' | 'topic' | 'boundary';

export interface PolicyOfStack {
  readonly stack: string;
  /** The resource that carries the policy. */
  readonly address: string;
  readonly kind: PolicyKind;
  readonly policy: IamPolicyJson;
  /** For identity policies: the role names it applies to. */
  readonly roles: readonly string[];
}

/** Every IAM policy a stack sets, resolved. */
export function stackPolicies(stack: SynthesizedStack): PolicyOfStack[] {
  const out: PolicyOfStack[] = [];
  const roleName = (ref: string) => resolveString(stack, ref);
  for (const r of resources(stack, 'aws_iam_role')) {
    out.push({ stack: stack.name, address: r.address, kind: 'trust', policy: policyOf(stack, r.body.assume_role_policy), roles: [String(r.body.name)] });
  }
  for (const r of resources(stack, 'aws_iam_role_policy')) {
    out.push({ stack: stack.name, address: r.address, kind: 'identity', policy: policyOf(stack, r.body.policy), roles: [roleName(String(r.body.role))] });
  }
  const attachments = resources(stack, 'aws_iam_role_policy_attachment');
  const boundaries = new Set(resources(stack, 'aws_iam_role').map((r) => r.body.permissions_boundary).filter(Boolean).map(String));
  for (const r of resources(stack, 'aws_iam_policy')) {
    const arn = resolveString(stack, `\${aws_iam_policy.${r.name}.arn}`);
    const roles = attachments.filter((a) => String(a.body.policy_arn) === `\${aws_iam_policy.${r.name}.arn}`).map((a) => roleName(String(a.body.role)));
    const kind: PolicyKind = roles.length === 0 && (boundaries.has(arn) || /-boundary$/.test(String(r.body.name))) ? 'boundary' : 'identity';
    out.push({ stack: stack.name, address: r.address, kind, policy: policyOf(stack, r.body.policy), roles });
  }
  for (const [type, kind] of [
    ['aws_s3_bucket_policy', 'bucket'],
    ['aws_sqs_queue_policy', 'queue'],
    ['aws_sns_topic_policy', 'topic'],
  ] as const) {
    for (const r of resources(stack, type)) out.push({ stack: stack.name, address: r.address, kind, policy: policyOf(stack, r.body.policy), roles: [] });
  }
  for (const r of resources(stack, 'aws_kms_key')) {
    if (r.body.policy !== undefined) out.push({ stack: stack.name, address: r.address, kind: 'key', policy: policyOf(stack, r.body.policy), roles: [] });
  }
  return out;
}

/** IAM wildcard matching (`*` any run, `?` one character); actions compare case-insensitively. */
export function iamMatches(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, caseInsensitive ? 'i' : '');
  return re.test(value);
}

/** Whether a statement's actions cover `action` (e.g. `s3:Delete*` covers `s3:DeleteObject`). */
export function coversAction(statement: IamStatement, action: string): boolean {
  if (statement.NotAction) return !statement.NotAction.some((a) => iamMatches(a, action, true));
  return (statement.Action ?? []).some((a) => iamMatches(a, action, true));
}

/** Whether a statement's resources reach any object under `prefix` (an ARN ending in "/"). */
export function coversAnyUnder(statement: IamStatement, prefix: string): boolean {
  if (statement.NotResource) return true;
  return (statement.Resource ?? []).some((r) => r.startsWith(prefix) || iamMatches(r, `${prefix}x`));
}

/** Whether a statement's resources could include `arn` (either side may carry wildcards). */
export function coversResource(statement: IamStatement, arn: string): boolean {
  if (statement.NotResource) return !statement.NotResource.some((r) => iamMatches(r, arn));
  return (statement.Resource ?? []).some((r) => iamMatches(r, arn) || iamMatches(arn, r));
}
