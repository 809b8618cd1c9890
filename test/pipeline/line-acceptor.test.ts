// The line acceptor: which lines it takes as they arrived (tests as data), which schemas it leaves
// to ajv, and the two promises it makes: a line it takes meets the contract, and DuckDB reads from
// it exactly the values it reads from the line's projection.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadCatalog, type LandingDataset } from '../../src/catalog/registry';
import { DUCKDB_TYPE } from '../../src/catalog/column-types';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { quoteIdent, quoteLiteral } from '../../src/engine/engine';
import { compileLineAcceptor, type LineAcceptor } from '../../src/pipeline/line-acceptor';
import { BatchValidator } from '../../src/pipeline/record-batch';
import { contractFormat, RecordContract } from '../../src/pipeline/record-contract';
import { asUtf8, lineOf, plausibleOf, rawNumber, writeLine } from '../support/landing-lines';
import { SAMPLE_CUSTOMER } from '../support/sample-records';
import { tempDir } from '../support/tmp';

const catalog = loadCatalog();
const dataset = (name: string) => catalog.datasets.find((d) => d.dataset === name)!;

function acceptorOf(ds: LandingDataset): LineAcceptor {
  const built = compileLineAcceptor(ds.schema, contractFormat);
  if (!('acceptor' in built)) throw new Error(`${ds.dataset}: ${built.unsupported}`);
  return built.acceptor;
}

const takes = (accept: LineAcceptor, line: string | Buffer) => {
  const b = Buffer.isBuffer(line) ? line : Buffer.from(line);
  return accept(b, 0, b.length);
};

const READING = '{"user":"Santosh.Clayton@test.com","timestamp":1655564444103,"x":1.0,"y":-1.0,"z":0.0}';

