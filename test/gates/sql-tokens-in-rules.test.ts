// Rules, transforms and the gate read SQL by its tokens: a keyword inside a string or a comment,
// the FROM of EXTRACT or IS DISTINCT FROM, and a second table after a comma are read as DuckDB
// reads them. Each case failed while table names, predicates and qualifiers were found by regular
// expressions over the text.
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogError, loadCatalog, PROJECT_ROOT } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { bindTables } from '../../src/engine/engine';
import { evaluateGate } from '../../src/gates/evaluator';
import { loadGateConfig } from '../../src/gates/gate-config';
import { parseRule, RuleFileError } from '../../src/gates/rule-file';
import { maskSamples } from '../../src/gates/sample-privacy';
import { cleanTables, createTables, customer, SERIAL_A } from '../support/tables';
import { tempDir } from '../support/tmp';

const catalog = loadCatalog();
const config = loadGateConfig(catalog);
const FILE = 'quality-rules/rules/r.sql';
const HEAD = '-- severity: error\n-- description: d\n';
const parse = (sql: string) => parseRule(HEAD + sql, FILE, catalog);

/** The trusted gate of one rule over the clean tables plus one more customer, as [name, status, failing, checked]. */
async function gateOn(rule: ReturnType<typeof parse>, extra: ReturnType<typeof customer>) {
  const tables = cleanTables();
  tables.customer_trusted.push(extra);
  const engine = await DuckDbEngine.open();
  try {
    await createTables(engine, catalog, tables);
    const g = await evaluateGate({ engine, zone: 'trusted', rules: [rule], config, samples: maskSamples(undefined) });
    return g.rules.map((r) => [r.name, r.status, r.failing, r.checked]);
  } finally {
    await engine.close();
  }
}

describe('rule files read by tokens', () => {
  it('EXTRACT(... FROM column) and IS DISTINCT FROM name columns, not tables: the rule loads as a predicate on its one table', () => {
    const r = parse('SELECT * FROM customer_trusted WHERE EXTRACT(year FROM birthDay) < 1900 OR phone IS DISTINCT FROM trim(BOTH FROM phone)');
    expect([r.tables, r.zone, r.predicate]).toEqual([
      ['customer_trusted'],
      'trusted',
      { table: 'customer_trusted', alias: undefined, where: 'EXTRACT(year FROM birthDay) < 1900 OR phone IS DISTINCT FROM trim(BOTH FROM phone)' },
    ]);
  });

  it('keywords inside strings and comments neither name tables nor spoil the predicate', () => {
    const r = parse("SELECT * FROM customer_trusted c\nWHERE c.customerName = 'from x join y' -- select from z\n  OR c.email LIKE '%--%'");
    expect([r.tables, r.predicate]).toEqual([['customer_trusted'], { table: 'customer_trusted', alias: 'c', where: "c.customerName = 'from x join y'  \n  OR c.email LIKE '%--%'" }]);
  });

  it('a ; inside a string after a -- is one statement; a real second statement is refused', () => {
    expect(parse("SELECT * FROM customer_trusted WHERE email = '--;'").sql).toBe("SELECT * FROM customer_trusted WHERE email = '--;'");
    expect(() => parse("SELECT * FROM customer_trusted WHERE email = '--'; SELECT 1 FROM customer_trusted")).toThrow(
      new RuleFileError(FILE, 3, 'a rule is one statement; remove the extra ";"'),
    );
  });

  it('a FROM that reads a table inside the WHERE (DuckDB\'s FROM-first subquery) makes it no predicate', () => {
    const r = parse('SELECT * FROM customer_trusted WHERE email IN (FROM accelerometer_trusted SELECT user)');
    expect([r.tables, r.predicate]).toEqual([['customer_trusted', 'accelerometer_trusted'], undefined]);
  });

  it('clauses beyond WHERE make a rule no predicate; a keyword after a dot is a column', () => {
    for (const tail of ['OFFSET 5', 'USING SAMPLE 10', 'WINDOW w AS (ORDER BY email)', 'QUALIFY true', 'INTERSECT SELECT * FROM customer_trusted', 'LIMIT 3']) {
      expect([tail, parse(`SELECT * FROM customer_trusted WHERE phone IS NULL ${tail}`).predicate]).toEqual([tail, undefined]);
    }
    expect(parse('SELECT * FROM customer_trusted c WHERE c.limit > 1 OR c.from IS NULL').predicate).toEqual({ table: 'customer_trusted', alias: 'c', where: 'c.limit > 1 OR c.from IS NULL' });
    // Words that are keywords only in some places: a column called sample, an IN over VALUES.
    expect(parse("SELECT * FROM customer_trusted WHERE sample IS NULL OR phone IN (VALUES ('1'), ('2'))").predicate).toEqual({ table: 'customer_trusted', alias: undefined, where: "sample IS NULL OR phone IN (VALUES ('1'), ('2'))" });
  });

  it("a rule's SQL ends at its last token of meaning: a final ; , ;; or comment is cut, so nothing wrapped around it is swallowed", () => {
    for (const end of [';', ' ;;', '; -- done', ' -- done', '\n-- done\n', ' /* done */ ;']) {
      const r = parse(`SELECT c.email FROM customer_trusted c GROUP BY c.email HAVING count(*) > 1${end}`);
      expect([JSON.stringify(end), r.sql]).toEqual([JSON.stringify(end), 'SELECT c.email FROM customer_trusted c GROUP BY c.email HAVING count(*) > 1']);
    }
  });

  it('a comma join reads both tables: the audit is the later zone of the two', () => {
    const r = parse('SELECT c.email FROM customer_trusted c, customer_curated k WHERE c.email = k.email AND c.phone IS NULL');
    expect([r.tables, r.zone, r.predicate]).toEqual([['customer_trusted', 'customer_curated'], 'curated', undefined]);
  });

  it('SQL that cannot be read is an error at the rule\'s SQL line, saying what is unterminated', () => {
    expect(() => parse("SELECT * FROM customer_trusted WHERE email = 'x")).toThrow(new RuleFileError(FILE, 3, 'unterminated string starting at column 46'));
    // On a later line of the SQL, the SQL indented: the file's own line and column.
    expect(() => parse("  SELECT *\n  FROM customer_trusted\n  WHERE email = 'x")).toThrow(new RuleFileError(FILE, 5, 'unterminated string starting at column 17'));
  });
});

