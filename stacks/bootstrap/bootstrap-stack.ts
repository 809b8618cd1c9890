// The bootstrap stack of one account, applied once by an administrator (it assumes the account's
// existing administrator role): the Terraform Cloud trust, the deploy and plan roles, and the
// permissions boundary of the lakehouse roles.
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { configureAwsProvider } from '../environment/environment-provider';
import { ResourceNames } from '../environment/resource-names';
import { configureStateBackend } from '../environment/state-backend';
import { ExistingPrincipals } from '../environment/existing-principals';
import { bootstrapPrincipals } from '../environment/existing-principals-props';
import type { BootstrapStackProps } from './bootstrap-stack-props';
import { TerraformCloudTrust } from './terraform-cloud-trust';

export class BootstrapStack extends TerraformStack {
  readonly names: ResourceNames;
  readonly trust: TerraformCloudTrust;

  constructor(scope: Construct, props: BootstrapStackProps) {
    const names = new ResourceNames(props.env);
    const stackName = names.stack('bootstrap');
    super(scope, stackName);
    this.names = names;
    configureAwsProvider(this, { env: props.env, stackName, assumeRoleArn: names.bootstrapRoleArn });
    configureStateBackend(this, props.env, stackName);
    new ExistingPrincipals(this, 'existing-principals', { env: props.env, principals: bootstrapPrincipals(props.env) });
    this.trust = new TerraformCloudTrust(this, 'terraform-cloud-trust', { names, env: props.env, workspaces: props.deployedStacks });
  }
}
