// The security pack: every security check over the synthesized Terraform, in checklist order, and
// its run over a synth output (a violation stops `npm run synth` and `cdktf deploy`); the tests run
// each check on compliant and non-compliant cases.
import { AthenaWorkgroupEnforced } from './security/athena-workgroup-enforced';
import { BucketsBlockPublicAccess } from './security/buckets-block-public-access';
import { BucketsDenyInsecureTransport } from './security/buckets-deny-insecure-transport';
import { BucketsEncryptedWithEnvironmentKey } from './security/buckets-encrypted-with-environment-key';
import { BucketsLogToDedicatedBucket } from './security/buckets-log-to-dedicated-bucket';
import { BucketsOwnerEnforcedAndAbortUploads } from './security/buckets-owner-enforced-and-abort-uploads';
import { BucketsVersioned } from './security/buckets-versioned';
import { EnvironmentsShareNothing } from './security/environments-share-nothing';
import { GlueCatalogEncrypted } from './security/glue-catalog-encrypted';
import { GlueJobsEncrypted } from './security/glue-jobs-encrypted';
import { IamPoliciesWithoutWildcards } from './security/iam-policies-without-wildcards';
import { KmsKeysRotatedWithExplicitPolicy } from './security/kms-keys-rotated-with-explicit-policy';
import { LambdasHardened } from './security/lambdas-hardened';
import { LandingNeverDeletedOnlyIngestionWrites } from './security/landing-never-deleted-only-ingestion-writes';
import { LogGroupsEncryptedWithRetention } from './security/log-groups-encrypted-with-retention';
import { LogicalIdsPinned } from './security/logical-ids-pinned';
import { OneWorkspacePerStack } from './security/one-workspace-per-stack';
import { ProvidersPinnedToEnvironmentAccount } from './security/providers-pinned-to-environment-account';
import { PublishOnlyThroughPassingGates } from './security/publish-only-through-passing-gates';
import { ServicesWaitForRolePolicies } from './security/services-wait-for-role-policies';
import { StateMachinesLogAndTrace } from './security/state-machines-log-and-trace';
import { TerraformCloudTrustPinned } from './security/terraform-cloud-trust-pinned';
import { countOutcomes, unreadable, type CheckOutcome } from './check';
import { APP_PLACE, runSecurityCheck, type SecurityCheck } from './security/security-check';
import type { EnvironmentConfig } from '../../config/environments/environment-config';
import { synthesizedApp } from './synthesized-app';
import type { SynthesizedApp } from './terraform-json';

/**
 * Lines 1-17 and 22-24 of ../shared/SECURITY-CHECKLIST.md, plus the gate invariant and the order
 * in which a role and its policy reach the service that assumes it. Lines 18-21
 * (Lake Formation) belong to the governance constructs (stacks/governance/) and their checks.
 */
export const SECURITY_CHECKS: readonly SecurityCheck[] = [
  ProvidersPinnedToEnvironmentAccount,
  OneWorkspacePerStack,
  TerraformCloudTrustPinned,
  BucketsEncryptedWithEnvironmentKey,
  BucketsBlockPublicAccess,
  BucketsVersioned,
  BucketsDenyInsecureTransport,
  BucketsLogToDedicatedBucket,
  BucketsOwnerEnforcedAndAbortUploads,
  GlueJobsEncrypted,
  GlueCatalogEncrypted,
  AthenaWorkgroupEnforced,
  KmsKeysRotatedWithExplicitPolicy,
  LambdasHardened,
  StateMachinesLogAndTrace,
  LogGroupsEncryptedWithRetention,
  IamPoliciesWithoutWildcards,
  ServicesWaitForRolePolicies,
  LandingNeverDeletedOnlyIngestionWrites,
  EnvironmentsShareNothing,
  LogicalIdsPinned,
  PublishOnlyThroughPassingGates,
];

export { runSecurityCheck, type SecurityCheck } from './security/security-check';

/** Where the pack is listed, as the synth summary names it. */
export const SECURITY_PACK = 'stacks/checks/security-checks.ts';

/** Every check of the pack over a synthesized app. */
export function runSecurityChecks(app: SynthesizedApp, checks: readonly SecurityCheck[] = SECURITY_CHECKS): CheckOutcome[] {
  return checks.map((c) => runSecurityCheck(c, app));
}

/** The pack over a synth output folder; an output that cannot be read fails every check (fail closed). */
export function checkSynthOutput(outdir: string, environments: readonly EnvironmentConfig[], checks: readonly SecurityCheck[] = SECURITY_CHECKS): CheckOutcome[] {
  let app: SynthesizedApp;
  try {
    app = synthesizedApp(outdir, environments);
  } catch (e) {
    return unreadable(checks, APP_PLACE, `the synth output could not be read: ${(e as Error).message}`);
  }
  return runSecurityChecks(app, checks);
}

/** The synth summary line of the pack. */
export function securitySummary(outcomes: readonly CheckOutcome[]): string {
  return `security checks: ${countOutcomes(outcomes)} (${SECURITY_PACK})`;
}
