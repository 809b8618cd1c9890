// Props of BootstrapStack.
import type { EnvironmentConfig } from '../../config/environments/environment-config';

export interface BootstrapStackProps {
  readonly env: EnvironmentConfig;
  /** The stacks whose Terraform Cloud workspaces may deploy with the roles (the environment's others). */
  readonly deployedStacks: readonly string[];
}
