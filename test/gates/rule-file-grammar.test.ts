// The rule-file grammar case by case (issue 19: the header and predicate patterns, the tolerance
// forms and the rules folder were each breakable unnoticed). Every case states the whole parse.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { loadRules, parseRule, parseTolerance, RuleFileError } from '../../src/gates/rule-file';

const catalog = loadCatalog();
const FILE = 'quality-rules/rules/r.sql';
const parse = (text: string) => parseRule(text, FILE, catalog);
const fails = (text: string) => {
  try {
    parse(text);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleFileError);
    return (e as Error).message;
  }
  throw new Error('parsed');
};
const HEAD = '-- severity: error\n-- description: d\n';

describe('rule-file headers', () => {
  it('spacing and case around a header key do not matter; the value is trimmed', () => {
    const r = parse('--severity:warn\n--   Tolerance   :   3   \n-- DESCRIPTION :  phones are unique  \nSELECT c.phone FROM customer_trusted c');
    expect([r.severity, r.tolerance, r.description, r.sqlLine]).toEqual(['warn', { rows: 3 }, 'phones are unique', 4]);
  });

  it('blank lines inside the header are skipped and lines are counted from the top of the file', () => {
    const r = parse('\n-- severity: warn\n\n-- description: d\n\n\nSELECT 1 FROM customer_trusted\n');
    expect([r.sqlLine, r.sql]).toEqual([7, 'SELECT 1 FROM customer_trusted']);
  });

  it('a file written with CRLF line endings reads as with LF', () => {
    const r = parse('-- severity: warn\r\n-- description: line one\r\n-- line two\r\nSELECT 1 FROM customer_trusted\r\n');
    expect([r.severity, r.description, r.sqlLine, r.sql]).toEqual(['warn', 'line one line two', 4, 'SELECT 1 FROM customer_trusted']);
  });

  it('a description continues over comment lines (one space after -- dropped), a comment before it does not join it', () => {
    const r = parse('-- severity: warn\n-- a note for the author\n-- description: readings are\n--plausible\n--   and recent\nSELECT 1 FROM customer_trusted');
    expect(r.description).toBe('readings are plausible   and recent');
  });

  it('a line that reads as a header after the description is a header, not more description', () => {
    expect(parse('-- description: d\n-- severity: warn\nSELECT 1 FROM customer_trusted')).toMatchObject({ description: 'd', severity: 'warn' });
    expect(fails('-- description: d\n-- owner: me\nSELECT 1 FROM customer_trusted')).toBe(`${FILE}:2: unknown header "owner"; expected severity, tolerance, description`);
  });

  it('a header given twice is refused at its second line, whatever its case', () => {
    expect(fails('-- severity: warn\n-- description: d\n-- Severity: error\nSELECT 1 FROM customer_trusted')).toBe(`${FILE}:3: header "severity" is given twice`);
  });

  it('an empty description is missing', () => {
    expect(fails('-- severity: warn\n-- description:\nSELECT 1 FROM customer_trusted')).toBe(`${FILE}:1: missing "-- description: ..." header`);
  });

  it('a severity is one of the two words exactly', () => {
    expect(fails('-- severity: Error\n-- description: d\nSELECT 1 FROM customer_trusted')).toBe(`${FILE}:1: severity must be one of error, warn (got "Error")`);
    expect(fails('-- description: d\n-- severity: errors\nSELECT 1 FROM customer_trusted')).toBe(`${FILE}:2: severity must be one of error, warn (got "errors")`);
  });

  it('without a tolerance header a rule allows no failing row', () => {
    expect(parse(`${HEAD}SELECT 1 FROM customer_trusted`).tolerance).toEqual({ rows: 0 });
  });
});

