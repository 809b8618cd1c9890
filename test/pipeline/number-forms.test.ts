// Every way JSON can write a number, in the integer and number fields of the real contracts, against
// oracles nobody here wrote: JSON.parse, a fresh ajv on the contract's schema, and DuckDB reading the
// valid records into the DDL's columns. The line acceptor (the fast path) takes only lines the
// oracles accept; the pipeline keeps a line exactly when JSON.parse and ajv accept it, its integers
// are integers as written (JSON.parse rounds 4.9999999999999999 to 5, which ajv then takes), a
// double reads them exactly and their column holds them; and what it keeps loads as JSON.parse read it.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog, type LandingDataset } from '../../src/catalog/registry';
import { DUCKDB_TYPE } from '../../src/catalog/column-types';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { isIntegerText, topLevelNumberTexts } from '../../src/pipeline/integer-text';
import { BatchValidator } from '../../src/pipeline/record-batch';
import { YEAR_MONTH_DAY_FORMAT } from '../../src/pipeline/record-contract';
import { tempDir } from '../support/tmp';
import '../support/fast-check-seed';

const catalog = loadCatalog();
const dataset = (name: string) => catalog.datasets.find((d) => d.dataset === name)!;

/** A valid record of each dataset, as text, with one field to be replaced by a number's text. */
const BASE: Record<string, Record<string, string>> = {
  accelerometer: { user: '"Lyn.Rowe@test.com"', timestamp: '1655564999000', x: '1.0', y: '0.0', z: '0.0' },
  step_trainer: { sensorReadingTime: '1655564999000', serialNumber: '"2a5c2f7e-6a4c-4f8e-9d7a-0e1f2a3b4c5d"', distanceFromObject: '200' },
};
const FIELDS: [string, string][] = [
  ['accelerometer', 'timestamp'],
  ['accelerometer', 'x'],
  ['step_trainer', 'sensorReadingTime'],
  ['step_trainer', 'distanceFromObject'],
];

/** The JSON number grammar, and near misses of it: every spelling of sign, digits, fraction and exponent. */
const digits = (min: number, max: number) => fc.array(fc.constantFrom('0', '1', '2', '5', '9'), { minLength: min, maxLength: max }).map((d) => d.join(''));
const numberText = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom('', '-'), fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom('1', '4', '9'), digits(0, 17)).map(([a, b]) => a + b)), fc.option(digits(1, 20)), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 3)))).map(([sign, whole, fraction, exponent]) => `${sign}${whole}${fraction === null ? '' : `.${fraction}`}${exponent === null ? '' : exponent.join('')}`) },
  { weight: 2, arbitrary: fc.constantFrom('1.0', '1e-1', '-0.5', '1.0e0', '1.5', '10.0', '1E2', '0.5e1', '100e-2', '-0', '-0.0', '0e-7', '4.9999999999999999', '1.0000000000000001', '1e-400', '1e400', '9007199254740991', '9007199254740993', '2147483647', '2147483648', '2147483647.0', '2.147483647e9', '1655564999040.0000001', '1.65556499902e12') },
  { weight: 1, arbitrary: fc.constantFrom('01', '-01', '1.', '.5', '+1', '1e', '1e+', '0x10', 'NaN', '1_0') },
);

/** The oracles' verdict: JSON.parse, a fresh ajv, integers as written (BigInt arithmetic), and the columns' ranges the README states. */
function oracle(d: LandingDataset, field: string, number: string, line: string, ajv: Ajv2020): boolean {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (!ajv.validate(d.schema, value)) return false;
  const p = (d.schema.properties as Record<string, { type: string }>)[field];
  if (p.type !== 'integer') return Number.isFinite(value[field]);
  const [mantissa, exponent = '0'] = number.replace(/^-/, '').split(/[eE]/);
  const [whole, fraction = ''] = mantissa.split('.');
  const shift = BigInt(exponent) - BigInt(fraction.length);
  const exact = shift >= 0n || BigInt(whole + fraction) % 10n ** -shift === 0n;
  const v = value[field] as number;
  const column = d.table.columns.find((c) => c.name === field)!;
  const max = column.type === 'INT' ? 2 ** 31 - 1 : 2 ** 53 - 1;
  return exact && Math.abs(v) <= max;
}

