// LF-tags and their assignment to databases, tables and columns, one tag per resource.
import type { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { LakeformationLfTag } from '@cdktf/provider-aws/lib/lakeformation-lf-tag';
import { LakeformationResourceLfTag } from '@cdktf/provider-aws/lib/lakeformation-resource-lf-tag';
import { PII_YES } from '../../src/governance/vocabulary';

export interface TagOptions {
  readonly catalogId?: string;
  readonly dependsOn?: ITerraformDependable[];
}

const meta = (o: TagOptions) => ({
  ...(o.catalogId !== undefined ? { catalogId: o.catalogId } : {}),
  ...(o.dependsOn ? { dependsOn: o.dependsOn } : {}),
});

/** Creates an LF-tag key with its allowed values. */
export function createLfTag(scope: Construct, id: string, key: string, values: readonly string[], options: TagOptions = {}): LakeformationLfTag {
  return new LakeformationLfTag(scope, id, { key, values: [...values], ...meta(options) });
}

/*
 * Assignments use the singular aws_lakeformation_resource_lf_tag: the plural
 * aws_lakeformation_resource_lf_tags owns every tag of its resource and removes tags it did not
 * create (terraform-provider-aws#36539, which added the singular resource for that reason).
 * The key is passed as a reference to the LF-tag resource so each assignment waits for its tag.
 */

/** Assigns `tag=value` to a database; its tables and columns inherit it unless they set the key themselves. */
export function tagDatabase(scope: Construct, id: string, database: string, tag: LakeformationLfTag, value: string, options: TagOptions = {}): LakeformationResourceLfTag {
  return new LakeformationResourceLfTag(scope, id, {
    database: [{ name: database }],
    lfTag: [{ key: tag.key, value }],
    ...meta(options),
  });
}

/** Assigns `tag=value` to a table, overriding the value its database gives. */
export function tagTable(scope: Construct, id: string, database: string, table: string, tag: LakeformationLfTag, value: string, options: TagOptions = {}): LakeformationResourceLfTag {
  return new LakeformationResourceLfTag(scope, id, {
    table: [{ databaseName: database, name: table }],
    lfTag: [{ key: tag.key, value }],
    ...meta(options),
  });
}

/** Tags the personal-data columns of a table `pii=yes` (pass the `pii` LF-tag), overriding the table's `pii=no`. */
export function tagPiiColumns(
  scope: Construct,
  id: string,
  database: string,
  table: string,
  columns: readonly string[],
  piiTag: LakeformationLfTag,
  options: TagOptions = {},
): LakeformationResourceLfTag {
  return new LakeformationResourceLfTag(scope, id, {
    tableWithColumns: [{ databaseName: database, name: table, columnNames: [...columns] }],
    lfTag: [{ key: piiTag.key, value: PII_YES }],
    ...meta(options),
  });
}
