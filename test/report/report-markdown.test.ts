import type { RunManifest } from '../../src/pipeline/manifest';
import { buildReport } from '../../src/report/run-report';
import { artifactLink, DEFAULT_MARKDOWN_OPTIONS, renderMarkdown } from '../../src/report/report-markdown';
import { byteLength, escapeMarkdown } from '../../src/report/markdown-text';
import { blockedManifest, broken, dataset, failed, failedManifest, gate, publishedManifest, rule } from './report-fixtures';
import { skippedGate } from '../../src/gates/evaluator';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadCatalog } from '../../src/catalog/registry';

const config = loadGateConfig(loadCatalog());

const md = (m: RunManifest, options = {}) => renderMarkdown(buildReport(m), options);
const lines = (text: string) => text.split('\n');
/** Lines of the markdown table that follows a heading. */
function tableAfter(text: string, heading: string): string[] {
  const all = lines(text);
  const start = all.indexOf(heading);
  const first = all.findIndex((l, i) => i > start && l.startsWith('|'));
  const out: string[] = [];
  for (let i = first; i < all.length && all[i].startsWith('|'); i++) out.push(all[i]);
  return out;
}
/** Cells of a table row as GitHub splits them: on every pipe not right after a backslash. */
const cells = (row: string) => row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());

describe('renderMarkdown: verdict first', () => {
  it('a blocked run says BLOCKED on the first line and names the blocking rules', () => {
    expect(lines(md(blockedManifest()))[0]).toBe(
      '❌ **BLOCKED**: run 20260101T000000000Z-aaaaaa published nothing; blocking rules: serial\\_number\\_shared\\_by\\_customers, quarantine\\_share\\_customer.',
    );
  });

  it('a published run says PUBLISHED on the first line and names its warnings', () => {
    expect(lines(md(publishedManifest()))[0]).toBe(
      '✅ **PUBLISHED**: run 20260101T000000000Z-aaaaaa passed every blocking rule and its tables are published; 1 warning: customer\\_birthday\\_plausible.',
    );
  });

  it('a failed run says FAILED on the first line with the first line of its error', () => {
    expect(lines(md(failedManifest()))[0]).toBe(
      '💥 **FAILED**: run 20260101T000000000Z-aaaaaa stopped with an error and published nothing: quality-rules/accounting/customer.sql: outcomes add up to 44 but 45 customer records were valid',
    );
  });

  it('names at most ten blocking rules on the verdict line, then how many more', () => {
    const rules = Array.from({ length: 13 }, (_, i) => failed({ name: `r${i}`, failing: 1 }));
    const first = lines(md({ ...blockedManifest(), gates: { trusted: gate('trusted', rules) } }))[0];
    expect(first).toBe('❌ **BLOCKED**: run 20260101T000000000Z-aaaaaa published nothing; blocking rules: r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 and 3 more.');
  });

  it('then the run, the dbt-style rule tally stedi run prints, and the phases', () => {
    expect(lines(md(blockedManifest())).slice(1, 8)).toEqual([
      '',
      'Run 20260101T000000000Z-aaaaaa · started 2026-01-01T00:00:00.000Z · took 2.5 s · last published run 20251231T000000000Z-bbbbbb.',
      '',
      '`PASS=1 WARN=1 ERROR=2 SKIP=0 TOTAL=4`',
      '',
      'Phases: validate 1.2 s, build trusted 300 ms, audit trusted 250 ms.',
      '',
    ]);
  });
});

