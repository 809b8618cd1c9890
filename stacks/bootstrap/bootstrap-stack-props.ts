// Props of BootstrapStack.
import type { EnvironmentConfig } from '../../config/environments/environment-config';

export interface BootstrapStackProps {
  /**
   * The environment's validated config (config/environments/).
   * @default - none (required)
   */
  readonly env: EnvironmentConfig;
  /**
   * The stacks whose Terraform Cloud workspaces may deploy with the roles (the environment's others).
   * @default - none (required)
   */
  readonly deployedStacks: readonly string[];
}
