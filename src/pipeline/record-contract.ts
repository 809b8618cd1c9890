// Checks one landing line against its dataset's JSON Schema (ajv, strict): the record contract.
// Used by the local runner and bundled into the validator Lambda; it must not import DuckDB.
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { TableDef } from '../catalog/registry';
import { limitReasons, loadableLimits, type ValueLimit } from './loadable-values';
import { isIntegerText, topLevelNumberTexts } from './integer-text';

export type Verdict =
  | { readonly ok: true; readonly record: Record<string, unknown> }
  | { readonly ok: false; readonly reasons: readonly string[] };

/** Explains one ajv error in words an operator reads without knowing JSON Pointer. */
export function describeError(e: ErrorObject): string {
  // The path as the record writes it: JSON Pointer's ~1 and ~0 undone, levels joined with dots.
  const field = e.instancePath ? e.instancePath.slice(1).split('/').map(unescapePointer).join('.') : '';
  switch (e.keyword) {
    case 'required':
      return `missing required field ${(e.params as { missingProperty: string }).missingProperty}`;
    case 'type':
      return `field ${field || '(record)'} must be ${(e.params as { type: string }).type}`;
    case 'format':
      return `field ${field} is not a valid ${(e.params as { format: string }).format}`;
    default:
      return field ? `field ${field} ${e.message ?? e.keyword}` : (e.message ?? e.keyword);
  }
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  // JSON.parse reads a number beyond the doubles (1e400) as Infinity, which ajv refuses as a number.
  if (typeof v === 'number' && !Number.isFinite(v)) return 'a number beyond the range of a double';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

let sharedAjv: Ajv2020 | undefined;

/** The name of the format for dates as the fulfilment website writes them. */
export const YEAR_MONTH_DAY_FORMAT = 'year-month-day';
const YEAR_MONTH_DAY = /^([0-9]{1,4})-([0-9]{2})-([0-9]{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * A day of the (proleptic Gregorian) calendar written year-month-day with a year of 1 to 4 digits:
 * the website writes years below 1000 without leading zeros (`993-01-01`), which `format: date`
 * (RFC 3339: four digits) refuses although it is the producer's own form.
 */
export function isYearMonthDay(value: string): boolean {
  const m = YEAR_MONTH_DAY.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

/** Formats whose values repeat from line to line: a reading names one of a few thousand users or devices. */
const REMEMBERED_FORMATS = ['email', 'uuid'];
/** Distinct values remembered per format; beyond them, values are checked each time. */
const REMEMBERED_VALUES = 10_000;

/** The format's own regular expression, whose verdict for a value seen before is looked up (a hash lookup costs about half of the email expression). */
function rememberedFormat(pattern: RegExp): (value: string) => boolean {
  const seen = new Map<string, boolean>();
  return (value) => {
    let ok = seen.get(value);
    if (ok === undefined) {
      ok = pattern.test(value);
      if (seen.size < REMEMBERED_VALUES) seen.set(value, ok);
    }
    return ok;
  };
}

/**
 * One ajv per thread: checking a schema against the 2020-12 meta-schema compiles that meta-schema
 * first, which costs more than our three contracts together; an instance compiles it once.
 */
function contractAjv(): Ajv2020 {
  if (!sharedAjv) {
    // addUsedSchema off: contracts are compiled again with the same $id (tests, a reloaded catalog).
    sharedAjv = new Ajv2020({ strict: true, allErrors: true, addUsedSchema: false });
    addFormats(sharedAjv);
    sharedAjv.addFormat(YEAR_MONTH_DAY_FORMAT, { type: 'string', validate: isYearMonthDay });
    for (const name of REMEMBERED_FORMATS) {
      const format = sharedAjv.formats[name];
      if (format instanceof RegExp) sharedAjv.addFormat(name, rememberedFormat(format));
    }
  }
  return sharedAjv;
}

/**
 * The check this thread's contract ajv runs for a string format, or undefined when the format is
 * unknown, asynchronous or not one for strings.
 */
export function contractFormat(name: string): ((value: string) => boolean) | undefined {
  const f = contractAjv().formats[name];
  if (f === undefined || f === true) return undefined;
  // addFormat turns strings into RegExps; ajv tests a RegExp and calls a function.
  if (f instanceof RegExp) return (s) => f.test(s);
  if (typeof f === 'function') return f as (value: string) => boolean;
  if (typeof f !== 'object' || f.async || (f.type !== undefined && f.type !== 'string')) return undefined;
  const v = f.validate;
  if (v instanceof RegExp) return (s) => v.test(s);
  return typeof v === 'function' ? (v as (value: string) => boolean) : undefined;
}

/**
 * A landing dataset's contract: its JSON Schema, and the limits that make every record it accepts
 * load with the values JSON.parse read (loadable-values.ts): integers a double holds exactly and
 * the DDL column's type holds, strings of valid Unicode.
 */
export class RecordContract {
  private readonly validate: ValidateFunction;
  /** The limits of the values, checked after the schema. */
  readonly limits: readonly ValueLimit[];
  /** Properties of type integer: as sent, their numbers must be integers, not only once JSON.parse rounded them. */
  private readonly integers: ReadonlySet<string>;

  constructor(
    readonly dataset: string,
    schema: Record<string, unknown>,
    /** The landing table the records load into: its DDL types bound the integers. */
    table: TableDef,
  ) {
    const ajv = contractAjv();
    this.validate = ajv.compile(schema);
    // The contract keeps its function; the instance need not keep every schema it was given.
    ajv.removeSchema(schema);
    this.limits = loadableLimits(schema, table);
    const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
    this.integers = new Set(Object.keys(properties).filter((k) => properties[k]?.type === 'integer'));
  }

  /**
   * Why the integer properties of a record, as its line writes them, are no integers although
   * JSON.parse read integers from them (4.9999999999999999 reads as 5): one reason per property.
   */
  private integerTextReasons(text: string, record: Record<string, unknown>): string[] {
    if (this.integers.size === 0) return [];
    const reasons: string[] = [];
    for (const [name, number] of topLevelNumberTexts(text, this.integers)) {
      if (Number.isInteger(record[name]) && !isIntegerText(number)) {
        reasons.push(`field ${name} must be integer (the number as sent has a fraction, which JSON.parse rounds away)`);
      }
    }
    return reasons;
  }

  /** Whether every value of a record that passed the schema is one its column holds. */
  private withinLimits(record: Record<string, unknown>): boolean {
    for (const l of this.limits) if (!l.holds(record[l.property])) return false;
    return true;
  }

  /**
   * True when an already parsed value (of the line `text`) meets the contract: the same verdict as checkValue, without
   * building one (batch validation calls this for every record and checkValue for failures only).
   */
  accepts(value: unknown, text: string): value is Record<string, unknown> {
    return (
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      this.validate(value) &&
      this.withinLimits(value as Record<string, unknown>) &&
      this.integerTextReasons(text, value as Record<string, unknown>).length === 0
    );
  }

  /** Checks an already parsed value: `text` is the line JSON.parse read it from. */
  checkValue(value: unknown, text: string): Verdict {
    if (typeOf(value) !== 'object') return { ok: false, reasons: [`record must be a JSON object, got ${typeOf(value)}`] };
    const record = value as Record<string, unknown>;
    const schemaOk = this.validate(value);
    const reasons = schemaOk
      ? []
      : (this.validate.errors ?? []).map((e) => {
          const got = e.keyword === 'type' ? ` (got ${typeOf(pointerGet(value, e.instancePath))})` : '';
          return describeError(e) + got;
        });
    reasons.push(...limitReasons(this.limits, record), ...this.integerTextReasons(text, record));
    if (!reasons.length) return { ok: true, record };
    return { ok: false, reasons: [...new Set(reasons)] };
  }

  /** Parses one line of NDJSON and checks it. */
  checkLine(line: string): Verdict {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      return { ok: false, reasons: [`malformed JSON: ${(e as Error).message}`] };
    }
    return this.checkValue(value, line);
  }
}

/** One level of a JSON Pointer as the key it names. */
function unescapePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

function pointerGet(value: unknown, pointer: string): unknown {
  let cur: unknown = value;
  for (const part of pointer.split('/').slice(1)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[unescapePointer(part)];
  }
  return cur;
}
