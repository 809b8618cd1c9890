// Property-based: the batch validator's fast path (parse, accept, project with a generated
// serializer) gives every line the same verdict, reasons and projection as checking it alone with
// the record contract and projecting it with a plain loop over the DDL columns.
import fc from 'fast-check';
import { loadCatalog, type LandingDataset } from '../../src/catalog/registry';
import { LineSink } from '../../src/pipeline/line-sink';
import { BatchValidator, recordSerializer } from '../../src/pipeline/record-batch';
import { RecordContract } from '../../src/pipeline/record-contract';
import { SAMPLE_CUSTOMER } from '../support/sample-records';

const catalog = loadCatalog();

/** The projection as it was written before the serializer was generated: the reference. */
function loopSerializer(ds: LandingDataset): (r: Record<string, unknown>) => string {
  const names = ds.table.columns.map((c) => c.name);
  return (r) => {
    let s = '';
    for (let i = 0; i < names.length; i++) {
      const v = r[names[i]];
      s += (i === 0 ? '{' : ',') + JSON.stringify(names[i]) + ':';
      s += v === undefined || v === null ? 'null' : typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' ? String(v) : JSON.stringify(v);
    }
    return s + '}';
  };
}

/** Values near the edges of the contracts: right and wrong types, escapes, big and odd numbers. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
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
function recordOf(ds: LandingDataset): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(ds.table.columns.map((c) => [c.name, anyValue]));
  return fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.option(fc.tuple(fc.string({ maxLength: 5 }), anyValue), { nil: undefined }))
    .map(([r, extra]) => (extra ? { ...r, [extra[0]]: extra[1] } : r));
}

/** A valid-looking record: the columns the schema requires, with values of the right shape. */
function plausibleOf(ds: LandingDataset): fc.Arbitrary<Record<string, unknown>> {
  const sample: Record<string, Record<string, unknown>> = {
    customer: SAMPLE_CUSTOMER,
    accelerometer: { user: 'a@b.co', timestamp: 1655564444103, x: 1, y: -1, z: 0 },
    step_trainer: { sensorReadingTime: 1655564444103, serialNumber: '50f7b4f3-7af5-4b07-a421-7b902c8d2b7c', distanceFromObject: 200 },
  };
  const base = sample[ds.dataset];
  return fc
    .tuple(fc.constantFrom(...Object.keys(base), 'extra'), anyValue, fc.boolean())
    .map(([k, v, change]) => (change ? { ...base, [k]: v } : { ...base }));
}

/** How the record is written on its line: plain, padded, with CR, broken, or not an object. */
function lineOf(ds: LandingDataset): fc.Arbitrary<string> {
  const json = fc.oneof(recordOf(ds), plausibleOf(ds), plausibleOf(ds)).map((r) => JSON.stringify(r));
  return fc.oneof(
    json,
    json,
    json.map((l) => `  ${l}\t`),
    json.map((l) => l.replace('1.0', '1.0').replace(/:(-?\d+)([,}])/, ':$1.0$2')),
    json.map((l) => l.slice(0, -3)),
    json.map((l) => l.replace(/^\{"(\w+)"/, '{"$1":1,"$1"')),
    fc.constantFrom('', '   ', 'null', '[1,2]', '"text"', '42', '{}', '{"a":', 'not json'),
  );
}

/** A line as it arrives in a file: cutting one may split a surrogate pair, which UTF-8 cannot hold. */
const asUtf8 = (l: string) => Buffer.from(l).toString('utf8');

describe('BatchValidator fast path', () => {
  for (const ds of catalog.datasets) {
    it(`${ds.dataset}: each line gets the verdict, reasons and projection of checkLine and the plain serializer`, () => {
      const batchValidator = new BatchValidator(ds.dataset, ds.schema, ds.table);
      const contract = new RecordContract(ds.dataset, ds.schema);
      const project = loopSerializer(ds);
      fc.assert(
        fc.property(fc.array(fc.tuple(lineOf(ds).map(asUtf8), fc.boolean()), { minLength: 1, maxLength: 30 }), (cases) => {
          const text = cases.map(([l, cr]) => l + (cr ? '\r' : '')).join('\n') + '\n';
          const got = batchValidator.check({ seq: 7, file: 'f.json', firstLine: 3, bytes: Buffer.from(text), fileStart: true });

          const valid: string[] = [];
          const quarantine: object[] = [];
          let blankLines = 0;
          cases.forEach(([l], i) => {
            if (l.trim() === '') return void blankLines++;
            const v = contract.checkLine(l);
            if (v.ok) valid.push(project(v.record));
            else quarantine.push({ dataset: ds.dataset, file: 'f.json', line: 3 + i, reasons: v.reasons, record: l, bytes: Buffer.byteLength(l) });
          });
          const validText = valid.map((l) => l + '\n').join('');
          expect(Buffer.compare(got.validLines, Buffer.from(validText))).toBe(0);
          expect({ ...got, validLines: Buffer.from(got.validLines).toString('utf8') }).toEqual({
            seq: 7,
            validLines: validText,
            valid: valid.length,
            read: cases.length - blankLines,
            blankLines,
            quarantine,
          });
        }),
        { numRuns: 300 },
      );
    });
  }

  it('the generated serializer writes the bytes of what the plain loop writes, for any values', () => {
    for (const ds of catalog.datasets) {
      const generated = recordSerializer(ds.table);
      const plain = loopSerializer(ds);
      fc.assert(
        fc.property(fc.array(recordOf(ds), { maxLength: 5 }), (records) => {
          // A small sink, so that records also cross the points where it grows.
          const sink = new LineSink(16);
          for (const r of records) generated(r, sink);
          expect(Buffer.from(sink.bytes).toString('hex')).toBe(Buffer.from(records.map((r) => plain(r) + '\n').join('')).toString('hex'));
        }),
        { numRuns: 500 },
      );
    }
  });

  it('LineSink writes String(v) for any number and JSON.stringify(s) for any string', () => {
    const numbers = fc.oneof(fc.maxSafeInteger(), fc.integer(), fc.double(), fc.constantFrom(-0, 1e8, 1e8 - 1, 1e8 + 1, 2 ** 31, -(2 ** 31), 2 ** 53, 1e21));
    fc.assert(
      fc.property(fc.array(fc.oneof(numbers, fc.string({ unit: 'binary' }), fc.string())), (values) => {
        const sink = new LineSink(8);
        for (const v of values) typeof v === 'number' ? sink.number(v) : sink.jsonString(v);
        const expected = values.map((v) => (typeof v === 'number' ? String(v) : JSON.stringify(v))).join('');
        expect(Buffer.from(sink.bytes).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
      }),
      { numRuns: 1000 },
    );
  });

  it('column names that need escaping are projected under their own name', () => {
    const [first] = catalog.datasets[0].table.columns;
    const table = { ...catalog.datasets[0].table, columns: [{ ...first, name: 'a"b\\c' }, { ...first, name: "it's" }, { ...first, name: 'né' }] };
    const sink = new LineSink();
    recordSerializer(table)({ 'a"b\\c': 'x', "it's": 1, né: 'é', other: 2 }, sink);
    expect(Buffer.from(sink.bytes).toString()).toBe('{"a\\"b\\\\c":"x","it\'s":1,"né":"é"}\n');
  });
});
