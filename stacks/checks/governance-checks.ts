// The governance pack: every Lake Formation invariant over a synthesized stack, in one place, and
// the pack's run over every governed stack of a synth output (`npm run synth`, `stedi grants check`).
import type { Catalog } from '../../src/catalog/registry';
import { computeEffectiveAccess } from '../../src/governance/effective-access';
import { buildLakeFormationModel, type LakeFormationModel } from '../../src/governance/lake-formation-model';
import { countOutcomes, describeViolations, unreadable, type CheckOutcome } from './check';
import { checkContextFromRecords } from './governance/check-context';
import { runGovernanceCheck, type CheckContext, type GovernanceCheck, type GovernanceView } from './governance/governance-check';
import type { TerraformJson } from './terraform-json';
import { LakeAdminsListed } from './governance/lake-admins-listed';
import { NoIamAllowedPrincipals } from './governance/no-iam-allowed-principals';
import { DatabasesCreatedAfterSettings } from './governance/databases-created-after-settings';
import { NoExplicitGrantsToAdmins } from './governance/no-explicit-grants-to-admins';
import { NoGrantableOutsideAdmins } from './governance/no-grantable-outside-admins';
import { LocationsRegisteredWithCustomRole } from './governance/locations-registered-with-custom-role';
import { EveryZoneLocationRegistered } from './governance/every-zone-location-registered';
import { PiiColumnsTagged } from './governance/pii-columns-tagged';
import { NoPiiForAnalystsOrMl } from './governance/no-pii-for-analysts-or-ml';
import { GrantsByTagExpressionOnly } from './governance/grants-by-tag-expression-only';
import { LandingWrittenOnlyByIngestion } from './governance/landing-written-only-by-ingestion';
import { LandingReadOnlyByPipeline } from './governance/landing-read-only-by-pipeline';
import { WorkloadsHoldOnlyTheirWork } from './governance/workloads-hold-only-their-work';
import { NoPrincipalOfOtherEnvironment } from './governance/no-principal-of-other-environment';
import { GranteesArePersonas } from './governance/grantees-are-personas';
import { SingularTagAssignments } from './governance/singular-tag-assignments';
import { GrantsAppliedInOrder } from './governance/grants-applied-in-order';
import { WorkloadDataThroughLakeFormation } from './governance/workload-data-through-lake-formation';

export * from './governance/governance-check';
export { WORKLOAD_CEILINGS } from './governance/workloads-hold-only-their-work';

/** SECURITY-CHECKLIST.md lines 18-23 and the invariants of issue 5, in checklist order. */
export const GOVERNANCE_CHECKS: readonly GovernanceCheck[] = [
  LakeAdminsListed, // 18
  NoIamAllowedPrincipals, // 18
  DatabasesCreatedAfterSettings, // 18, #27295
  NoExplicitGrantsToAdmins, // 19
  NoGrantableOutsideAdmins, // 19, issue 5
  LocationsRegisteredWithCustomRole, // 20
  EveryZoneLocationRegistered, // 20, issue 5
  PiiColumnsTagged, // 21
  NoPiiForAnalystsOrMl, // 21, issue 5
  GrantsByTagExpressionOnly, // 21, #49453
  LandingWrittenOnlyByIngestion, // 22
  LandingReadOnlyByPipeline, // issue 5
  WorkloadsHoldOnlyTheirWork, // issue 15
  NoPrincipalOfOtherEnvironment, // 23
  GranteesArePersonas, // issue 5
  SingularTagAssignments, // #36539
  GrantsAppliedInOrder, // provider traps
  WorkloadDataThroughLakeFormation, // DESIGN.md, issue 15
];

export {
  LakeAdminsListed,
  NoIamAllowedPrincipals,
  DatabasesCreatedAfterSettings,
  NoExplicitGrantsToAdmins,
  NoGrantableOutsideAdmins,
  LocationsRegisteredWithCustomRole,
  EveryZoneLocationRegistered,
  PiiColumnsTagged,
  NoPiiForAnalystsOrMl,
  GrantsByTagExpressionOnly,
  LandingWrittenOnlyByIngestion,
  LandingReadOnlyByPipeline,
  WorkloadsHoldOnlyTheirWork,
  NoPrincipalOfOtherEnvironment,
  GranteesArePersonas,
  SingularTagAssignments,
  GrantsAppliedInOrder,
  WorkloadDataThroughLakeFormation,
};

/** Where the pack is listed, as the synth summary names it. */
export const GOVERNANCE_PACK = 'stacks/checks/governance-checks.ts';

/** Every check over one stack's Lake Formation model; a model the checks cannot read makes every check a violation. */
export function runGovernanceChecksOnModel(checks: readonly GovernanceCheck[], model: LakeFormationModel, context: CheckContext): CheckOutcome[] {
  let view: GovernanceView;
  try {
    view = { model, access: computeEffectiveAccess(model) };
  } catch (e) {
    return unreadable(checks, { resource: model.stack }, `the stack could not be read: ${(e as Error).message}`);
  }
  return checks.map((c) => runGovernanceCheck(c, view, context));
}

/** Every check over a synthesized stack; a stack that cannot be read as a Lake Formation model makes every check a violation. */
export function runGovernanceChecks(checks: readonly GovernanceCheck[], json: TerraformJson, stack: string, context: CheckContext): CheckOutcome[] {
  let model: LakeFormationModel;
  try {
    model = buildLakeFormationModel(json, stack);
  } catch (e) {
    return unreadable(checks, { resource: stack }, `the stack could not be read: ${(e as Error).message}`);
  }
  return runGovernanceChecksOnModel(checks, model, context);
}

export interface GovernanceChecksResult {
  readonly outcomes: readonly { readonly stack: string; readonly outcomes: readonly CheckOutcome[] }[];
  /** How many checks failed, over all stacks. */
  readonly violations: number;
  /** The violations for the developer (empty when none). */
  readonly message: string;
}

/**
 * Runs the pack over every governed stack, each against the context its own governance record
 * gives and with the other stacks as foreign environments. A stack whose record lacks what the
 * checks compare with fails every check (fail closed), naming what is missing.
 */
export function checkGovernedStacks(models: readonly LakeFormationModel[], catalog?: Catalog, checks: readonly GovernanceCheck[] = GOVERNANCE_CHECKS): GovernanceChecksResult {
  const outcomes = models.map((model) => {
    let context: CheckContext;
    try {
      context = checkContextFromRecords(model, models, catalog);
    } catch (e) {
      return { stack: model.stack, outcomes: unreadable(checks, { resource: model.stack }, `the checks have nothing to compare with: ${(e as Error).message}`) };
    }
    return { stack: model.stack, outcomes: runGovernanceChecksOnModel(checks, model, context) };
  });
  const violations = outcomes.reduce((n, s) => n + s.outcomes.filter((o) => o.status === 'non-compliant').length, 0);
  const message = outcomes
    .filter((s) => s.outcomes.some((o) => o.status === 'non-compliant'))
    .map((s) => `${s.stack}:\n${describeViolations(checks, s.outcomes)}`)
    .join('\n');
  return { outcomes, violations, message };
}

/** The synth summary line of the pack. */
export function governanceSummary(result: GovernanceChecksResult): string {
  return `governance checks: ${countOutcomes(result.outcomes.flatMap((s) => s.outcomes))} in ${result.outcomes.length} stacks (${GOVERNANCE_PACK})`;
}
