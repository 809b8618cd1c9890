// The line acceptor against oracles nobody here wrote: a strict UTF-8 decoder, JSON.parse and a
// fresh ajv. Lines are built byte by byte (raw control bytes 0x00-0x1f, every JSON-invalid form,
// invalid UTF-8) against a schema that uses every keyword the acceptor claims to decide, numeric
// bounds of each kind included. Whatever the acceptor takes, the oracles accept; and a line written
// plainly (the acceptor's own domain) is taken exactly when the oracles accept it (issue 19: a
// dropped control-character check and broken number bounds went unnoticed).
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { compileLineAcceptor, MAX_PLAIN_DIGITS, type LineAcceptor } from '../../src/pipeline/line-acceptor';
import { contractFormat } from '../../src/pipeline/record-contract';
import { b, oracle, PROPERTIES, SCHEMA, STRINGS, utf8, writtenPlainly, type Property } from '../support/acceptor-oracle';

const built = compileLineAcceptor(SCHEMA as unknown as Record<string, unknown>, contractFormat);
if (!('acceptor' in built)) throw new Error(`no acceptor: ${built.unsupported}`);
const accept: LineAcceptor = built.acceptor;

const takes = (line: Buffer) => accept(line, 0, line.length);

const CONTROL_BYTES = Array.from({ length: 0x20 }, (_, c) => c);

// Plain pieces: what the acceptor decides itself.
const plainChar = fc.constantFrom('a', 'n', 'Z', '@', '.', '-', '_', '1', ' ', '~', '\x7f', 'é', 'ß', '😀', '中');
const plainString = (chars: fc.Arbitrary<string>) => fc.array(chars, { maxLength: 8 }).map((cs) => cs.join(''));
/** Plain numbers: no exponent, no leading zero, no -0, at most 15 digits. */
const plainInteger = (min: number, max: number) =>
  fc.oneof({ weight: 4, arbitrary: fc.integer({ min, max }) }, fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), fc.integer({ min: min - 3, max: max + 3 })).map(String);
const plainFraction = (min: number, max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.double({ min, max, noNaN: true }).map((d) => d.toFixed(4)) },
    fc.tuple(fc.boolean(), fc.nat(2000), fc.stringMatching(/^[0-9]{1,6}$/)).map(([negative, i, f]) => `${negative ? '-' : ''}${i}.${f}`),
  );
const boundaryInteger = fc.constantFrom('-6', '-5', '-4', '9', '10', '11', '0', '1', '99', '100', '101', '-1', '2', '3', '1000', '1001', '123456789012345');
/** A fraction is no integer to the acceptor, whatever ajv makes of 10.0: only for number properties. */
const boundaryNumber = fc.oneof(
  boundaryInteger,
  fc.constantFrom('-1.5', '-1.4999', '-1.5001', '-1.4', '2.5', '2.4999', '2.5001', '2.4', '0.25', '0.2499', '0.2501', '1000.0', '999.9999', '1000.0001', '-5.0', '10.0', '0.0', '-0.5', '1234567890.12345'),
);
const plain = (a: fc.Arbitrary<string>) => a.filter((t) => !/^-0(\.0*)?$/.test(t) && t.replace(/[-.]/g, '').length <= MAX_PLAIN_DIGITS);
/** Plain values of each property, mostly valid, often at or just past a bound. */
const plainValue: Record<Property, fc.Arbitrary<string>> = {
  name: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('Ann', 'éa', 'Zoë', '😀😀😀😀😀😀', 'Ab', 'Abcdef', 'a1 ~\x7f') }, fc.constantFrom('😀😀😀😀😀😀😀', 'a', 'Abcdefg', '1ab', ' ab', ''), plainString(plainChar)),
  email: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('a@b.co', 'Ann.Lee@test.com') }, fc.constantFrom('a@', '@b.co', 'not an email', '', 'ann@x'), plainString(plainChar)),
  day: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('2024-02-29', '1990-01-01') }, fc.constantFrom('2023-02-29', '990-01-01', '2024-13-01', '2024-1-01', '')),
  text: plainString(plainChar),
  count: plain(fc.oneof({ weight: 4, arbitrary: plainInteger(-5, 10) }, boundaryInteger)),
  level: plain(fc.oneof({ weight: 4, arbitrary: plainInteger(1, 99) }, boundaryInteger)),
  ratio: plain(fc.oneof({ weight: 4, arbitrary: plainFraction(-1.4999, 2.4999) }, plainInteger(-1, 2), boundaryNumber)),
  weight: plain(fc.oneof({ weight: 4, arbitrary: plainFraction(0.25, 1000) }, plainInteger(1, 1000), boundaryNumber)),
  any: plain(fc.oneof(plainFraction(-1e6, 1e6), plainInteger(-(10 ** 15) + 1, 10 ** 15 - 1), boundaryNumber)),
  floor: plain(fc.oneof(plainInteger(3, 1000), fc.constantFrom('2', '3', '4', '-3'))),
  ceiling: plain(fc.oneof(plainFraction(-100, 7.5), fc.constantFrom('7.5', '7.5001', '8', '-8'))),
  above: plain(fc.oneof(plainFraction(-2, 100), fc.constantFrom('-2', '-1.9999', '-2.0001', '2'))),
  below: plain(fc.oneof(plainInteger(-100, 49), fc.constantFrom('49', '50', '51', '-50'))),
};

