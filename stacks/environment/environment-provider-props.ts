// Props of configureAwsProvider: how a stack of an environment reaches its account.
import type { EnvironmentConfig } from '../../config/environments/environment-config';

export interface EnvironmentProviderProps {
  /**
   * The environment's validated config (config/environments/).
   * @default - none (required)
   */
  readonly env: EnvironmentConfig;
  /**
   * The stack's name, recorded in the default tags and the session name.
   * @default - none (required)
   */
  readonly stackName: string;
  /**
   * The role the provider assumes. Always set for the bootstrap stack (the account's existing
   * administrator role); for the other stacks, the environment's deploy role unless Terraform Cloud
   * dynamic credentials already are that role.
   * @default - no assume_role block: the credentials are already the environment's role
   */
  readonly assumeRoleArn?: string;
}

/** The tag every resource of the project carries, by key. */
export const DEFAULT_TAG_KEYS = ['project', 'environment', 'stack', 'managed-by'] as const;
export const PROJECT_TAG = 'stedi-lakehouse';