describe('rule-file tolerances', () => {
  const cases: [string, object][] = [
    ['0', { rows: 0 }],
    ['25', { rows: 25 }],
    ['0%', { share: 0 }],
    ['0.5%', { share: 0.005 }],
    ['2 %', { share: 0.02 }],
    ['100%', { share: 1 }],
    ['0.25%', { share: 0.0025 }],
  ];
  for (const [text, tolerance] of cases) it(`"${text}" is ${JSON.stringify(tolerance)}`, () => expect(parseTolerance(text, FILE, 2)).toEqual(tolerance));

  const refused: [string, string][] = [
    ['100.5%', `${FILE}:2: tolerance 100.5% is over 100%`],
    ['1.5', `${FILE}:2: tolerance must be a row count (e.g. 0) or a share (e.g. 0.5%), got "1.5"`],
    ['-1', `${FILE}:2: tolerance must be a row count (e.g. 0) or a share (e.g. 0.5%), got "-1"`],
    ['5 rows', `${FILE}:2: tolerance must be a row count (e.g. 0) or a share (e.g. 0.5%), got "5 rows"`],
    ['x5%', `${FILE}:2: tolerance must be a row count (e.g. 0) or a share (e.g. 0.5%), got "x5%"`],
    ['5%%', `${FILE}:2: tolerance must be a row count (e.g. 0) or a share (e.g. 0.5%), got "5%%"`],
    ['.5%', `${FILE}:2: tolerance must be a row count (e.g. 0) or a share (e.g. 0.5%), got ".5%"`],
    ['5.%', `${FILE}:2: tolerance must be a row count (e.g. 0) or a share (e.g. 0.5%), got "5.%"`],
  ];
  for (const [text, message] of refused) {
    it(`"${text}" is refused`, () => {
      expect(() => parseTolerance(text, FILE, 2)).toThrow(RuleFileError);
      expect(() => parseTolerance(text, FILE, 2)).toThrow(message);
    });
  }

  it('a share tolerance on a rule that is no predicate names the tolerance line', () => {
    expect(fails('-- severity: warn\n-- description: d\n-- tolerance: 1%\nSELECT * FROM customer_trusted c WHERE c.email IN (SELECT a.user FROM accelerometer_trusted a)')).toBe(
      `${FILE}:3: a share tolerance needs a rule of the form SELECT * FROM <table> WHERE <predicate>`,
    );
  });
});

