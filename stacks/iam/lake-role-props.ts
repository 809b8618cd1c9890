// Props of LakeRole: one least-privilege role of the lakehouse.
import type { ResourceNames } from '../environment/resource-names';
import type { PolicyCondition, PolicyStatement } from './policy-document';

export interface LakeRoleProps {
  /**
   * The environment's resource names and ARNs (ResourceNames).
   * @default - none (required)
   */
  readonly names: ResourceNames;
  /**
   * Short name of what the role does; the role is `stedi-<env>-lake-<purpose>`.
   * @default - none (required)
   */
  readonly purpose: string;
  /**
   * What it is for, shown in the AWS console.
   * @default - none (required)
   */
  readonly description: string;
  /** AWS services that assume the role (e.g. `lambda.amazonaws.com`). @default [] */
  readonly services?: readonly string[];
  /** Principals (ARNs) that assume the role. @default [] */
  readonly principals?: readonly string[];
  /** Conditions on the trust (e.g. `aws:SourceAccount` against confused deputies). @default [] */
  readonly trustConditions?: readonly PolicyCondition[];
  /**
   * The role's permissions, each statement scoped to named resources.
   * @default - none (required)
   */
  readonly statements: readonly PolicyStatement[];
  /**
   * Attach the environment's permissions boundary (created by the bootstrap stack). The deploy
   * role may only create roles that carry it, so it cannot mint a role with more power than the boundary.
   * @default true
   */
  readonly permissionsBoundary?: boolean;
  /** Longest session, in seconds. @default 3600 */
  readonly maxSessionDuration?: number;
}

export const LAKE_ROLE_DEFAULTS = {
  permissionsBoundary: true,
  maxSessionDuration: 3600,
} as const;
