// Loads and validates the declarative grants policy of an environment (config/grants/<env>.json).
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import { PROJECT_ROOT } from '../catalog/registry';
import { PERSONAS, STAGED_ZONES, type GovernedZone, type Persona, type StagedZone, type TablePermission } from './vocabulary';
import SCHEMA from './grants-policy.schema.json';
import { OperatorError } from '../errors/operator-error';

/** Read access (and more) to the tables of some zones, by LF-tag expression. */
export interface TableGrantRule {
  readonly zones: readonly GovernedZone[];
  readonly permissions: readonly TablePermission[];
  /** When false, the grant reaches only columns tagged `pii=no`. */
  readonly includePii: boolean;
  /** When true, the persona can pass these permissions on (the invariants forbid it outside admins). */
  readonly grantable: boolean;
  /** Staging only: the staged copies of these zones' tables (LF-tag `staged_from`). @default every staging table */
  readonly stagedFrom?: readonly StagedZone[];
  /** Why this grant exists, where it is not obvious (e.g. why dev is broader than prod). */
  readonly note?: string;
}

/** DATA_LOCATION_ACCESS on the registered location of some zones (needed to write there). */
export interface LocationGrantRule {
  readonly zones: readonly GovernedZone[];
  readonly grantable: boolean;
  readonly note?: string;
}

export interface PersonaPolicy {
  readonly purpose: string;
  readonly tables: readonly TableGrantRule[];
  readonly dataLocations: readonly LocationGrantRule[];
}

export interface GrantsPolicy {
  readonly environment: string;
  readonly personas: Readonly<Record<Persona, PersonaPolicy>>;
}

export class GrantsPolicyError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'GrantsPolicyError';
  }
}

export const GRANTS_POLICY_DIR = join('config', 'grants');

export function grantsPolicyFile(environment: string, root: string = PROJECT_ROOT): string {
  return join(root, GRANTS_POLICY_DIR, `${environment}.json`);
}

/** `/personas/analyst/tables/0/zones/1` -> `personas.analyst.tables[0].zones[1]` */
function fieldPath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(top level)' : out;
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required':
      return `${fieldPath(e.instancePath, e.params.missingProperty as string)}: is missing`;
    case 'additionalProperties':
      return `${fieldPath(e.instancePath, e.params.additionalProperty as string)}: is not a known field`;
    case 'enum':
      return `${fieldPath(e.instancePath)}: ${JSON.stringify((e as { data?: unknown }).data)} is not one of ${(e.params.allowedValues as string[]).join(', ')}`;
    case 'const':
      return `${fieldPath(e.instancePath)}: must be ${JSON.stringify(e.params.allowedValue)} for a grant that names stagedFrom (staged copies live in staging only)`;
    case 'uniqueItems':
      return `${fieldPath(e.instancePath)}: lists the same value twice (items ${Math.min(e.params.i, e.params.j)} and ${Math.max(e.params.i, e.params.j)})`;
    default:
      return `${fieldPath(e.instancePath)}: ${e.message}`;
  }
}

const ajv = new Ajv2020({ strict: true, allErrors: true, verbose: true });
const validatePolicy = ajv.compile(SCHEMA);

/** Validates a parsed policy; every message names the file and the field. */
export function parseGrantsPolicy(value: unknown, file: string): GrantsPolicy {
  if (!validatePolicy(value)) {
    // `$ref`'d enums report once per branch; keep each message once, in document order.
    // An if/then failure also reports the `if` itself; the `then` error says what is wrong.
    const messages = [...new Set((validatePolicy.errors ?? []).filter((e) => e.keyword !== 'if').map(describe))];
    throw new GrantsPolicyError(`${file}: invalid grants policy:\n  ${messages.join('\n  ')}`);
  }
  return value as unknown as GrantsPolicy;
}

export function loadGrantsPolicyFile(file: string, root: string = PROJECT_ROOT): GrantsPolicy {
  const shown = relative(root, file) || file;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new GrantsPolicyError(`${shown}: ${(e as Error).message}`);
  }
  const policy = parseGrantsPolicy(value, shown);
  const expected = shown.replace(/^.*[\\/]/, '').replace(/\.json$/, '');
  if (policy.environment !== expected) {
    throw new GrantsPolicyError(`${shown}: environment: is "${policy.environment}" but the file is named ${expected}.json`);
  }
  return policy;
}

export function loadGrantsPolicy(environment: string, root: string = PROJECT_ROOT): GrantsPolicy {
  return loadGrantsPolicyFile(grantsPolicyFile(environment, root), root);
}

/** One indivisible right a policy gives: use (or pass on) a permission on one kind of column of one zone. */
export interface PolicyAtom {
  readonly persona: Persona;
  readonly zone: GovernedZone;
  /** For staging: the zone whose tables' staged copies the right is on. */
  readonly stagedFrom?: StagedZone;
  /** A table permission, or DATA_LOCATION_ACCESS. */
  readonly permission: string;
  /** Which columns: `no` (non-PII) or `yes` (PII); `location` for data location access. */
  readonly columns: 'no' | 'yes' | 'location';
  readonly grantOption: boolean;
}

export function atomKey(a: PolicyAtom): string {
  return `${a.persona} ${a.grantOption ? 'may grant' : 'holds'} ${a.permission} on ${a.zone}${a.stagedFrom ? ` (copies of ${a.stagedFrom})` : ''}${a.columns === 'location' ? ' location' : a.columns === 'yes' ? ' PII columns' : ' non-PII columns'}`;
}

/** Every right the policy gives, spelled out (grantable rules give both the right and its grant option). */
export function policyAtoms(policy: GrantsPolicy): PolicyAtom[] {
  const atoms: PolicyAtom[] = [];
  for (const persona of PERSONAS) {
    const p = policy.personas[persona];
    for (const rule of p.tables) {
      for (const zone of rule.zones) {
        // A staging right is on the copies of some zones' tables: every zone's unless the rule names them.
        const copies: (StagedZone | undefined)[] = zone === 'staging' ? [...(rule.stagedFrom ?? STAGED_ZONES)] : [undefined];
        for (const stagedFrom of copies) {
          for (const permission of rule.permissions) {
            for (const columns of rule.includePii ? (['no', 'yes'] as const) : (['no'] as const)) {
              const atom = { persona, zone, ...(stagedFrom ? { stagedFrom } : {}), permission, columns };
              atoms.push({ ...atom, grantOption: false });
              if (rule.grantable) atoms.push({ ...atom, grantOption: true });
            }
          }
        }
      }
    }
    for (const rule of p.dataLocations) {
      for (const zone of rule.zones) {
        atoms.push({ persona, zone, permission: 'DATA_LOCATION_ACCESS', columns: 'location', grantOption: false });
        if (rule.grantable) atoms.push({ persona, zone, permission: 'DATA_LOCATION_ACCESS', columns: 'location', grantOption: true });
      }
    }
  }
  return atoms;
}

/**
 * The rights `narrow` gives that `broad` does not, e.g. what prod grants beyond dev. Empty when
 * `narrow` is within `broad` for every persona.
 */
export function rightsBeyond(narrow: GrantsPolicy, broad: GrantsPolicy): string[] {
  const allowed = new Set(policyAtoms(broad).map(atomKey));
  return [...new Set(policyAtoms(narrow).map(atomKey))].filter((k) => !allowed.has(k));
}
