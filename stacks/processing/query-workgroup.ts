// The Athena workgroup of the environment: it enforces its own settings over any client's, writes
// results to the results bucket encrypted with the environment's key, and cancels a query that
// scans more than the configured bytes.
import { AthenaWorkgroup } from '@cdktf/provider-aws/lib/athena-workgroup';
import { Construct } from 'constructs';
import { QUERY_WORKGROUP_DEFAULTS, type QueryWorkgroupProps } from './query-workgroup-props';

export class QueryWorkgroup extends Construct {
  readonly workgroup: AthenaWorkgroup;
  readonly name: string;
  /** Where results go: `s3://<athena-results>/<workgroup>/`. */
  readonly resultsPrefix: string;

  constructor(scope: Construct, id: string, props: QueryWorkgroupProps) {
    super(scope, id);
    const { names, storage } = props;
    this.name = names.workgroup;
    this.resultsPrefix = `${this.name}/`;
    this.workgroup = new AthenaWorkgroup(this, 'workgroup', {
      name: this.name,
      description: `${names.prefix}: quality gates and analysis`,
      state: 'ENABLED',
      forceDestroy: false,
      configuration: {
        enforceWorkgroupConfiguration: true,
        publishCloudwatchMetricsEnabled: true,
        requesterPaysEnabled: false,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: props.engineVersion ?? QUERY_WORKGROUP_DEFAULTS.engineVersion },
        resultConfiguration: {
          outputLocation: `s3://${storage.buckets['athena-results'].name}/${this.resultsPrefix}`,
          expectedBucketOwner: names.account,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKeyArn: props.key.key.arn },
        },
      },
    });
  }
}
