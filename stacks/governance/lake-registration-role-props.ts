// Props of LakeRegistrationRole: the buckets and key Lake Formation reaches through it.
import type { ResourceNames } from '../environment/resource-names';

/** The role's purpose: it is named `stedi-<env>-lake-registration`. */
export const REGISTRATION_ROLE_PURPOSE = 'registration';

export interface LakeRegistrationRoleProps {
  /**
   * The environment's resource names and ARNs.
   * @default - none (required)
   */
  readonly names: ResourceNames;
  /**
   * Buckets Lake Formation reads on behalf of grantees (landing: never written through it).
   * @default - none (required)
   */
  readonly readOnlyBuckets: readonly { readonly arn: string }[];
  /**
   * Buckets Lake Formation reads and writes on behalf of grantees.
   * @default - none (required)
   */
  readonly readWriteBuckets: readonly { readonly arn: string }[];
  /**
   * The environment key the buckets are encrypted with.
   * @default - none (required)
   */
  readonly keyArn: string;
}
