// The shape of a governance check (one named invariant, its reason and remedy) and the runner that fails closed.
import type { Catalog } from '../../catalog/registry';
import { computeEffectiveAccess, type EffectiveAccess } from '../effective-access';
import { buildLakeFormationModel, type LakeFormationModel } from '../lake-formation-model';
import type { TerraformJson } from '../terraform-json';
import type { Persona } from '../vocabulary';

/** Another environment, whose principals and locations must not appear in this one. */
export interface ForeignEnvironment {
  readonly environment: string;
  readonly accountId: string;
  readonly principals: readonly string[];
  /** S3 location ARNs (zone locations, registrations) of that environment. */
  readonly locations: readonly string[];
}

/** What the checks compare the synthesized stack against: the environment's configuration. */
export interface CheckContext {
  readonly environment: string;
  readonly accountId: string;
  /** Each persona's principals. */
  readonly personas: Readonly<Record<Persona, readonly string[]>>;
  /** Every data lake admin the environment declares, the deploy role included. */
  readonly admins: readonly string[];
  /** Read-only data lake admins the environment declares (e.g. the plan role). */
  readonly readOnlyAdmins: readonly string[];
  readonly deployRoleArn: string;
  /** The tables of ddl/, for the PII annotations. */
  readonly catalog?: Catalog;
  readonly otherEnvironments: readonly ForeignEnvironment[];
}

export interface GovernanceView {
  readonly model: LakeFormationModel;
  readonly access: EffectiveAccess;
}

export interface Finding {
  /** The principal, resource address or location concerned. */
  readonly resource: string;
  readonly detail: string;
}

export const NOT_APPLICABLE = 'not-applicable' as const;
export type CheckResult = readonly Finding[] | typeof NOT_APPLICABLE;

export interface GovernanceCheck {
  /** Named after what it asserts, e.g. `NoPiiForAnalystsOrMl`. */
  readonly name: string;
  /** Where the invariant comes from: a SECURITY-CHECKLIST.md line, issue 5, a provider issue. */
  readonly source: string;
  /** Why the invariant matters, one sentence. */
  readonly reason: string;
  /** How to fix a violation, one sentence. */
  readonly remedy: string;
  evaluate(view: GovernanceView, context: CheckContext): CheckResult;
}

export type CheckStatus = 'compliant' | 'non-compliant' | 'not-applicable';

export interface CheckOutcome {
  readonly check: string;
  readonly status: CheckStatus;
  readonly findings: readonly Finding[];
}

/** Runs one check; a check that throws counts as a violation (fail closed). */
export function runCheck(check: GovernanceCheck, view: GovernanceView, context: CheckContext): CheckOutcome {
  try {
    const result = check.evaluate(view, context);
    if (result === NOT_APPLICABLE) return { check: check.name, status: 'not-applicable', findings: [] };
    return { check: check.name, status: result.length ? 'non-compliant' : 'compliant', findings: result };
  } catch (e) {
    return { check: check.name, status: 'non-compliant', findings: [{ resource: view.model.stack, detail: `the check could not be evaluated: ${(e as Error).message}` }] };
  }
}

/**
 * Runs every check over a synthesized stack. When the stack itself cannot be read as a Lake
 * Formation model, every check is a violation carrying that error.
 */
export function runChecks(checks: readonly GovernanceCheck[], json: TerraformJson, stack: string, context: CheckContext): CheckOutcome[] {
  let view: GovernanceView;
  try {
    const model = buildLakeFormationModel(json, stack);
    view = { model, access: computeEffectiveAccess(model) };
  } catch (e) {
    return checks.map((c) => ({ check: c.name, status: 'non-compliant' as const, findings: [{ resource: stack, detail: `the stack could not be read: ${(e as Error).message}` }] }));
  }
  return checks.map((c) => runCheck(c, view, context));
}

/** Violations as a message for the developer: what is wrong, where, why it matters, how to fix it. */
export function describeViolations(checks: readonly GovernanceCheck[], outcomes: readonly CheckOutcome[]): string {
  const lines: string[] = [];
  for (const o of outcomes.filter((x) => x.status === 'non-compliant')) {
    const c = checks.find((x) => x.name === o.check)!;
    lines.push(`${c.name} (${c.source}):`);
    for (const f of o.findings) lines.push(`  - ${f.resource}: ${f.detail}`);
    lines.push(`  why: ${c.reason}`);
    lines.push(`  fix: ${c.remedy}`);
  }
  return lines.join('\n');
}

/** `analyst arn:...` for a principal the context knows, the bare principal otherwise. */
export function who(context: CheckContext, principal: string): string {
  const persona = (Object.entries(context.personas) as [Persona, readonly string[]][]).find(([, ps]) => ps.includes(principal))?.[0];
  if (persona) return `${persona} ${principal}`;
  if (context.admins.includes(principal)) return `admin ${principal}`;
  return principal;
}

export const IAM_ARN_ACCOUNT = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;
