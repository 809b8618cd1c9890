// The account's Lake Formation settings: who administers the lake, and no IAMAllowedPrincipals defaults.
import type { Construct } from 'constructs';
import type { ITerraformDependable } from 'cdktf';
import { LakeformationDataLakeSettings } from '@cdktf/provider-aws/lib/lakeformation-data-lake-settings';

export interface DataLakeSettingsOptions {
  /** Every data lake admin, the deploy role included. */
  readonly admins: readonly string[];
  /** Read-only admins (e.g. the plan role); always written, empty when none, since omitted means cleared. */
  readonly readOnlyAdmins?: readonly string[];
  readonly catalogId?: string;
  readonly dependsOn?: ITerraformDependable[];
  /**
   * Let engines outside Lake Formation's integrated services (Glue 5.0 jobs with full-table access,
   * the validator's GetTemporaryGlueTableCredentials) get credentials for a table the caller holds
   * every column of. Without it, Glue 5.0 full-table access and GetTemporaryGlueTableCredentials
   * without session tags are refused ("Application integration for full table access").
   */
  readonly allowFullTableExternalDataAccess: boolean;
}

/**
 * Lists the admins and gives IAMAllowedPrincipals no default permissions on new databases and
 * tables, so that Lake Formation grants, not IAM policies, decide access (the equivalent of the
 * console's "use only IAM access control" boxes left unticked).
 *
 * The resource replaces the account's settings as a whole: what it omits is cleared
 * (terraform-provider-aws#25134). Hence every admin is listed here and both default-permission
 * lists are set explicitly to empty (the API accepts only empty or ALL to IAM_ALLOWED_PRINCIPALS;
 * see the provider's data_lake_settings docs and PR #20108). One such resource per account and
 * region: two would overwrite each other.
 */
export function revokeIamAllowedPrincipalDefaults(scope: Construct, id: string, options: DataLakeSettingsOptions): LakeformationDataLakeSettings {
  return new LakeformationDataLakeSettings(scope, id, {
    admins: [...options.admins],
    readOnlyAdmins: [...(options.readOnlyAdmins ?? [])],
    createDatabaseDefaultPermissions: [],
    createTableDefaultPermissions: [],
    // Written out, false included: the resource clears what it omits.
    allowFullTableExternalDataAccess: options.allowFullTableExternalDataAccess,
    allowExternalDataFiltering: false,
    ...(options.catalogId !== undefined ? { catalogId: options.catalogId } : {}),
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
  });
}
