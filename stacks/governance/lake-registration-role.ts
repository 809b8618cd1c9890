// The custom role Lake Formation assumes to reach the registered zone locations (never the service-linked role).
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { LakeRole } from '../iam/lake-role';
import { REGISTRATION_ROLE_PURPOSE, type LakeRegistrationRoleProps } from './lake-registration-role-props';

/**
 * A role of our own for registered locations (AWS Lake Formation best practices: it can be scoped
 * to the lake's buckets and key, carries the environment's permissions boundary, and shows up as
 * ours in CloudTrail). Landing is read-only through it: nothing removes or overwrites landing
 * objects (SECURITY-CHECKLIST 22).
 *
 * The trust is the one the Lake Formation guide gives ("Requirements for roles used to register
 * locations"): lakeformation.amazonaws.com may assume the role, without an aws:SourceAccount
 * condition. Lake Formation is not documented to send that key when it assumes a registration
 * role to vend credentials; a StringEquals on a key that is absent fails, and every GetDataAccess
 * (Athena, the Glue jobs, the validator) would fail with it. The confused-deputy risk it would
 * guard against is closed otherwise: only a principal allowed iam:PassRole on this role can
 * register a location with it, and only this account's deploy role is (cross-account PassRole
 * does not exist).
 */
export class LakeRegistrationRole extends Construct {
  readonly role: LakeRole;
  readonly arn: string;
  /** The role and its inline policy: what must exist before Lake Formation assumes it. */
  readonly resources: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: LakeRegistrationRoleProps) {
    super(scope, id);
    const { names } = props;
    const objects = (buckets: readonly { readonly arn: string }[]) => buckets.map((b) => `${b.arn}/*`);
    const all = [...props.readOnlyBuckets, ...props.readWriteBuckets];
    this.role = new LakeRole(this, 'role', {
      names,
      purpose: REGISTRATION_ROLE_PURPOSE,
      description: `${names.prefix}: Lake Formation reaches the registered zone locations through this role`,
      services: ['lakeformation.amazonaws.com'],
      statements: [
        { sid: 'ListZoneBuckets', actions: ['s3:GetBucketLocation', 's3:ListBucket'], resources: all.map((b) => b.arn) },
        { sid: 'ReadZoneObjects', actions: ['s3:GetObject'], resources: objects(all) },
        { sid: 'WriteBuiltZoneObjects', actions: ['s3:AbortMultipartUpload', 's3:DeleteObject', 's3:PutObject'], resources: objects(props.readWriteBuckets) },
        { sid: 'UseEnvironmentKey', actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [props.keyArn] },
      ],
    });
    this.arn = this.role.arn;
    this.resources = this.role.ready;
  }
}
