// The words every output uses for a rule outcome: one status word, the dbt tally, findings that read forwards.
import { findingText, outcomeLine, ruleWord, tallyLine, tallyRules, type Finding } from '../../src/gates/outcome-text';

const base: Finding = {
  name: 'r',
  kind: 'set',
  status: 'fail',
  blocking: true,
  failing: 1,
  allowed: 0,
  tolerance: { rows: 0 },
  tables: ['customer_curated'],
  description: 'customer_curated is not empty',
  file: 'quality-rules/rules/customer_curated_not_empty.sql',
  columns: ['customers'],
  rows: [{ customers: 0 }],
};

describe('outcome words', () => {
  it('one word per outcome, and the tally counts what blocks as ERROR, as dbt does', () => {
    const rules = [
      { status: 'pass', blocking: false },
      { status: 'fail', blocking: false },
      { status: 'fail', blocking: true },
      { status: 'error', blocking: true },
      { status: 'skip', blocking: false },
    ] as const;
    expect(rules.map(ruleWord)).toEqual(['PASS', 'WARN', 'FAIL', 'ERROR', 'SKIP']);
    expect(tallyLine(tallyRules(rules))).toBe('PASS=1 WARN=1 ERROR=2 SKIP=1 TOTAL=5');
  });

  it('an empty table reads forwards: what was found, then what was expected (issue 16: "failed: ... is not empty")', () => {
    expect(outcomeLine({ ...base, name: 'customer_curated_not_empty' })).toBe(
      'FAIL customer_curated_not_empty: found customers=0 (0 allowed); expected: customer_curated is not empty [quality-rules/rules/customer_curated_not_empty.sql]',
    );
  });

  it('volume: rows before and after, the change and what is allowed (issue 16: "39 failing (allowed 0)")', () => {
    const volume: Finding = { ...base, kind: 'volume', failing: 39, tolerance: { share: 0.5 }, checked: 56, columns: ['table', 'previous_rows', 'rows', 'minimum_rows'], rows: [{ table: 'customer_curated', previous_rows: 190, rows: 56, minimum_rows: 95 }], file: 'quality-rules/gate-config.json' };
    expect(findingText(volume)).toBe('customer_curated went from 190 to 56 rows (−70.53%, allowed −50%)');
  });

  it('quarantine share, accounting, an error and a skip say what they measured', () => {
    expect(findingText({ ...base, kind: 'quarantine', failing: 12, checked: 500, tolerance: { share: 0.01 }, allowed: 5, tables: ['customer_landing'], columns: ['reason', 'records'], rows: [{ reason: 'field birthDay is not a valid date', records: 12 }] })).toBe(
      '12 of 500 customer_landing records quarantined (2.4%, allowed 1%); most often: field birthDay is not a valid date',
    );
    expect(findingText({ ...base, kind: 'accounting', tables: ['customer_landing', 'customer_trusted'], columns: [], rows: [{ valid: 45, accounted: 44, counted_trusted: 40, trusted_rows: 41 }] })).toBe(
      '45 valid records, 44 accounted for; 40 counted trusted, 41 rows in customer_trusted',
    );
    expect(findingText({ ...base, status: 'error', error: 'rules/x.sql:3: Binder Error: no column y\nLINE 1' })).toBe('could not be evaluated: rules/x.sql:3: Binder Error: no column y');
    expect(outcomeLine({ ...base, status: 'skip', blocking: false, skipReason: 'the trusted gate blocked the run' })).toBe('SKIP r: not run: the trusted gate blocked the run [quality-rules/rules/customer_curated_not_empty.sql]');
  });

  it('many rows: a count against the allowance, a share tolerance with its percent', () => {
    expect(findingText({ ...base, failing: 12, allowed: 3, checked: 600, tolerance: { share: 0.005 }, columns: ['a', 'b', 'c'], rows: [{ a: 1, b: 2, c: 3 }] })).toBe('found 12 rows (3 allowed: 0.5% of 600 rows)');
  });
});

