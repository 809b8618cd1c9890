// Contract cases as data: each a record line and the reasons it is quarantined for (none = valid).
import { loadCatalog } from '../../src/catalog/registry';
import { RecordContract } from '../../src/pipeline/record-contract';
import { SAMPLE_CUSTOMER } from '../support/sample-records';

const catalog = loadCatalog();
const contract = (dataset: string) => {
  const ds = catalog.datasets.find((d) => d.dataset === dataset)!;
  return new RecordContract(ds.dataset, ds.schema, ds.table);
};

const customer = SAMPLE_CUSTOMER;
const line = (o: object) => JSON.stringify(o);

const cases: { description: string; dataset: string; line: string; reasons: (string | RegExp)[] }[] = [
  { description: 'a customer without consent fields (absent, not null)', dataset: 'customer', line: line(customer), reasons: [] },
  { description: 'a customer with research consent', dataset: 'customer', line: line({ ...customer, shareWithResearchAsOfDate: 1 }), reasons: [] },
  { description: 'an implausible but well-formed birthday is the producer\'s data', dataset: 'customer', line: line(customer), reasons: [] },
  ...['993-01-01', '983-12-31', '1000-01-01', '7-03-04', '0993-01-01', '2024-02-29', '2000-02-29'].map((birthDay) => ({
    description: `the website's birthday ${birthDay} (a year of 1 to 4 digits, a day of the calendar)`,
    dataset: 'customer',
    line: line({ ...customer, birthDay }),
    reasons: [],
  })),
  ...['2023-02-29', '1900-02-29', '993-04-31', '1990-13-01', '1990-00-10', '1990-01-00', '1990-1-01', '12345-01-01', '-993-01-01', '993-01-01T00:00:00Z', ''].map((birthDay) => ({
    description: `no birthday: ${JSON.stringify(birthDay)}`,
    dataset: 'customer',
    line: line({ ...customer, birthDay }),
    reasons: ['field birthDay is not a valid year-month-day'],
  })),
  { description: 'extra fields are allowed (producers add fields)', dataset: 'customer', line: line({ ...customer, loyalty: 'gold' }), reasons: [] },
  {
    description: 'consent given as null breaks the contract (absent means not given)',
    dataset: 'customer',
    line: line({ ...customer, shareWithResearchAsOfDate: null }),
    reasons: ['field shareWithResearchAsOfDate must be integer (got null)'],
  },
  {
    description: 'a missing email',
    dataset: 'customer',
    line: line({ ...customer, email: undefined }),
    reasons: ['missing required field email'],
  },
  {
    description: 'a serial number that is no UUID and a phone with letters',
    dataset: 'customer',
    line: line({ ...customer, serialNumber: 'abc', phone: '801-555' }),
    reasons: ['field phone must match pattern "^[0-9]{1,32}$"', 'field serialNumber is not a valid uuid'],
  },
  { description: 'a reading with doubles written as 1.0', dataset: 'accelerometer', line: '{"user":"a@b.co","timestamp":1655564444103,"x":1.0,"y":-1.0,"z":0.0}', reasons: [] },
  {
    description: 'a timestamp sent as a string',
    dataset: 'accelerometer',
    line: '{"user":"a@b.co","timestamp":"1655564444103","x":1.0,"y":-1.0,"z":0.0}',
    reasons: ['field timestamp must be integer (got string)'],
  },
  {
    description: 'a negative timestamp',
    dataset: 'accelerometer',
    line: '{"user":"a@b.co","timestamp":-5,"x":1.0,"y":-1.0,"z":0.0}',
    reasons: ['field timestamp must be >= 0'],
  },
  // A record that passes the contract must load: JSON.parse reads integers beyond 2^53 - 1 with
  // digits lost (9223372036854775807, the largest BIGINT, as 2^63), and no UTF-8 holds a lone surrogate.
  ...['20000000000000000000', '1e19', '9223372036854775807', '9007199254740992', '1e300'].map((t) => ({
    description: `a timestamp of ${t}, beyond the integers JSON.parse reads exactly`,
    dataset: 'accelerometer',
    line: `{"user":"a@b.co","timestamp":${t},"x":1.0,"y":-1.0,"z":0.0}`,
    reasons: ['field timestamp must be <= 9007199254740991 (2^53 - 1): a larger integer loses digits when read, so it cannot be loaded as sent'],
  })),
  { description: 'the largest integer JSON.parse reads exactly', dataset: 'accelerometer', line: '{"user":"a@b.co","timestamp":9007199254740991,"x":1.0,"y":-1.0,"z":0.0}', reasons: [] },
  {
    description: 'a number beyond the doubles (JSON.parse reads Infinity)',
    dataset: 'accelerometer',
    line: '{"user":"a@b.co","timestamp":1,"x":1e400,"y":-1.0,"z":0.0}',
    reasons: ['field x must be number (got a number beyond the range of a double)'],
  },
  ...['\\ud800', '\\udfff', 'Eve \\udc00\\ud83d Stone'].map((name) => ({
    description: `a name holding a lone surrogate (${name})`,
    dataset: 'customer',
    line: line(customer).replace('"Santosh Clayton"', `"${name}"`),
    reasons: ['field customerName is not valid Unicode (it holds a lone surrogate, which no UTF-8 text can)'],
  })),
  { description: 'a name with an escaped surrogate pair (one code point)', dataset: 'customer', line: line(customer).replace('"Santosh Clayton"', '"Eve \\ud83d\\ude00"'), reasons: [] },
  { description: 'a lone surrogate in an extra field, which is not loaded', dataset: 'customer', line: line(customer).replace('{', '{"note":"\\ud800",'), reasons: [] },
  {
    description: 'a wrong type and a value beyond the exact integers: each reason once',
    dataset: 'customer',
    line: line({ ...customer, phone: 5, lastUpdateDate: 2 ** 64 }),
    reasons: ['field phone must be string (got number)', 'field lastUpdateDate must be <= 9007199254740991 (2^53 - 1): a larger integer loses digits when read, so it cannot be loaded as sent'],
  },
  { description: 'an array instead of an object', dataset: 'accelerometer', line: '[1,2]', reasons: ['record must be a JSON object, got array'] },
  {
    description: 'a truncated line',
    dataset: 'step_trainer',
    line: '{"sensorReadingTime":1655564444103,"serialNumber":"50f7b4f3',
    // The parser's own words vary between Node versions; the position does not.
    reasons: [/^malformed JSON: Unterminated string in JSON at position 59/],
  },
  {
    description: 'a distance given as a fraction',
    dataset: 'step_trainer',
    line: '{"sensorReadingTime":1,"serialNumber":"50f7b4f3-7af5-4b07-a421-7b902c8d2b7c","distanceFromObject":2.5}',
    reasons: ['field distanceFromObject must be integer (got number)'],
  },
];

describe('record contracts (quality-rules/schemas)', () => {
  for (const c of cases) {
    it(`${c.dataset}: ${c.description}`, () => {
      const v = contract(c.dataset).checkLine(c.line);
      expect(v.ok ? [] : v.reasons).toEqual(c.reasons.map((r) => (typeof r === 'string' ? r : expect.stringMatching(r))));
    });
  }
});

describe('remembered formats (email, uuid)', () => {
  it('a value gets the same verdict and reasons the second time, when it is looked up', () => {
    const c = contract('customer');
    const bad = line({ ...customer, email: 'not-an-email', serialNumber: 'abc' });
    const good = line(customer);
    const first = [c.checkLine(bad), c.checkLine(good)];
    expect([c.checkLine(bad), c.checkLine(good)]).toEqual(first);
    expect(first[0]).toEqual({ ok: false, reasons: ['field email is not a valid email', 'field serialNumber is not a valid uuid'] });
    expect(first[1].ok).toBe(true);
  });
});