// Hostile pieces: what the acceptor must leave to JSON.parse and ajv (or reject).
const hostileChar = fc.oneof(
  fc.constantFrom(...CONTROL_BYTES).map((c) => [c]),
  fc.constantFrom('\\n', '\\"', '\\\\', '\\/', '\\u0041', '\\ud800', '\\ud83d\\ude00', '\\x41', '\\').map((s) => Buffer.from(s)),
  fc.constantFrom([0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]),
  fc.constant(Buffer.from('"')),
);
const hostileString = fc
  .tuple(plainString(plainChar), fc.array(fc.tuple(hostileChar, plainString(plainChar)), { minLength: 1, maxLength: 3 }))
  .map(([first, rest]) => b('"', first, ...rest.flatMap(([h, s]) => [h instanceof Buffer ? h : Buffer.from(h), s]), '"'));
const hostileNumber = fc.oneof(
  fc.stringMatching(/^-?(0|[1-9][0-9]{0,16})(\.[0-9]{1,18})?$/),
  fc.stringMatching(/^-?(0|[1-9][0-9]{0,3})(\.[0-9]{1,4})?[eE][-+]?[0-9]{1,3}$/),
  fc.constantFrom('-0', '-0.0', '-0.000', '00', '01', '-01', '1.', '.5', '+1', '-', '--1', '1e400', '-1e400', '1E1', '1e-1', '0x10', 'NaN', 'Infinity', '-Infinity', '1_000', '1.2.3', '9007199254740993', '1234567890123456', '0.1234567890123456'),
);
const otherValue = fc.constantFrom('true', 'false', 'null', '"1"', '[1]', '[]', '{}', '{"a":1}', "'x'", 'undefined', '');

const hostileKey = fc.oneof(
  fc.constantFrom('"nam"', '"names"', '"Name"', '"extra"', '""', '"\\u006eame"', '"na\\me"', 'name', "'name'", '"name', '"ná"', '"count" "count"'),
  fc.constantFrom(...CONTROL_BYTES).map((c) => b('"na', [c], 'me"')),
  fc.constant(b('"na', [0xff], 'me"')),
);
const plainSpace = fc.constantFrom('', ' ', '\t', '  ', ' \t');
const hostileSpace = fc.constantFrom('\r', '\n', '\f', '\v', '\u00a0', '\u2028', '\ufeff', '\r\n', '/* */', '\x00');

