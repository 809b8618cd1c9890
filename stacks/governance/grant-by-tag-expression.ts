// Lake Formation grants: by LF-tag expression for databases and tables, on a location for writers.
import type { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { LakeformationPermissions } from '@cdktf/provider-aws/lib/lakeformation-permissions';
import type { TagCondition } from '../../src/governance/compile-grants';
import { DATA_LOCATION_ACCESS } from '../../src/governance/vocabulary';

export interface TagExpressionGrantOptions {
  readonly principal: string;
  readonly resourceType: 'DATABASE' | 'TABLE';
  readonly expression: readonly TagCondition[];
  readonly permissions: readonly string[];
  /** Also give the grant option on every permission. */
  readonly grantable: boolean;
  readonly catalogId?: string;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Grants permissions on every database or table (down to the columns) whose LF-tags satisfy each
 * condition of the expression. Tag-policy grants never name a table, so they avoid the
 * perpetual destroy and re-create of table grants with ALL or SELECT
 * (terraform-provider-aws#49453), and new tables are covered as soon as they are tagged.
 * `permissions_with_grant_option` is always written, empty unless grantable, so the synthesized
 * Terraform states it for the reviewer.
 */
export function grantByTagExpression(scope: Construct, id: string, o: TagExpressionGrantOptions): LakeformationPermissions {
  return new LakeformationPermissions(scope, id, {
    principal: o.principal,
    permissions: [...o.permissions],
    permissionsWithGrantOption: o.grantable ? [...o.permissions] : [],
    lfTagPolicy: {
      resourceType: o.resourceType,
      expression: o.expression.map((c) => ({ key: c.key, values: [...c.values] })),
      ...(o.catalogId !== undefined ? { catalogId: o.catalogId } : {}),
    },
    ...(o.dependsOn ? { dependsOn: o.dependsOn } : {}),
  });
}

export interface DataLocationGrantOptions {
  readonly principal: string;
  /** ARN of a registered location, or of a path inside one. */
  readonly locationArn: string;
  readonly grantable: boolean;
  readonly catalogId?: string;
  readonly dependsOn?: ITerraformDependable[];
}

/** DATA_LOCATION_ACCESS: lets the principal create or re-point tables at the location. */
export function grantDataLocationAccess(scope: Construct, id: string, o: DataLocationGrantOptions): LakeformationPermissions {
  return new LakeformationPermissions(scope, id, {
    principal: o.principal,
    permissions: [DATA_LOCATION_ACCESS],
    permissionsWithGrantOption: o.grantable ? [DATA_LOCATION_ACCESS] : [],
    dataLocation: { arn: o.locationArn, ...(o.catalogId !== undefined ? { catalogId: o.catalogId } : {}) },
    ...(o.dependsOn ? { dependsOn: o.dependsOn } : {}),
  });
}
