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