describe('renderMarkdown: sections', () => {
  it('the rules table lists what blocked first, then warnings, with status icons, in five narrow columns', () => {
    expect(tableAfter(md(blockedManifest()), '### Rules')).toEqual([
      '| status | rule | gate | failing | allowed |',
      '|---|---|---|---:|---:|',
      '| ❌ FAIL | serial\\_number\\_shared\\_by\\_customers | trusted | 12 | 0 |',
      '| ❌ FAIL | quarantine\\_share\\_customer | trusted | 5 | 2 (5%) |',
      '| ⚠️ WARN | customer\\_birthday\\_plausible | trusted | 2 | 0 |',
    ]);
  });

  it('passing and skipped rules are folded in <details> under the rules table, with why they were skipped', () => {
    const m = { ...blockedManifest(), gates: { ...blockedManifest().gates, curated: skippedGate('curated', [], config, 'the trusted gate blocked the run, so the curated gate did not run', [], ['customer_curated']) } };
    const text = md(m);
    const start = lines(text).indexOf('<details><summary>✅ 1 passed, ⏭️ 1 skipped (the rules that need no attention)</summary>');
    expect(start).toBeGreaterThan(lines(text).indexOf('### Rules'));
    expect(lines(text).slice(start, start + 9)).toEqual([
      '<details><summary>✅ 1 passed, ⏭️ 1 skipped (the rules that need no attention)</summary>',
      '',
      '_Skipped: the trusted gate blocked the run, so the curated gate did not run._',
      '',
      '| status | rule | gate | checked |',
      '|---|---|---|---:|',
      '| ✅ PASS | consent\\_customer\\_trusted | trusted | 40 |',
      '| ⏭️ SKIP | volume\\_customer\\_curated | curated | — |',
      '',
    ]);
    expect(lines(text)[start + 9]).toBe('</details>');
    expect(lines(text)).toContain('`PASS=1 WARN=1 ERROR=2 SKIP=1 TOTAL=5`');
  });

  it('a rule that could not be evaluated is ERROR, listed first, with its error under failing rows', () => {
    const m = { ...blockedManifest(), gates: { trusted: gate('trusted', [rule({ name: 'ok' }), broken({ name: 'bad', error: 'rules/bad.sql:3: no such column x' })]) } };
    const text = md(m);
    expect(tableAfter(text, '### Rules').slice(2)).toEqual(['| 💥 ERROR | bad | trusted | — | 0 |']);
    expect(text).toContain('#### 💥 bad\nERROR · trusted gate · could not be evaluated: rules/bad.sql:3: no such column x · quality-rules/rules/bad.sql\n\nExpected: bad holds');
  });

  it('shows the failing rows each failed rule kept, and how many it found', () => {
    expect(md(blockedManifest())).toContain(
      [
        '#### ❌ serial\\_number\\_shared\\_by\\_customers',
        'FAIL · trusted gate · found 12 rows (0 allowed) · quality-rules/rules/serial\\_number\\_shared\\_by\\_customers.sql',
        '',
        'Expected: serial\\_number\\_shared\\_by\\_customers holds',
        '',
        '| serialNumber | customers |',
        '|---|---:|',
        '| s-1 | 2 |',
        '| s-2 | 3 |',
        '| s-3 | 2 |',
        '',
        '_Showing 3 of 12 failing rows._',
      ].join('\n'),
    );
  });

  it('says which columns hold tokens for personal data, their names escaped', () => {
    const m = { ...blockedManifest(), gates: { trusted: gate('trusted', [failed({ name: 'shared', failing: 1, columns: ['first_email', 'n'], sample: [{ first_email: 'pii:0123456789', n: 2 }], maskedColumns: ['first_email'] })]) } };
    expect(md(m)).toContain(
      '| pii:0123456789 | 2 |\n\n_Masked (personal data, `pii` in ddl/, or derived from it): first\\_email; equal tokens are equal values within this report._',
    );
  });

  it('shows at most N failing rows: as many as the gate kept', () => {
    const sample = Array.from({ length: 10 }, (_, i) => ({ id: i }));
    const m = { ...blockedManifest(), gates: { trusted: gate('trusted', [failed({ name: 'many', failing: 500, columns: ['id'], sample })]) } };
    const rows = tableAfter(md(m), '#### ❌ many');
    expect(rows).toEqual(['| id |', '|---:|', ...sample.map((r) => `| ${r.id} |`)]);
    expect(md(m)).toContain('_Showing 10 of 500 failing rows._');
  });

  it('shows at most maxColumns columns of failing rows and says how many more there are', () => {
    const columns = Array.from({ length: 5 }, (_, i) => `c${i}`);
    const m = { ...blockedManifest(), gates: { trusted: gate('trusted', [failed({ name: 'wide', failing: 1, columns, sample: [{ c0: 0, c1: 1, c2: 2, c3: 3, c4: 4 }] })]) } };
    const text = md(m, { maxColumns: 2 });
    expect(tableAfter(text, '#### ❌ wide')).toEqual(['| c0 | c1 |', '|---:|---:|', '| 0 | 1 |']);
    expect(text).toContain('_3 more columns in `report.json`._');
  });

  it('landing records add up per dataset and policy exclusions are broken down below the table', () => {
    const text = md(blockedManifest());
    expect(tableAfter(text, '### Landing records')).toEqual([
      '| dataset | read | quarantined | valid | trusted | duplicate | excluded |',
      '|---|---:|---:|---:|---:|---:|---:|',
      '| customer | 50 | 5 (10%) | 45 | 40 | 1 | 4 |',
      '| accelerometer | 200 | 0 (0%) | 200 | 180 | 20 | 0 |',
    ]);
    expect(lines(text)).toContain('Excluded by policy: customer: no consent 3, superseded 1.');
  });

  it('quarantine reasons: the most common per dataset, the rest summed on one row', () => {
    const reasons = { 'reason a': 1, 'reason b': 7, 'reason c': 3, 'reason d': 3 };
    const m = { ...blockedManifest(), datasets: { customer: dataset({ read: 20, quarantined: 14, quarantineReasons: reasons }) } };
    expect(tableAfter(md(m, { maxReasons: 2 }), '### Quarantine reasons')).toEqual([
      '| dataset | reason | records |',
      '|---|---|---:|',
      '| customer | reason b | 7 |',
      '| customer | reason c | 3 |',
      '| customer | _2 other reasons_ | 4 |',
    ]);
  });

  it('row counts show the change against the last published run, absolute and percent', () => {
    expect(tableAfter(md(publishedManifest()), '### Row counts')).toEqual([
      '| table | zone | rows | last published | change |',
      '|---|---|---:|---:|---:|',
      '| customer\\_landing | landing | 45 | 45 | 0 (0%) |',
      '| accelerometer\\_landing | landing | 200 | — | new |',
      '| customer\\_trusted | trusted | 40 | 32 | +8 (+25%) |',
      '| accelerometer\\_trusted | trusted | 180 | 200 | −20 (−10%) |',
      '| customer\\_curated | curated | 30 | 0 | +30 (n/a) |',
    ]);
  });

  it('gate query and scan counts, one row per gate, folded', () => {
    expect(tableAfter(md(blockedManifest()), '<details><summary>Gate queries and scans</summary>').slice(2)).toEqual([
      '| trusted | blocked | 7 | customer\\_trusted 2, customer\\_landing 1 |',
    ]);
  });

  it('a run with no gate says no rule was checked and shows no failing rows section', () => {
    const text = md(failedManifest());
    expect(text).toContain('### Rules\n_No gate ran, so no rule was checked._');
    expect(text).not.toContain('### Failing rows');
  });
});

