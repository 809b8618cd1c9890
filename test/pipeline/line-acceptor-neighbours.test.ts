// Every line one byte away from a valid line, held to the oracles (test/support/acceptor-oracle.ts):
// each byte of a taken line replaced, removed, or preceded by another, drawn from the bytes on
// each side of every boundary the acceptor or JSON draws (control bytes, space, printable ASCII's
// end, digits, structure, UTF-8 lead and continuation bytes). A check of the acceptor that is dropped or weakened takes some neighbour the oracles
// refuse, or refuses one written plainly that they accept (issue 19: the random generator of
// line-acceptor-oracle.test.ts seldom lands one byte from a valid line, where such checks decide).
// Each neighbour is also read in place, amid bytes that would change its verdict if the acceptor
// read one past the end it was given, and must get the verdict of its copy.
import { compileLineAcceptor, type LineAcceptor } from '../../src/pipeline/line-acceptor';
import { contractFormat } from '../../src/pipeline/record-contract';
import { b, mustTake, oracle, oracleOf, writtenPlainly, type Oracle } from '../support/acceptor-oracle';

function acceptorOf(schema: Record<string, unknown>): LineAcceptor {
  const built = compileLineAcceptor(schema, contractFormat);
  if (!('acceptor' in built)) throw new Error(`no acceptor: ${built.unsupported}`);
  return built.acceptor;
}

/** Names of one byte and none, and a name that extends another: where comparing a key's bytes in place has the least room. */
const SHORT_NAMES = {
  type: 'object',
  required: ['a'],
  additionalProperties: false,
  properties: { a: { type: 'integer' }, '': { type: 'string' }, ab: { type: 'string', maxLength: 3 }, b: { type: 'number', maximum: 9 } },
};

/** Taken lines of each schema: every property, string and number, whitespace of both kinds, non-ASCII text. */
const BASES: [string, Oracle, string][] = [
  ...[
    '{"name":"Ann","count":1}',
    ' {"count":10 , "name":"Zoë","any":-12.5}\t',
    '{\t"name" : "😀b" ,"count":-5,"weight":1000,"text":"a b","email":"a@b.co"}',
    '{"name":"Ab","count":3,"ratio":2.4999,"day":"2024-02-29","level":99,"floor":3,"ceiling":7.5,"above":-1.5,"below":49}',
    '{"text":"","name":"Abcdef","count":0,"any":0.5,"weight":0.25}',
  ].map((l): [string, Oracle, string] => ['every keyword', oracle, l]),
  ...['{"a":1,"":"x","ab":"yz","b":2.5}', '{"ab":"","a":-5,"b":9}', '{"":"","a":0}', '{"b":1,"a":7}'].map((l): [string, Oracle, string] => ['short names', oracleOf(SHORT_NAMES), l]),
];

/**
 * The bytes tried at each position: both sides of each boundary (0x1f/0x20/0x21, 0x7e/0x7f/0x80,
 * '/' and ':' around the digits, quote and backslash among the printable), JSON's whitespace and
 * structure, number signs and exponents, and UTF-8 lead, continuation and never-valid bytes (all
 * 256 bytes made the test five times as long, and each mutant of a mutation run pays for it).
 */
const BYTES = [
  ...[0x00, 0x01, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x5b, 0x5c, 0x5d, 0x7e, 0x7f],
  ...Buffer.from('{},:-+./09eEaAnz_@'),
  ...[0x80, 0xbf, 0xc0, 0xc2, 0xc3, 0xe2, 0xed, 0xf0, 0xf4, 0xf5, 0xff],
];

/** Each byte replaced, removed, or preceded by one of BYTES. */
function* neighbours(base: Buffer): Generator<Buffer> {
  for (let at = 0; at <= base.length; at++) {
    const before = base.subarray(0, at);
    if (at < base.length) {
      const after = base.subarray(at + 1);
      yield Buffer.concat([before, after]);
      for (const v of BYTES) if (v !== base[at]) yield Buffer.concat([before, Buffer.from([v]), after]);
    }
    for (const v of BYTES) yield Buffer.concat([before, Buffer.from([v]), base.subarray(at)]);
  }
}

/** Bytes that a reader running past its end would take for more of the line. */
const PAST_END = ['"', ' ', '\t', '}', ',', ':', '0', '5', '.', 'e', 'a', '\x80'];

describe('line acceptor: every line one byte from a taken line', () => {
  it.each(BASES)('%s: %s', (_, valid, text) => {
    const base = b(text);
    const accept = acceptorOf(valid.schema);
    const takes = (l: Buffer) => accept(l, 0, l.length);
    expect([takes(base), valid(base), writtenPlainly(base)]).toEqual([true, true, undefined]);
    const wrong: string[] = [];
    const seen = { lines: 0, taken: 0, refusedValid: 0 };
    for (const line of neighbours(base)) {
      seen.lines++;
      const taken = takes(line);
      const shown = JSON.stringify(line.toString('latin1'));
      if (taken) {
        seen.taken++;
        if (!valid(line)) wrong.push(`${shown}: taken, but the oracles refuse it`);
        else if (writtenPlainly(line) !== undefined) wrong.push(`${shown}: taken, but not written plainly (${writtenPlainly(line)})`);
      } else if (mustTake(line, valid)) wrong.push(`${shown}: written plainly and valid, but refused`);
      else if (valid(line)) seen.refusedValid++;
      for (const pad of PAST_END) {
        const amid = Buffer.concat([Buffer.from(pad, 'latin1'), line, Buffer.from(pad, 'latin1')]);
        if (accept(amid, 1, 1 + line.length) !== taken) wrong.push(`${shown}: read amid ${JSON.stringify(pad)}, ${!taken ? 'taken' : 'refused'}`);
      }
      if (wrong.length >= 20) break;
    }
    expect(wrong).toEqual([]);
    expect(seen.lines).toBe(base.length + [...base].reduce((n, at) => n + BYTES.filter((v) => v !== at).length, 0) + (base.length + 1) * BYTES.length);
    // Both sides of the contract are reached: neighbours taken (more than one per byte), and valid ones left to ajv.
    expect(seen.taken).toBeGreaterThan(base.length);
    expect(seen.refusedValid).toBeGreaterThan(base.length / 10);
  });
});