describe('number forms against JSON.parse, a fresh ajv and DuckDB', () => {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat(YEAR_MONTH_DAY_FORMAT, { type: 'string', validate: () => true });
  const validators = Object.fromEntries(FIELDS.map(([ds]) => [ds, new BatchValidator(ds, dataset(ds).schema, dataset(ds).table)]));

  it('the fast path takes only what the oracles accept, the pipeline keeps exactly that, and it loads as JSON.parse read it', async () => {
    const kept: Record<string, { line: string; value: Record<string, unknown> }[]> = { accelerometer: [], step_trainer: [] };
    fc.assert(
      fc.property(fc.constantFrom(...FIELDS), numberText, ([ds, field], number) => {
        const d = dataset(ds);
        const line = '{' + Object.entries({ ...BASE[ds], [field]: number }).map(([k, v]) => `"${k}":${v}`).join(',') + '}';
        const bytes = Buffer.from(line);
        const want = oracle(d, field, number, line, ajv);
        const v = validators[ds];
        const fast = v.accept!(bytes, 0, bytes.length);
        const r = v.check({ seq: 0, file: 'f.json', firstLine: 1, bytes: Buffer.from(`${line}\n`), fileStart: true });
        expect({ line, fastOnlyIfValid: !fast || want, kept: r.valid === 1 }).toEqual({ line, fastOnlyIfValid: true, kept: want });
        if (want) kept[ds].push({ line: Buffer.from(r.validLines).toString('utf8').trimEnd(), value: JSON.parse(line) as Record<string, unknown> });
      }),
      { numRuns: 2000 },
    );
    // What was kept loads into the DDL's columns with the values JSON.parse read.
    const engine = await DuckDbEngine.open();
    try {
      for (const [ds, rows] of Object.entries(kept)) {
        if (!rows.length) continue;
        const d = dataset(ds);
        const file = join(tempDir(), `${ds}.jsonl`);
        writeFileSync(file, rows.map((r) => r.line).join('\n') + '\n');
        const columns = d.table.columns.map((c) => `"${c.name}": '${DUCKDB_TYPE[c.type]}'`).join(', ');
        const loaded = await engine.query(`SELECT * FROM read_json('${file}', format = 'newline_delimited', columns = {${columns}})`);
        // -0 and 0 are one value to SQL (the projection writes -0 as 0, as JSON.stringify does).
        const numeric = d.table.columns.filter((c) => c.type !== 'STRING');
        const got = loaded.rows.map((row) => Object.fromEntries(numeric.map((c) => [c.name, Number(row[c.name]) + 0])));
        const want = rows.map((r) => Object.fromEntries(numeric.map((c) => [c.name, (r.value[c.name] as number) + 0])));
        expect(got).toEqual(want);
        // Integer columns hold the number as written, exactly.
        for (const [i, r] of rows.entries()) {
          for (const c of numeric.filter((c) => c.type !== 'DOUBLE')) expect([r.line, BigInt(String(loaded.rows[i][c.name]))]).toEqual([r.line, BigInt(r.value[c.name] as number)]);
        }
      }
    } finally {
      await engine.close();
    }
  });

  it.each([
    ['1.0', true],
    ['1.0e0', true],
    ['1e2', true],
    ['0.5e1', true],
    ['100e-2', true],
    ['-0.0', true],
    ['0e-7', true],
    ['1655564999000.000', true],
    ['1.5', false],
    ['1e-1', false],
    ['-0.5', false],
    ['4.9999999999999999', false],
    ['1.0000000000000001', false],
    ['1e-400', false],
    ['1655564999040.0000001', false],
  ])('%s written as an integer: %s', (text, integer) => {
    expect(isIntegerText(text)).toBe(integer);
  });

  it('finds the numbers of top-level fields as written, the last of a repeated key, past strings and nested values', () => {
    const names = new Set(['a', 'b', 'c', 'd']);
    const text = '{"s":"a\\"b,}","a":1.50, "n":{"a":2,"x":[1,{"b":3}]},"b":"4","c":-1e-3 ,"d":7,"d":8.0}';
    expect(Object.fromEntries(topLevelNumberTexts(text, names))).toEqual({ a: '1.50', c: '-1e-3', d: '8.0' });
    expect(Object.fromEntries(topLevelNumberTexts('{"\\u0061":2.5}', names))).toEqual({ a: '2.5' });
  });
});
