// Looks up, while Terraform plans, every principal the config names but no stack creates (producers,
// operators, analysts, data scientists, auditors), so that a missing one stops the plan with a
// message naming the role, the config file and the field. Without it, IAM rejects a trust policy
// naming a principal that does not exist only at apply (MalformedPolicyDocument: Invalid
// principal), after half the stack is built, and Lake Formation a grant to one.
import { DataAwsIamRoles } from '@cdktf/provider-aws/lib/data-aws-iam-roles';
import { DataAwsIamUsers } from '@cdktf/provider-aws/lib/data-aws-iam-users';
import { Construct } from 'constructs';
import { ENVIRONMENTS } from '../../config/environments/load-environment';
import type { ExistingPrincipalsProps } from './existing-principals-props';

const PRINCIPAL = /^arn:aws:iam::(\d{12}):(role|user)(\/(?:[^/]+\/)*)([^/]+)$/;

/** Escapes a name for the data sources' name_regex (Go RE2). */
const literal = (s: string) => s.replace(/[.+*?^$()[\]{}|\\]/g, '\\$&');

export class ExistingPrincipals extends Construct {
  readonly lookups: readonly (DataAwsIamRoles | DataAwsIamUsers)[];

  constructor(scope: Construct, id: string, props: ExistingPrincipalsProps) {
    super(scope, id);
    const file = ENVIRONMENTS[props.env.name].file;
    this.lookups = props.principals.map(({ field, arn }) => {
      const m = PRINCIPAL.exec(arn);
      if (!m) throw new Error(`${file} ${field}: "${arn}" is not an IAM role or user ARN`);
      const [, account, kind, path, name] = m;
      const config = {
        nameRegex: `^${literal(name)}$`,
        pathPrefix: path,
        lifecycle: {
          postcondition: [
            {
              condition: '${length(self.names) == 1}',
              errorMessage: `${file} ${field}: IAM ${kind} ${arn} does not exist in account ${account}. Create it, or remove it from the config, before planning this stack.`,
            },
          ],
        },
      };
      const lookupId = field.replace(/^\//, '').replace(/\//g, '-');
      return kind === 'role' ? new DataAwsIamRoles(this, lookupId, config) : new DataAwsIamUsers(this, lookupId, config);
    });
  }
}
