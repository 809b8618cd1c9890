// What Terraform Cloud needs to deploy an environment without static keys: the account's OIDC
// provider for Terraform Cloud, a deploy role its apply runs assume and a read-only plan role its
// plan runs assume. Each trust pins the audience and the exact organization, project, workspace
// and run phase; operators listed in the config may assume the roles from a workstation.
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Construct } from 'constructs';
import { policyDocument, type PolicyStatement } from '../iam/policy-document';
import { workloadBoundaryStatements } from '../iam/workload-boundary';
import { deployStatements, planStatements, type PermissionDomain } from './deploy-permissions';
import { runSubject, TERRAFORM_CLOUD_TRUST_DEFAULTS, type TerraformCloudTrustProps } from './terraform-cloud-trust-props';

export class TerraformCloudTrust extends Construct {
  readonly oidcProvider?: IamOpenidConnectProvider;
  readonly deployRole: IamRole;
  readonly planRole: IamRole;
  readonly boundary: IamPolicy;

  constructor(scope: Construct, id: string, props: TerraformCloudTrustProps) {
    super(scope, id);
    const { names, env } = props;
    const tfc = env.terraformCloud;
    if (tfc) {
      this.oidcProvider = new IamOpenidConnectProvider(this, 'oidc-provider', {
        url: `https://${tfc.hostname}`,
        clientIdList: [tfc.audience],
      });
    }

    const trust = (id: string, phase: 'plan' | 'apply') => {
      const statements: PolicyStatement[] = [];
      if (tfc && this.oidcProvider) {
        statements.push({
          sid: `TerraformCloud${phase === 'plan' ? 'Plan' : 'Apply'}Runs`,
          actions: ['sts:AssumeRoleWithWebIdentity'],
          principals: [{ type: 'Federated', identifiers: [this.oidcProvider.arn] }],
          conditions: [
            { test: 'StringEquals', variable: `${tfc.hostname}:aud`, values: [tfc.audience] },
            { test: 'StringEquals', variable: `${tfc.hostname}:sub`, values: props.workspaces.map((w) => runSubject(tfc.organization, tfc.project, w, phase)) },
          ],
        });
      }
      if (env.deploy.operatorPrincipalArns.length) {
        statements.push({
          sid: 'Operators',
          actions: ['sts:AssumeRole', 'sts:TagSession'],
          principals: [{ type: 'AWS', identifiers: env.deploy.operatorPrincipalArns }],
        });
      }
      return policyDocument(this, id, statements);
    };

    const maxSessionDuration = props.maxSessionDuration ?? TERRAFORM_CLOUD_TRUST_DEFAULTS.maxSessionDuration;
    this.deployRole = new IamRole(this, 'deploy-role', {
      name: env.deploy.roleName,
      description: `${names.prefix}: applies the environment's stacks (Terraform Cloud apply runs, operators)`,
      assumeRolePolicy: trust('deploy-trust', 'apply').json,
      maxSessionDuration,
    });
    this.planRole = new IamRole(this, 'plan-role', {
      name: env.deploy.planRoleName,
      description: `${names.prefix}: read-only, plans the environment's stacks (Terraform Cloud plan runs)`,
      assumeRolePolicy: trust('plan-trust', 'plan').json,
      maxSessionDuration,
    });

    this.boundary = new IamPolicy(this, 'boundary', {
      name: names.boundaryPolicyName,
      description: `${names.prefix}: the most any lakehouse role may do`,
      policy: policyDocument(this, 'boundary-document', workloadBoundaryStatements(names)).json,
    });

    const attach = (role: IamRole, kind: 'deploy' | 'plan', statements: Record<PermissionDomain, PolicyStatement[]>) => {
      for (const [domain, list] of Object.entries(statements) as [PermissionDomain, PolicyStatement[]][]) {
        const policy = new IamPolicy(this, `${kind}-${domain}`, {
          name: `${names.prefix}-${kind}-${domain}`,
          description: `${names.prefix}: ${kind} permissions (${domain})`,
          policy: policyDocument(this, `${kind}-${domain}-document`, list).json,
        });
        new IamRolePolicyAttachment(this, `${kind}-${domain}-attachment`, { role: role.name, policyArn: policy.arn });
      }
    };
    attach(this.deployRole, 'deploy', deployStatements(names));
    attach(this.planRole, 'plan', planStatements(names));
  }
}
