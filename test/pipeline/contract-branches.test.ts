// The record contract's branches, each with the case that decides it (issue 19: a mutation run of
// record-contract.ts and loadable-values.ts left 86 mutants alive): the words of every ajv error,
// the calendar of year-month-day, which formats the line acceptor may reuse (held to ajv itself),
// `accepts` against `checkLine`, and the integer limits at their exact bounds.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { DdlType } from '../../src/catalog/ddl';
import { loadCatalog } from '../../src/catalog/registry';
import { probeTable } from '../support/tables';
import { boundedSchema, EXACT_INTEGER, limitReasons, loadableLimits } from '../../src/pipeline/loadable-values';
import { contractFormat, describeError, isYearMonthDay, RecordContract } from '../../src/pipeline/record-contract';

const table = probeTable;

const NESTED = {
  type: 'object',
  required: ['n'],
  additionalProperties: false,
  properties: {
    n: { type: 'integer' },
    s: { type: 'string', minLength: 2 },
    d: { type: 'string', format: 'date' },
    'x/y': { type: 'number' },
    'a~b': { type: 'string' },
    o: { type: 'object', properties: { inner: { type: 'string' } } },
  },
};
const nested = new RecordContract('probe', NESTED, table({ n: 'INT', s: 'STRING' }));
const reasons = (line: string) => {
  const v = nested.checkLine(line);
  return v.ok ? [] : v.reasons;
};

describe('record contract: the words of each error', () => {
  it('required, type (a field and the record), format, and the rest with and without a field', () => {
    expect(reasons('{}')).toEqual(['missing required field n']);
    expect(reasons('{"n":"1"}')).toEqual(['field n must be integer (got string)']);
    expect(reasons('[1]')).toEqual(['record must be a JSON object, got array']);
    expect(reasons('null')).toEqual(['record must be a JSON object, got null']);
    expect(reasons('"x"')).toEqual(['record must be a JSON object, got string']);
    expect(reasons('{"n":1,"d":"2020-13-01"}')).toEqual(['field d is not a valid date']);
    expect(reasons('{"n":1,"s":"x"}')).toEqual(['field s must NOT have fewer than 2 characters']);
    expect(reasons('{"n":1,"z":1}')).toEqual(['must NOT have additional properties']);
    expect(reasons('{"n":1,"x/y":1e400}')).toEqual(['field x/y must be number (got a number beyond the range of a double)']);
  });

  it('a type error below the top level names its path and what is there, JSON Pointer escapes undone', () => {
    expect(reasons('{"n":1,"o":{"inner":5}}')).toEqual(['field o.inner must be string (got number)']);
    expect(reasons('{"n":1,"x/y":"1"}')).toEqual(['field x/y must be number (got string)']);
    expect(reasons('{"n":1,"a~b":2}')).toEqual(['field a~b must be string (got number)']);
    expect(reasons('{"n":1,"o":[]}')).toEqual(['field o must be object (got array)']);
  });

  it('describeError on its own: a record-level type error names the record', () => {
    expect(describeError({ keyword: 'type', instancePath: '', schemaPath: '#/type', params: { type: 'object' } })).toBe('field (record) must be object');
    expect(describeError({ keyword: 'minimum', instancePath: '', schemaPath: '#', params: {} })).toBe('minimum');
    expect(describeError({ keyword: 'minimum', instancePath: '/a/b', schemaPath: '#', params: {}, message: 'must be >= 1' })).toBe('field a.b must be >= 1');
  });
});

describe('record contract: year-month-day', () => {
  it('a real day of the calendar, with one to four year digits and two-digit month and day', () => {
    const cases: [string, boolean][] = [
      ['2020-02-29', true], ['2019-02-29', false], ['1900-02-29', false], ['2000-02-29', true], ['2019-02-28', true],
      ['993-01-01', true], ['1-01-01', true], ['0-01-01', true], ['12345-01-01', false],
      ['2020-00-10', false], ['2020-13-01', false], ['2020-12-31', true], ['2020-12-32', false],
      ['2020-01-00', false], ['2020-04-31', false], ['2020-04-30', true], ['2020-1-01', false], ['2020-01-1', false],
      ['2020-01-01T00:00', false], [' 2020-01-01', false],
    ];
    expect(cases.map(([d]) => [d, isYearMonthDay(d)])).toEqual(cases);
  });
});

