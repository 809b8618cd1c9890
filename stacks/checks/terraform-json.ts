// The one reader of synthesized stacks (cdk.tf.json) for everything that checks or renders them:
// the security and governance packs, `stedi grants` and the rehearsal. It fails closed: a stack
// that cannot be read, is not a Terraform JSON object, or holds a reference a check needs and
// this reader cannot resolve, is an error naming the file or stack, never an empty stack.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OperatorError } from '../../src/errors/operator-error';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface TerraformJson {
  readonly provider?: Record<string, JsonObject[]>;
  readonly terraform?: JsonObject;
  readonly resource?: Record<string, Record<string, JsonObject>>;
  readonly data?: Record<string, Record<string, JsonObject>>;
  readonly locals?: Record<string, Json>;
}

export interface SynthesizedStack {
  readonly name: string;
  readonly json: TerraformJson;
  /** The file it was read from, when read from a synth output. */
  readonly file?: string;
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
  readonly body: JsonObject;
}

export class UnresolvableReference extends Error {
  constructor(stack: string, expression: string) {
    super(`${stack}: cannot resolve ${expression}; the checks only trust values they can read`);
    this.name = 'UnresolvableReference';
  }
}

export class SynthesizedStackError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'SynthesizedStackError';
  }
}

/** One stack file, read as a Terraform JSON object. */
export function readSynthesizedStack(file: string): TerraformJson {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SynthesizedStackError(`${file}: cannot read the synthesized stack (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run \`npm run synth\` first`);
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('not a JSON object');
    return json as TerraformJson;
  } catch (e) {
    throw new SynthesizedStackError(`${file}: not a synthesized Terraform JSON stack: ${(e as Error).message}`);
  }
}

/** Every stack cdktf's manifest lists, each read by readSynthesizedStack. */
export function readSynthesizedStacks(outdir: string): SynthesizedStack[] {
  const file = join(outdir, 'manifest.json');
  let manifest: { stacks?: Record<string, { synthesizedStackPath?: unknown }> };
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as typeof manifest;
  } catch (e) {
    throw new SynthesizedStackError(`${file}: cannot read cdktf's manifest of the synth output (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); run \`npm run synth\` first`);
  }
  const stacks = Object.entries(manifest?.stacks ?? {});
  if (!stacks.length) throw new SynthesizedStackError(`${file}: the manifest lists no stacks; run \`npm run synth\` again`);
  return stacks.map(([name, s]) => {
    if (typeof s?.synthesizedStackPath !== 'string') throw new SynthesizedStackError(`${file}: stack ${name} has no synthesizedStackPath; run \`npm run synth\` again`);
    const stackFile = join(outdir, s.synthesizedStackPath);
    return { name, json: readSynthesizedStack(stackFile), file: stackFile };
  });
}

export function resources(stack: SynthesizedStack, type: string): Resource[] {
  return Object.entries(stack.json.resource?.[type] ?? {}).map(([name, body]) => ({ type, name, address: `${type}.${name}`, body }));
}

export function allResources(stack: SynthesizedStack): Resource[] {
  return Object.keys(stack.json.resource ?? {}).flatMap((type) => resources(stack, type));
}

export function awsProviders(stack: SynthesizedStack): JsonObject[] {
  return stack.json.provider?.aws ?? [];
}

/** The account and region a stack's (first) AWS provider is pinned to. */
export function stackAccount(stack: SynthesizedStack): { account: string; region: string } {
  const p = awsProviders(stack)[0];
  const ids = (p?.allowed_account_ids as string[] | undefined) ?? [];
  if (!p || ids.length !== 1) throw new Error(`${stack.name}: no AWS provider pinned to one account`);
  return { account: ids[0], region: String(p.region) };
}

/** A Terraform block written either as one object or as a list of objects. */
export function blocks(value: Json | undefined): JsonObject[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.filter((v): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v));
  if (typeof value === 'object') return [value];
  return [];
}

export function block(value: Json | undefined): JsonObject | undefined {
  return blocks(value)[0];
}

const REF = /\$\{([a-z0-9_]+(?:\.[A-Za-z0-9_-]+)+)\}/g;

/**
 * Resolves `${type.name.attr}` references inside a string to the values they will have, for the
 * checks: a reference to a block that does not exist, or to an attribute that cannot be known
 * before apply, throws UnresolvableReference (the check fails closed).
 */
