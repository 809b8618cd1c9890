// Props of TerraformCloudTrust.
import type { EnvironmentConfig } from '../../config/environments/environment-config';
import type { ResourceNames } from '../environment/resource-names';

export interface TerraformCloudTrustProps {
  /**
   * The environment's resource names and ARNs (ResourceNames).
   * @default - none (required)
   */
  readonly names: ResourceNames;
  /**
   * The environment's validated config (config/environments/).
   * @default - none (required)
   */
  readonly env: EnvironmentConfig;
  /**
   * The workspaces whose runs may deploy with these roles (the environment's stacks but bootstrap).
   * @default - none (required)
   */
  readonly workspaces: readonly string[];
  /** Longest session of the deploy and plan roles, in seconds. @default 3600 */
  readonly maxSessionDuration?: number;
}

export const TERRAFORM_CLOUD_TRUST_DEFAULTS = {
  maxSessionDuration: 3600,
} as const;

/** The `sub` claim of a Terraform Cloud run's workload identity token. */
export function runSubject(organization: string, project: string, workspace: string, phase: 'plan' | 'apply'): string {
  return `organization:${organization}:project:${project}:workspace:${workspace}:run_phase:${phase}`;
}