describe('line acceptor: accelerometer lines', () => {
  const accept = acceptorOf(dataset('accelerometer'));
  const contract = new RecordContract('accelerometer', dataset('accelerometer').schema, dataset('accelerometer').table);
  const cases: { description: string; line: string | Buffer; taken: boolean }[] = [
    { description: 'a reading as the phone app writes it', line: READING, taken: true },
    { description: 'keys in another order', line: '{"x":1,"y":2,"z":3,"timestamp":0,"user":"a@b.co"}', taken: true },
    { description: 'spaces after colons and commas', line: '{"user": "a@b.co", "timestamp": 1, "x": 1, "y": 2, "z": 3}', taken: true },
    { description: 'spaces and tabs around the object', line: ' \t{ "user":"a@b.co" ,"timestamp":1,"x":1,"y":2,"z":3 }\t ', taken: true },
    { description: 'fifteen digits', line: '{"user":"a@b.co","timestamp":123456789012345,"x":0.12345678901234,"y":-12345678901234.5,"z":3}', taken: true },
    { description: 'zero, unsigned', line: '{"user":"a@b.co","timestamp":0,"x":0,"y":0.0,"z":0.000}', taken: true },
    { description: 'sixteen digits (beyond exact)', line: '{"user":"a@b.co","timestamp":1234567890123456,"x":1,"y":2,"z":3}', taken: false },
    { description: 'a fraction of sixteen digits', line: '{"user":"a@b.co","timestamp":1,"x":0.1234567890123456,"y":2,"z":3}', taken: false },
    { description: 'negative zero integer', line: '{"user":"a@b.co","timestamp":-0,"x":1,"y":2,"z":3}', taken: false },
    { description: 'negative zero number', line: '{"user":"a@b.co","timestamp":1,"x":-0.0,"y":2,"z":3}', taken: false },
    { description: 'an exponent', line: '{"user":"a@b.co","timestamp":1,"x":1e2,"y":2,"z":3}', taken: false },
    { description: 'an integer written with a fraction', line: '{"user":"a@b.co","timestamp":1.0,"x":1,"y":2,"z":3}', taken: false },
    { description: 'a leading zero', line: '{"user":"a@b.co","timestamp":01,"x":1,"y":2,"z":3}', taken: false },
    { description: 'a fraction without digits', line: '{"user":"a@b.co","timestamp":1,"x":1.,"y":2,"z":3}', taken: false },
    { description: 'a fraction without an integer part', line: '{"user":"a@b.co","timestamp":1,"x":.5,"y":2,"z":3}', taken: false },
    { description: 'a plus sign', line: '{"user":"a@b.co","timestamp":1,"x":+1,"y":2,"z":3}', taken: false },
    { description: 'a trailing comma (DuckDB reads it, JSON.parse does not)', line: '{"user":"a@b.co","timestamp":1,"x":1,"y":2,"z":3,}', taken: false },
    { description: 'NaN (DuckDB reads it, JSON.parse does not)', line: '{"user":"a@b.co","timestamp":1,"x":NaN,"y":2,"z":3}', taken: false },
    { description: 'a repeated key (JSON.parse keeps the last, DuckDB the first)', line: '{"user":"a@b.co","timestamp":1,"x":1,"y":2,"z":3,"x":4}', taken: false },
    { description: 'a key that starts like the next one', line: '{"users":"a@b.co","timestamp":1,"x":1,"y":2,"z":3}', taken: false },
    { description: 'a key that is the start of the next one', line: '{"use":"a@b.co","timestamp":1,"x":1,"y":2,"z":3}', taken: false },
    { description: 'a key outside the contract', line: '{"user":"a@b.co","timestamp":1,"x":1,"y":2,"z":3,"extra":1}', taken: false },
    { description: 'an escaped key', line: '{"\\u0075ser":"a@b.co","timestamp":1,"x":1,"y":2,"z":3}', taken: false },
    { description: 'an escape in a value', line: '{"user":"a\\u0040b.co","timestamp":1,"x":1,"y":2,"z":3}', taken: false },
    { description: 'a missing required field', line: '{"user":"a@b.co","timestamp":1,"x":1,"y":2}', taken: false },
    { description: 'null for a required field', line: '{"user":"a@b.co","timestamp":null,"x":1,"y":2,"z":3}', taken: false },
    { description: 'a string for a number', line: '{"user":"a@b.co","timestamp":"1","x":1,"y":2,"z":3}', taken: false },
    { description: 'a number for a string', line: '{"user":1,"timestamp":1,"x":1,"y":2,"z":3}', taken: false },
    { description: 'a nested value', line: '{"user":"a@b.co","timestamp":1,"x":[1],"y":2,"z":3}', taken: false },
    { description: 'a boolean', line: '{"user":"a@b.co","timestamp":1,"x":true,"y":2,"z":3}', taken: false },
    { description: 'below the minimum', line: '{"user":"a@b.co","timestamp":-1,"x":1,"y":2,"z":3}', taken: false },
    { description: 'not an email', line: '{"user":"not an email","timestamp":1,"x":1,"y":2,"z":3}', taken: false },
    { description: 'a carriage return (left to the line reader)', line: READING + '\r', taken: false },
    { description: 'a byte-order mark', line: '\ufeff' + READING, taken: false },
    { description: 'a control character in a string', line: '{"user":"a@b.co\u0001","timestamp":1,"x":1,"y":2,"z":3}', taken: false },
    { description: 'invalid UTF-8 in a string', line: Buffer.concat([Buffer.from('{"user":"a@b.co'), Buffer.from([0xff]), Buffer.from('","timestamp":1,"x":1,"y":2,"z":3}')]), taken: false },
    { description: 'two objects on one line', line: READING + READING, taken: false },
    { description: 'text after the object', line: READING + ' x', taken: false },
    { description: 'a cut line', line: READING.slice(0, -2), taken: false },
    { description: 'an empty line', line: '', taken: false },
    { description: 'an array', line: '[1,2]', taken: false },
    { description: 'an empty object (required fields missing)', line: '{}', taken: false },
  ];
  it.each(cases)('$description: taken $taken', ({ line, taken }) => {
    expect(takes(accept, line)).toBe(taken);
    // Whatever it takes, ajv accepts.
    if (taken) expect(contract.checkLine(line.toString()).ok).toBe(true);
  });

  it('checks only the bytes it is given, not the rest of the buffer', () => {
    const b = Buffer.from(`${READING}\n{"broken`);
    expect(accept(b, 0, READING.length)).toBe(true);
    expect(accept(b, 0, READING.length - 1)).toBe(false);
    expect(accept(b, READING.length + 1, b.length)).toBe(false);
  });

  it('a value that failed its format is checked again, not remembered as passed', () => {
    expect(takes(accept, READING)).toBe(true);
    expect(takes(accept, READING.replace('Santosh.Clayton@test.com', 'Santosh.Clayton@'))).toBe(false);
    expect(takes(accept, READING.replace('Santosh.Clayton@test.com', 'Santosh.Clayton@'))).toBe(false);
    expect(takes(accept, READING)).toBe(true);
  });
});