describe('renderMarkdown: data is escaped', () => {
  const hostile = 'a|b `c` <script>alert(1)</script> @someone\nnext #12 [x](http://e) *y* ~z~ $m$ \\';
  const inert =
    'a\\|b \\`c\\` &lt;script&gt;alert(1)&lt;/script&gt; @&#8203;someone↵next #&#8203;12 \\[x\\](http://e) \\*y\\* \\~z\\~ \\$m\\$ \\\\';

  it('escapeMarkdown renders pipes, backticks, HTML, mentions, issue refs, newlines and markup inert', () => {
    expect(escapeMarkdown(hostile)).toBe(inert);
  });

  it.each([
    ['# heading', '\\# heading'],
    ['- item', '\\- item'],
    ['+ item', '\\+ item'],
    ['12. item', '12\\. item'],
    ['> quote', '&gt; quote'],
    ['&lt;b&gt;', '&amp;lt;b&amp;gt;'],
    ['ann@x.com', 'ann@x.com'],
    ['(@team)', '(@&#8203;team)'],
    ['tab\there', 'tab here'],
    ['bidi\u202Eevil', 'bidi\uFFFDevil'],
    ['nul\u0000x', 'nul\uFFFDx'],
    ['cr\r\nlf', 'cr↵lf'],
  ])('escapeMarkdown(%j) is %j', (text, escaped) => {
    expect(escapeMarkdown(text)).toBe(escaped);
  });

  it('a hostile failing row value stays inside its cell, escaped exactly', () => {
    const m = {
      ...blockedManifest(),
      gates: { trusted: gate('trusted', [failed({ name: 'hostile', failing: 1, columns: ['v', 'n'], sample: [{ v: hostile, n: 1 }] })]) },
    };
    const rows = tableAfter(md(m, { maxCell: 200 }), '#### ❌ hostile');
    expect(rows[2]).toBe(`| ${inert} | 1 |`);
    expect(cells(rows[2])).toEqual([inert, '1']);
  });

  it('hostile rule names, descriptions, reasons and table names are escaped wherever they appear', () => {
    const m: RunManifest = {
      ...blockedManifest(),
      gates: { trusted: gate('trusted', [failed({ name: '@owner|x', failing: 1, description: '<img src=x onerror=alert(1)>', tables: ['t|1'] })]) },
      datasets: { customer: dataset({ read: 2, quarantined: 1, quarantineReasons: { 'field `x` | <b>@all</b>\nnext': 1 } }) },
    };
    const text = md(m);
    expect(lines(text)[0]).toBe('❌ **BLOCKED**: run 20260101T000000000Z-aaaaaa published nothing; blocking rule: @&#8203;owner\\|x.');
    expect(tableAfter(text, '### Rules')[2]).toBe('| ❌ FAIL | @&#8203;owner\\|x | trusted | 1 | 0 |');
    expect(text).toContain('\nExpected: &lt;img src=x onerror=alert(1)&gt;\n');
    expect(tableAfter(text, '### Quarantine reasons')[2]).toBe('| customer | field \\`x\\` \\| &lt;b&gt;@&#8203;all&lt;/b&gt;↵next | 1 |');
    expect(text).not.toMatch(/<(?!br|details|summary|\/details|\/summary)[a-z]/i);
    expect(text).not.toMatch(/(^|[^\w])@(?!&#8203;)\w/m);
  });
});

describe('renderMarkdown: size cap', () => {
  const MB = 'x'.repeat(1024 * 1024);
  /** 5,000 rules (every other one failing with ten 1 MB values), 1 MB descriptions, reasons and names. */
  function hugeManifest(): RunManifest {
    const rules = Array.from({ length: 5000 }, (_, i) =>
      i % 2
        ? rule({ name: `rule_${i}`, description: MB, tables: [MB] })
        : failed({
            name: `rule_${i}`,
            description: MB,
            failing: 1_000_000,
            tables: [MB],
            columns: ['a', 'b', MB],
            sample: Array.from({ length: 10 }, () => ({ a: MB, b: `<b>${MB}`, [MB]: MB })),
          }),
    );
    const datasets = Object.fromEntries(
      Array.from({ length: 50 }, (_, i) => [`ds${i}`, dataset({ read: 10, quarantined: 5, quarantineReasons: { [MB]: 5, [`${MB}2`]: 3 } })]),
    );
    const tables = Object.fromEntries(
      Array.from({ length: 2000 }, (_, i) => [`table_${i}_${MB.slice(0, 1000)}`, { zone: 'trusted' as const, rows: i, location: '/x', previousRows: i + 1 }]),
    );
    return { ...blockedManifest(), gates: { trusted: gate('trusted', rules) }, datasets, tables };
  }

  it('stays under 60,000 bytes whatever the data, verdict first, and says what it left out', () => {
    const text = md(hugeManifest());
    const all = lines(text);
    expect(byteLength(text)).toBeLessThanOrEqual(DEFAULT_MARKDOWN_OPTIONS.maxBytes);
    expect(DEFAULT_MARKDOWN_OPTIONS.maxBytes).toBe(60_000);
    expect(all[0]).toBe(
      '❌ **BLOCKED**: run 20260101T000000000Z-aaaaaa published nothing; blocking rules: rule\\_0, rule\\_2, rule\\_4, rule\\_6, rule\\_8, rule\\_10, rule\\_12, rule\\_14, rule\\_16, rule\\_18 and 2,490 more.',
    );
    expect(all[2]).toBe(
      '> **Shortened** to stay under 60,000 bytes: 2,264 rules, 2,250 passing or skipped rules, 2,496 failed rules, 1,906 tables, 1,100 long values cut short. `report.json` has everything.',
    );
    for (const heading of ['### Rules', '### Failing rows', '### Landing records', '### Quarantine reasons', '### Row counts', '<details><summary>Gate queries and scans</summary>']) {
      expect(all).toContain(heading);
    }
    expect(all).toContain('_2,264 more rules not shown (236 of 2,500 here); `report.json` has them all._');
    expect(all).toContain('_2,250 more passing or skipped rules not shown (250 of 2,500 here); `report.json` has them all._');
    expect(all).toContain('_2,496 more failed rules not shown (4 of 2,500 here); `report.json` has them all._');
    expect(all).toContain('_1,906 more tables not shown (94 of 2,000 here); `report.json` has them all._');
    // Every <details> a section opened is closed, cut or not.
    expect(all.filter((l) => l.startsWith('<details>')).length).toBe(all.filter((l) => l === '</details>').length);
  });

  it('a pull request reader can follow the notices: they link the CI artifact when told where it is', () => {
    const text = md(hugeManifest(), { fullReport: artifactLink('https://github.com/o/r/actions/runs/1/artifacts/2') });
    const link = '`report.json` in [the reports artifact](https://github.com/o/r/actions/runs/1/artifacts/2)';
    const notices = lines(text).filter((l) => / not shown \(/.test(l));
    expect(notices.length).toBe(4);
    for (const n of notices) expect(n).toMatch(new RegExp(`here\\); ${link.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has them all\\._$`));
    expect(lines(text)[2]).toMatch(/ has everything\.$/);
    expect(lines(text)[2]).toContain(link);
    expect(() => artifactLink('javascript:alert(1)')).toThrow('not an http(s) URL');
    expect(artifactLink('https://e.com/a(b) c')).toBe('`report.json` in [the reports artifact](https://e.com/a%28b%29%20c)');
  });

  it('the rules it keeps are the failing ones, and every table row still has its columns', () => {
    const text = md(hugeManifest());
    const rules = tableAfter(text, '### Rules');
    expect(rules.length).toBeGreaterThan(2);
    expect(rules.slice(2).every((r) => r.startsWith('| ❌ FAIL |'))).toBe(true);
    for (const row of rules) expect(cells(row)).toHaveLength(5);
    const failing = tableAfter(text, '#### ❌ rule\\_0');
    expect(cells(failing[2])[0]).toBe('x'.repeat(DEFAULT_MARKDOWN_OPTIONS.maxCell - 1) + '…');
  });

  it('honours a smaller maxBytes, and even one too small for the fixed lines', () => {
    for (const maxBytes of [20_000, 5_000, 300, 40]) expect(byteLength(md(hugeManifest(), { maxBytes }))).toBeLessThanOrEqual(maxBytes);
    expect(md(hugeManifest(), { maxBytes: 300 })).toMatch(/_Cut at 300 bytes; `report\.json` has everything\._\n$/);
  });

  it('a report that fits is not shortened and has no notice', () => {
    const text = md(blockedManifest());
    expect(text).not.toContain('Shortened');
    expect(text).not.toContain('not shown');
  });

  it('cuts multi-byte data on a character boundary', () => {
    const emoji = '\u{1F600}'.repeat(500);
    const m = { ...blockedManifest(), gates: { trusted: gate('trusted', [failed({ name: 'e', failing: 1, columns: ['v'], sample: [{ v: emoji }] })]) } };
    const row = tableAfter(md(m), '#### ❌ e')[2];
    expect(row).toBe(`| ${'\u{1F600}'.repeat(DEFAULT_MARKDOWN_OPTIONS.maxCell / 2 - 1)}… |`);
  });
});
