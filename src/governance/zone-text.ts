// How zones read in the grants documents, the grants diff and the governance checks' findings:
// effective access gives zones as data (a tag value, or a list for a location), this says them.

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
