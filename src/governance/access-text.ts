// How effective access reads in the grants documents, the grants diff and the governance checks'
// findings: effective access is data (zones as a tag value or a list, a registration without a
// role, default permissions as principal and permissions); the words for them are here.
import type { DefaultPermission } from './effective-access';

/** A table's or database's zone as a reader sees it: its zone tag, or that it has none. */
export function zoneText(zone: string | undefined): string {
  return zone ?? '(no zone tag)';
}

/** A location's zones as a reader sees them, one label each: the zones, or that none is known. */
export function zoneLabels(zones: readonly string[]): readonly string[] {
  return zones.length ? zones : ['(no zone)'];
}

/** A location's zones as a reader sees them: `curated, staging`, or `(no zone)`. */
export function zonesText(zones: readonly string[]): string {
  return zoneLabels(zones).join(', ');
}

/** The role a registration names, or that it names none (Lake Formation's service-linked role then). */
export function registrationRoleText(roleArn: string | undefined): string {
  return roleArn ?? '(none)';
}

/** A default permission: `IAM_ALLOWED_PRINCIPALS (IAMAllowedPrincipals): ALL`. */
function defaultPermissionText(d: DefaultPermission): string {
  return `${d.principal}${d.iamAllowedPrincipals ? ' (IAMAllowedPrincipals)' : ''}: ${d.permissions.join(', ')}`;
}

/** The default permissions as a reader sees them: each once, in text order. */
export function defaultPermissionTexts(ds: readonly DefaultPermission[]): string[] {
  return [...new Set(ds.map(defaultPermissionText))].sort();
}