/** What a piece of a line is, and the hostile forms each kind of piece can take. */
type Kind = 'space' | 'open' | 'key' | 'colon' | 'string' | 'number' | 'comma' | 'close';
const HOSTILE: Record<Kind, fc.Arbitrary<string | Buffer>> = {
  space: hostileSpace,
  open: fc.constantFrom('', '[', '{{', '\ufeff{'),
  key: hostileKey,
  colon: fc.constantFrom('', '::', '=', ' '),
  string: fc.oneof(hostileString, hostileNumber, otherValue),
  number: fc.oneof(hostileNumber, otherValue, hostileString),
  comma: fc.constantFrom('', ',,', ';', ' '),
  close: fc.constantFrom('', '}}', '},', ']', '} x', '}{}'),
};
const KINDS = Object.keys(HOSTILE) as Kind[];
/** One hostile form of each kind: a corruption takes the one of the piece it replaces. */
const hostileForms = fc.tuple(...KINDS.map((k) => HOSTILE[k].map(b))).map((forms) => Object.fromEntries(KINDS.map((k, i) => [k, forms[i]])) as Record<Kind, Buffer>);

interface Piece {
  readonly kind: Kind;
  readonly bytes: Buffer;
}
const piece = (kind: Kind, a: fc.Arbitrary<string | Buffer>): fc.Arbitrary<Piece> => a.map((x) => ({ kind, bytes: b(x) }));
const space = piece('space', plainSpace);
const valueOf = (name: Property): fc.Arbitrary<Piece> =>
  STRINGS.includes(name) ? piece('string', plainValue[name].map((s) => b('"', s, '"'))) : piece('number', plainValue[name]);
const member = (name: Property): fc.Arbitrary<Piece[]> =>
  fc.tuple(fc.constant({ kind: 'key' as const, bytes: b(`"${name}"`) }), space, fc.constant({ kind: 'colon' as const, bytes: b(':') }), space, valueOf(name), space);

const OPTIONAL = PROPERTIES.filter((p) => !(SCHEMA.required as readonly string[]).includes(p));

/**
 * A line: the required properties (each perhaps left out) and some optional ones in any order,
 * one perhaps repeated, with none to three of its pieces in a hostile form.
 */
const line: fc.Arbitrary<{ bytes: Buffer; plain: boolean }> = fc
  .tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constant([...SCHEMA.required]) }, fc.subarray([...SCHEMA.required])).map((r) => r as Property[]),
    fc.subarray(OPTIONAL),
    fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, fc.constantFrom(...PROPERTIES)),
  )
  .chain(([required, optional, repeated]) =>
    fc.tuple(
      fc.shuffledSubarray([...required, ...optional], { minLength: required.length + optional.length }).chain((names) => fc.tuple(...[...names, ...(repeated ? [repeated] : [])].map(member))),
      space,
      space,
      space,
      fc.oneof({ weight: 2, arbitrary: fc.constant([]) }, fc.array(fc.tuple(fc.nat(), hostileForms), { minLength: 1, maxLength: 3 })),
      fc.constant(repeated !== null),
    ),
  )
  .map(([members, lead, afterOpen, trail, corruptions, repeated]) => {
    const pieces: Piece[] = [lead, { kind: 'open', bytes: b('{') }, afterOpen];
    members.forEach((m, i) => {
      if (i > 0) pieces.push({ kind: 'comma', bytes: b(',') });
      pieces.push(...m);
    });
    pieces.push({ kind: 'close', bytes: b('}') }, trail);
    const replaced = new Map(corruptions.map(([i, forms]) => [i % pieces.length, forms[pieces[i % pieces.length].kind]] as const));
    const bytes = Buffer.concat(pieces.map((p, i) => replaced.get(i) ?? p.bytes));
    // A repeated key is not plain either: JSON.parse keeps the last value, the acceptor declines.
    return { bytes, plain: replaced.size === 0 && !repeated };
  });

