// The oracles the line acceptor is held to, and the schema that uses every keyword it decides
// (test/pipeline/line-acceptor-oracle.test.ts, line-acceptor-neighbours.test.ts). Nothing here
// comes from the acceptor: a strict UTF-8 decoder, JSON.parse, a fresh ajv, and the acceptor's
// domain written from its header's text.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { MAX_PLAIN_DIGITS } from '../../src/pipeline/line-acceptor';

/** Every keyword of the acceptor's root and property lists, annotations included. */
export const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://stedi.example/schemas/acceptor-keywords.schema.json',
  $comment: 'every keyword the line acceptor decides',
  title: 'acceptor keywords',
  description: 'a record using every keyword the line acceptor claims',
  examples: [{ name: 'Ann', count: 1 }],
  default: { name: 'Ann', count: 1 },
  deprecated: false,
  readOnly: false,
  writeOnly: false,
  type: 'object',
  required: ['name', 'count'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', title: 'name', description: 'a name', minLength: 2, maxLength: 6, pattern: '^[A-Za-zé😀]' },
    email: { type: 'string', format: 'email', $comment: 'c', examples: ['a@b.co'], default: 'a@b.co', deprecated: true, readOnly: true, writeOnly: false },
    day: { type: 'string', format: 'date' },
    text: { type: 'string' },
    count: { type: 'integer', minimum: -5, maximum: 10 },
    level: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 100 },
    ratio: { type: 'number', exclusiveMinimum: -1.5, exclusiveMaximum: 2.5 },
    weight: { type: 'number', minimum: 0.25, maximum: 1000 },
    any: { type: 'number' },
    // Bounds on one side only, of each kind.
    floor: { type: 'integer', minimum: 3 },
    ceiling: { type: 'number', maximum: 7.5 },
    above: { type: 'number', exclusiveMinimum: -2 },
    below: { type: 'integer', exclusiveMaximum: 50 },
  },
} as const;
export type Property = keyof typeof SCHEMA.properties;
export const PROPERTIES = Object.keys(SCHEMA.properties) as Property[];
export const STRINGS: Property[] = ['name', 'email', 'day', 'text'];

export const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The oracles of a schema: a line's bytes as strict UTF-8, then JSON.parse, then a fresh ajv. */
export type Oracle = ((line: Buffer) => boolean) & { readonly schema: Record<string, unknown> };
export function oracleOf(schema: Record<string, unknown>): Oracle {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const verdict = (line: Buffer) => {
    let text: string;
    try {
      text = utf8.decode(line);
    } catch {
      return false;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return false;
    }
    return validate(value) === true;
  };
  return Object.assign(verdict, { schema });
}

/** The oracles' verdict on a line of SCHEMA. */
export const oracle = oracleOf(SCHEMA as unknown as Record<string, unknown>);

/**
 * The acceptor's domain as its header states it, written here from that text alone: a flat object
 * of "key": value members with spaces or tabs around tokens; keys of printable ASCII without quote
 * or backslash; strings without backslash or control characters; numbers -?(0|[1-9][0-9]*)(.[0-9]+)?
 * of at most 15 digits, never a negative zero.
 */
const PLAIN_MEMBER = /^[ \t]*"([\x20\x21\x23-\x5b\x5d-\x7e]*)"[ \t]*:[ \t]*(?:"([^"\\\x00-\x1f]*)"|(-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?))[ \t]*(,|$)/;
export function writtenPlainly(line: Buffer): string | undefined {
  let text = line.toString('utf8');
  const open = /^[ \t]*\{/.exec(text);
  const close = /\}[ \t]*$/.exec(text);
  if (!open || !close) return 'not one object';
  const parsed = JSON.parse(text) as Record<string, unknown>;
  text = text.slice(open[0].length, text.length - close[0].length);
  if (/^[ \t]*$/.test(text)) return undefined;
  for (;;) {
    const m = PLAIN_MEMBER.exec(text);
    if (!m) return `a member not written plainly in ${JSON.stringify(text)}`;
    const [whole, key, str, num] = m;
    if (str !== undefined && parsed[key] !== str) return `${key}: the text between its quotes is not its value`;
    if (num !== undefined && (num.replace(/[-.]/g, '').length > MAX_PLAIN_DIGITS || /^-0(\.0+)?$/.test(num) || parsed[key] !== Number(num))) return `${key}: ${num} is no plain number`;
    text = text.slice(whole.length);
    if (m[4] === '') return undefined;
  }
}

export const b = (...parts: (string | number[] | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

/**
 * Whether the acceptor must take a line the oracles accept: written plainly, each key once (JSON.parse
 * keeps a repeated key's last value, the acceptor declines), and no fraction on an integer property
 * (10.0 is an integer to ajv; the acceptor leaves it to ajv).
 */
export function mustTake(line: Buffer, valid: Oracle = oracle): boolean {
  if (!valid(line) || writtenPlainly(line) !== undefined) return false;
  // In valid JSON a string followed by a colon is a key; a plain key holds no quote or backslash.
  const members = [...line.toString('utf8').matchAll(/"([^"\\]*)"[ \t]*:[ \t]*(-?[0-9.]+)?/g)];
  const keys = members.map((m) => m[1]);
  if (new Set(keys).size !== keys.length) return false;
  const properties = valid.schema.properties as Record<string, { type: string }>;
  return !members.some(([, key, num]) => num?.includes('.') && properties[key].type === 'integer');
}