describe('line acceptor: customer lines', () => {
  const ds = dataset('customer');
  const accept = acceptorOf(ds);
  const line = (change: Record<string, unknown>) => JSON.stringify({ ...SAMPLE_CUSTOMER, ...change });

  it('takes a customer with consent fields or without them', () => {
    expect(takes(accept, line({}))).toBe(true);
    expect(takes(accept, line({ customerName: 'DEL \u007f is no control character in JSON' }))).toBe(true);
    expect(takes(accept, line({ shareWithResearchAsOfDate: 1655564376361 }))).toBe(true);
  });

  it('counts code points as ajv does: non-ASCII names up to maxLength, not bytes', () => {
    const max = (ds.schema.properties as Record<string, { maxLength: number }>).customerName.maxLength;
    expect(takes(accept, line({ customerName: 'é'.repeat(max) }))).toBe(true);
    expect(takes(accept, line({ customerName: '😀'.repeat(max) }))).toBe(true);
    expect(takes(accept, line({ customerName: 'é'.repeat(max + 1) }))).toBe(false);
    expect(takes(accept, line({ customerName: '' }))).toBe(false);
  });

  it('runs the formats and patterns of the contract', () => {
    expect(takes(accept, line({ birthDay: '2023-02-29' }))).toBe(false);
    expect(takes(accept, line({ birthDay: '2024-02-29' }))).toBe(true);
    expect(takes(accept, line({ birthDay: '993-01-01' }))).toBe(true);
    expect(takes(accept, line({ birthDay: '993-02-29' }))).toBe(false);
    expect(takes(accept, line({ serialNumber: 'not-a-uuid' }))).toBe(false);
    expect(takes(accept, line({ phone: '801-555-1212' }))).toBe(false);
    expect(takes(accept, line({ email: 'José@test.com' }))).toBe(false);
  });
});

describe('line acceptor: schemas it leaves to ajv', () => {
  const base = { type: 'object', required: ['a'], properties: { a: { type: 'string' } } };
  const cases: { description: string; schema: Record<string, unknown>; unsupported: string }[] = [
    { description: 'a root keyword it does not decide', schema: { ...base, allOf: [] }, unsupported: 'keyword allOf at the root' },
    { description: 'a root that is no object', schema: { ...base, type: 'array' }, unsupported: 'the root is not type object' },
    { description: 'an enum', schema: { ...base, properties: { a: { type: 'string', enum: ['x'] } } }, unsupported: 'keyword enum on a' },
    { description: 'a type list', schema: { ...base, properties: { a: { type: ['string', 'null'] } } }, unsupported: 'type of a is not string, integer or number' },
    { description: 'a nested object', schema: { ...base, properties: { a: { type: 'object' } } }, unsupported: 'type of a is not string, integer or number' },
    { description: 'an unknown format', schema: { ...base, properties: { a: { type: 'string', format: 'no-such-format' } } }, unsupported: 'format no-such-format of a' },
    { description: 'a string keyword on a number', schema: { ...base, properties: { a: { type: 'integer', maxLength: 3 } } }, unsupported: 'string keyword on the integer a' },
    { description: 'a required field that is no property', schema: { ...base, required: ['b'] }, unsupported: 'required b is not a property' },
    { description: 'a property name to escape', schema: { ...base, required: [], properties: { 'a"b': { type: 'string' } } }, unsupported: 'property name a"b is not plain ASCII' },
  ];
  it.each(cases)('$description', ({ schema, unsupported }) => {
    expect(compileLineAcceptor(schema, contractFormat)).toEqual({ unsupported });
  });

  it('every contract of this repository has an acceptor', () => {
    for (const ds of catalog.datasets) expect(new BatchValidator(ds.dataset, ds.schema, ds.table).accept).toBeDefined();
  });
});