describe('rule-file statements', () => {
  it('a WITH query is a rule; a trailing ";" and the space around the SQL go', () => {
    const r = parse(`${HEAD}\n  WITH p AS (SELECT c.phone FROM customer_trusted c) SELECT * FROM p ;  \n\n`);
    expect([r.sql, r.sqlLine, r.tables, r.predicate]).toEqual(['WITH p AS (SELECT c.phone FROM customer_trusted c) SELECT * FROM p', 4, ['customer_trusted'], undefined]);
  });

  it('SELECT in any case is a rule; a word that starts with SELECT is not', () => {
    expect(parse(`${HEAD}select 1 from customer_trusted`).sql).toBe('select 1 from customer_trusted');
    expect(fails(`${HEAD}SELECTED FROM customer_trusted`)).toBe(`${FILE}:3: a rule is a SELECT (or WITH ... SELECT) returning the failing rows`);
    expect(fails(`${HEAD}WITHOUT FROM customer_trusted`)).toBe(`${FILE}:3: a rule is a SELECT (or WITH ... SELECT) returning the failing rows`);
    // DuckDB's FROM-first form holds a SELECT, but not at the start: Athena has no such form.
    expect(fails(`${HEAD}FROM customer_trusted SELECT email`)).toBe(`${FILE}:3: a rule is a SELECT (or WITH ... SELECT) returning the failing rows`);
  });

  it('a file of headers only has no SELECT, said at the line after them', () => {
    expect(fails('-- severity: error\n-- description: d')).toBe(`${FILE}:3: a rule is a SELECT (or WITH ... SELECT) returning the failing rows`);
  });

  it('header lines may be indented', () => {
    const r = parse('  -- severity: warn\n\t-- description: d\n  SELECT 1 FROM customer_trusted');
    expect([r.severity, r.description, r.sqlLine, r.sql]).toEqual(['warn', 'd', 3, 'SELECT 1 FROM customer_trusted']);
  });

  it('its errors are RuleFileError by name, which the command line prints', () => {
    expect(() => parse('SELECT 1 FROM customer_trusted')).toThrow(expect.objectContaining({ name: 'RuleFileError' }));
  });

  it('a ";" inside a string or a comment is not a second statement; one outside is, on any line', () => {
    expect(parse(`${HEAD}SELECT * FROM customer_trusted c WHERE c.customerName = 'a;b'`).predicate?.where).toBe("c.customerName = 'a;b'");
    expect(parse(`${HEAD}SELECT * FROM customer_trusted c -- one; two\nWHERE c.email IS NULL`).predicate).toEqual({ table: 'customer_trusted', alias: 'c', where: 'c.email IS NULL' });
    expect(fails(`${HEAD}SELECT 1 FROM customer_trusted;\nSELECT 2 FROM customer_trusted`)).toBe(`${FILE}:3: a rule is one statement; remove the extra ";"`);
  });

  it('a rule that reads no table is refused, and every unknown table is named', () => {
    expect(fails(`${HEAD}SELECT 1`)).toBe(`${FILE}:3: the rule reads no table`);
    expect(fails(`${HEAD}SELECT * FROM customers c JOIN orders o ON o.id = c.id`)).toBe(`${FILE}:3: unknown table(s) customers, orders; tables are defined in ddl/`);
  });

  it('the audit of a rule is the latest zone it reads: trusted, or curated when any table is curated', () => {
    expect(parse(`${HEAD}SELECT 1 FROM customer_trusted c JOIN accelerometer_trusted a ON a.user = c.email`).zone).toBe('trusted');
    expect(parse(`${HEAD}SELECT 1 FROM customer_trusted t JOIN customer_curated c ON c.email = t.email`).zone).toBe('curated');
  });

  it('the result carries the name, file and SQL as read', () => {
    const r = parseRule(`${HEAD}SELECT 1 FROM customer_trusted`, 'quality-rules/rules/phones_unique.sql', catalog);
    expect(r).toEqual({
      name: 'phones_unique',
      file: 'quality-rules/rules/phones_unique.sql',
      sqlLine: 3,
      severity: 'error',
      tolerance: { rows: 0 },
      description: 'd',
      sql: 'SELECT 1 FROM customer_trusted',
      tables: ['customer_trusted'],
      zone: 'trusted',
    });
  });
});

