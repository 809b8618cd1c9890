// The Lake Formation API actions our roles call. Lake Formation has no IAM resource types: IAM only
// lets a principal call the API, Lake Formation itself (its admins and grants) decides the rest.

/**
 * The Lake Formation API calls Terraform makes for the governance resources (data lake settings,
 * registered locations, LF-tags and their assignments, grants). IAM cannot scope them: Lake
 * Formation itself decides, and the deploy role may because it is a data lake admin.
 */
export const LAKE_FORMATION_ADMIN_ACTIONS = [
  'lakeformation:AddLFTagsToResource',
  'lakeformation:BatchGrantPermissions',
  'lakeformation:BatchRevokePermissions',
  'lakeformation:CreateLFTag',
  'lakeformation:DeleteLFTag',
  'lakeformation:DeregisterResource',
  'lakeformation:DescribeResource',
  'lakeformation:GetDataLakeSettings',
  'lakeformation:GetLFTag',
  'lakeformation:GetResourceLFTags',
  'lakeformation:GrantPermissions',
  'lakeformation:ListLFTags',
  'lakeformation:ListPermissions',
  'lakeformation:ListResources',
  'lakeformation:PutDataLakeSettings',
  'lakeformation:RegisterResource',
  'lakeformation:RemoveLFTagsFromResource',
  'lakeformation:RevokePermissions',
  'lakeformation:UpdateLFTag',
  'lakeformation:UpdateResource',
] as const;

/** What Athena and Glue call on a role's behalf to reach a registered location (and what Lake Formation's credential APIs require). */
export const LAKE_FORMATION_DATA_ACCESS = 'lakeformation:GetDataAccess';

/** GetTemporaryGlueTableCredentials, which the validator Lambda calls itself (IAM names it apart from GetDataAccess). */
export const LAKE_FORMATION_TABLE_CREDENTIALS = 'lakeformation:GetTemporaryGlueTableCredentials';
