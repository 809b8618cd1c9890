// Property-based: the batch validator's fast paths (lines the acceptor takes as they arrived; the
// rest parsed, accepted and projected with a generated serializer) give every line the same
// verdict and reasons as checking it alone with the record contract, and write each valid line as
// it arrived (when accepted) or as the plain loop over the DDL columns projects it.
import fc from 'fast-check';
import { loadCatalog, type LandingDataset } from '../../src/catalog/registry';
import { LineSink } from '../../src/pipeline/line-sink';
import { BatchValidator, recordSerializer } from '../../src/pipeline/record-batch';
import { RecordContract } from '../../src/pipeline/record-contract';
import { asUtf8, isJsonBlank, lineOf, recordOf } from '../support/landing-lines';

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

describe('BatchValidator fast path', () => {
  for (const ds of catalog.datasets) {
    it(`${ds.dataset}: each line gets the verdict and reasons of checkLine, and is kept as it arrived or projected`, () => {
      const batchValidator = new BatchValidator(ds.dataset, ds.schema, ds.table);
      expect(batchValidator.accept).toBeDefined();
      const contract = new RecordContract(ds.dataset, ds.schema, ds.table);
      const project = loopSerializer(ds);
      let accepted = 0;
      fc.assert(
        fc.property(
          fc.array(fc.tuple(lineOf(ds).map(asUtf8), fc.boolean()), { minLength: 1, maxLength: 30 }),
          fc.boolean(),
          (arrivedCases, finalNewline) => {
            // Without a final newline, an empty last line is no line at all (a file's first line is
            // empty too when it holds only the byte-order mark, which is no part of it).
            const [lastArrived, lastCr] = arrivedCases[arrivedCases.length - 1];
            const lastLine = arrivedCases.length === 1 ? lastArrived.replace(/^\ufeff/, '') : lastArrived;
            const cases = finalNewline || lastLine !== '' || lastCr ? arrivedCases : arrivedCases.slice(0, -1);
            const text = arrivedCases.map(([l, cr]) => l + (cr ? '\r' : '')).join('\n') + (finalNewline ? '\n' : '');
            const got = batchValidator.check({ seq: 7, file: 'f.json', firstLine: 3, bytes: Buffer.from(text), fileStart: true });

            const valid: string[] = [];
            const quarantine: object[] = [];
            let blankLines = 0;
            let asArrived = 0;
            let recordBytes = 0;
            cases.forEach(([arrived, cr], i) => {
              // The batch starts its file: a byte-order mark there is not part of the line.
              const l = i === 0 ? arrived.replace(/^\ufeff/, '') : arrived;
              if (isJsonBlank(l)) return void blankLines++;
              recordBytes += Buffer.byteLength(l);
              const v = contract.checkLine(l);
              const raw = Buffer.from(l + (cr ? '\r' : ''));
              // Lines the acceptor takes are kept byte for byte; it may only take valid ones.
              if (batchValidator.accept!(raw, 0, raw.length)) {
                expect(v.ok).toBe(true);
                accepted++;
                asArrived++;
                valid.push(l);
              } else if (v.ok) valid.push(project(v.record));
              else quarantine.push({ dataset: ds.dataset, file: 'f.json', line: 3 + i, reasons: v.reasons, record: l, bytes: Buffer.byteLength(l) });
            });
            const validText = valid.map((l) => l + '\n').join('');
            expect(Buffer.compare(got.validLines, Buffer.from(validText))).toBe(0);
            expect({ ...got, validLines: Buffer.from(got.validLines).toString('utf8') }).toEqual({
              seq: 7,
              validLines: validText,
              valid: valid.length,
              // A batch whose byte-order mark was dropped keeps nothing exactly as it arrived.
              asArrived: text.startsWith('\ufeff') ? 0 : asArrived,
              read: cases.length - blankLines,
              recordBytes,
              blankLines,
              quarantine,
            });
          },
        ),
        { numRuns: 300 },
      );
      // The generators reach the acceptor often enough for the property to say something.
      expect(accepted).toBeGreaterThan(50);
    });

    it(`${ds.dataset}: without the acceptor every valid line is projected, as before it existed`, () => {
      const plain = new BatchValidator(ds.dataset, ds.schema, ds.table, { acceptor: false });
      const contract = new RecordContract(ds.dataset, ds.schema, ds.table);
      const project = loopSerializer(ds);
      fc.assert(
        fc.property(fc.array(lineOf(ds).map(asUtf8), { minLength: 1, maxLength: 20 }), (lines) => {
          const got = plain.check({ seq: 0, file: 'f.json', firstLine: 1, bytes: Buffer.from(lines.join('\n') + '\n'), fileStart: false });
          const expected = lines
            .filter((l) => !isJsonBlank(l))
            .map((l) => contract.checkLine(l))
            .flatMap((v) => (v.ok ? [project(v.record) + '\n'] : []))
            .join('');
          expect(Buffer.from(got.validLines).toString('utf8')).toBe(expected);
        }),
        { numRuns: 100 },
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
