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

/** What Athena calls on a querying role's behalf to read a registered location. */
export const LAKE_FORMATION_DATA_ACCESS = 'lakeformation:GetDataAccess';
