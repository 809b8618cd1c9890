// The personal-data lineage of columns, traced through DuckDB's own parse trees back to the `pii`
// annotations of ddl/: what a rule derives from personal data is personal (aliases included), and
// whatever the tracer cannot follow counts as personal (fail closed).
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { deriveCatalogLineage, isPersonal, traceQuery, type CatalogLineage, type QueryLineage } from '../../src/catalog/column-lineage';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { duckDbParseTree } from '../../src/engine/duckdb-parse-tree';
import { copyCatalogFolders } from '../support/project-copy';

const catalog = loadCatalog();
let engine: DuckDbEngine;
let lineage: CatalogLineage;

beforeAll(async () => {
  engine = await DuckDbEngine.open();
  lineage = await deriveCatalogLineage(catalog, duckDbParseTree(engine));
});
afterAll(async () => {
  await engine.close();
});

/** Each output column as `name` or `*name` when it may be personal, `?name` when it cannot be traced. */
async function traced(sql: string): Promise<string[] | string> {
  const q: QueryLineage = await traceQuery(sql, lineage, duckDbParseTree(engine));
  if ('unknown' in q) return `unknown: ${q.unknown}`;
  return q.columns.map((c) => `${c.unknown.length ? '?' : isPersonal(c) ? '*' : ''}${c.name ?? '(unnamed)'}`);
}

describe('table lineage, derived once per loaded catalog', () => {
  it('every column a transform derives from personal data is annotated pii in ddl/ (and the rest are not)', () => {
    expect(lineage.unannotated).toEqual([]);
    for (const t of catalog.tables.values()) {
      const effective = lineage.tables[t.name].map((c) => [c.name, isPersonal(c)]);
      expect([t.name, effective]).toEqual([t.name, t.columns.map((c) => [c.name, c.pii])]);
    }
  });

  it('a curated column traces back to the landing column it came from', () => {
    const user = lineage.tables.machine_learning_curated.find((c) => c.name === 'user')!;
    expect(user.sources).toEqual(['accelerometer_landing.user', 'accelerometer_trusted.user', 'machine_learning_curated.user']);
    expect(lineage.tables.machine_learning_curated.find((c) => c.name === 'serialNumber')!.sources).toEqual([]);
  });

  it('is computed once for a loaded catalog', async () => {
    const parsed: number[] = [];
    const counting = duckDbParseTree(engine);
    const fresh = loadCatalog();
    const first = deriveCatalogLineage(fresh, (sqls) => (parsed.push(sqls.length), counting(sqls)));
    const second = deriveCatalogLineage(fresh, (sqls) => (parsed.push(sqls.length), counting(sqls)));
    expect(second).toBe(first);
    await first;
    // One parse of every transform, in one round trip.
    expect(parsed).toEqual([fresh.transforms.length]);
  });

  it('a transform that derives an unannotated column from personal data: the column is personal all the same, and named', async () => {
    const root = copyCatalogFolders();
    // customer_curated gains a contact column computed from the email; its DDL forgets `pii`.
    const ddl = join(root, 'ddl', 'curated', 'customer_curated.sql');
    writeFileSync(ddl, readFileSync(ddl, 'utf8').replace("`shareWithFriendsAsOfDate`  BIGINT COMMENT 'epoch milliseconds'", "`shareWithFriendsAsOfDate`  BIGINT COMMENT 'epoch milliseconds',\n  `contact` STRING COMMENT 'where to reach the customer'"));
    const sql = join(root, 'glue', 'sql', 'curated', 'customer_curated.sql');
    writeFileSync(sql, readFileSync(sql, 'utf8').replace('c.shareWithFriendsAsOfDate\n', "c.shareWithFriendsAsOfDate,\n  lower(split_part(c.email, '@', 1)) AS contact\n"));
    appendFileSync(sql, '');
    const changed = await deriveCatalogLineage(loadCatalog(root), duckDbParseTree(engine));
    expect(changed.unannotated).toEqual([
      { table: 'customer_curated', column: 'contact', sources: ['customer_landing.email', 'customer_trusted.email'], unknown: [] },
    ]);
    expect(isPersonal(changed.tables.customer_curated.find((c) => c.name === 'contact')!)).toBe(true);
  });
});

