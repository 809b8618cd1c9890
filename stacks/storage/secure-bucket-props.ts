// Props of SecureBucket: one S3 bucket with the project's baseline (versioning, public access
// blocked, bucket-owner-enforced, encryption, TLS only, access logs, lifecycle).
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import type { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import type { BucketPurpose, ResourceNames } from '../environment/resource-names';
import type { PolicyStatement } from '../iam/policy-document';

/** One lifecycle rule, in the project's words. */
export interface BucketLifecycleRule {
  /**
   * The rule's id, unique within the bucket.
   * @default - none (required)
   */
  readonly id: string;
  /** Key prefix the rule applies to. @default '' (the whole bucket) */
  readonly prefix?: string;
  /** Only objects carrying this tag. @default - every object under the prefix */
  readonly tag?: { readonly key: string; readonly value: string };
  /** Days after which current objects expire. @default - never */
  readonly expireDays?: number;
  /** Days after which noncurrent versions expire. @default - never */
  readonly noncurrentExpireDays?: number;
}

export interface SecureBucketProps {
  /**
   * The environment's resource names and ARNs (ResourceNames).
   * @default - none (required)
   */
  readonly names: ResourceNames;
  /**
   * What the bucket holds; the bucket is named after it.
   * @default - none (required)
   */
  readonly purpose: BucketPurpose;
  /**
   * The key that encrypts objects (SSE-KMS with a bucket key).
   * @default - SSE-S3: only for the access-log bucket, because S3 server access logging cannot
   * deliver to a bucket whose default encryption is SSE-KMS
   */
  readonly key?: KmsKey;
  /** The bucket that receives this bucket's server access logs. @default - none (only the log bucket itself) */
  readonly accessLogBucket?: S3Bucket;
  /** Rules besides aborting incomplete multipart uploads, which every bucket has. @default [] */
  readonly lifecycle?: readonly BucketLifecycleRule[];
  /** Days after which an incomplete multipart upload is aborted. @default 7 */
  readonly abortIncompleteUploadDays?: number;
  /** Statements added to the bucket policy after the TLS-only statement. @default [] */
  readonly policyStatements?: readonly PolicyStatement[];
}

export const SECURE_BUCKET_DEFAULTS = {
  abortIncompleteUploadDays: 7,
} as const;
