// How each workload role of a synthesized stack reaches data: through Lake Formation (the role may
// ask for credentials, its grants decide), through IAM paths to zone locations (each must be one of
// iam-paths.ts, with its reason), and through IAM to buckets that hold no Lake Formation table
// (quarantine, artifacts, Athena results). Read from the role policies of the synthesized stack,
// what would be applied.
import { iamMatches, stackPolicies, type IamStatement, type TerraformJson } from '../../stacks/checks/terraform-json';
import { IAM_PATHS, useOf, type IamPathRule, type ZoneDataUse } from './iam-paths';
import type { GovernanceRecord } from './lake-formation-model';
import { zoneOrder } from './vocabulary';

/** The IAM actions by which a role asks Lake Formation for data credentials. */
export const LAKE_FORMATION_CREDENTIAL_ACTIONS = ['lakeformation:GetDataAccess', 'lakeformation:GetTemporaryGlueTableCredentials'] as const;

export interface IamZonePath {
  readonly statement: string;
  /** The zones whose locations the statement reaches, e.g. `trusted, staging`. */
  readonly zones: readonly string[];
  readonly use: ZoneDataUse;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** Why it may: the reason of its rule in iam-paths.ts; absent when it is no allowed path. */
  readonly reason?: string;
}

export interface OtherDataAccess {
  readonly statement: string;
  /** What the bucket holds (`quarantine`, `artifacts`, `athena-results`), from its name. */
  readonly bucket: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

export interface WorkloadAccess {
  readonly role: string;
  /** The role's purpose (`stedi-<env>-lake-<purpose>`). */
  readonly purpose: string;
  readonly persona?: string;
  /** The role may ask Lake Formation for credentials: its grants decide what it reaches. */
  readonly lakeFormation: boolean;
  readonly iamZonePaths: readonly IamZonePath[];
  readonly otherData: readonly OtherDataAccess[];
}

const S3_ARN = /^arn:aws:s3:::([^/]+)(?:\/(.*))?$/;

/** The zones a resource pattern reaches (a zone location is a bucket, or a prefix in one). */
function zonesOf(resource: string, zoneLocations: Readonly<Record<string, readonly string[]>>): string[] {
  const zones = new Set<string>();
  for (const [zone, locations] of Object.entries(zoneLocations)) {
    for (const loc of locations) {
      if (resource === loc || resource.startsWith(`${loc}/`) || iamMatches(resource, loc) || iamMatches(resource, `${loc}/x`) || loc.startsWith(resource.replace(/\*$/, ''))) zones.add(zone);
    }
  }
  return [...zones].sort((a, b) => zoneOrder(a) - zoneOrder(b));
}

const s3Actions = (st: IamStatement) => (st.Action ?? []).filter((a) => a.toLowerCase().startsWith('s3:'));

function matchesRule(rule: IamPathRule, purpose: string, st: IamStatement, zones: readonly string[], actions: readonly string[]): boolean {
  if (rule.role !== purpose || rule.statement !== st.Sid) return false;
  const want = [...rule.actions].map((a) => a.toLowerCase()).sort().join();
  if ([...actions].map((a) => a.toLowerCase()).sort().join() !== want) return false;
  if (!zones.every((z) => (rule.zones as readonly string[]).includes(z))) return false;
  return (st.Resource ?? []).every((r) => {
    const m = S3_ARN.exec(r);
    return m !== null && rule.keys.test(m[2] ?? '');
  });
}

/** Every workload role of the stack (its lakehouse roles but the registration role, which is Lake Formation's own). */
export function workloadAccessOf(json: TerraformJson, stack: string, record: GovernanceRecord | undefined, registrationRoles: readonly string[]): WorkloadAccess[] {
  if (!record) return [];
  const policies = stackPolicies({ name: stack, json });
  const personaOf = new Map<string, string>();
  for (const [persona, principals] of Object.entries(record.personas)) for (const p of principals) personaOf.set(p, persona);
  const account = record.accountId ?? '';
  const roles = [...new Set(policies.filter((p) => p.kind === 'trust').flatMap((p) => p.roles))].filter((r) => /-lake-[a-z0-9-]+$/.test(r));
  const out: WorkloadAccess[] = [];
  for (const name of roles.sort()) {
    const arn = `arn:aws:iam::${account}:role/${name}`;
    if (registrationRoles.includes(arn)) continue;
    const purpose = /-lake-([a-z0-9-]+)$/.exec(name)![1];
    const statements = policies.filter((p) => p.kind === 'identity' && p.roles.includes(name)).flatMap((p) => p.policy.Statement.filter((s) => s.Effect === 'Allow'));
    const lakeFormation = statements.some((s) => (s.Action ?? []).some((a) => (LAKE_FORMATION_CREDENTIAL_ACTIONS as readonly string[]).includes(a)));
    const iamZonePaths: IamZonePath[] = [];
    const otherData: OtherDataAccess[] = [];
    for (const st of statements) {
      const actions = s3Actions(st);
      if (!actions.length) continue;
      const resources = (st.Resource ?? []).filter((r) => r.startsWith('arn:aws:s3:::'));
      const zones = [...new Set(resources.flatMap((r) => zonesOf(r, record.zoneLocations)))].sort((a, b) => zoneOrder(a) - zoneOrder(b));
      if (zones.length) {
        const rule = IAM_PATHS.find((x) => matchesRule(x, purpose, st, zones, actions));
        iamZonePaths.push({ statement: st.Sid ?? '(no Sid)', zones, use: useOf(actions), actions, resources, ...(rule ? { reason: rule.reason } : {}) });
      } else {
        const buckets = [...new Set(resources.map((r) => S3_ARN.exec(r)?.[1] ?? r))];
        for (const b of buckets) {
          otherData.push({
            statement: st.Sid ?? '(no Sid)',
            bucket: b.replace(/-\d{12}$/, '').replace(/^stedi-[a-z0-9]+-/, ''),
            actions,
            resources: resources.filter((r) => (S3_ARN.exec(r)?.[1] ?? r) === b),
          });
        }
      }
    }
    out.push({ role: arn, purpose, ...(personaOf.has(arn) ? { persona: personaOf.get(arn) } : {}), lakeFormation, iamZonePaths, otherData });
  }
  return out;
}