describe('every finding line (issue 19: each branch of the wording could change unnoticed)', () => {
  const long = `${'x'.repeat(58)}yz-and-more`;
  const cases: [string, Finding, string][] = [
    ['a volume check before any earlier run', { ...base, kind: 'volume', checked: 1234, tolerance: { share: 0.5 }, rows: [] }, 'customer_curated has 1,234 rows (may shrink by at most 50%)'],
    ['a volume check after an empty table', { ...base, kind: 'volume', tolerance: { share: 0.25 }, rows: [{ previous_rows: 0, rows: 10 }] }, 'customer_curated went from 0 to 10 rows (n/a, allowed −25%)'],
    ['a volume check whose counts come back as text, rows read from what was checked', { ...base, kind: 'volume', checked: 80, tolerance: { share: 0.1 }, rows: [{ previous_rows: '1000' }] }, 'customer_curated went from 1,000 to 80 rows (−92%, allowed −10%)'],
    ['a volume that grew', { ...base, kind: 'volume', tolerance: { share: 0.5 }, rows: [{ previous_rows: 200, rows: 300 }] }, 'customer_curated went from 200 to 300 rows (+50%, allowed −50%)'],
    ['a quarantine share with nothing read', { ...base, kind: 'quarantine', failing: 0, tolerance: { share: 0.01 }, tables: ['step_trainer_landing'], rows: [] }, '0 of 0 step_trainer_landing records quarantined (0%, allowed 1%)'],
    ['a quarantine reason too long for one line', { ...base, kind: 'quarantine', failing: 8, checked: 4000, tolerance: { share: 0.01 }, tables: ['customer_landing'], rows: [{ reason: long }] }, `8 of 4,000 customer_landing records quarantined (0.2%, allowed 1%); most often: ${'x'.repeat(58)}y…`],
    ['a quarantine reason exactly sixty characters', { ...base, kind: 'quarantine', failing: 1, checked: 2, tolerance: { share: 0.5 }, tables: ['customer_landing'], rows: [{ reason: 'r'.repeat(60) }] }, `1 of 2 customer_landing records quarantined (50%, allowed 50%); most often: ${'r'.repeat(60)}`],
    ['quarantined bytes in several records', { ...base, kind: 'quarantine-bytes', failing: 2000, checked: 100000, tolerance: { share: 0.01 }, tables: ['customer_landing'], rows: [{ quarantined_records: 3 }] }, '2,000 of 100,000 customer_landing bytes quarantined in 3 quarantined records (2%, allowed 1%)'],
    ['quarantined bytes in one record', { ...base, kind: 'quarantine-bytes', failing: 50, checked: 1000, tolerance: { share: 0.1 }, tables: ['customer_landing'], rows: [{ quarantined_records: '1' }] }, '50 of 1,000 customer_landing bytes quarantined in 1 quarantined record (5%, allowed 10%)'],
    // A finding that names no table reads without one, not with two spaces.
    ['a quarantine share of no named table', { ...base, kind: 'quarantine', failing: 1, checked: 4, tolerance: { share: 0.5 }, tables: [], rows: [{ records: 1 }] }, '1 of 4 records quarantined (25%, allowed 50%); most often: null'],
    ['quarantined bytes of no named table', { ...base, kind: 'quarantine-bytes', failing: 5, checked: 10, tolerance: { share: 0.5 }, tables: [], rows: [] }, '5 of 10 bytes quarantined (50%, allowed 50%)'],
    ['quarantined bytes of an empty file', { ...base, kind: 'quarantine-bytes', failing: 0, tolerance: { share: 0.1 }, tables: ['customer_landing'], rows: [] }, '0 of 0 customer_landing bytes quarantined (0%, allowed 10%)'],
    ['accounting that balances', { ...base, kind: 'accounting', rows: [] }, 'every valid record accounted for'],
    ['accounting whose trusted table could not be counted', { ...base, kind: 'accounting', tables: ['customer_landing'], rows: [{ valid: 1200, accounted: 1199, counted_trusted: 1000, trusted_rows: null }] }, '1,200 valid records, 1,199 accounted for; 1,000 counted trusted, unknown rows in the trusted table'],
    ['an error without a message', { ...base, status: 'error', error: undefined }, 'could not be evaluated: no message'],
    ['an error whose message runs over lines (CRLF)', { ...base, status: 'error', error: 'Conversion Error: bad\r\nLINE 1: SELECT' }, 'could not be evaluated: Conversion Error: bad'],
    ['an error whose message runs over lines (CR)', { ...base, status: 'error', error: 'Parser Error: x\rLINE 2' }, 'could not be evaluated: Parser Error: x'],
    ['a skip without a reason', { ...base, status: 'skip', skipReason: undefined }, 'not run: no reason was recorded'],
    ['one failing row of two columns', { ...base, columns: ['phone', 'customers'], rows: [{ phone: null, customers: 2 }] }, 'found phone=null, customers=2 (0 allowed)'],
    ['one failing row with a long value', { ...base, columns: ['email'], rows: [{ email: long }] }, `found email=${'x'.repeat(58)}y… (0 allowed)`],
    ['one failing row of three columns', { ...base, columns: ['a', 'b', 'c'], rows: [{ a: 1, b: 2, c: 3 }] }, 'found 1 row (0 allowed)'],
    ['one failing row not sampled', { ...base, rows: [] }, 'found 1 row (0 allowed)'],
    ['two failing rows of one column', { ...base, failing: 2, allowed: 1, tolerance: { rows: 1 }, rows: [{ customers: 1 }, { customers: 2 }] }, 'found 2 rows (1 allowed)'],
    ['many failing rows', { ...base, failing: 12345, allowed: 0, rows: [] }, 'found 12,345 rows (0 allowed)'],
    ['a share of an unknown row count', { ...base, failing: 3, allowed: 0, tolerance: { share: 0.01 }, checked: undefined, rows: [] }, 'found 3 rows (0 allowed: 1% of 0 rows)'],
  ];
  for (const [name, finding, text] of cases) it(name, () => expect(findingText(finding)).toBe(text));

  it('the expectation is restated for rules that failed or errored, never for a pass, a skip or a built-in check', () => {
    const file = ' [quality-rules/rules/customer_curated_not_empty.sql]';
    expect(outcomeLine({ ...base, status: 'pass', blocking: false })).toBe(`PASS r: passed${file}`);
    expect(outcomeLine({ ...base, kind: 'predicate', blocking: false, failing: 2, rows: [] })).toBe(`WARN r: found 2 rows (0 allowed); expected: customer_curated is not empty${file}`);
    expect(outcomeLine({ ...base, status: 'error', error: 'Binder Error: y' })).toBe(`ERROR r: could not be evaluated: Binder Error: y; expected: customer_curated is not empty${file}`);
    expect(outcomeLine({ ...base, kind: 'accounting', rows: [], file: undefined })).toBe('FAIL r: every valid record accounted for');
    expect(outcomeLine({ ...base, kind: 'volume', checked: 5, tolerance: { share: 0.5 }, rows: [], file: 'quality-rules/gate-config.json' })).toBe(
      'FAIL r: customer_curated has 5 rows (may shrink by at most 50%) [quality-rules/gate-config.json]',
    );
  });

  it('the tally counts each word once, and an empty run is all zeros', () => {
    expect(tallyRules([])).toEqual({ pass: 0, warn: 0, error: 0, skip: 0, total: 0 });
    expect(tallyRules([{ status: 'pass', blocking: false }, { status: 'pass', blocking: true }, { status: 'fail', blocking: false }])).toEqual({ pass: 2, warn: 1, error: 0, skip: 0, total: 3 });
  });
});
