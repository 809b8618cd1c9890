// Property-based: a record the contract accepts loads. Lines near the edges of each schema (integers
// around 2^31, 2^53 and 2^63 in every spelling, numbers beyond the doubles, lone surrogates, escapes,
// any Unicode) are checked by the batch validator as the run (line acceptor on) and the validator
// Lambda (acceptor off) check them; DuckDB then reads the valid records with the DDL's types. The
// reference is JSON.parse and ajv (RecordContract.checkLine): every line it accepts must come back
// from DuckDB with the values JSON.parse read, every other line must be quarantined, and DuckDB
// must never fail to load what validation let through.
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog, type LandingDataset } from '../../src/catalog/registry';
import { DUCKDB_TYPE } from '../../src/catalog/column-types';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { quoteIdent, quoteLiteral } from '../../src/engine/engine';
import { BatchValidator } from '../../src/pipeline/record-batch';
import { RecordContract } from '../../src/pipeline/record-contract';
import { isJsonBlank, lineOf, RawNumber, SAMPLES, writeLine } from '../support/landing-lines';
import { tempDir } from '../support/tmp';

const catalog = loadCatalog();

const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/** Integers at the edges of INT, of the exact doubles and of BIGINT, as numbers and as spelt. */
const edgeInteger: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, 1, 2147483647, 2147483648, -2147483648, -2147483649, MAX_EXACT, -MAX_EXACT, 2 ** 53, 2 ** 63, 1e19, 1e21, 1e300),
  fc.integer({ min: -MAX_EXACT, max: MAX_EXACT }),
  fc.bigInt({ min: -(2n ** 65n), max: 2n ** 65n }).map((b) => new RawNumber(String(b))),
  fc
    .constantFrom(
      '9223372036854775807',
      '-9223372036854775808',
      '9223372036854775808',
      '20000000000000000000',
      '9007199254740993',
      '9007199254740991',
      '1e19',
      '1E3',
      '1.0',
      '1.5',
      '-0',
      '1e400',
      '2147483647.0',
      '0.1e1',
    )
    .map((t) => new RawNumber(t)),
);

/** Doubles of every kind, and spellings JSON.parse rounds, underflows or overflows. */
const edgeNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-0, 5e-324, 1.7976931348623157e308, 2 ** 63),
  fc.constantFrom('1e400', '-1e400', '4e-324', '2.4703282292062328e-324', '123456789012345678901234567890', '0.30000000000000004441', '-0.0').map((t) => new RawNumber(t)),
);

/** One UTF-16 code unit or code point: any code point, or a lone half of a surrogate pair. */
const codeUnit = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc.constantFrom('"', '\\', '\n', '\u0000', '\u2028', '\ufeff', '😀'),
);
const edgeString: fc.Arbitrary<unknown> = fc.oneof(fc.string({ unit: codeUnit, maxLength: 12 }), fc.string({ maxLength: 5 }));

/** The sample record of a dataset with some fields given edge values of their schema type. */
function edgeRecordOf(ds: LandingDataset): fc.Arbitrary<Record<string, unknown>> {
  const properties = ds.schema.properties as Record<string, { type: string }>;
  const edge = (type: string) => (type === 'integer' ? edgeInteger : type === 'number' ? edgeNumber : edgeString);
  const changes = fc.array(
    fc.constantFrom(...Object.keys(properties)).chain((k) => edge(properties[k].type).map((v) => [k, v] as const)),
    { maxLength: 3 },
  );
  return changes.map((c) => ({ ...SAMPLES[ds.dataset], ...Object.fromEntries(c) }));
}

/** Every non-ASCII character escaped (\u00e9, surrogate pairs as two escapes), as some exporters write. */
const escapeNonAscii = (line: string) => line.replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

function edgeLineOf(ds: LandingDataset): fc.Arbitrary<string> {
  const written = fc
    .tuple(edgeRecordOf(ds), fc.constantFrom(':', ': '), fc.constantFrom(',', ', '))
    .map(([r, colon, comma]) => writeLine(r, [0], colon, comma));
  return fc.oneof(written, written, written.map(escapeNonAscii), lineOf(ds));
}

/** What a DuckDB column of this DDL type returns for the value JSON.parse read (absent: null). */
function expectedValue(type: string, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (type === 'BIGINT') return BigInt(v as number);
  // The projection writes -0 as 0 (as String does), so that DISTINCT never has to pick between them.
  if (type === 'DOUBLE' || type === 'INT') return Object.is(v, -0) ? 0 : v;
  return Buffer.from(v as string, 'utf8').toString('hex').toUpperCase();
}

describe('a record the contract accepts is loaded by DuckDB with the values JSON.parse read', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await DuckDbEngine.open();
  });
  afterAll(async () => {
    await engine.close();
  });

  for (const ds of catalog.datasets) {
    for (const acceptor of [true, false]) {
      it(`${ds.dataset}, ${acceptor ? 'line acceptor on (local run)' : 'every line through ajv (validator Lambda)'}`, async () => {
        const validator = new BatchValidator(ds.dataset, ds.schema, ds.table, { acceptor });
        const contract = new RecordContract(ds.dataset, ds.schema, ds.table);
        const dir = tempDir();
        const columns = ds.table.columns.map((c) => `${quoteIdent(c.name)}: ${quoteLiteral(DUCKDB_TYPE[c.type])}`).join(', ');
        // Strings as the hex of their UTF-8 bytes: the client's decoder drops a leading U+FEFF.
        const shown = ds.table.columns.map((c) => (c.type === 'STRING' ? `hex(${quoteIdent(c.name)}) AS ${quoteIdent(c.name)}` : quoteIdent(c.name))).join(', ');
        let accepted = 0;
        let quarantined = 0;
        await fc.assert(
          fc.asyncProperty(fc.array(edgeLineOf(ds), { minLength: 1, maxLength: 25 }), async (lines) => {
            // Lines as they arrive in a file: UTF-8 cannot carry a lone surrogate written raw.
            const arrived = lines.map((l) => Buffer.from(l).toString('utf8')).filter((l) => !isJsonBlank(l));
            if (!arrived.length) return;
            const got = validator.check({ seq: 0, file: 'f.json', firstLine: 1, bytes: Buffer.from(arrived.join('\n') + '\n'), fileStart: false });
            const verdicts = arrived.map((l) => contract.checkLine(l));
            const valid = verdicts.flatMap((v) => (v.ok ? [v.record] : []));
            expect(got.quarantine.map((q) => q.line)).toEqual(verdicts.flatMap((v, i) => (v.ok ? [] : [i + 1])));
            expect(got.valid).toBe(valid.length);
            accepted += valid.length;
            quarantined += arrived.length - valid.length;

            const file = join(dir, 'valid.jsonl');
            writeFileSync(file, got.validLines);
            const select = `SELECT ${shown} FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited', columns = {${columns}}) WITH ORDINALITY ORDER BY ordinality`;
            const rows = valid.length ? (await engine.connection.runAndReadAll(select)).getRowObjects() : [];
            expect(rows).toHaveLength(valid.length);
            rows.forEach((row, i) => {
              for (const c of ds.table.columns) {
                const want = expectedValue(c.type, valid[i][c.name]);
                const have = row[c.name];
                if (!Object.is(have, want) && have !== want) expect({ line: i, column: c.name, have }).toEqual({ line: i, column: c.name, have: want });
              }
            });
          }),
          { numRuns: 120 },
        );
        // The edges were reached on both sides.
        expect(accepted).toBeGreaterThan(100);
        expect(quarantined).toBeGreaterThan(100);
      });
    }
  }
});