describe('line acceptor against strict UTF-8, JSON.parse and ajv', () => {
  it('compiles an acceptor for a schema that uses every keyword it claims', () => {
    expect('acceptor' in built).toBe(true);
  });

  it('whatever it takes, the oracles accept; a plainly written line is taken exactly when they accept it', () => {
    const seen = { taken: 0, plainRejected: 0, hostile: 0 };
    fc.assert(
      fc.property(line, ({ bytes, plain }) => {
        const taken = takes(bytes);
        const valid = oracle(bytes);
        // The line in the message, as bytes would be hard to read.
        if (taken && !valid) expect({ line: bytes.toString('latin1'), valid }).toEqual({ line: bytes.toString('latin1'), valid: true });
        // What it takes is written plainly: DuckDB reads from it the values JSON.parse does.
        if (taken) expect({ line: bytes.toString('latin1'), notPlain: writtenPlainly(bytes) }).toEqual({ line: bytes.toString('latin1'), notPlain: undefined });
        // Only the bytes it is given count: the same verdict in place, amid other bytes, as on a copy.
        if (taken || plain) {
          const amid = Buffer.concat([b('{"name":"x'), bytes, b('"},"count":1}\n{')]);
          for (const [s, e] of [[10, 10 + bytes.length], [10, 9 + bytes.length], [11, 10 + bytes.length]] as const) {
            expect({ line: bytes.toString('latin1'), s, e, taken: accept(amid, s, e) }).toEqual({ line: bytes.toString('latin1'), s, e, taken: takes(Buffer.from(amid.subarray(s, e))) });
          }
        }
        if (plain && taken !== valid) expect({ line: bytes.toString('latin1'), taken }).toEqual({ line: bytes.toString('latin1'), taken: valid });
        if (taken) seen.taken++;
        if (plain && !valid) seen.plainRejected++;
        if (!plain) seen.hostile++;
      }),
      { numRuns: 4000 },
    );
    // The generator reaches both sides of the contract and the hostile forms.
    expect(seen.taken).toBeGreaterThan(300);
    expect(seen.plainRejected).toBeGreaterThan(300);
    expect(seen.hostile).toBeGreaterThan(1000);
  });

  describe('each raw byte 0x00-0x1f', () => {
    for (const c of CONTROL_BYTES) {
      const hex = `0x${c.toString(16).padStart(2, '0')}`;
      it(`${hex} is refused inside a string value and a key, where JSON.parse refuses it too`, () => {
        for (const l of [b('{"name":"An', [c], 'n","count":1}'), b('{"name":"Ann","count":1,"text":"', [c], '"}'), b('{"na', [c], 'me":"Ann","count":1}')]) {
          expect([takes(l), oracle(l)]).toEqual([false, false]);
        }
      });
      it(`${hex} between tokens: taken only as JSON whitespace the acceptor reads (tab)`, () => {
        const l = b('{"name":', [c], '"Ann","count":1}');
        expect(takes(l)).toBe(c === 0x09);
        // JSON.parse also reads LF and CR between tokens; the acceptor leaves them to it.
        expect(oracle(l)).toBe([0x09, 0x0a, 0x0d].includes(c));
      });
    }
  });

  // Tests as data: each numeric keyword at and around its bound, in both numeric types.
  const numbers: [Property, string, boolean][] = [
    ['count', '-6', false], ['count', '-5', true], ['count', '-4', true], ['count', '10', true], ['count', '11', false], ['count', '10.0', true],
    ['level', '0', false], ['level', '1', true], ['level', '99', true], ['level', '100', false], ['level', '-1', false],
    ['ratio', '-1.5', false], ['ratio', '-1.4999', true], ['ratio', '-1.5001', false], ['ratio', '2.5', false], ['ratio', '2.4999', true], ['ratio', '2.5001', false], ['ratio', '-2', false], ['ratio', '3', false], ['ratio', '-1', true], ['ratio', '2', true],
    ['weight', '0.25', true], ['weight', '0.2499', false], ['weight', '0.2501', true], ['weight', '1000', true], ['weight', '1000.0', true], ['weight', '1000.0001', false], ['weight', '0', false], ['weight', '1001', false],
    ['any', '-123456789012345', true], ['any', '0.00000000000001', true], ['any', '-1234567890.12345', true],
    ['floor', '3', true], ['floor', '2', false], ['floor', '1000000', true], ['ceiling', '7.5', true], ['ceiling', '7.5001', false], ['ceiling', '-1000000', true],
    ['above', '-2', false], ['above', '-1.9999', true], ['above', '1000000', true], ['below', '49', true], ['below', '50', false], ['below', '-1000000', true],
  ];
  const oracleDay = (day: string) => oracle(withValue('day', `"${day}"`));
  /** A line with the required properties and `name` set to the raw JSON text given. */
  const withValue = (name: Property, raw: string) => b(`{${Object.entries({ name: '"Ann"', count: '1', [name]: raw }).map(([k, v]) => `"${k}":${v}`).join(',')}}`);
  it.each(numbers)('%s = %s: valid %s, and taken when valid unless spelt beyond plain', (name, text, expected) => {
    const l = withValue(name, text);
    // 10.0 is an integer to ajv; the acceptor leaves a fraction on an integer to it.
    expect([takes(l), oracle(l)]).toEqual([expected && text !== '10.0', expected]);
  });

  const strings: [Property, string, boolean][] = [
    ['name', 'A', false], ['name', 'Ab', true], ['name', 'Abcdef', true], ['name', 'Abcdefg', false], ['name', 'é', false], ['name', 'éé', true],
    ['name', '😀😀😀😀😀😀', true], ['name', '😀😀😀😀😀😀😀', false], ['name', '1ab', false], ['name', 'zé', true],
    ['email', 'a@b.co', true], ['email', 'a@', false], ['email', '', false],
    ['day', '2024-02-29', true], ['day', '2023-02-29', false], ['day', '990-01-01', false],
    ['text', '', true], ['text', '\x7f', true], ['text', 'a"b', false],
  ];
  it.each(strings)('%s = %j: taken %s, as ajv decides', (name, text, expected) => {
    const l = withValue(name, `"${text}"`);
    expect([takes(l), oracle(l)]).toEqual([expected, expected]);
  });

  it('every window of a line, read in place amid the bytes around it, gets the verdict of a copy of that window', () => {
    const lines = [
      '{"name":"Ann","count":1}',
      ' {"count":10 , "name":"Zoë","any":-12.5}\t',
      '{"name":"😀😀","count":-5,"weight":1000,"text":"a b"}',
      '{"name":"Ab","count":3,"ratio":2.4999,"day":"2024-02-29","email":"a@b.co","level":99}',
      '{"name":"Abc","count":0,"floor":3,"ceiling":7.5,"above":-1.5,"below":49}',
    ].map((l) => b(l));
    let agreed = 0;
    for (const l of lines) {
      expect([l.toString(), takes(l), oracle(l)]).toEqual([l.toString(), true, true]);
      for (let s0 = 0; s0 <= l.length; s0++) {
        for (let e = s0; e <= l.length; e++) {
          const copy = Buffer.from(l.subarray(s0, e));
          const inPlace = accept(l, s0, e);
          if (inPlace !== takes(copy)) expect({ window: copy.toString(), inPlace }).toEqual({ window: copy.toString(), inPlace: takes(copy) });
          if (inPlace && !oracle(copy)) expect({ window: copy.toString(), valid: false }).toEqual({ window: copy.toString(), valid: true });
          agreed++;
        }
      }
    }
    expect(agreed).toBeGreaterThan(5000);
  });

  it('valid lines spelt beyond plain are left to JSON.parse: escapes, more than 15 digits, exponents, negative zero', () => {
    const beyond = [
      ...['\\n', '\\"', '\\\\', '\\/', '\\u0041', '\\t', 'a\\bc'].map((e) => withValue('text', `"${e}"`)),
      ...['1234567890123456', '-1234567890123456', '0.1234567890123456', '12345678.123456789', '1e5', '1E5', '1e-5', '1.5e3', '-0', '-0.0', '-0.000'].map((n) => withValue('any', n)),
    ];
    expect(beyond.map((l) => [l.toString(), takes(l), oracle(l)])).toEqual(beyond.map((l) => [l.toString(), false, true]));
  });

  it('a key that is a prefix or an extension of a property name is no property', () => {
    for (const name of PROPERTIES) {
      for (const key of [name.slice(0, -1), `${name}s`, name.slice(1), `${name.slice(0, -1)}X`, name.toUpperCase()]) {
        const l = withValue(name, STRINGS.includes(name) ? '"Ab"' : '5').toString().replace(`"${name}":`, `"${key}":`);
        expect([name, key, takes(b(l))]).toEqual([name, key, false]);
      }
    }
  });

  it('a string value that is not valid UTF-8 is refused, wherever the bad bytes sit', () => {
    for (const bad of [[0xff], [0xc3], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80]]) {
      for (const l of [b('{"name":"Ab', bad, '","count":1}'), b('{"name":"Ab","count":1,"text":"', bad, '"}'), b('{"name":"Ab","count":1,"text":"x', bad, 'y"}')]) {
        expect([l.toString('latin1'), takes(l), oracle(l)]).toEqual([l.toString('latin1'), false, false]);
      }
    }
  });

  it('a value checked by format or pattern is checked again when it changes, even to a prefix or an extension of the last one that passed', () => {
    // One acceptor over a sequence of lines, as in a batch: the last passing value is remembered.
    const fresh = compileLineAcceptor(SCHEMA as unknown as Record<string, unknown>, contractFormat);
    if (!('acceptor' in fresh)) throw new Error(fresh.unsupported);
    const seq = ['2024-02-29', '2024-02-2', '2024-02-29', '2024-02-290', '2024-02-29', '2024-02-28', '2024-02-19', '2023-02-29', '2024-02-29', 'x024-02-29'];
    const verdicts = seq.map((day) => {
      const l = withValue('day', `"${day}"`);
      return [day, fresh.acceptor(l, 0, l.length), oracle(l)];
    });
    expect(verdicts).toEqual(seq.map((day) => [day, oracleDay(day), oracleDay(day)]));
    const names = ['Ann', 'Ann', '1nn', 'Ann', 'Annx', 'An', 'A'];
    expect(names.map((n) => { const l = withValue('name', `"${n}"`); return fresh.acceptor(l, 0, l.length); })).toEqual(names.map((n) => oracle(withValue('name', `"${n}"`))));
  });

  it('required properties: a line without one is refused, with both it is taken, an empty object never', () => {
    expect([takes(b('{"name":"Ann"}')), takes(b('{"count":1}')), takes(b('{"count":1,"name":"Ann"}')), takes(b('{}')), takes(b(' { } '))]).toEqual([false, false, true, false, false]);
  });
});

