// What a governance check reads (one governed stack's Lake Formation model and effective access,
// and the environment's context to compare it with), on the one check contract of ../check.ts.
import type { Catalog } from '../../../src/catalog/registry';
import type { EffectiveAccess } from '../../../src/governance/effective-access';
import type { LakeFormationModel } from '../../../src/governance/lake-formation-model';
import type { Persona } from '../../../src/governance/vocabulary';
import { runCheck, type Check, type CheckOutcome } from '../check';

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

/** One governed stack, as the checks read it: its Lake Formation model and the access it grants. */
export type GovernanceCheck = Check<[view: GovernanceView, context: CheckContext]>;

/** Runs one governance check over one stack; one that throws is a violation of that stack. */
export function runGovernanceCheck(check: GovernanceCheck, view: GovernanceView, context: CheckContext): CheckOutcome {
  return runCheck(check, { resource: view.model.stack }, view, context);
}

/** `analyst arn:...` for a principal the context knows, the bare principal otherwise. */
export function who(context: CheckContext, principal: string): string {
  const persona = (Object.entries(context.personas) as [Persona, readonly string[]][]).find(([, ps]) => ps.includes(principal))?.[0];
  if (persona) return `${persona} ${principal}`;
  if (context.admins.includes(principal)) return `admin ${principal}`;
  return principal;
}

export const IAM_ARN_ACCOUNT = /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/;