describe('the gate binds and requalifies by tokens', () => {
  it("a predicate whose string holds the alias followed by a dot counts the rows it names: '%@c.com' is not rewritten", async () => {
    const rule = parse("SELECT * FROM customer_trusted c WHERE c.email LIKE '%@c.com'");
    expect(await gateOn(rule, customer('eve@c.com', SERIAL_A))).toEqual([['r', 'fail', 1, 3]]);
  });

  it('a set rule ending in a comment is evaluated, not swallowed by the query wrapped around it', async () => {
    const rule = parse('SELECT c.serialNumber FROM customer_trusted c GROUP BY c.serialNumber HAVING count(*) > 1 -- one customer per serial number');
    expect((await gateOn(rule, customer('eve@x.com', SERIAL_A))).map(([name, status, failing]) => [name, status, failing])).toEqual([['r', 'fail', 1]]);
  });

  it('binding leaves a table name inside a string as it is', () => {
    expect(bindTables("SELECT 'customer_trusted' AS t FROM customer_trusted WHERE note <> 'from customer_trusted'", (t) => (t === 'customer_trusted' ? '"trusted"."customer_trusted"' : undefined))).toBe(
      `SELECT 'customer_trusted' AS t FROM "trusted"."customer_trusted" WHERE note <> 'from customer_trusted'`,
    );
  });
});

describe('transforms read by tokens', () => {
  /** A copy of the catalog with one transform replaced. */
  function catalogWith(file: string, sql: string) {
    const root = tempDir();
    for (const d of ['ddl', 'glue', 'quality-rules', 'config']) cpSync(join(PROJECT_ROOT, d), join(root, d), { recursive: true });
    writeFileSync(join(root, file), sql);
    return root;
  }

  it('a comma join names both inputs', () => {
    const root = catalogWith(
      'glue/sql/curated/customer_curated.sql',
      'SELECT DISTINCT c.* FROM customer_trusted c, accelerometer_trusted a WHERE c.email = a.user',
    );
    const t = loadCatalog(root).transforms.find((x) => x.table.name === 'customer_curated')!;
    expect(t.inputs).toEqual(['customer_trusted', 'accelerometer_trusted']);
  });

  it('a schema-qualified table is refused, saying to name it bare', () => {
    const root = catalogWith('glue/sql/curated/customer_curated.sql', 'SELECT * FROM trusted.customer_trusted');
    expect(() => loadCatalog(root)).toThrow(
      new CatalogError('glue/sql/curated/customer_curated.sql: reads unknown table(s) trusted.customer_trusted (name tables bare, as ddl/ declares them: each engine binds them to its own schema)'),
    );
  });

  it('an accounting query reading a table the catalog lacks is refused when the catalog loads, naming its file', () => {
    const root = catalogWith('quality-rules/accounting/customer.sql', 'SELECT \'trusted\' AS outcome, count(*) AS records FROM customer_landing, customer_archive');
    expect(() => loadCatalog(root)).toThrow(new CatalogError('quality-rules/accounting/customer.sql: reads unknown table(s) customer_archive'));
  });

  it('a file read as a table is an unknown table, without the hint meant for qualified names', () => {
    const root = catalogWith('glue/sql/curated/customer_curated.sql', "SELECT * FROM 'landing/customer.json'");
    expect(() => loadCatalog(root)).toThrow(new CatalogError('glue/sql/curated/customer_curated.sql: reads unknown table(s) landing/customer.json'));
    const qualified = catalogWith('quality-rules/accounting/customer.sql', "SELECT 'trusted' AS outcome, count(*) AS records FROM main.customer_landing");
    expect(() => loadCatalog(qualified)).toThrow(new CatalogError('quality-rules/accounting/customer.sql: reads unknown table(s) main.customer_landing (name tables bare, as ddl/ declares them: each engine binds them to its own schema)'));
  });

  it('a transform that cannot be read names its file', () => {
    const root = catalogWith('glue/sql/curated/customer_curated.sql', "SELECT * FROM customer_trusted WHERE email = 'x");
    expect(() => loadCatalog(root)).toThrow(new CatalogError('glue/sql/curated/customer_curated.sql:1: unterminated string starting at column 46'));
  });
});
