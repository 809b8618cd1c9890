// Accepts, byte by byte and without JSON.parse, the landing lines whose verdict is certain: a flat
// JSON object written plainly, whose every field is a property of the contract with a value in the
// plainest spelling of its type. Such a line meets the contract exactly when the acceptor says so,
// and DuckDB reads from it the values it would read from the line's projection, so the line can be
// kept as it arrived. Every other line (escapes, exponents, unknown or repeated keys, nested values,
// "-0", more than 15 digits, CR, BOM...) is left to JSON.parse and ajv, which decide it.
import { isUtf8 } from 'node:buffer';
import * as bytes from './bytes';

// Module-local copies: hot loops read a constant, not the module's export on each byte.
const { BACKSLASH, CLOSE_BRACE, COLON, COMMA, DOT, MINUS, NINE, OPEN_BRACE, QUOTE, SPACE, TAB, ZERO } = bytes;

/** Whether the bytes [start, end) of a line (no newline) certainly meet the contract. */
export type LineAcceptor = (line: Buffer, start: number, end: number) => boolean;

/** A format check on a string value, as the contract's ajv runs it. */
export type FormatCheck = (value: string) => boolean;

export type AcceptorBuild =
  | { readonly acceptor: LineAcceptor }
  /** The schema uses something the acceptor does not decide: every line goes to ajv. */
  | { readonly unsupported: string };


/** 1 for the ASCII bytes a string may hold as they are: all but control characters, quote and backslash. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c <= 0x7f; c++) PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;

/** Digits at most in a plain number: below 2^53 as an integer, exact as a decimal (Clinger's fast path). */
export const MAX_PLAIN_DIGITS = 15;

/** Keywords that say nothing about a value. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'examples', 'default', 'deprecated', 'readOnly', 'writeOnly']);
const ROOT_KEYWORDS = new Set([...ANNOTATIONS, 'type', 'required', 'properties', 'additionalProperties']);
const PROPERTY_KEYWORDS = new Set([
  ...ANNOTATIONS,
  'type',
  'format',
  'minLength',
  'maxLength',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
]);

interface PropertyCheck {
  readonly name: Uint8Array;
  readonly bit: number;
  readonly kind: 'string' | 'integer' | 'number';
  readonly minLength: number;
  readonly maxLength: number;
  /** Format and pattern checks on the decoded string, in the order ajv runs them. */
  readonly stringChecks: readonly FormatCheck[];
  readonly min: number;
  readonly max: number;
  readonly exclusiveMin: number;
  readonly exclusiveMax: number;
}

/**
 * Builds the acceptor of a contract's JSON Schema, or says why there is none. `format` gives the
 * check the contract's ajv runs for a format name (undefined when it has none for strings).
 */
export function compileLineAcceptor(schema: Record<string, unknown>, format: (name: string) => FormatCheck | undefined): AcceptorBuild {
  for (const k of Object.keys(schema)) if (!ROOT_KEYWORDS.has(k)) return { unsupported: `keyword ${k} at the root` };
  if (schema.type !== 'object') return { unsupported: 'the root is not type object' };
  const properties = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const names = Object.keys(properties);
  if (names.length > 30) return { unsupported: 'more than 30 properties' };
  const required = (schema.required ?? []) as string[];
  const missing = required.find((r) => !names.includes(r));
  if (missing !== undefined) return { unsupported: `required ${missing} is not a property` };

  const checks: PropertyCheck[] = [];
  for (const [i, name] of names.entries()) {
    const p = properties[name];
    if (typeof p !== 'object' || p === null) return { unsupported: `property ${name} is not a schema object` };
    for (const k of Object.keys(p)) if (!PROPERTY_KEYWORDS.has(k)) return { unsupported: `keyword ${k} on ${name}` };
    const kind = p.type;
    if (kind !== 'string' && kind !== 'integer' && kind !== 'number') return { unsupported: `type of ${name} is not string, integer or number` };
    if (!/^[\x20-\x7e]*$/.test(name) || name.includes('"') || name.includes('\\')) return { unsupported: `property name ${name} is not plain ASCII` };
    const stringChecks: FormatCheck[] = [];
    if (kind === 'string') {
      if (p.format !== undefined) {
        const f = format(String(p.format));
        if (!f) return { unsupported: `format ${String(p.format)} of ${name}` };
        stringChecks.push(f);
      }
      // ajv compiles patterns with the unicode flag and tests them unanchored.
      if (p.pattern !== undefined) {
        const re = new RegExp(String(p.pattern), 'u');
        stringChecks.push((s) => re.test(s));
      }
    } else if (p.format !== undefined || p.pattern !== undefined || p.minLength !== undefined || p.maxLength !== undefined) {
      return { unsupported: `string keyword on the ${kind} ${name}` };
    }
    // ajv takes only finite numbers here; anything else is not this acceptor's to read.
    const bad = ['minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'].find((k) => p[k] !== undefined && !Number.isFinite(p[k]));
    if (bad !== undefined) return { unsupported: `${bad} of ${name} is not a finite number` };
    const num = (k: string, dflt: number) => (p[k] === undefined ? dflt : (p[k] as number));
    checks.push({
      name: Buffer.from(name, 'latin1'),
      bit: 1 << i,
      kind,
      minLength: num('minLength', 0),
      maxLength: num('maxLength', Infinity),
      stringChecks,
      min: num('minimum', -Infinity),
      max: num('maximum', Infinity),
      exclusiveMin: num('exclusiveMinimum', -Infinity),
      exclusiveMax: num('exclusiveMaximum', Infinity),
    });
  }
  const requiredMask = required.reduce((m, r) => m | (1 << names.indexOf(r)), 0);
  return { acceptor: buildAcceptor(checks, requiredMask) };
}

