// One S3 bucket with the project's baseline: versioning, all four public-access-block flags,
// bucket-owner-enforced ownership (no ACLs), default encryption, a TLS-only bucket policy, server
// access logs to the log bucket, and a lifecycle that at least aborts incomplete uploads.
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { policyDocument } from '../iam/policy-document';
import { SECURE_BUCKET_DEFAULTS, type SecureBucketProps } from './secure-bucket-props';

export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The bucket's name, known at synth time (IAM policies use literal ARNs). */
  readonly name: string;
  readonly arn: string;
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const { names, purpose } = props;
    this.name = names.bucket(purpose);
    this.arn = names.bucketArn(purpose);
    this.bucket = new S3Bucket(this, 'bucket', { bucket: this.name, forceDestroy: false });
    const bucket = this.bucket.id;

    new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        props.key
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.key.arn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } },
      ],
    });
    if (props.accessLogBucket) {
      new S3BucketLoggingA(this, 'access-logs', {
        bucket,
        targetBucket: props.accessLogBucket.id,
        targetPrefix: `${purpose}/`,
      });
    }
    const abortDays = props.abortIncompleteUploadDays ?? SECURE_BUCKET_DEFAULTS.abortIncompleteUploadDays;
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [
        // `filter { prefix = "" }` rather than `filter {}`: the empty block warns since provider 5.90 (terraform-provider-aws#41710).
        { id: 'abort-incomplete-uploads', status: 'Enabled', filter: [{ prefix: '' }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: abortDays }] },
        ...(props.lifecycle ?? []).map((r) => ({
          id: r.id,
          status: 'Enabled',
          filter: [r.tag ? (r.prefix ? { and: [{ prefix: r.prefix, tags: { [r.tag.key]: r.tag.value } }] } : { tag: [{ key: r.tag.key, value: r.tag.value }] }) : { prefix: r.prefix ?? '' }],
          ...(r.expireDays !== undefined ? { expiration: [{ days: r.expireDays }] } : {}),
          ...(r.noncurrentExpireDays !== undefined ? { noncurrentVersionExpiration: [{ noncurrentDays: r.noncurrentExpireDays }] } : {}),
        })),
      ],
    });
    const document = policyDocument(this, 'policy-document', [
      {
        sid: 'DenyRequestsWithoutTls',
        effect: 'Deny',
        principals: [{ type: '*', identifiers: ['*'] }],
        actions: ['s3:*'],
        resources: [this.arn, `${this.arn}/*`],
        conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
      ...(props.policyStatements ?? []),
    ]);
    this.policy = new S3BucketPolicy(this, 'policy', { bucket, policy: document.json });
  }
}