describe('predicate rules (one scan per table)', () => {
  const predicates: [string, object][] = [
    ['SELECT * FROM customer_trusted WHERE email IS NULL', { table: 'customer_trusted', alias: undefined, where: 'email IS NULL' }],
    ['SELECT * FROM customer_trusted AS c WHERE c.email IS NULL', { table: 'customer_trusted', alias: 'c', where: 'c.email IS NULL' }],
    ['select  *  from customer_trusted c where c.email is null;', { table: 'customer_trusted', alias: 'c', where: 'c.email is null' }],
    ['SELECT *\nFROM customer_trusted c\nWHERE c.email IS NULL\n  OR c.phone = \'\'', { table: 'customer_trusted', alias: 'c', where: "c.email IS NULL\n  OR c.phone = ''" }],
    ['SELECT * FROM customer_trusted c -- the unset ones\nWHERE c.email IS NULL -- none expected', { table: 'customer_trusted', alias: 'c', where: 'c.email IS NULL' }],
    ['SELECT * FROM customer_trusted c WHERE c.customerName LIKE \'%ordered%\'', { table: 'customer_trusted', alias: 'c', where: "c.customerName LIKE '%ordered%'" }],
  ];
  for (const [sql, predicate] of predicates) it(`${JSON.stringify(sql)} is a predicate rule`, () => expect(parse(HEAD + sql).predicate).toEqual(predicate));

  const notPredicates = [
    'SELECT c.email FROM customer_trusted c WHERE c.email IS NULL',
    'SELECT * FROM customer_trusted c JOIN accelerometer_trusted a ON a.user = c.email WHERE a.x > 1',
    'SELECT * FROM customer_trusted c WHERE c.email IS NULL GROUP BY c.email',
    'SELECT * FROM customer_trusted c WHERE c.email IS NULL GROUP  BY c.email',
    'SELECT * FROM customer_trusted c WHERE c.email IS NOT NULL HAVING count(*) > 1',
    'SELECT * FROM customer_trusted c WHERE c.email IS NULL ORDER BY c.email',
    'SELECT * FROM customer_trusted c WHERE c.email IS NULL LIMIT 5',
    'SELECT * FROM customer_trusted c WHERE c.email IS NULL UNION SELECT * FROM customer_trusted d WHERE d.phone IS NULL',
    'SELECT * FROM customer_trusted c WHERE row_number() OVER (PARTITION BY c.email) > 1',
    'SELECT * FROM customer_trusted c WHERE EXISTS (SELECT 1 FROM customer_curated d WHERE d.email = c.email)',
    'WITH c AS (SELECT * FROM customer_trusted) SELECT * FROM c WHERE c.email IS NULL',
    'SELECT * FROM customer_trusted c, accelerometer_trusted a WHERE a.user = c.email',
    // No WHERE, or nothing after it.
    'SELECT * FROM customer_trusted',
    'SELECT * FROM customer_trusted c LIMIT 1',
    'SELECT * FROM customer_trusted c WHERE',
    'SELECT * FROM customer_trusted AS',
    // Not SELECT * FROM <table>: a column list, a quoted or non-ASCII alias, WITH, a second table inside.
    'SELECT email FROM customer_trusted WHERE email IS NULL',
    'WITH * FROM customer_trusted WHERE email IS NULL',
    'SELECT * FROM customer_trusted AS "c" WHERE "c".email IS NULL',
    'SELECT * FROM customer_trusted "where" WHERE "where".email IS NULL',
    'SELECT * FROM customer_trusted éa WHERE éa.email IS NULL',
    'SELECT * FROM customer_trusted aé WHERE aé.email IS NULL',
    'SELECT * FROM customer_trusted AS éa WHERE éa.email IS NULL',
    'SELECT * FROM customer_trusted c WHERE EXISTS (FROM accelerometer_trusted a)',
    'SELECT * FROM customer_trusted c WHERE (c.email IS NULL) ORDER BY c.email',
    // Each word that makes a WHERE more than a row's predicate, alone in its rule.
    "SELECT * FROM customer_trusted c WHERE c.email IN (SELECT 'a@b.co')",
    'SELECT * FROM customer_trusted c WHERE EXISTS (FROM (VALUES (1)) a(x) JOIN (VALUES (1)) b(y) ON a.x = b.y)',
    'SELECT * FROM customer_trusted c WHERE c.serialNumber IS NULL WINDOW w AS (PARTITION BY c.email)',
    'SELECT * FROM customer_trusted c WHERE c.email IS NULL UNION VALUES (1)',
    'SELECT * FROM customer_trusted c WHERE c.email IS NULL INTERSECT VALUES (1)',
    'SELECT * FROM customer_trusted c WHERE c.email IS NULL EXCEPT VALUES (1)',
    'SELECT * FROM customer_trusted c WHERE EXISTS (FROM (VALUES (1)) v(x) TABLESAMPLE 1 ROWS)',
    'SELECT * FROM customer_trusted c WHERE EXISTS (TABLE customer_trusted)',
    'SELECT * FROM customer_trusted c WHERE EXISTS (PIVOT (VALUES (1, 2)) v(a, b) ON a)',
    'SELECT * FROM customer_trusted c WHERE EXISTS (UNPIVOT (VALUES (1, 2)) v(a, b) ON a, b INTO NAME k VALUE x)',
    'SELECT * FROM customer_trusted c WHERE c.email IS NULL RETURNING *',
  ];
  for (const sql of notPredicates) it(`${JSON.stringify(sql)} is a set rule`, () => expect(parse(HEAD + sql).predicate).toBeUndefined());

  it('a keyword after a dot is a column', () => {
    expect(parse(`${HEAD}SELECT * FROM customer_trusted c WHERE c.window IS NULL OR c.limit > 0`).predicate).toEqual({ table: 'customer_trusted', alias: 'c', where: 'c.window IS NULL OR c.limit > 0' });
  });

  it('a rule cut short after ORDER is read without a crash (DuckDB refuses it when the run checks the rules)', () => {
    expect(parse(`${HEAD}SELECT * FROM customer_trusted c WHERE c.email IS NULL ORDER`).predicate?.where).toBe('c.email IS NULL ORDER');
  });

  it('a table without an alias is not read as aliased "WHERE"', () => {
    expect(parse(`${HEAD}SELECT * FROM customer_trusted where where_flag`).predicate).toEqual({ table: 'customer_trusted', alias: undefined, where: 'where_flag' });
    expect(parse(`${HEAD}SELECT * FROM customer_trusted WHERE WHERE x`).predicate).toBeUndefined();
  });

  it('a rule without a predicate carries no predicate key', () => {
    expect(Object.keys(parse(`${HEAD}SELECT c.phone FROM customer_trusted c GROUP BY c.phone`))).not.toContain('predicate');
  });
});