function buildAcceptor(props: readonly PropertyCheck[], requiredMask: number): LineAcceptor {
  const inRange = (p: PropertyCheck, v: number) => v >= p.min && v <= p.max && v > p.exclusiveMin && v < p.exclusiveMax;
  const bounded = props.map((p) => p.min !== -Infinity || p.max !== Infinity || p.exclusiveMin !== -Infinity || p.exclusiveMax !== Infinity);
  // The last value of each checked string property that passed its checks: readings of one user
  // or device come in runs, and comparing bytes costs less than decoding and checking them again.
  const lastPassed: (Uint8Array | undefined)[] = props.map(() => undefined);

  const sameKey = (q: PropertyCheck, b: Buffer, keyStart: number, keyLength: number) => {
    const name = q.name;
    if (name.length !== keyLength) return false;
    for (let k = 0; k < keyLength; k++) if (name[k] !== b[keyStart + k]) return false;
    return true;
  };

  return (b, start, end) => {
    let i = start;
    while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
    if (i >= end || b[i] !== OPEN_BRACE) return false;
    i++;
    while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
    let seen = 0;
    // Keys usually come in the contract's order: the next one is tried first.
    let guess = 0;
    if (i < end && b[i] === CLOSE_BRACE) {
      i++;
    } else {
      for (;;) {
        // "key": only plain ASCII keys of the contract, each once. Keys usually come in the
        // contract's order, so the next property's name is compared in place first.
        if (i >= end || b[i] !== QUOTE) return false;
        const keyStart = ++i;
        let index = -1;
        if (guess < props.length) {
          const name = props[guess].name;
          const n = name.length;
          if (keyStart + n < end && b[keyStart + n] === QUOTE) {
            let k = 0;
            while (k < n && name[k] === b[keyStart + k]) k++;
            if (k === n) {
              index = guess;
              i = keyStart + n + 1;
            }
          }
        }
        if (index < 0) {
          while (i < end && b[i] !== QUOTE) {
            const c = b[i];
            if (c < 0x20 || c === BACKSLASH || c > 0x7e) return false;
            i++;
          }
          if (i >= end) return false;
          const keyLength = i - keyStart;
          i++;
          for (let q = 0; q < props.length; q++) {
            if (sameKey(props[q], b, keyStart, keyLength)) {
              index = q;
              break;
            }
          }
          if (index < 0) return false;
        }
        guess = index + 1;
        const p = props[index];
        if (seen & p.bit) return false;
        seen |= p.bit;
        while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
        if (i >= end || b[i] !== COLON) return false;
        i++;
        while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
        if (i >= end) return false;

        if (p.kind === 'string') {
          // "text": no escapes, no control characters; non-ASCII only as valid UTF-8.
          if (b[i] !== QUOTE) return false;
          const s = ++i;
          let ascii = true;
          for (;;) {
            while (i < end && PLAIN[b[i]] === 1) i++;
            if (i >= end) return false;
            const c = b[i];
            if (c === QUOTE) break;
            if (c < 0x20 || c === BACKSLASH) return false;
            ascii = false; // above 0x7f
            i++;
          }
          const e = i++;
          let length = e - s;
          if (!ascii) {
            if (!isUtf8(b.subarray(s, e))) return false;
            // Code points, as ajv counts them: every byte that does not continue a sequence.
            for (let k = s; k < e; k++) if ((b[k] & 0xc0) === 0x80) length--;
          }
          if (length < p.minLength || length > p.maxLength) return false;
          if (p.stringChecks.length) {
            const last = lastPassed[index];
            let same = last !== undefined && last.length === e - s;
            for (let k = 0; same && k < last!.length; k++) same = last![k] === b[s + k];
            if (!same) {
              const value = b.toString(ascii ? 'latin1' : 'utf8', s, e);
              for (const check of p.stringChecks) if (!check(value)) return false;
              // A copy: Buffer#slice is a view, and the batch's memory is reused after it.
              lastPassed[index] = Uint8Array.prototype.slice.call(b, s, e);
            }
          }
        } else {
          // -?(0|[1-9][0-9]*)(.[0-9]+)? with at most 15 digits, never a negative zero.
          const s = i;
          const negative = b[i] === MINUS;
          if (negative) i++;
          const intStart = i;
          let value = 0; // the integer part: exact, below 10^15
          if (i < end && b[i] === ZERO) i++;
          else {
            while (i < end && b[i] >= ZERO && b[i] <= NINE) value = value * 10 + (b[i++] - ZERO);
          }
          if (i === intStart) return false;
          let digits = i - intStart;
          let nonZero = value !== 0;
          let fraction = false;
          if (i < end && b[i] === DOT) {
            if (p.kind === 'integer') return false;
            fraction = true;
            i++;
            const fracStart = i;
            while (i < end && b[i] >= ZERO && b[i] <= NINE) {
              if (b[i] !== ZERO) nonZero = true;
              i++;
            }
            if (i === fracStart) return false;
            digits += i - fracStart;
          }
          if (digits > MAX_PLAIN_DIGITS) return false;
          if (i < end && (b[i] === 0x65 || b[i] === 0x45 || (b[i] >= ZERO && b[i] <= NINE))) return false; // exponent, or "01"
          if (negative && !nonZero) return false;
          if (bounded[index] && !inRange(p, fraction ? Number(b.toString('latin1', s, i)) : negative ? -value : value)) return false;
        }
        while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
        if (i >= end) return false;
        if (b[i] === COMMA) {
          i++;
          while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
          continue;
        }
        if (b[i] !== CLOSE_BRACE) return false;
        i++;
        break;
      }
    }
    while (i < end && (b[i] === SPACE || b[i] === TAB)) i++;
    return i === end && (seen & requiredMask) === requiredMask;
  };
}