describe('line acceptor: the schemas it compiles and those it leaves to ajv', () => {
  const oracleOf = (schema: Record<string, unknown>) => {
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
    return (l: Buffer) => {
      try {
        return validate(JSON.parse(utf8.decode(l))) === true;
      } catch {
        return false;
      }
    };
  };
  const acceptorFor = (schema: Record<string, unknown>) => {
    const a = compileLineAcceptor(schema, contractFormat);
    if (!('acceptor' in a)) throw new Error(a.unsupported);
    return (l: Buffer) => a.acceptor(l, 0, l.length);
  };

  it('without required properties an empty object is taken, padded or not', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const [take, valid] = [acceptorFor(schema), oracleOf(schema)];
    for (const l of ['{}', ' { } ', '\t{\t}\t', '{"a":"x"}']) expect([l, take(b(l)), valid(b(l))]).toEqual([l, true, true]);
    for (const l of ['{', '}', '{}}', '{,}', '{"a":"x",}']) expect([l, take(b(l)), valid(b(l))]).toEqual([l, false, false]);
  });

  it('property names with a space or a tilde (the ends of printable ASCII) are found in any order', () => {
    const schema = { type: 'object', required: ['a b', 'x~y'], properties: { 'a b': { type: 'string' }, 'x~y': { type: 'integer' }, ' ': { type: 'integer' }, '~': { type: 'integer' } } };
    const [take, valid] = [acceptorFor(schema), oracleOf(schema)];
    // Out of the schema's order, each key is found by the scan over its bytes, not the in-order guess.
    for (const l of ['{"x~y":1,"a b":"v"}', '{"~":2," ":1,"x~y":1,"a b":"v"}', '{"a b":"v","~":2,"x~y":1}']) expect([l, take(b(l)), valid(b(l))]).toEqual([l, true, true]);
    for (const l of ['{"x~y":1,"a  b":"v"}', '{"x~":1,"a b":"v"}']) expect([l, take(b(l)), valid(b(l))]).toEqual([l, false, false]);
  });

  it('a schema without properties takes only the empty object', () => {
    const take = acceptorFor({ type: 'object' });
    expect([take(b('{}')), take(b('{"a":1}'))]).toEqual([true, false]);
  });

  it('a pattern is compiled as ajv compiles it: with the unicode flag', () => {
    const schema = { type: 'object', required: ['a'], properties: { a: { type: 'string', pattern: '^\\p{Lu}\\p{Ll}+$' } } };
    const [take, valid] = [acceptorFor(schema), oracleOf(schema)];
    for (const [value, ok] of [['Émile', true], ['émile', false], ['Ann', true], ['A', false], ['p{Lu}p{Ll}', false]] as const) {
      const l = b(`{"a":"${value}"}`);
      expect([value, take(l), valid(l)]).toEqual([value, ok, ok]);
    }
  });

  it('up to 30 properties, each its own bit', () => {
    const props = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, { type: 'integer' }]));
    const thirty = { type: 'object', required: Object.keys(props(30)), properties: props(30) };
    const take = acceptorFor(thirty);
    const all = `{${Array.from({ length: 30 }, (_, i) => `"p${i}":${i}`).join(',')}}`;
    expect([take(b(all)), take(b(all.replace('"p29":29', '"p28":29')))]).toEqual([true, false]);
    expect(compileLineAcceptor({ type: 'object', properties: props(31) }, contractFormat)).toEqual({ unsupported: 'more than 30 properties' });
  });

  const unsupported: [string, Record<string, unknown>, string][] = [
    ['a property whose schema is not an object', { type: 'object', properties: { a: true } }, 'property a is not a schema object'],
    ['a property whose schema is null', { type: 'object', properties: { a: null } }, 'property a is not a schema object'],
    ['a property name beyond ASCII', { type: 'object', properties: { 'é': { type: 'string' } } }, 'property name é is not plain ASCII'],
    ['a property name with a backslash', { type: 'object', properties: { 'a\\b': { type: 'string' } } }, 'property name a\\b is not plain ASCII'],
    ['a property name with a control character', { type: 'object', properties: { 'a\tb': { type: 'string' } } }, 'property name a\tb is not plain ASCII'],
    ['a pattern on a number', { type: 'object', properties: { a: { type: 'number', pattern: 'x' } } }, 'string keyword on the number a'],
    ['a format on an integer', { type: 'object', properties: { a: { type: 'integer', format: 'email' } } }, 'string keyword on the integer a'],
    ['a minLength on an integer', { type: 'object', properties: { a: { type: 'integer', minLength: 1 } } }, 'string keyword on the integer a'],
    ['a boolean property', { type: 'object', properties: { a: { type: 'boolean' } } }, 'type of a is not string, integer or number'],
    ['a numeric keyword it does not decide', { type: 'object', properties: { a: { type: 'number', multipleOf: 2 } } }, 'keyword multipleOf on a'],
    ['no root type', { properties: {} }, 'the root is not type object'],
    ['a keyword at the root it does not decide', { type: 'object', allOf: [] }, 'keyword allOf at the root'],
    ['a required name that is no property', { type: 'object', required: ['b'], properties: { a: { type: 'string' } } }, 'required b is not a property'],
    ['a format it has no check for', { type: 'object', properties: { a: { type: 'string', format: 'password' } } }, 'format password of a'],
    ['a property name with a quote', { type: 'object', properties: { 'a"b': { type: 'string' } } }, 'property name a"b is not plain ASCII'],
    ['a maxLength on a number', { type: 'object', properties: { a: { type: 'number', maxLength: 1 } } }, 'string keyword on the number a'],
    // A bound of +Infinity would make a bounded property look unbounded; ajv refuses such schemas too.
    ['an infinite minimum', { type: 'object', properties: { a: { type: 'integer', minimum: Infinity } } }, 'minimum of a is not a finite number'],
    ['an infinite exclusive minimum', { type: 'object', properties: { a: { type: 'number', exclusiveMinimum: -Infinity } } }, 'exclusiveMinimum of a is not a finite number'],
    ['a bound written as a string', { type: 'object', properties: { a: { type: 'number', maximum: '5' } } }, 'maximum of a is not a finite number'],
    ['a length that is not a number', { type: 'object', properties: { a: { type: 'string', maxLength: null } } }, 'maxLength of a is not a finite number'],
  ];
  it.each(unsupported)('leaves %s to ajv', (_, schema, why) => {
    expect(compileLineAcceptor(schema, contractFormat)).toEqual({ unsupported: why });
  });
});
