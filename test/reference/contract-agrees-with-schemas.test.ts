// The reference's record contract (test/support/reference/record-contract.ts, written from
// ../shared/STEDI-DATA.md) against the committed JSON Schemas, read by ajv nobody here configured
// for the pipeline (a fresh Ajv2020 with ajv-formats), plus the README's loadable limits checked
// by the platform (Number.isSafeInteger, String.prototype.isWellFormed): on records near every
// edge the two accept the same records. Where they differ the schemas' reading is looser than
// the data's description, and the case is named here.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { loadCatalog } from '../../src/catalog/registry';
import { CONTRACTS, checkRecord, isUuid, isYearMonthDay } from '../support/reference/record-contract';
import { anyValue, recordOf, SAMPLES } from '../support/landing-lines';

const CI_SEED = 19;
const seed = Number(process.env.STEDI_PROPERTY_SEED ?? (process.env.CI ? CI_SEED : Date.now() % 2 ** 31));
const catalog = loadCatalog();

const ajv = new Ajv2020({ strict: true });
addFormats(ajv);
// The website's dates; isYearMonthDay is held to ajv-formats' RFC 3339 `date` below.
ajv.addFormat('year-month-day', { type: 'string', validate: isYearMonthDay });
const schemaCheck = Object.fromEntries(catalog.datasets.map((d) => [d.dataset, ajv.compile(d.schema)]));

type Json = Record<string, unknown>;
const isWellFormed = (s: string) => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/** The schema's verdict and the README's limits: integers a double holds exactly, strings of valid Unicode. */
function oracle(dataset: string, value: unknown): boolean {
  if (!schemaCheck[dataset](value)) return false;
  const props = catalog.datasets.find((d) => d.dataset === dataset)!.schema.properties as Record<string, { type: string }>;
  return Object.entries(props).every(([name, p]) => {
    const v = (value as Json)[name];
    if (v === undefined) return true;
    return p.type === 'integer' ? Number.isSafeInteger(v) : p.type === 'string' ? isWellFormed(v as string) : true;
  });
}

/** ajv-formats' uuid also takes the URN form (`urn:uuid:` + the UUID); RFC 4122's string form, which STEDI-DATA.md names, does not. */
const urnUuid = (r: Json) => Object.values(r).some((v) => typeof v === 'string' && /^urn:uuid:/i.test(v));

const UUID = '50f7b4f3-7af5-4b07-a421-7b902c8d2b7c';
/** Values at the edges of each format and bound the contracts use. */
const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  anyValue,
  fc.constantFrom(
    // emails
    'a@b.c', 'a@b', 'a.b@c.d', '.a@b.c', 'a.@b.c', 'a..b@c.d', 'a@-b.c', 'a@b-.c', 'a@b..c', 'a@@b.c', '"a"@b.c', 'a@[1.2.3.4]', "o'neil+x@test.com", 'A@B.CO', 'é@b.co', 'a b@c.d', 'a@b_c.d', `${'a'.repeat(64)}@${'b'.repeat(250)}.com`, `${'a'.repeat(300)}@b.co`,
    // uuids
    UUID, UUID.toUpperCase(), `urn:uuid:${UUID}`, `URN:UUID:${UUID}`, `{${UUID}}`, UUID.replace(/-/g, ''), UUID.slice(1), `${UUID}0`, UUID.replace('a', 'g'), '00000000-0000-0000-0000-000000000000',
    // dates
    '2024-02-29', '2023-02-29', '1900-02-29', '2000-02-29', '993-01-01', '0-01-01', '0000-02-29', '12-12-31', '1399-04-31', '1399-13-01', '1399-00-10', '1399-01-00', '1399-1-01', '01399-01-01', '1399-01-01T00:00:00Z', ' 1399-01-01',
    // phones and names
    '8015551212', '0', '١٢٣', '801 555 1212', '+18015551212', '1'.repeat(32), '1'.repeat(33), 'x'.repeat(512), 'x'.repeat(513), '😀'.repeat(512), '😀'.repeat(513), 'a\ud800b', '\udc00', '\ud83d\ude00',
    // integers and numbers
    0, -0, 1, -1, 1.5, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, 2 ** 53, -(2 ** 53 - 1), 1e21, 1.0e3, Number.MIN_VALUE,
  ),
);

/** A sample record with one field set to an edge value, or removed; or any record of the dataset's columns. */
function edgeRecordOf(dataset: string): fc.Arbitrary<Json> {
  const ds = catalog.datasets.find((d) => d.dataset === dataset)!;
  const base = SAMPLES[dataset];
  const fields = [...ds.table.columns.map((c) => c.name), 'extra'];
  return fc.oneof(
    fc.tuple(fc.constantFrom(...fields), edgeValue).map(([k, v]) => ({ ...base, [k]: v })),
    fc.tuple(fc.constantFrom(...fields), edgeValue, fc.constantFrom(...fields), edgeValue).map(([k, v, k2, v2]) => ({ ...base, [k]: v, [k2]: v2 })),
    fc.constantFrom(...fields).map((k) => Object.fromEntries(Object.entries(base).filter(([f]) => f !== k))),
    recordOf(ds),
  );
}

describe('the reference contract agrees with quality-rules/schemas/ on records near every edge', () => {
  it('names the fields of each landing table, and leaves only the consent dates out when not given', () => {
    const fields = Object.fromEntries(Object.entries(CONTRACTS).map(([d, f]) => [d, f.map((x) => x.name)]));
    expect(fields).toEqual(Object.fromEntries(catalog.datasets.map((d) => [d.dataset, d.table.columns.map((c) => c.name)])));
    const optional = Object.fromEntries(Object.entries(CONTRACTS).map(([d, f]) => [d, f.filter((x) => x.optional).map((x) => x.name)]));
    const notRequired = (d: (typeof catalog.datasets)[number]) => d.table.columns.map((c) => c.name).filter((c) => !(d.schema.required as string[]).includes(c));
    expect(optional).toEqual(Object.fromEntries(catalog.datasets.map((d) => [d.dataset, notRequired(d)])));
  });

  for (const dataset of Object.keys(CONTRACTS)) {
    it(`${dataset}: the same verdict as ajv on the schema and the loadable limits (fast-check seed ${seed})`, () => {
      fc.assert(
        fc.property(edgeRecordOf(dataset), (r) => {
          const ours = checkRecord(dataset, r).ok;
          const theirs = oracle(dataset, r);
          if (ours !== theirs && urnUuid(r)) return; // the one known difference, pinned below
          expect({ record: r, accepted: ours }).toEqual({ record: r, accepted: theirs });
        }),
        { seed, numRuns: 2000 },
      );
    });
  }

  it('differs where ajv-formats reads a UUID as a URN: the contract takes urn:uuid:... as a serial number, the data description does not', () => {
    const urn = { ...SAMPLES.step_trainer, serialNumber: `urn:uuid:${UUID}` };
    expect([oracle('step_trainer', urn), checkRecord('step_trainer', urn).ok, isUuid(UUID)]).toEqual([true, false, true]);
  });

  it('reads year-month-day as ajv-formats reads an RFC 3339 date once the year is written with four digits', () => {
    const isDate = ajv.compile({ type: 'string', format: 'date' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), (y, m, d) => {
        const md = `${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        expect(isYearMonthDay(`${y}-${md}`)).toBe(isDate(`${String(y).padStart(4, '0')}-${md}`));
      }),
      { seed, numRuns: 5000 },
    );
  });
});