describe('query lineage: what a rule derives from personal data is personal', () => {
  it.each([
    ['a pii column', 'SELECT c.email, c.serialNumber FROM customer_trusted c', ['*email', 'serialNumber']],
    ['an alias of one', 'SELECT c.email AS contact FROM customer_trusted c', ['*contact']],
    ['an aggregate of one (MIN, MAX, string_agg)', 'SELECT MIN(l.email) AS first_email, string_agg(l.phone) AS phones FROM customer_landing l', ['*first_email', '*phones']],
    ['a count of one: discloses nothing', 'SELECT COUNT(DISTINCT l.email) AS customers, COUNT(*) AS n FROM customer_landing l', ['customers', 'n']],
    ['a function of one', "SELECT upper(c.customerName) AS n, c.email || '!' AS e, length(c.phone) AS l FROM customer_trusted c", ['*n', '*e', '*l']],
    ['a CASE on one: it tells something about it', "SELECT CASE WHEN c.email LIKE 'a%' THEN 1 ELSE 0 END AS a FROM customer_trusted c", ['*a']],
    ['a scalar subquery reading one', 'SELECT (SELECT MAX(t.email) FROM customer_trusted t WHERE t.serialNumber = s.serialNumber) AS owner FROM step_trainer_trusted s', ['*owner']],
    ['EXISTS over one: its filter decides the value', 'SELECT EXISTS (SELECT 1 FROM customer_trusted t WHERE t.email = a.user) AS known, a.x FROM accelerometer_trusted a', ['*known', 'x']],
    ['a column of a derived table, by name', 'SELECT d.who, d.serialNumber FROM (SELECT c.email AS who, c.serialNumber FROM customer_trusted c) d', ['*who', 'serialNumber']],
    ['a CTE and its column aliases', 'WITH x (e, s) AS (SELECT c.email, c.serialNumber FROM customer_trusted c) SELECT x.e, x.s FROM x', ['*e', 's']],
    ['a set operation, position by position', 'SELECT c.serialNumber AS v FROM customer_trusted c UNION ALL SELECT a.user FROM accelerometer_trusted a', ['*v']],
    ['* over a join, in order', 'SELECT * FROM step_trainer_trusted s JOIN accelerometer_trusted a ON a.timestamp = s.sensorReadingTime', ['sensorReadingTime', 'serialNumber', 'distanceFromObject', '*user', 'timestamp', 'x', 'y', 'z']],
    ['rel.* and * EXCLUDE', 'SELECT a.* EXCLUDE (user) FROM accelerometer_trusted a', ['timestamp', 'x', 'y', 'z']],
    ['a struct field of one', "SELECT {'e': c.email}.e AS e FROM customer_trusted c", ['*e']],
    ['a select-list alias reused', 'SELECT c.email AS e, e AS again FROM customer_trusted c', ['*e', '*again']],
    ['a window over one', 'SELECT ROW_NUMBER() OVER (PARTITION BY c.email) AS n, COUNT(*) OVER (PARTITION BY c.email) AS k FROM customer_trusted c', ['*n', 'k']],
    ['constants', "SELECT 1 AS one, 'x' AS two", ['one', 'two']],
  ])('%s', async (_what, sql, want) => {
    expect(await traced(sql)).toEqual(want);
  });
});

describe('query lineage fails closed: what cannot be traced counts as personal', () => {
  it.each([
    ['a column that resolves to nothing', 'SELECT c.nosuch FROM customer_trusted c', ['?nosuch']],
    ['a table not in ddl/', 'SELECT t.a FROM elsewhere t', ['?a']],
    ['a table function', "SELECT t.a FROM read_csv('x.csv') t", ['?a']],
    ['a lambda', 'SELECT list_transform([c.phone], x -> x) AS p FROM customer_trusted c', ['?p']],
    ['a recursive CTE', 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT n FROM r', ['?n']],
  ])('%s', async (_what, sql, want) => {
    expect(await traced(sql)).toEqual(want);
  });

  it.each([
    ['* over a table function', "SELECT * FROM read_parquet('x.parquet')", /^unknown: \* over a FROM item of type TABLE_FUNCTION/],
    ['* over a JOIN ... USING (it merges columns)', 'SELECT * FROM customer_trusted a JOIN customer_curated b USING (email)', /^unknown: \* over a JOIN \.\.\. USING/],
    ['COLUMNS(...)', "SELECT COLUMNS('e.*') FROM customer_trusted", /^unknown: COLUMNS/],
    ['SQL that does not parse', 'SELEC email FROM customer_trusted', /^unknown: the SQL does not parse: syntax error/],
    ['a statement that is no SELECT', 'DROP VIEW customer_trusted', /^unknown: the SQL does not parse: Only SELECT statements/],
  ])('%s', async (_what, sql, want) => {
    expect(await traced(sql)).toMatch(want);
  });
});
