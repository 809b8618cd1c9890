// Where a stack keeps its Terraform state: its own Terraform Cloud workspace when the environment
// names an organization, else a local file. One workspace per stack and environment; the stacks
// never read each other's state (no cross-workspace references).
import { CloudBackend, LocalBackend, NamedCloudWorkspace, type TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../../config/environments/environment-config';

export function configureStateBackend(stack: TerraformStack, env: EnvironmentConfig, stackName: string): CloudBackend | LocalBackend {
  const tfc = env.terraformCloud;
  if (tfc) {
    return new CloudBackend(stack, {
      hostname: tfc.hostname,
      organization: tfc.organization,
      workspaces: new NamedCloudWorkspace(stackName, tfc.project),
    });
  }
  // Relative to the stack's folder in cdktf.out/stacks/<name>/: the state lives beside the repository, not in the output.
  return new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
}