describe('line acceptor: what it takes meets the contract', () => {
  for (const ds of catalog.datasets) {
    it(`${ds.dataset}: any line it takes passes checkLine`, () => {
      const accept = acceptorOf(ds);
      const contract = new RecordContract(ds.dataset, ds.schema, ds.table);
      fc.assert(
        fc.property(lineOf(ds).map(asUtf8), (line) => {
          if (takes(accept, line)) expect(contract.checkLine(line)).toMatchObject({ ok: true });
        }),
        { numRuns: 3000 },
      );
    });
  }
});

describe('line acceptor: DuckDB reads a taken line as it reads its projection', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await DuckDbEngine.open();
  });
  afterAll(async () => {
    await engine.close();
  });

  /** Lines the acceptor takes: plausible records with numbers spelt every way it accepts. */
  function takenLines(ds: LandingDataset, seed: number): string[] {
    const accept = acceptorOf(ds);
    const numeric = ds.table.columns.filter((c) => c.type !== 'STRING').map((c) => c.name);
    const spelt = fc
      .tuple(plausibleOf(ds), fc.array(fc.tuple(fc.constantFrom(...numeric), fc.oneof(rawNumber, fc.double({ noNaN: true, noDefaultInfinity: true }))), { maxLength: 3 }), fc.constantFrom(':', ': '), fc.constantFrom(',', ', '))
      .map(([r, changes, colon, comma]) => writeLine({ ...r, ...Object.fromEntries(changes) }, [0], colon, comma));
    return fc.sample(spelt, { numRuns: 10000, seed }).filter((l) => takes(accept, l));
  }

  for (const ds of catalog.datasets) {
    it(`${ds.dataset}: same rows, same bits`, async () => {
      const lines = takenLines(ds, 7);
      expect(lines.length).toBeGreaterThan(1000);
      const dir = tempDir();
      const projected = new BatchValidator(ds.dataset, ds.schema, ds.table, { acceptor: false }).check({
        seq: 0,
        file: 'f.json',
        firstLine: 1,
        bytes: Buffer.from(lines.join('\n') + '\n'),
        fileStart: false,
      });
      expect(projected.valid).toBe(lines.length);
      writeFileSync(join(dir, 'arrived.jsonl'), lines.join('\n') + '\n');
      writeFileSync(join(dir, 'projected.jsonl'), projected.validLines);
      const columns = ds.table.columns.map((c) => `${quoteIdent(c.name)}: ${quoteLiteral(DUCKDB_TYPE[c.type])}`).join(', ');
      const read = (file: string) =>
        `(SELECT * FROM read_json(${quoteLiteral(join(dir, file))}, format = 'newline_delimited', columns = {${columns}}) WITH ORDINALITY)`;
      // CAST to VARCHAR tells -0.0 from 0.0 and shows every digit of a double.
      const differs = ds.table.columns.map((c) => `CAST(a.${quoteIdent(c.name)} AS VARCHAR) IS DISTINCT FROM CAST(p.${quoteIdent(c.name)} AS VARCHAR)`).join(' OR ');
      const r = await engine.query(
        `SELECT count(*) AS n, count(*) FILTER (WHERE ${differs}) AS different FROM ${read('arrived.jsonl')} a FULL JOIN ${read('projected.jsonl')} p USING (ordinality)`,
      );
      expect(r.rows[0]).toEqual({ n: lines.length, different: 0 });
    });
  }
});

describe('line acceptor: remembered values', () => {
  it('a remembered value is a copy: reusing the buffer of an earlier line does not make a new value pass', () => {
    const accept = acceptorOf(dataset('accelerometer'));
    const b = Buffer.from(READING);
    expect(accept(b, 0, b.length)).toBe(true);
    // The same memory now holds a line whose user is no email, of the same length.
    b.write(READING.replace('Santosh.Clayton@test.com', 'Santosh.Clayton@test@com'));
    expect(accept(b, 0, b.length)).toBe(false);
  });
});

describe('line acceptor: the first value of a property', () => {
  it('an empty string is checked against the format even before any value was remembered', () => {
    const accept = acceptorOf(dataset('accelerometer'));
    expect(takes(accept, READING.replace('Santosh.Clayton@test.com', ''))).toBe(false);
  });
});
