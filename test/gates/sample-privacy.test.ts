// Failing rows keep what a reader needs and lose what they must not see: tokens for personal values.
import { maskSamples, maskToken, REVEAL_SAMPLES, type SamplePrivacy } from '../../src/gates/sample-privacy';

const privacy: SamplePrivacy = {
  rules: {
    r: {
      columns: [
        { name: 'serialNumber', sources: [], unknown: [] },
        { name: 'first_email', sources: ['customer_landing.email'], unknown: [] },
        { name: 'n', sources: [], unknown: ['column n cannot be resolved'] },
      ],
    },
    opaque: { unknown: '* over a FROM item of type TABLE_FUNCTION' },
  },
};
const KEY = Buffer.alloc(32, 3);
const rows = [
  { serialNumber: 's-1', first_email: 'ann@x.com', n: 1 },
  { serialNumber: 's-2', first_email: 'ann@x.com', n: null },
];

describe('maskSamples', () => {
  it('replaces personal and untraceable values with tokens, keeps the rest, and names what it masked', () => {
    const out = maskSamples(privacy, KEY).apply('r', ['serialNumber', 'first_email', 'n'], rows);
    expect(out).toEqual({
      columns: ['serialNumber', 'first_email', 'n'],
      masked: ['first_email', 'n'],
      rows: [
        { serialNumber: 's-1', first_email: maskToken(KEY, 'ann@x.com'), n: maskToken(KEY, 1) },
        // A missing value stays missing: rules about missing values must show it.
        { serialNumber: 's-2', first_email: maskToken(KEY, 'ann@x.com'), n: null },
      ],
    });
    expect(out.rows[0].first_email).toMatch(/^pii:[0-9a-f]{10}$/);
  });

  it('the same value gets the same token under one key, another under another key; 1 and "1" differ', () => {
    expect(maskToken(KEY, 'ann@x.com')).toBe(maskToken(KEY, 'ann@x.com'));
    expect(maskToken(KEY, 'ann@x.com')).not.toBe(maskToken(Buffer.alloc(32, 4), 'ann@x.com'));
    expect(maskToken(KEY, 1)).not.toBe(maskToken(KEY, '1'));
    // Without the key, hashing a guessed address gives nothing to compare with.
    expect(maskSamples(privacy).apply('r', ['serialNumber', 'first_email', 'n'], rows).rows[0].first_email).not.toBe(maskToken(KEY, 'ann@x.com'));
  });

  it.each([
    ['a rule the lineage does not know', 'other', ['serialNumber', 'first_email', 'n']],
    ['a rule whose columns cannot be listed', 'opaque', ['serialNumber', 'first_email', 'n']],
    ['a sample wider than the lineage', 'r', ['serialNumber', 'first_email', 'n', 'extra']],
    ['a sample whose names are not the traced ones', 'r', ['first_email', 'serialNumber', 'n']],
  ])('fails closed: %s has every value masked', (_what, rule, columns) => {
    const wide = rows.map((r) => ({ ...r, extra: 'x' }));
    const out = maskSamples(privacy, KEY).apply(rule, columns, wide, `SELECT ${columns.join(', ')} FROM t`);
    expect(out.columns).toEqual(columns);
    expect(out.masked).toEqual(columns);
    for (const row of out.rows) for (const c of columns) expect(row[c] === null || String(row[c]).startsWith('pii:')).toBe(true);
  });

  it('masks everything without any lineage, and nothing with REVEAL_SAMPLES (stedi gate --show-pii)', () => {
    expect(maskSamples(undefined, KEY).apply('r', ['serialNumber'], [{ serialNumber: 's-1' }], 'SELECT serialNumber FROM t').masked).toEqual(['serialNumber']);
    expect(REVEAL_SAMPLES.apply('r', ['first_email'], [{ first_email: 'ann@x.com' }])).toEqual({ columns: ['first_email'], rows: [{ first_email: 'ann@x.com' }], masked: [] });
  });

  it('a column name neither the lineage, ddl/ nor the rule\'s SQL gives (PIVOT ... ON email) is a token, and so are its values', () => {
    const pivot = 'SELECT * FROM (PIVOT (SELECT email, phone FROM customer_trusted) ON email USING count(*)) p';
    const withNames: SamplePrivacy = { ...privacy, names: ['phone', 'email'] };
    const out = maskSamples(withNames, KEY).apply('opaque', ['phone', 'ann@x.com', 'bob@y.org'], [{ phone: '555', 'ann@x.com': 1, 'bob@y.org': 0 }], pivot);
    expect(out).toEqual({
      columns: ['phone', maskToken(KEY, 'ann@x.com'), maskToken(KEY, 'bob@y.org')],
      masked: ['phone', maskToken(KEY, 'ann@x.com'), maskToken(KEY, 'bob@y.org')],
      rows: [{ phone: maskToken(KEY, '555'), [maskToken(KEY, 'ann@x.com')]: maskToken(KEY, 1), [maskToken(KEY, 'bob@y.org')]: maskToken(KEY, 0) }],
    });
    // A name that ddl/ declares, or that the SQL spells, was written by someone: shown as it is.
    expect(maskSamples(withNames, KEY).apply('other', ['email', 'n_failing'], [], 'SELECT email, count(*) AS n_failing FROM t').columns).toEqual(['email', 'n_failing']);
  });

  it('engine messages: the quoted value a cast failed on is its token, the same token a sample shows', () => {
    const mask = maskSamples(privacy, KEY);
    expect(mask.text("Conversion Error: Could not convert string 'ann@x.com' to INT32", 'SELECT CAST(email AS INTEGER) FROM t')).toBe(
      `Conversion Error: Could not convert string '${maskToken(KEY, 'ann@x.com')}' to INT32`,
    );
    expect(REVEAL_SAMPLES.text("string 'ann@x.com'", '')).toBe("string 'ann@x.com'");
  });
});
