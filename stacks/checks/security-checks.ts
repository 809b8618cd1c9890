// The pack: every security check over the synthesized Terraform, in checklist order. main.ts runs
// it after synth (a violation stops `npm run synth` and `cdktf deploy`); the tests run each check
// on compliant and non-compliant cases.
import { AthenaWorkgroupEnforced } from './rules/athena-workgroup-enforced';
import { BucketsBlockPublicAccess } from './rules/buckets-block-public-access';
import { BucketsDenyInsecureTransport } from './rules/buckets-deny-insecure-transport';
import { BucketsEncryptedWithEnvironmentKey } from './rules/buckets-encrypted-with-environment-key';
import { BucketsLogToDedicatedBucket } from './rules/buckets-log-to-dedicated-bucket';
import { BucketsOwnerEnforcedAndAbortUploads } from './rules/buckets-owner-enforced-and-abort-uploads';
import { BucketsVersioned } from './rules/buckets-versioned';
import { EnvironmentsShareNothing } from './rules/environments-share-nothing';
import { GlueCatalogEncrypted } from './rules/glue-catalog-encrypted';
import { GlueJobsEncrypted } from './rules/glue-jobs-encrypted';
import { IamPoliciesWithoutWildcards } from './rules/iam-policies-without-wildcards';
import { KmsKeysRotatedWithExplicitPolicy } from './rules/kms-keys-rotated-with-explicit-policy';
import { LambdasHardened } from './rules/lambdas-hardened';
import { LandingNeverDeletedOnlyIngestionWrites } from './rules/landing-never-deleted-only-ingestion-writes';
import { LogGroupsEncryptedWithRetention } from './rules/log-groups-encrypted-with-retention';
import { LogicalIdsPinned } from './rules/logical-ids-pinned';
import { OneWorkspacePerStack } from './rules/one-workspace-per-stack';
import { ProvidersPinnedToEnvironmentAccount } from './rules/providers-pinned-to-environment-account';
import { PublishOnlyThroughPassingGates } from './rules/publish-only-through-passing-gates';
import { ServicesWaitForRolePolicies } from './rules/services-wait-for-role-policies';
import { StateMachinesLogAndTrace } from './rules/state-machines-log-and-trace';
import { TerraformCloudTrustPinned } from './rules/terraform-cloud-trust-pinned';
import type { SecurityCheck } from './security-check';

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
