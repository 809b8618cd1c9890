// Personal data stays out of reports where the engine, not a sample, would carry it: a rule (or a
// transform) that fails at runtime on a value gets DuckDB's message quoting that value, and a rule
// whose output columns are named by values (PIVOT ... ON email) would print them as headers. Both
// go through the report's keyed tokens, in the manifest, report.json, report.md, junit.xml and the
// terminal summary; hostile landing records' quarantine reasons hold no value either.
import { appendFileSync, cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { runPipeline, TransformError } from '../../src/pipeline/runner';
import { maskText, TOKEN_PREFIX } from '../../src/gates/sample-privacy';
import { runSummary } from '../../src/cli/run-summary';
import { copyCatalogFolders } from '../support/project-copy';
import { tempDir } from '../support/tmp';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');

/** Every email, phone and birthday of the landing customers: none may reach a report. */
function personalValues(landing: string): string[] {
  const values = new Set<string>();
  for (const f of readdirSync(join(landing, 'customer'))) {
    for (const line of readFileSync(join(landing, 'customer', f), 'utf8').split('\n')) {
      try {
        const r = JSON.parse(line) as Record<string, unknown>;
        for (const k of ['email', 'phone', 'birthDay', 'customerName']) if (typeof r[k] === 'string' || typeof r[k] === 'number') values.add(String(r[k]));
        for (const k of Object.keys(r)) if (k.includes('@')) values.add(k);
      } catch {
        for (const m of line.matchAll(/[\w.]+@[\w.]+/g)) values.add(m[0]);
      }
    }
  }
  return [...values].filter((v) => v.length >= 6);
}

const rule = (root: string, name: string, severity: string, sql: string) =>
  writeFileSync(join(root, 'quality-rules', 'rules', `${name}.sql`), `-- severity: ${severity}\n-- description: ${name.replace(/_/g, ' ')}\n${sql}\n`);

const HOSTILE_CUSTOMERS = (() => {
  const base = '"customerName":"Hostile Name","phone":"8015550000","birthDay":"1990-01-01","serialNumber":"50f7b4f3-7af5-4b07-a421-7b902c8d2b7c","registrationDate":1,"lastUpdateDate":1';
  return [
    `{${base},"email":8015559999}`,
    '{"email":"broken.json@test.com" and then garbage',
    `{${base},"email":"extra.key@test.com","key.is.an.email@test.com":1}`,
    `{${base},"email":"bad.birthday@test.com","birthDay":"1990-13-45"}`,
    '["in.an.array@test.com"]',
    '"a.bare.string@test.com"',
  ].join('\n') + '\n';
})();

describe('engine messages and value-named columns are masked', () => {
  it('a rule failing on a cast of email, phone or birthday, and a PIVOT on email: no value in any report or the summary', async () => {
    const root = copyCatalogFolders();
    rule(root, 'customer_email_as_number', 'error', 'SELECT CAST(c.email AS INTEGER) AS n FROM customer_trusted c');
    rule(root, 'customer_phone_as_int', 'error', 'SELECT c.email FROM customer_trusted c WHERE CAST(c.phone AS INTEGER) < 0');
    rule(root, 'customer_birthday_as_number', 'warn', 'SELECT c.email FROM customer_trusted c WHERE CAST(c.birthDay AS INTEGER) > 0');
    rule(root, 'customer_emails_pivoted', 'warn', 'SELECT * FROM (PIVOT (SELECT email, phone FROM customer_trusted) ON email USING count(*)) p');
    const landing = tempDir();
    cpSync(FIXTURE, landing, { recursive: true });
    appendFileSync(join(landing, 'customer', 'customer-1691348231425.json'), HOSTILE_CUSTOMERS);
    const lake = tempDir();
    const m = await runPipeline({ landing, lake, catalog: loadCatalog(root) });
    expect(m.status).toBe('blocked');

    const rules = Object.fromEntries(m.gates.trusted!.rules.map((r) => [r.name, r]));
    expect(rules.customer_email_as_number.error).toMatch(
      new RegExp(`^quality-rules/rules/customer_email_as_number\\.sql:3: Conversion Error: Could not convert string '${TOKEN_PREFIX}[0-9a-f]{10}' to INT32`),
    );
    expect(rules.customer_phone_as_int.error).toMatch(new RegExp(`Could not convert string '${TOKEN_PREFIX}[0-9a-f]{10}' to INT32`));
    expect(rules.customer_birthday_as_number.error).toMatch(new RegExp(`Could not convert string '${TOKEN_PREFIX}[0-9a-f]{10}' to INT32`));
    const pivoted = rules.customer_emails_pivoted;
    expect(pivoted.status).toBe('fail');
    expect(pivoted.columns[0]).toBe('phone');
    expect(pivoted.columns.length).toBeGreaterThan(3);
    for (const c of pivoted.columns.slice(1)) expect(c).toMatch(new RegExp(`^${TOKEN_PREFIX}[0-9a-f]{10}$`));
    expect(pivoted.maskedColumns).toEqual(pivoted.columns);

    const runDir = join(lake, 'runs', m.runId);
    const outputs: Record<string, string> = {
      summary: runSummary(m),
      ...Object.fromEntries(['manifest.json', 'report.json', 'report.md', 'junit.xml'].map((f) => [f, readFileSync(join(runDir, f), 'utf8')])),
    };
    const values = personalValues(landing);
    expect(values).toEqual(expect.arrayContaining(['Lyn.Rowe@test.com', '8015551212', '1399-01-01', 'broken.json@test.com', 'key.is.an.email@test.com', '1990-13-45']));
    const leaks = Object.entries(outputs).flatMap(([file, text]) => values.filter((v) => text.includes(v)).map((v) => `${file}: ${v}`));
    expect(leaks).toEqual([]);
    // The masked message still says what went wrong, in every output.
    expect(outputs['report.md']).toContain('Conversion Error: Could not convert string');
  });

  it('a transform failing on a value: the run fails naming the transform, the value masked', async () => {
    const root = copyCatalogFolders();
    const file = join(root, 'glue', 'sql', 'trusted', 'customer_trusted.sql');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  latest.email,', '  CAST(CAST(latest.email AS INTEGER) AS VARCHAR) AS email,'));
    const landing = tempDir();
    cpSync(FIXTURE, landing, { recursive: true });
    const lake = tempDir();
    const run = runPipeline({ landing, lake, catalog: loadCatalog(root) });
    await expect(run).rejects.toThrow(TransformError);
    const message = String(await run.catch((e: Error) => e.message));
    expect(message).toMatch(new RegExp(`^glue/sql/trusted/customer_trusted\\.sql: Conversion Error: Could not convert string '${TOKEN_PREFIX}[0-9a-f]{10}' to INT32`));
    const [runId] = readdirSync(join(lake, 'runs'));
    const values = personalValues(landing);
    for (const f of ['manifest.json', 'report.json', 'report.md', 'junit.xml']) {
      const text = readFileSync(join(lake, 'runs', runId, f), 'utf8');
      expect([f, values.filter((v) => text.includes(v) || message.includes(v))]).toEqual([f, []]);
    }
  });
});

describe('maskText: what an engine message may keep', () => {
  const token = (v: string) => `<${v.length}>`;
  it.each([
    ["Conversion Error: Could not convert string 'Lyn.Rowe@test.com' to INT32", 'SELECT CAST(email AS INTEGER)', "Conversion Error: Could not convert string '<17>' to INT32"],
    ['Conversion Error: invalid date field format: "1399-01-01x", expected format is (YYYY-MM-DD)', 'SELECT 1', 'Conversion Error: invalid date field format: "<11>", expected format is (YYYY-MM-DD)'],
    ['Out of Range Error: Overflow in multiplication of INT64 (8015551212 * 8015551212)!', 'SELECT phone * phone', 'Out of Range Error: Overflow in multiplication of INT64 (<10> * <10>)!'],
    ['Binder Error: Referenced column "emial" not found in FROM clause! LINE 1: SELECT emial', 'SELECT emial FROM customer_trusted', 'Binder Error: Referenced column "emial" not found in FROM clause! LINE 1: SELECT emial'],
    ["Conversion Error: Could not convert string 'abc' to INT32", "SELECT CAST('abc' AS INTEGER)", "Conversion Error: Could not convert string 'abc' to INT32"],
    ['Invalid Input Error: Malformed JSON at byte 9 of input: unexpected character.  Input: {"email": lyn@x.com}', 'SELECT json(x)', 'Invalid Input Error: Malformed JSON at byte 9 of input: unexpected character.  Input: <20>'],
    ['Invalid Input Error: no customer lyn.rowe@test.com (unquoted)', 'SELECT 1', 'Invalid Input Error: no customer <17> (unquoted)'],
    ['at 1900-01-01 the year 2024 and 12 rows', "WHERE birthDay < '1900-01-01'", 'at 1900-01-01 the year <4> and 12 rows'],
  ])('%s', (message, sql, masked) => {
    expect(maskText(message, sql, token)).toBe(masked);
  });
});