export function resolveString(stack: SynthesizedStack, text: string): string {
  return text.replace(REF, (_, expr: string) => {
    const value = resolveExpression(stack, expr);
    if (typeof value !== 'string') throw new UnresolvableReference(stack.name, `\${${expr}}`);
    return value;
  });
}

function body(stack: SynthesizedStack, type: string, name: string, data = false): JsonObject {
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
  if (parts[0] === 'local' && parts.length === 2) {
    const local = stack.json.locals?.[parts[1]];
    if (typeof local !== 'string') throw new UnresolvableReference(stack.name, `${expr} (no such string local)`);
    return resolveString(stack, local);
  }
  const [type, name, attr] = parts;
  const b = body(stack, type, name);
  const value = derivedAttribute(type, name, attr, {
    account: () => stackAccount(stack).account,
    region: () => stackAccount(stack).region,
    attribute: (key) => (typeof b[key] === 'string' ? resolveString(stack, b[key] as string) : undefined),
    optional: (key) => (typeof b[key] === 'string' ? resolveString(stack, b[key] as string) : undefined),
  });
  if (value === undefined) throw new UnresolvableReference(stack.name, expr);
  return value;
}

/** What deriving an attribute needs: the stack's account and region, and the block's own attributes, resolved. */
interface Derivation {
  account(): string;
  region(): string;
  /** The block's attribute `key`, resolved; when the stack does not write it, undefined (the checks) or a placeholder (the model). */
  attribute(key: string): string | undefined;
  /** An attribute that may be left out (a role's path), resolved; undefined when not written. */
  optional(key: string): string | undefined;
}

/**
 * The attributes Terraform computes predictably before apply, one rule per `type.attr`: the one
 * table both resolvers use (resolveString for the checks, ReferenceResolver for the model and the
 * rehearsal). undefined when the attribute is none of these or an input it needs is not written.
 */
