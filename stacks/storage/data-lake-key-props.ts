// Props of DataLakeKey: the environment's customer-managed KMS key.
import type { ResourceNames } from '../environment/resource-names';

export interface DataLakeKeyProps {
  /**
   * The environment's resource names and ARNs (ResourceNames).
   * @default - none (required)
   */
  readonly names: ResourceNames;
  /** Days between a deletion request and the key's deletion (7..30). @default 30 */
  readonly deletionWindowDays?: number;
  /** Days between automatic rotations of the key material (90..2560). @default 365 */
  readonly rotationPeriodDays?: number;
}

export const DATA_LAKE_KEY_DEFAULTS = {
  deletionWindowDays: 30,
  rotationPeriodDays: 365,
} as const;

/** What key administrators may do; enumerated, never `kms:*`. */
export const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  // Services (Lambda, CloudWatch Logs, Firehose) use the key through grants made when the deploy role creates them.
  'kms:CreateGrant',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListGrants',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:RevokeGrant',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
] as const;

/** What a plan reads of the key (Terraform's refresh of aws_kms_key). */
export const KEY_READ_ACTIONS = ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListResourceTags'] as const;

/** What key users may do with data. */
export const KEY_USE_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'] as const;
