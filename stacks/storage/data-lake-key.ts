// The environment's customer-managed KMS key: every bucket (but the access-log bucket), the Glue
// catalog, Glue job output, logs, Lambda settings and the alert topic are encrypted with it.
// Rotation is on and the key policy is explicit: the account delegates use to IAM policies (no
// `*` principal), CloudWatch Logs may use it only for this environment's log groups, and the
// deploy and plan roles are named in it directly. Their access to the key is a property of the key
// itself, in force the moment CreateKey returns: IAM statements keyed on aws:ResourceTag would not
// be, since tag changes take up to five minutes to affect KMS authorization ("ABAC for AWS KMS").
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { policyDocument } from '../iam/policy-document';
import { DATA_LAKE_KEY_DEFAULTS, KEY_ADMIN_ACTIONS, KEY_READ_ACTIONS, KEY_USE_ACTIONS, type DataLakeKeyProps } from './data-lake-key-props';

export class DataLakeKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;

  constructor(scope: Construct, id: string, props: DataLakeKeyProps) {
    super(scope, id);
    const { names } = props;
    const policy = policyDocument(this, 'policy', [
      {
        sid: 'AccountAdministersAndUsesKeyThroughIam',
        principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${names.account}:root`] }],
        actions: [...KEY_ADMIN_ACTIONS, ...KEY_USE_ACTIONS],
        // In a key policy, "*" is the key itself.
        resources: ['*'],
      },
      {
        sid: 'DeployRoleAdministersAndUsesKey',
        principals: [{ type: 'AWS', identifiers: [names.deployRoleArn] }],
        actions: [...KEY_ADMIN_ACTIONS, ...KEY_USE_ACTIONS],
        resources: ['*'],
      },
      { sid: 'PlanRoleReadsKey', principals: [{ type: 'AWS', identifiers: [names.planRoleArn] }], actions: [...KEY_READ_ACTIONS], resources: ['*'] },
      {
        // The Glue catalog is encrypted with this key, so reading a table's definition decrypts;
        // so are the Lambdas' environment variables (bucket and database names, no secret), which a
        // plan reads to compare them. kms:ViaService keeps the plan role from decrypting anything else.
        sid: 'PlanRoleReadsEncryptedConfiguration',
        principals: [{ type: 'AWS', identifiers: [names.planRoleArn] }],
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: [{ test: 'StringEquals', variable: 'kms:ViaService', values: [`glue.${names.region}.amazonaws.com`, `lambda.${names.region}.amazonaws.com`] }],
      },
      {
        sid: 'CloudWatchLogsEncryptsEnvironmentLogGroups',
        principals: [{ type: 'Service', identifiers: [`logs.${names.region}.amazonaws.com`] }],
        actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
        resources: ['*'],
        conditions: [{ test: 'ArnLike', variable: 'kms:EncryptionContext:aws:logs:arn', values: names.logGroupPatterns.map((p) => names.logGroupArn(p)) }],
      },
    ]);
    this.key = new KmsKey(this, 'key', {
      description: `${names.prefix}: data lake, catalog, job output, logs and alerts`,
      enableKeyRotation: true,
      rotationPeriodInDays: props.rotationPeriodDays ?? DATA_LAKE_KEY_DEFAULTS.rotationPeriodDays,
      deletionWindowInDays: props.deletionWindowDays ?? DATA_LAKE_KEY_DEFAULTS.deletionWindowDays,
      policy: policy.json,
    });
    this.alias = new KmsAlias(this, 'alias', { name: names.keyAlias, targetKeyId: this.key.keyId });
  }
}
