// The buckets of one environment: landing, trusted and curated zones, quarantine, artifacts
// (deployment assets and run records), Athena results, and the access-log bucket they all log to.
// Landing is never expired or deleted from: its bucket policy denies every delete, and only the
// ingestion path may write it. Run folders of trusted and curated never expire by age alone: only
// the superseded ones, which publish tags (EXPIRY_TAG), once older than the configured days. A live
// table, or the rollback target behind it, keeps its files however long gates block new runs.
import { Construct } from 'constructs';
import { EXPIRY_TAG, GLUE_TEMP_PREFIX, RUN_RECORDS_PREFIX, VALIDATED_PREFIX, VALIDATION_RESULTS_PREFIX } from '../../src/catalog/run-layout';
import { BUCKET_PURPOSES, type BucketPurpose } from '../environment/resource-names';
import { GLUE_TEMP_EXPIRE_DAYS, type DataLakeStorageProps } from './data-lake-storage-props';
import { SecureBucket } from './secure-bucket';
import type { BucketLifecycleRule } from './secure-bucket-props';

export class DataLakeStorage extends Construct {
  readonly buckets: Readonly<Record<BucketPurpose, SecureBucket>>;

  constructor(scope: Construct, id: string, props: DataLakeStorageProps) {
    super(scope, id);
    const { names, retention } = props;
    const noncurrent = (id: string): BucketLifecycleRule => ({ id, noncurrentExpireDays: retention.noncurrentVersionDays });
    const superseded: BucketLifecycleRule[] = [
      { id: 'expire-superseded-run-folders', tag: EXPIRY_TAG, expireDays: retention.runFolderDays },
      noncurrent('expire-old-versions'),
    ];
    const lifecycle: Record<BucketPurpose, readonly BucketLifecycleRule[]> = {
      // Landing keeps every object and every version: nothing landed is ever lost.
      landing: [],
      trusted: [
        ...superseded,
        // A run's validated records are the input of its trusted jobs, never a published table.
        { id: 'expire-validated-records', prefix: VALIDATED_PREFIX, expireDays: retention.runFolderDays },
      ],
      curated: superseded,
      quarantine: [{ id: 'expire-quarantine', expireDays: retention.quarantineDays, noncurrentExpireDays: retention.noncurrentVersionDays }],
      artifacts: [
        noncurrent('expire-old-versions'),
        // Gate reports carry the tag from the start, publish records once their run is superseded:
        // the record rollback reads stays as long as its run is live or the rollback target.
        { id: 'expire-run-records', prefix: RUN_RECORDS_PREFIX, tag: EXPIRY_TAG, expireDays: retention.runFolderDays },
        { id: 'expire-validation-results', prefix: `${VALIDATION_RESULTS_PREFIX}/`, expireDays: retention.runFolderDays },
        { id: 'expire-glue-temp', prefix: GLUE_TEMP_PREFIX, expireDays: GLUE_TEMP_EXPIRE_DAYS },
      ],
      'athena-results': [{ id: 'expire-results', expireDays: retention.athenaResultsDays, noncurrentExpireDays: 1 }],
      'access-logs': [{ id: 'expire-logs', expireDays: retention.accessLogDays, noncurrentExpireDays: 1 }],
    };

    const logged = BUCKET_PURPOSES.filter((p) => p !== 'access-logs');
    const accessLogs = new SecureBucket(this, 'access-logs', {
      names,
      purpose: 'access-logs',
      lifecycle: lifecycle['access-logs'],
      policyStatements: [
        {
          sid: 'S3ServerAccessLogsOfEnvironmentBuckets',
          principals: [{ type: 'Service', identifiers: ['logging.s3.amazonaws.com'] }],
          actions: ['s3:PutObject'],
          resources: logged.map((p) => names.objectsArn('access-logs', `${p}/`)),
          conditions: [
            { test: 'StringEquals', variable: 'aws:SourceAccount', values: [names.account] },
            { test: 'ArnLike', variable: 'aws:SourceArn', values: logged.map((p) => names.bucketArn(p)) },
          ],
        },
      ],
    });

    const buckets: Partial<Record<BucketPurpose, SecureBucket>> = { 'access-logs': accessLogs };
    for (const purpose of logged) {
      buckets[purpose] = new SecureBucket(this, purpose, {
        names,
        purpose,
        key: props.key.key,
        accessLogBucket: accessLogs.bucket,
        lifecycle: lifecycle[purpose],
        policyStatements: purpose === 'landing' ? this.landingProtection(props) : [],
      });
    }
    this.buckets = buckets as Record<BucketPurpose, SecureBucket>;
  }

  /** Nobody deletes from landing (lifecycle is not a principal); only the ingestion path writes it. */
  private landingProtection(props: DataLakeStorageProps) {
    const objects = props.names.objectsArn('landing');
    return [
      {
        sid: 'NobodyDeletesLandingObjects',
        effect: 'Deny' as const,
        principals: [{ type: '*' as const, identifiers: ['*'] }],
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [objects],
      },
      {
        sid: 'OnlyIngestionWritesLanding',
        effect: 'Deny' as const,
        principals: [{ type: '*' as const, identifiers: ['*'] }],
        actions: ['s3:PutObject'],
        resources: [objects],
        conditions: [{ test: 'StringNotEquals', variable: 'aws:PrincipalArn', values: [...props.landingWriterArns] }],
      },
    ];
  }
}
