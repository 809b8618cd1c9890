// What a landing value must be, beyond its JSON Schema, for its DDL column to hold exactly the value
// JSON.parse read: an integer that a double holds exactly and the column's type holds, a string of
// valid Unicode. A record that passes the contract must load; one that would not is quarantined
// with a reason, never left to crash the load.
import type { TableDef } from '../catalog/registry';
import type { DdlType } from '../catalog/ddl';

/**
 * The largest integer JSON.parse reads exactly. Beyond it digits are lost without a word:
 * 9223372036854775807 (the largest BIGINT) parses as 2^63, which no BIGINT holds.
 */
export const EXACT_INTEGER = Number.MAX_SAFE_INTEGER;

/**
 * The integers of each integer DDL type that a landing value can carry exactly: all of INT; of
 * BIGINT (up to 2^63 - 1) only those JSON.parse reads exactly.
 */
export const INTEGER_TYPE_RANGE: Readonly<Partial<Record<DdlType, readonly [number, number]>>> = {
  INT: [-2147483648, 2147483647],
  BIGINT: [-EXACT_INTEGER, EXACT_INTEGER],
};

/** One check on a property's value. */
export interface ValueLimit {
  readonly property: string;
  readonly type: 'integer' | 'string';
  /** Integers: the smallest and largest the column holds exactly, where the schema allows beyond them. */
  readonly min?: number;
  readonly max?: number;
  /**
   * False when the value has the limit's JSON type but the column cannot hold it exactly; values of
   * other types (and absent ones) are the JSON Schema's to judge.
   */
  readonly holds: (value: unknown) => boolean;
  /** Why a value that fails is quarantined (without the value, so that reasons group). */
  readonly reason: (value: unknown) => string;
}

/** A lone surrogate: with the u flag a well-formed pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** The bounds a JSON Schema property sets on its own, exclusive ones included. */
function schemaBounds(p: Record<string, unknown>): [number, number] {
  const n = (k: string, dflt: number) => (typeof p[k] === 'number' ? (p[k] as number) : dflt);
  return [Math.max(n('minimum', -Infinity), n('exclusiveMinimum', -Infinity)), Math.min(n('maximum', Infinity), n('exclusiveMaximum', Infinity))];
}

/**
 * The limits of each string and integer property of a contract. `table` gives the DDL types; a
 * property that is no column of it is held to what JSON.parse reads exactly.
 * An integer bound is left out where the schema's own bounds already keep values inside it.
 */
export function loadableLimits(schema: Record<string, unknown>, table: TableDef): ValueLimit[] {
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const limits: ValueLimit[] = [];
  for (const [property, p] of Object.entries(properties)) {
    if (typeof p !== 'object' || p === null) continue;
    if (p.type === 'string') {
      limits.push({
        property,
        type: 'string',
        holds: (v) => typeof v !== 'string' || !LONE_SURROGATE.test(v),
        reason: () => `field ${property} is not valid Unicode (it holds a lone surrogate, which no UTF-8 text can)`,
      });
      continue;
    }
    if (p.type !== 'integer') continue;
    const column = table.columns.find((c) => c.name === property);
    const [typeMin, typeMax] = (column && INTEGER_TYPE_RANGE[column.type]) || [-EXACT_INTEGER, EXACT_INTEGER];
    const min = Math.max(typeMin, -EXACT_INTEGER);
    const max = Math.min(typeMax, EXACT_INTEGER);
    const [low, high] = schemaBounds(p);
    if (low >= min && high <= max) continue;
    // Without the value: reasons are grouped by their text.
    const why = (bound: number, larger: string) =>
      Math.abs(bound) === EXACT_INTEGER
        ? ` (${bound < 0 ? '-(2^53 - 1)' : '2^53 - 1'}): a ${larger} integer loses digits when read, so it cannot be loaded as sent`
        : `: the ${column!.type} column holds no ${larger} integer`;
    limits.push({
      property,
      type: 'integer',
      ...(low < min ? { min } : {}),
      ...(high > max ? { max } : {}),
      // Only the sides the schema leaves open: the schema's own bound gives its own reason.
      holds: (v) => typeof v !== 'number' || ((low >= min || v >= min) && (high <= max || v <= max)),
      reason: (v) => (high > max && (v as number) > max ? `field ${property} must be <= ${max}${why(max, 'larger')}` : `field ${property} must be >= ${min}${why(min, 'smaller')}`),
    });
  }
  return limits;
}

/** Why a record breaks the limits: one reason per value the column would not hold exactly. */
export function limitReasons(limits: readonly ValueLimit[], record: Record<string, unknown>): string[] {
  const reasons: string[] = [];
  for (const l of limits) {
    const v = record[l.property];
    if (!l.holds(v)) reasons.push(l.reason(v));
  }
  return reasons;
}

/**
 * The schema with each limited integer property's bounds narrowed to its limit: what the line
 * acceptor compiles, so that it never takes a line the contract would quarantine.
 */
export function boundedSchema(schema: Record<string, unknown>, limits: readonly ValueLimit[]): Record<string, unknown> {
  const properties = { ...((schema.properties ?? {}) as Record<string, Record<string, unknown>>) };
  for (const l of limits) {
    if (l.type !== 'integer') continue;
    const p = { ...properties[l.property] };
    if (l.min !== undefined) p.minimum = typeof p.minimum === 'number' ? Math.max(p.minimum, l.min) : l.min;
    if (l.max !== undefined) p.maximum = typeof p.maximum === 'number' ? Math.min(p.maximum, l.max) : l.max;
    properties[l.property] = p;
  }
  return { ...schema, properties };
}
