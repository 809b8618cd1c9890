// Props of ExistingPrincipals: principals the config names that the stacks do not create.
import type { EnvironmentConfig } from '../../config/environments/environment-config';

/** One principal of the config, with the field it is named in (for the message). */
export interface NamedPrincipal {
  /**
   * Where the config names it, as a JSON pointer like the config loader's messages: `/principals/analysts/0`.
   * @default - none (required)
   */
  readonly field: string;
  /**
   * The principal's ARN: `arn:aws:iam::<account>:role/<path/name>` or `...:user/<path/name>`.
   * @default - none (required)
   */
  readonly arn: string;
}

export interface ExistingPrincipalsProps {
  /**
   * The environment's validated config; its file is named in the messages.
   * @default - none (required)
   */
  readonly env: EnvironmentConfig;
  /**
   * The principals that must exist before the stack is planned.
   * @default - none (required)
   */
  readonly principals: readonly NamedPrincipal[];
}

/** The config principals a lakehouse stack names: producers in a trust, personas in Lake Formation grants. */
export function lakehousePrincipals(env: EnvironmentConfig): NamedPrincipal[] {
  const p = env.principals;
  return (['producers', 'analysts', 'dataScientists', 'auditors'] as const).flatMap((f) => p[f].map((arn, i) => ({ field: `/principals/${f}/${i}`, arn })));
}

/** The config principals a bootstrap stack names: operators in the deploy and plan roles' trusts. */
export function bootstrapPrincipals(env: EnvironmentConfig): NamedPrincipal[] {
  return env.deploy.operatorPrincipalArns.map((arn, i) => ({ field: `/deploy/operatorPrincipalArns/${i}`, arn }));
}