describe('record contract: the formats the line acceptor reuses', () => {
  // The reference: a fresh ajv with ajv-formats, nothing of ours.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  const SAMPLES = ['', 'a', 'ann@x.com', 'not an email', '2020-01-01', '2020-02-30', '12:34:56Z', 'http://x.y/z', '550e8400-e29b-41d4-a716-446655440000', '[', '1', '127.0.0.1', '::1', 'P1D'];

  it('each string format ajv-formats has decides as ajv does; formats that are not for strings, or always pass, give none', () => {
    const none: string[] = [];
    for (const name of Object.keys(ajv.formats).sort()) {
      const check = contractFormat(name);
      if (!check) {
        none.push(name);
        continue;
      }
      const validate = ajv.compile({ type: 'string', format: name });
      expect([name, SAMPLES.map((s) => check(s))]).toEqual([name, SAMPLES.map((s) => validate(s))]);
    }
    // password and binary are `true` (no check); the numeric formats are for numbers.
    expect(none).toEqual(['binary', 'double', 'float', 'int32', 'int64', 'password']);
    expect([contractFormat('no-such-format'), contractFormat('year-month-day')?.('993-01-01')]).toEqual([undefined, true]);
  });

  it('a remembered format gives the same verdict the second time, for many values', () => {
    const email = contractFormat('email')!;
    const values = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? `u${i}@x.com` : `u${i} at x`));
    const first = values.map(email);
    expect(values.map(email)).toEqual(first);
    expect(first.filter(Boolean).length).toBe(100);
  });
});

describe('record contract: accepts gives checkLine\'s verdict', () => {
  const customer = loadCatalog().datasets.find((d) => d.dataset === 'customer')!;
  const step = loadCatalog().datasets.find((d) => d.dataset === 'step_trainer')!;
  const contracts = [
    ['probe', nested],
    ['customer', new RecordContract('customer', customer.schema, customer.table)],
    ['step_trainer', new RecordContract('step_trainer', step.schema, step.table)],
    ['no integers', new RecordContract('s', { type: 'object', properties: { s: { type: 'string' } } }, table({ s: 'STRING' }))],
  ] as const;
  const LINES = [
    '{"n":1}', '{"n":1.0}', '{"n":4.9999999999999999}', '{"n":5e0}', '{"n":50E-1}', '{"n":2147483648}', '{"n":-2147483649}', '{"n":1,"s":"\\ud800x"}',
    'null', '[]', '"x"', '1', '{"n":1,"o":{}}',
    '{"sensorReadingTime":1655564444103,"serialNumber":"a","distanceFromObject":200}',
    '{"sensorReadingTime":1655564444103.0,"serialNumber":"a","distanceFromObject":200}',
    '{"sensorReadingTime":9007199254740993,"serialNumber":"a","distanceFromObject":200}',
    '{"sensorReadingTime":1655564444103,"serialNumber":"a","distanceFromObject":200.5}',
    '{"s":"x"}', '{"s":1}', '{}',
  ];

  for (const [name, contract] of contracts) {
    it(`${name}: every line`, () => {
      expect(LINES.map((l) => [l, contract.accepts(JSON.parse(l), l)])).toEqual(LINES.map((l) => [l, contract.checkLine(l).ok]));
    });
  }

  it('an integer written with a fraction is refused although JSON.parse reads an integer; a plain integer passes', () => {
    expect(nested.checkLine('{"n":4.9999999999999999}')).toEqual({ ok: false, reasons: ['field n must be integer (the number as sent has a fraction, which JSON.parse rounds away)'] });
    expect(nested.checkLine('{"n":5.00000000000000001}')).toEqual({ ok: false, reasons: ['field n must be integer (the number as sent has a fraction, which JSON.parse rounds away)'] });
    // A fraction of zeros is an integer as sent.
    expect([nested.checkLine('{"n":5}'), nested.checkLine('{"n":5.0}')]).toEqual([{ ok: true, record: { n: 5 } }, { ok: true, record: { n: 5 } }]);
    expect([nested.accepts({ n: 5 }, '{"n":4.9999999999999999}'), nested.accepts({ n: 5 }, '{"n":5}')]).toEqual([false, true]);
  });

  it('only integer properties are held to their text: a number property may be written with any fraction', () => {
    const c = new RecordContract('n', { type: 'object', properties: { x: { type: 'number' }, n: { type: 'integer' } } }, table({ x: 'DOUBLE', n: 'INT' }));
    expect([c.checkLine('{"x":5.00000000000000001}'), c.accepts({ x: 5 }, '{"x":5.00000000000000001}')]).toEqual([{ ok: true, record: { x: 5 } }, true]);
  });

  it('a schema that does not say the record is an object: accepts still refuses anything else, as checkLine does', () => {
    // ajv's strict mode allows no properties without a root type: a contract with neither.
    const c = new RecordContract('t', {}, table({ s: 'STRING' }));
    const lines = ['null', '[1]', '"s"', '5', 'true', '{"s":"x"}'];
    expect(lines.map((l) => [l, c.accepts(JSON.parse(l), l)])).toEqual(lines.map((l) => [l, c.checkLine(l).ok]));
    expect(lines.map((l) => c.checkLine(l).ok)).toEqual([false, false, false, false, false, true]);
  });

  it('a contract without integer properties reads no number text', () => {
    const c = contracts[3][1];
    expect([c.checkLine('{"s":"x","t":1.0}'), c.accepts({ s: 'x' }, '{"s":"x","t":1.0}')]).toEqual([{ ok: true, record: { s: 'x', t: 1 } }, true]);
  });

  it('two contracts compiled from the same schema (the same $id) both work', () => {
    const withId = { $id: 'https://stedi.example/probe.schema.json', ...NESTED };
    const a = new RecordContract('probe', withId, table({ n: 'INT' }));
    const b = new RecordContract('probe', withId, table({ n: 'INT' }));
    expect([a.checkLine('{"n":1}').ok, b.checkLine('{}').ok]).toEqual([true, false]);
  });
});

