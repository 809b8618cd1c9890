// The words of the Lake Formation model: governed zones, personas, LF-tag keys and values, permissions.
import { ZONES } from '../catalog/registry';

/**
 * Zones that get a Glue database, a location and a `zone` LF-tag value. `staging` holds the
 * staged (unpublished) tables of a run; it is governed like a zone but is not a promotion step.
 */
export const GOVERNED_ZONES = [...ZONES, 'staging'] as const;
export type GovernedZone = (typeof GOVERNED_ZONES)[number];

/**
 * The roles Lake Formation grants go to, in pipeline order. Each workload of the pipeline is a
 * persona of its own (validator, transform, gate, publish), so that each holds only what its code
 * calls and a reviewer reads one workload's access per row; analyst, ml and auditor map to the
 * environment config's principals.
 */
export const PERSONAS = ['ingestion', 'validator', 'transform', 'gate', 'publish', 'analyst', 'ml', 'auditor'] as const;
export type Persona = (typeof PERSONAS)[number];

/** Personas that must never reach a PII column (DESIGN.md, SECURITY-CHECKLIST.md line 21). */
export const PII_FREE_PERSONAS = ['analyst', 'ml'] as const satisfies readonly Persona[];

/**
 * Personas allowed to read (SELECT) landing data, in landing or as its staged copies: the validator
 * that checks it, the transforms that filter it by consent and the gate that audits it.
 */
export const LANDING_READERS = ['validator', 'transform', 'gate'] as const satisfies readonly Persona[];

/** The only persona that may write landing (INSERT, data location access). */
export const LANDING_WRITER: Persona = 'ingestion';

/** LF-tag keys and values. */
export const ZONE_TAG = 'zone';
export const PII_TAG = 'pii';
export const PII_YES = 'yes';
export const PII_NO = 'no';
export const PII_VALUES = [PII_NO, PII_YES] as const;
/**
 * On each staging table: the zone of the table it is the staged copy of. Grants can then tell the
 * run's validated landing records (the validator writes them, the transforms read them) from the
 * trusted and curated tables the transforms build.
 */
export const STAGED_TAG = 'staged_from';
export const STAGED_ZONES = ZONES;
export type StagedZone = (typeof STAGED_ZONES)[number];

/**
 * Table permissions a policy may grant. `ALL` is left out on purpose: it is broader than any
 * persona needs, and table grants of ALL are re-created on every apply
 * (terraform-provider-aws#49453).
 */
export const TABLE_PERMISSIONS = ['ALTER', 'DELETE', 'DESCRIBE', 'DROP', 'INSERT', 'SELECT'] as const;
export type TablePermission = (typeof TABLE_PERMISSIONS)[number];

/** Table permissions that change data or metadata (anything but reading). */
export const WRITE_PERMISSIONS = ['ALTER', 'DELETE', 'DROP', 'INSERT'] as const satisfies readonly TablePermission[];

export const DATA_LOCATION_ACCESS = 'DATA_LOCATION_ACCESS';

/**
 * Lake Formation's special principal for "IAM alone decides"; any grant to it hands access back
 * to IAM policies. `ALLIAMPrincipals` spellings (`<account>:IAMPrincipals`) mean the same.
 */
export const IAM_ALLOWED_PRINCIPALS = 'IAM_ALLOWED_PRINCIPALS';
export function isIamAllowedPrincipals(principal: string): boolean {
  return principal === IAM_ALLOWED_PRINCIPALS || /^\d{12}:IAMPrincipals$/.test(principal) || /IAMAllowedPrincipals/i.test(principal);
}

/** Name of the Terraform local in which the governance construct records who is which persona. */
export const GOVERNANCE_LOCAL = 'stedi_lake_governance';

/** A zone's place in GOVERNED_ZONES; any other zone, or none, sorts after them. */
export function zoneOrder(zone: string | undefined): number {
  const i = (GOVERNED_ZONES as readonly string[]).indexOf(zone ?? '');
  return i < 0 ? GOVERNED_ZONES.length : i;
}

export function personaOrder(persona: string | undefined): number {
  const i = (PERSONAS as readonly string[]).indexOf(persona ?? '');
  return i < 0 ? PERSONAS.length : i;
}
