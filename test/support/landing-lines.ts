// Landing lines for property tests: records near the edges of the contracts, written the ways
// producers write them (padding, Python's ", " and ": ", numbers in every spelling), or broken.
import fc from 'fast-check';
import type { LandingDataset } from '../../src/catalog/registry';
import { SAMPLE_CUSTOMER } from './sample-records';

/** Values near the edges of the contracts: right and wrong types, escapes, big and odd numbers. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('a@b.co', 'Santosh.Clayton@test.com', '50f7b4f3-7af5-4b07-a421-7b902c8d2b7c', '1399-01-01', '8015551212', '', 'quote " and \\ and \n', 'lone \ud800 surrogate', 'é and 😀', 'del \u007f'),
  fc.integer({ min: -1, max: 4102444800000 }),
  fc.constantFrom(0, -0, 1.0, 2.5, 2147483647, 2147483648, Number.MAX_SAFE_INTEGER, 2 ** 60, 1e21, 5e-324),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constant(null),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
);

/** A record: each DDL column absent or any value, plus perhaps an extra field. */
export function recordOf(ds: LandingDataset): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(ds.table.columns.map((c) => [c.name, anyValue]));
  return fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.option(fc.tuple(fc.string({ maxLength: 5 }), anyValue), { nil: undefined }))
    .map(([r, extra]) => (extra ? { ...r, [extra[0]]: extra[1] } : r));
}

/** A valid record of each dataset. */
export const SAMPLES: Record<string, Record<string, unknown>> = {
  customer: SAMPLE_CUSTOMER,
  accelerometer: { user: 'a@b.co', timestamp: 1655564444103, x: 1, y: -1, z: 0 },
  step_trainer: { sensorReadingTime: 1655564444103, serialNumber: '50f7b4f3-7af5-4b07-a421-7b902c8d2b7c', distanceFromObject: 200 },
};

/** A valid-looking record: the columns the schema requires, with values of the right shape. */
export function plausibleOf(ds: LandingDataset): fc.Arbitrary<Record<string, unknown>> {
  const base = SAMPLES[ds.dataset];
  return fc
    .tuple(fc.constantFrom(...Object.keys(base), 'extra'), anyValue, fc.boolean())
    .map(([k, v, change]) => (change ? { ...base, [k]: v } : { ...base }));
}

/** A number spelt as it is, not as JavaScript would write it. */
export class RawNumber {
  constructor(readonly text: string) {}
}

/** Decimal spellings, plain and not: leading zeros, long fractions, exponents, signed zeros. */
export const rawNumber: fc.Arbitrary<RawNumber> = fc
  .oneof(
    fc.stringMatching(/^-?(0|[1-9][0-9]{0,16})(\.[0-9]{1,18})?$/),
    fc.stringMatching(/^-?(0|[1-9][0-9]{0,3})(\.[0-9]{1,4})?[eE][-+]?[0-9]{1,3}$/),
    fc.constantFrom('-0', '-0.0', '0.0', '-0e0', '00', '01', '1.', '.5', '+1', '1e400', '-1e400', '4e-324', '9007199254740993', '123456789012345', '1234567890123456'),
  )
  .map((t) => new RawNumber(t));

/** Ways to write a number producers use: String(v), fixed, exponent, ".0" on integers, "-0". */
function spellingsOf(v: number): string[] {
  const s = [String(v), v.toExponential(), `${v}e0`, `${v}E+00`, v.toPrecision(17)];
  if (Number.isInteger(v)) s.push(`${v}.0`, `${v}.000`);
  if (v === 0) s.push('-0', '-0.0', '0.0');
  return s;
}

/** A record from plausibleOf with some numbers replaced by raw spellings. */
function spelledRecordOf(ds: LandingDataset): fc.Arbitrary<Record<string, unknown>> {
  const numericKeys = Object.entries(SAMPLES[ds.dataset])
    .filter(([, v]) => typeof v === 'number')
    .map(([k]) => k);
  return fc.tuple(plausibleOf(ds), fc.constantFrom(...numericKeys), fc.oneof(rawNumber, fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => new RawNumber(String(d))))).map(([r, k, raw]) => ({ ...r, [k]: raw }));
}

/** Writes a record as one line, numbers in the spelling picked by `pick`, with the separators given. */
export function writeLine(r: Record<string, unknown>, picks: readonly number[], colon = ':', comma = ','): string {
  const value = (v: unknown, i: number): string => {
    if (v instanceof RawNumber) return v.text;
    if (typeof v === 'number') {
      const options = spellingsOf(v);
      return options[(picks[i % picks.length] ?? 0) % options.length];
    }
    return JSON.stringify(v) ?? 'null';
  };
  return '{' + Object.entries(r).map(([k, v], i) => JSON.stringify(k) + colon + value(v, i)).join(comma) + '}';
}

/** How the record is written on its line: plain, padded, spelt oddly, broken, or not an object. */
export function lineOf(ds: LandingDataset): fc.Arbitrary<string> {
  const json = fc.oneof(recordOf(ds), plausibleOf(ds), plausibleOf(ds)).map((r) => JSON.stringify(r));
  const spelt = fc
    .tuple(fc.oneof(plausibleOf(ds), spelledRecordOf(ds), recordOf(ds)), fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), fc.constantFrom(':', ': ', ' :\t'), fc.constantFrom(',', ', ', '\t, '))
    .map(([r, picks, colon, comma]) => writeLine(r, picks, colon, comma));
  return fc.oneof(
    json,
    json,
    spelt,
    spelt,
    json.map((l) => `  ${l}\t`),
    json.map((l) => l.replace(/:(-?\d+)([,}])/, ':$1.0$2')),
    json.map((l) => l.slice(0, -3)),
    json.map((l) => l.replace(/^\{"(\w+)"/, '{"$1":1,"$1"')),
    json.map((l) => l.replace(/^\{"(\w)/, (_, c: string) => '{"\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'))),
    json.map((l) => l.replace(/}$/, ',}')),
    fc.constantFrom('', '   ', ' \t', 'null', '[1,2]', '"text"', '42', '{}', '{"a":', 'not json', '\ufeff{}', '\ufeff', '\u00a0', '\f', '\u2028', '\u000b'),
  );
}

/** A line as it arrives in a file: cutting one may split a surrogate pair, which UTF-8 cannot hold. */
export const asUtf8 = (l: string): string => Buffer.from(l).toString('utf8');

/** A blank line: only JSON whitespace (RFC 8259: space, tab, line feed, carriage return). */
export const isJsonBlank = (l: string): boolean => /^[ \t\n\r]*$/.test(l);