describe('loadable limits at their bounds', () => {
  const limitsOf = (p: Record<string, unknown>, type: DdlType | undefined) =>
    loadableLimits({ type: 'object', properties: { v: p } }, table(type ? { v: type } : { other: 'INT' }));

  it('exclusive bounds count as the schema\'s own: an INT property bounded inside INT by them needs no limit', () => {
    expect(limitsOf({ type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 100 }, 'INT')).toEqual([]);
  });

  it('bounds exactly at the type\'s ends need no limit; one side open gets a limit on that side only', () => {
    expect(limitsOf({ type: 'integer', minimum: -2147483648, maximum: 2147483647 }, 'INT')).toEqual([]);
    const [up] = limitsOf({ type: 'integer', minimum: -2147483648 }, 'INT');
    const [down] = limitsOf({ type: 'integer', maximum: 2147483647 }, 'INT');
    expect([Object.keys(up).sort(), up.max, Object.keys(down).sort(), down.min]).toEqual([
      ['holds', 'max', 'property', 'reason', 'type'], 2147483647, ['holds', 'min', 'property', 'reason', 'type'], -2147483648,
    ]);
    expect([2147483647, 2147483648, -2147483649, 'x'].map((v) => up.holds(v))).toEqual([true, false, true, true]);
    expect([-2147483648, -2147483649, 2147483648, null].map((v) => down.holds(v))).toEqual([true, false, true, true]);
  });

  it('both sides open: each side holds at its bound and says which bound a value breaks', () => {
    const [l] = limitsOf({ type: 'integer' }, 'INT');
    expect([l.min, l.max]).toEqual([-2147483648, 2147483647]);
    expect([-2147483648, 2147483647, -2147483649, 2147483648].map((v) => l.holds(v))).toEqual([true, true, false, false]);
    expect([l.reason(2147483648), l.reason(-2147483649)]).toEqual([
      'field v must be <= 2147483647: the INT column holds no larger integer',
      'field v must be >= -2147483648: the INT column holds no smaller integer',
    ]);
    expect(limitReasons([l], { v: 2147483648 })).toEqual(['field v must be <= 2147483647: the INT column holds no larger integer']);
  });

  it('a BIGINT, or a property that is no column, is held to what JSON.parse reads exactly, said so', () => {
    for (const type of ['BIGINT', undefined] as const) {
      const [l] = limitsOf({ type: 'integer' }, type);
      expect([type, l.min, l.max, l.reason(EXACT_INTEGER + 2), l.reason(-EXACT_INTEGER - 2)]).toEqual([
        type,
        -EXACT_INTEGER,
        EXACT_INTEGER,
        'field v must be <= 9007199254740991 (2^53 - 1): a larger integer loses digits when read, so it cannot be loaded as sent',
        'field v must be >= -9007199254740991 (-(2^53 - 1)): a smaller integer loses digits when read, so it cannot be loaded as sent',
      ]);
    }
  });

  it('a property schema that is no object is skipped, and strings get the Unicode limit only', () => {
    expect(loadableLimits({ type: 'object', properties: { a: null, b: true, c: 5 } }, table({ a: 'INT' }))).toEqual([]);
    const [s] = limitsOf({ type: 'string' }, 'STRING');
    expect([s.type, s.holds('ok'), s.holds('\ud800'), s.holds('\ud83d\ude00'), s.holds(5), s.reason('\ud800')]).toEqual([
      'string', true, false, true, true, 'field v is not valid Unicode (it holds a lone surrogate, which no UTF-8 text can)',
    ]);
  });

  it('the bounded schema narrows each limited integer to its limit, keeping tighter bounds of its own, and leaves strings as they are', () => {
    const schema = {
      type: 'object',
      properties: { wide: { type: 'integer', minimum: -1e10, maximum: 1e10 }, low: { type: 'integer', minimum: 5 }, s: { type: 'string' } },
    };
    const t = table({ wide: 'INT', low: 'INT', s: 'STRING' });
    expect(boundedSchema(schema, loadableLimits(schema, t))).toEqual({
      type: 'object',
      properties: {
        wide: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
        low: { type: 'integer', minimum: 5, maximum: 2147483647 },
        s: { type: 'string' },
      },
    });
    expect(schema.properties.wide).toEqual({ type: 'integer', minimum: -1e10, maximum: 1e10 });
  });
});
