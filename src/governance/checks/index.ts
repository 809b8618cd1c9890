// The governance pack: every Lake Formation invariant over a synthesized stack, in one place.
import type { GovernanceCheck } from './governance-check';
import { LakeAdminsListed } from './lake-admins-listed';
import { NoIamAllowedPrincipals } from './no-iam-allowed-principals';
import { DatabasesCreatedAfterSettings } from './databases-created-after-settings';
import { NoExplicitGrantsToAdmins } from './no-explicit-grants-to-admins';
import { NoGrantableOutsideAdmins } from './no-grantable-outside-admins';
import { LocationsRegisteredWithCustomRole } from './locations-registered-with-custom-role';
import { EveryZoneLocationRegistered } from './every-zone-location-registered';
import { PiiColumnsTagged } from './pii-columns-tagged';
import { NoPiiForAnalystsOrMl } from './no-pii-for-analysts-or-ml';
import { GrantsByTagExpressionOnly } from './grants-by-tag-expression-only';
import { LandingWrittenOnlyByIngestion } from './landing-written-only-by-ingestion';
import { LandingReadOnlyByPipeline } from './landing-read-only-by-pipeline';
import { WorkloadsHoldOnlyTheirWork } from './workloads-hold-only-their-work';
import { NoPrincipalOfOtherEnvironment } from './no-principal-of-other-environment';
import { GranteesArePersonas } from './grantees-are-personas';
import { SingularTagAssignments } from './singular-tag-assignments';
import { GrantsAppliedInOrder } from './grants-applied-in-order';
import { WorkloadDataThroughLakeFormation } from './workload-data-through-lake-formation';

export * from './governance-check';
export { WORKLOAD_CEILINGS } from './workloads-hold-only-their-work';

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
