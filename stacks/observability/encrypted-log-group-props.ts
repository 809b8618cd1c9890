// Props of EncryptedLogGroup.
import type { KmsKey } from '@cdktf/provider-aws/lib/kms-key';

export interface EncryptedLogGroupProps {
  /**
   * The log group's name; the environment's key policy lets CloudWatch use the key only for its own prefixes.
   * @default - none (required)
   */
  readonly name: string;
  /**
   * The environment's customer-managed KMS key.
   * @default - none (required)
   */
  readonly key: KmsKey;
  /**
   * Days CloudWatch keeps the events.
   * @default - none (required)
   */
  readonly retentionDays: number;
}
