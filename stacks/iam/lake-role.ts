// One least-privilege role of the lakehouse: a trust for the service or principals that use it,
// one inline policy of scoped statements, and the environment's permissions boundary.
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { LAKE_ROLE_DEFAULTS, type LakeRoleProps } from './lake-role-props';
import { policyDocument, type PolicyPrincipal } from './policy-document';

export class LakeRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  /**
   * The role and its policy: what a resource that hands the role to a service must depend on.
   * Services check the role when it is handed over (CreateStateMachine with logging checks that
   * the role may deliver logs, aws/aws-cdk#26432; Firehose and IoT assume it to validate), and the
   * role's ARN alone makes Terraform wait for the role, not for its policy.
   */
  readonly ready: readonly ITerraformDependable[];
  readonly name: string;
  /** The role's ARN, known at synth time (used in policies that must not wait for the role). */
  readonly arn: string;

  constructor(scope: Construct, id: string, props: LakeRoleProps) {
    super(scope, id);
    const { names } = props;
    this.name = names.lakeRole(props.purpose);
    this.arn = names.roleArn(this.name);
    const principals: PolicyPrincipal[] = [];
    if (props.services?.length) principals.push({ type: 'Service', identifiers: props.services });
    if (props.principals?.length) principals.push({ type: 'AWS', identifiers: props.principals });
    if (!principals.length) throw new Error(`role ${this.name}: nobody could assume it (no services, no principals)`);
    const trust = policyDocument(this, 'trust', [
      { sid: 'AssumedBy', actions: ['sts:AssumeRole'], principals, ...(props.trustConditions?.length ? { conditions: props.trustConditions } : {}) },
    ]);
    this.role = new IamRole(this, 'role', {
      name: this.name,
      description: props.description,
      assumeRolePolicy: trust.json,
      maxSessionDuration: props.maxSessionDuration ?? LAKE_ROLE_DEFAULTS.maxSessionDuration,
      ...((props.permissionsBoundary ?? LAKE_ROLE_DEFAULTS.permissionsBoundary) ? { permissionsBoundary: names.boundaryPolicyArn } : {}),
    });
    const permissions = policyDocument(this, 'permissions', props.statements);
    this.policy = new IamRolePolicy(this, 'policy', { name: `${this.name}-permissions`, role: this.role.id, policy: permissions.json });
    this.ready = [this.role, this.policy];
  }
}
