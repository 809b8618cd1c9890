// Props of EncryptedLogGroup.
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';

export interface EncryptedLogGroupProps {
  /** The log group's name; the environment's key policy lets CloudWatch use the key only for its own prefixes. */
  readonly name: string;
  readonly key: KmsKey;
  /** Days CloudWatch keeps the events. */
  readonly retentionDays: number;
}