describe('the rules folder', () => {
  const folder = () => {
    const root = mkdtempSync(join(tmpdir(), 'stedi-rules-'));
    const dir = join(root, 'quality-rules', 'rules');
    mkdirSync(dir, { recursive: true });
    return { root, dir };
  };

  it('reads the .sql files only, in name order, each named by its path under the catalog root', () => {
    const { root, dir } = folder();
    writeFileSync(join(dir, 'b_rule.sql'), `${HEAD}SELECT 1 FROM customer_trusted`);
    writeFileSync(join(dir, 'a_rule.sql'), `${HEAD}SELECT 2 FROM customer_trusted`);
    writeFileSync(join(dir, 'notes.md'), 'not a rule');
    writeFileSync(join(dir, 'c_rule.sql.bak'), 'SELECT nonsense');
    const rules = loadRules({ ...catalog, root });
    expect(rules.map((r) => [r.name, r.file, r.sql])).toEqual([
      ['a_rule', 'quality-rules/rules/a_rule.sql', 'SELECT 2 FROM customer_trusted'],
      ['b_rule', 'quality-rules/rules/b_rule.sql', 'SELECT 1 FROM customer_trusted'],
    ]);
  });

  it('name order is the same on every file system: JavaScript order, not the bytes a directory lists', () => {
    const { root, dir } = folder();
    // In UTF-8 bytes U+FF5A comes before U+1F600; in UTF-16 code units, after it.
    for (const name of ['ｚ', '😀', 'b']) writeFileSync(join(dir, `${name}.sql`), `${HEAD}SELECT 1 FROM customer_trusted`);
    expect(loadRules({ ...catalog, root }).map((r) => r.name)).toEqual(['b', '😀', 'ｚ']);
  });

  it('a catalog without a rules folder has no rules; a broken rule names its own file', () => {
    const { root, dir } = folder();
    expect(loadRules({ ...catalog, root }, join(root, 'nowhere'))).toEqual([]);
    writeFileSync(join(dir, 'broken.sql'), '-- severity: warn\nSELECT 1 FROM customer_trusted');
    expect(() => loadRules({ ...catalog, root })).toThrow('quality-rules/rules/broken.sql:1: missing "-- description: ..." header');
  });
});
