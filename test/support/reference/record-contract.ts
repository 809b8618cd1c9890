// The reference's own record contract, written from ../shared/STEDI-DATA.md (fields, JSON types,
// which are absent when not given, formats) and the limits the README states ("How a run works":
// integers a double reads exactly and their column holds, strings of valid Unicode). It shares no
// code with src/pipeline and compiles no schema: test/reference/contract-agrees-with-schemas.test.ts
// holds it to quality-rules/schemas/ through ajv on edge cases.

export type Value = string | number | null;
export type Row = Readonly<Record<string, Value>>;

type Check = (v: unknown) => boolean;

interface Field {
  readonly name: string;
  /** A JSON type and what else the value must be. */
  readonly is: Check;
  /** Absent (never null) when not given: the consent dates. */
  readonly optional?: boolean;
}

/** The largest integer JSON.parse reads exactly: beyond it a BIGINT would not load as sent. */
const EXACT = 2 ** 53 - 1;
/** An INT column (distanceFromObject) holds up to 2^31 - 1. */
const INT_MAX = 2 ** 31 - 1;

/** A string of valid Unicode: every surrogate is half of a pair. */
function wellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** JSON Schema counts a string's length in code points. */
const codePoints = (s: string) => [...s].length;

const text =
  (more: (s: string) => boolean = () => true, longest = Infinity, shortest = 0): Check =>
  (v) =>
    typeof v === 'string' && wellFormed(v) && codePoints(v) >= shortest && codePoints(v) <= longest && more(v);

/** The checks of integer fields: their numbers must be integers as written, too. */
const INTEGER_CHECKS = new WeakSet<Check>();

/** JSON Schema's integer: a number without a fraction (1.0 is one), here also one the column holds as sent. */
const integer = (max = EXACT): Check => {
  const check: Check = (v) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
  INTEGER_CHECKS.add(check);
  return check;
};

/**
 * Whether a JSON number as written has an integer value: its digits times ten to the power of its
 * exponent less its fraction's length leave nothing behind the point. (JSON.parse rounds
 * 4.9999999999999999 to 5: that number was sent as no integer.)
 */
function writtenAsInteger(number: string): boolean {
  const [mantissa, exponent = '0'] = number.replace(/^-/, '').split(/[eE]/);
  const [whole, fraction = ''] = mantissa.split('.');
  const shift = BigInt(exponent) - BigInt(fraction.length);
  if (shift >= 0n) return true;
  return BigInt(whole + fraction) % 10n ** -shift === 0n;
}

/**
 * The line with every number outside a string turned into a string of its text: JSON.parse of it
 * gives each number as it was written.
 */
function numbersAsWritten(line: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      out += c;
      if (c === '\\') out += line[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i;
      while (j < line.length && /[-+.eE0-9]/.test(line[j])) j++;
      out += JSON.stringify(line.slice(i, j));
      i = j - 1;
    } else out += c;
  }
  return JSON.parse(out);
}

/** A double: JSON.parse reads a number beyond the doubles (1e400) as Infinity, which no column holds. */
const double: Check = (v) => typeof v === 'number' && Number.isFinite(v);

// RFC 5322 atext: the characters of a dot-atom's atoms.
const ATEXT = new Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-");
const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);

/**
 * An email address as the contract's format means it: a dot-atom local part, "@", and a domain of
 * at least two labels of letters, digits and inner hyphens (quoted local parts and address
 * literals, which RFC 5321 allows too, are no STEDI email).
 */
export function isEmail(s: string): boolean {
  const at = s.indexOf('@');
  if (at < 0 || s.indexOf('@', at + 1) >= 0) return false;
  const atoms = s.slice(0, at).split('.');
  if (!atoms.every((a) => a.length > 0 && [...a].every((c) => ATEXT.has(c)))) return false;
  const labels = s.slice(at + 1).split('.');
  return (
    labels.length >= 2 &&
    labels.every((l) => l.length > 0 && isAlnum(l[0]) && isAlnum(l[l.length - 1]) && [...l].every((c) => isAlnum(c) || c === '-'))
  );
}

const HEX = /^[0-9A-Fa-f]+$/;

/** A UUID in its string form (RFC 4122): 8-4-4-4-12 hexadecimal digits, either case. */
export function isUuid(s: string): boolean {
  const groups = s.split('-');
  return groups.length === 5 && groups.every((g, i) => g.length === [8, 4, 4, 4, 12][i] && HEX.test(g));
}

/** Year-month-day as the website writes it: a year of 1 to 4 digits, a day of the (proleptic Gregorian) calendar. */
export function isYearMonthDay(s: string): boolean {
  const m = /^([0-9]{1,4})-([0-9]{2})-([0-9]{2})$/.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // setUTCFullYear takes years below 100 as they are (Date.UTC would add 1900); a day past the end of its month rolls over.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

const digits = (s: string) => /^[0-9]+$/.test(s);

/** The fields of each landing dataset, in the order of STEDI-DATA.md's tables (and of their landing tables' columns). */
export const CONTRACTS: Readonly<Record<string, readonly Field[]>> = {
  customer: [
    { name: 'customerName', is: text(undefined, 512, 1) },
    { name: 'email', is: text(isEmail, 320) },
    { name: 'phone', is: text(digits, 32) },
    { name: 'birthDay', is: text(isYearMonthDay) },
    { name: 'serialNumber', is: text(isUuid) },
    { name: 'registrationDate', is: integer() },
    { name: 'lastUpdateDate', is: integer() },
    { name: 'shareWithResearchAsOfDate', is: integer(), optional: true },
    { name: 'shareWithPublicAsOfDate', is: integer(), optional: true },
    { name: 'shareWithFriendsAsOfDate', is: integer(), optional: true },
  ],
  accelerometer: [
    { name: 'user', is: text(isEmail, 320) },
    { name: 'timestamp', is: integer() },
    { name: 'x', is: double },
    { name: 'y', is: double },
    { name: 'z', is: double },
  ],
  step_trainer: [
    { name: 'sensorReadingTime', is: integer() },
    { name: 'serialNumber', is: text(isUuid) },
    { name: 'distanceFromObject', is: integer(INT_MAX) },
  ],
};

export const DATASETS = Object.keys(CONTRACTS);

export type Verdict = { readonly ok: true; readonly row: Row } | { readonly ok: false; readonly why: string };

/** Checks a parsed value: an object whose fields meet the contract (others are ignored), projected onto the fields. */
export function checkRecord(dataset: string, value: unknown, written?: Record<string, unknown>): Verdict {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, why: 'not an object' };
  const record = value as Record<string, unknown>;
  const row: Record<string, Value> = {};
  for (const f of CONTRACTS[dataset]) {
    const has = Object.prototype.hasOwnProperty.call(record, f.name);
    if (!has) {
      if (!f.optional) return { ok: false, why: `${f.name} missing` };
      row[f.name] = null;
    } else if (!f.is(record[f.name])) return { ok: false, why: `${f.name} invalid` };
    else if (written && INTEGER_CHECKS.has(f.is) && !writtenAsInteger(written[f.name] as string)) return { ok: false, why: `${f.name} written with a fraction` };
    else row[f.name] = record[f.name] as Value;
  }
  return { ok: true, row };
}

/** Parses one line with JSON.parse (the JSON oracle) and checks it. */
export function checkLine(dataset: string, line: string): Verdict {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, why: 'not JSON' };
  }
  return checkRecord(dataset, value, numbersAsWritten(line) as Record<string, unknown>);
}