function derivedAttribute(type: string, name: string, attr: string, d: Derivation): string | undefined {
  const from = (key: string, value: (v: string) => string) => {
    const v = d.attribute(key);
    return v === undefined ? undefined : value(v);
  };
  switch (`${type}.${attr}`) {
    case 'aws_kms_key.arn':
      return `arn:aws:kms:${d.region()}:${d.account()}:key/${name}`;
    case 'aws_kms_key.key_id':
      return name;
    case 'aws_iam_role.arn':
      return from('name', (n) => `arn:aws:iam::${d.account()}:role${d.optional('path') ?? '/'}${n}`);
    case 'aws_iam_policy.arn':
      return from('name', (n) => `arn:aws:iam::${d.account()}:policy/${n}`);
    case 'aws_iam_openid_connect_provider.arn':
      return from('url', (u) => `arn:aws:iam::${d.account()}:oidc-provider/${u.replace(/^https:\/\//, '')}`);
    case 'aws_s3_bucket.arn':
      return from('bucket', (b) => `arn:aws:s3:::${b}`);
    case 'aws_s3_bucket.id':
    case 'aws_s3_bucket.bucket':
      return d.attribute('bucket');
    case 'aws_cloudwatch_log_group.arn':
      return from('name', (n) => `arn:aws:logs:${d.region()}:${d.account()}:log-group:${n}`);
    case 'aws_iam_role.id':
    case 'aws_iam_role.name':
    case 'aws_glue_catalog_database.id':
    case 'aws_glue_catalog_database.name':
    case 'aws_cloudwatch_log_group.name':
    case 'aws_cloudwatch_log_stream.name':
    case 'aws_glue_security_configuration.name':
    case 'aws_kinesis_firehose_delivery_stream.name':
      return d.attribute('name');
    case 'aws_sqs_queue.arn':
      return from('name', (n) => `arn:aws:sqs:${d.region()}:${d.account()}:${n}`);
    case 'aws_sqs_queue.url':
      return from('name', (n) => `https://sqs.${d.region()}.amazonaws.com/${d.account()}/${n}`);
    case 'aws_sns_topic.arn':
      return from('name', (n) => `arn:aws:sns:${d.region()}:${d.account()}:${n}`);
    case 'aws_sfn_state_machine.arn':
      return from('name', (n) => `arn:aws:states:${d.region()}:${d.account()}:stateMachine:${n}`);
    default:
      return undefined;
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
export function renderPolicyDocument(stack: SynthesizedStack, doc: JsonObject): IamPolicyJson {
  const statements = (doc.statement as JsonObject[] | undefined) ?? [];
  return {
    Version: '2012-10-17',
    Statement: statements.map((s) => {
      const principals = (key: string) => {
        const list = (s[key] as JsonObject[] | undefined) ?? [];
        if (!list.length) return undefined;
        if (list.some((p) => p.type === '*')) return '*' as const;
        const out: Record<string, string[]> = {};
        for (const p of list) out[String(p.type)] = [...(out[String(p.type)] ?? []), ...strings(stack, p.identifiers)];
        return out;
      };
      const conditions = (s.condition as JsonObject[] | undefined) ?? [];
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

const INTERPOLATION = /\$\{([^{}]*)\}/g;
const RESOURCE_REF = /^([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)$/;
const LOCAL_REF = /^local\.([A-Za-z0-9_-]+)$/;

/** `type.name` of every resource a value refers to through `${type.name.attr}`. */
export function referencedAddresses(value: Json | undefined): string[] {
  const found = new Set<string>();
  const walk = (v: Json | undefined): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(INTERPOLATION)) {
        const r = RESOURCE_REF.exec(m[1].trim());
        if (r && r[1] !== 'data' && r[1] !== 'local' && r[1] !== 'var') found.add(`${r[1]}.${r[2]}`);
      }
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return [...found];
}

/**
 * Resolves `${type.name.attr}` and `${local.name}` references to the literal values written in the
 * stack and the attributes Terraform computes predictably (derivedAttribute, as resolveString). For
 * the Lake Formation model and the rehearsal, which read a stack as it will be applied: a reference
 * that cannot be known before apply stays visible as `{expression}`, e.g. `{aws_s3_bucket.x.arn}`,
 * so two values built from the same unknown still compare equal, and a consumer that needs the
 * value refuses it (the checks use resolveString, which throws instead).
 */
export class ReferenceResolver {
  private readonly account: string;
  private readonly region: string;

  constructor(private readonly json: TerraformJson) {
    const ids = new Set<string>();
    for (const p of blocks((json.provider ?? {})['aws'])) {
      const allowed = p['allowed_account_ids'];
      if (Array.isArray(allowed)) for (const a of allowed) if (typeof a === 'string') ids.add(a);
    }
    this.account = ids.size === 1 ? [...ids][0] : '{account}';
    const region = blocks((json.provider ?? {})['aws'])[0]?.['region'];
    this.region = typeof region === 'string' ? region : '{region}';
  }

  /** The account the stack's AWS provider is pinned to, when exactly one. */
  get accountId(): string | undefined {
    return this.account.startsWith('{') ? undefined : this.account;
  }

  resource(type: string, name: string): JsonObject | undefined {
    return this.json.resource?.[type]?.[name];
  }

  string(value: Json | undefined, depth = 0): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') return String(value);
    if (depth > 20) return value;
    return value.replace(INTERPOLATION, (_, expr: string) => this.expression(expr.trim(), depth + 1));
  }

  strings(value: Json | undefined): string[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      const s = this.string(value);
      return s === undefined ? [] : [s];
    }
    return value.map((v) => this.string(v) ?? '');
  }

  /** Deep resolution of any JSON value (objects and lists keep their shape). */
  value(value: Json | undefined, depth = 0): Json | undefined {
    if (typeof value === 'string') return this.string(value, depth);
    if (Array.isArray(value)) return value.map((v) => this.value(v, depth) ?? null);
    if (value && typeof value === 'object') {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(value)) if (k !== '//') out[k] = this.value(v, depth) ?? null;
      return out;
    }
    return value;
  }

  private expression(expr: string, depth: number): string {
    const local = LOCAL_REF.exec(expr);
    if (local) {
      const v = this.json.locals?.[local[1]];
      return typeof v === 'string' ? this.string(v, depth) ?? `{${expr}}` : `{${expr}}`;
    }
    const r = RESOURCE_REF.exec(expr);
    if (!r || r[1] === 'data' || r[1] === 'var') return `{${expr}}`;
    return this.attribute(r[1], r[2], r[3], depth) ?? `{${expr}}`;
  }

  private attribute(type: string, name: string, attr: string, depth: number): string | undefined {
    const res = this.resource(type, name);
    if (!res) return undefined;
    const literal = res[attr];
    if (typeof literal === 'string' || typeof literal === 'number' || typeof literal === 'boolean') return this.string(literal, depth);
    return derivedAttribute(type, name, attr, {
      account: () => this.account,
      region: () => this.region,
      attribute: (key) => (typeof res[key] === 'string' ? this.string(res[key], depth) : `{${type}.${name}.${key}}`),
      optional: (key) => (typeof res[key] === 'string' ? this.string(res[key], depth) : undefined),
    });
  }

}
