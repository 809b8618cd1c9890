// The SQL token reader held to DuckDB's own parser: for the catalog's SQL and for hostile forms
// (keywords in strings and comments, FROM inside EXTRACT and TRIM, IS DISTINCT FROM, comma joins,
// quoted and qualified names, CTEs in and out of scope, table functions), the tables it finds are
// the BASE_TABLE references of json_serialize_sql's tree, and binding them changes nothing else
// in that tree.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { duckDbParseTree } from '../../src/engine/duckdb-parse-tree';
import { bindTableRefs, hasSecondStatement, referencedTables, requalify, SqlTextError, sqlTokens, tableRefs, withoutComments } from '../../src/catalog/sql-text';
import { PROJECT_ROOT } from '../../src/catalog/registry';

type Json = Record<string, unknown>;
const isNode = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Scopes as DuckDB binds CTEs: a CTE's name is visible in its WITH's query and in the CTEs after
 * it; inside its own body only when it recurses (a RECURSIVE_CTE_NODE).
 */
function cteScopes(node: Json, scope: ReadonlySet<string>): { query: ReadonlySet<string>; bodies: [Json, ReadonlySet<string>][] } {
  const map = isNode(node.cte_map) && Array.isArray(node.cte_map.map) ? (node.cte_map.map as Json[]) : [];
  const keys = map.map((e) => String(e.key).toLowerCase());
  const bodies = map.map((e, i): [Json, ReadonlySet<string>] => {
    const recursive = isNode(e.value) && isNode(e.value.query) && isNode(e.value.query.node) && e.value.query.node.type === 'RECURSIVE_CTE_NODE';
    return [e, new Set([...scope, ...keys.slice(0, i), ...(recursive ? [keys[i]] : [])])];
  });
  return { query: keys.length ? new Set([...scope, ...keys]) : scope, bodies };
}

/** The oracle: BASE_TABLE names of DuckDB's tree, CTE names in scope left out, as a sorted set. */
function treeTables(tree: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, scope: ReadonlySet<string>) => {
    if (Array.isArray(v)) return v.forEach((x) => walk(x, scope));
    if (!isNode(v)) return;
    const { query: inner, bodies } = cteScopes(v, scope);
    if (v.type === 'BASE_TABLE' && typeof v.table_name === 'string') {
      const parts = [v.catalog_name, v.schema_name, v.table_name].filter((p) => typeof p === 'string' && p !== '') as string[];
      if (parts.length > 1 || !inner.has(v.table_name.toLowerCase())) found.add(parts.join('.'));
    }
    for (const [k, x] of Object.entries(v)) if (k !== 'cte_map') walk(x, inner);
    for (const [e, s] of bodies) walk(e.value, s);
  };
  walk(tree, new Set());
  return [...found].sort();
}

/** The tree without source offsets (binding moves them). */
function withoutLocations(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutLocations);
  if (!isNode(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'query_location').map(([k, x]) => [k, withoutLocations(x)]));
}

/** The tree with every unqualified BASE_TABLE named in `bound` (and no CTE in scope) given schema `schema`: what binding must do, and only that. */
function boundTree(tree: unknown, bound: ReadonlySet<string>, schema: string, scope: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(tree)) return tree.map((x) => boundTree(x, bound, schema, scope));
  if (!isNode(tree)) return tree;
  const { query: inner, bodies } = cteScopes(tree, scope);
  const out = Object.fromEntries(Object.entries(tree).map(([k, x]) => [k, k === 'cte_map' ? x : boundTree(x, bound, schema, inner)]));
  if (bodies.length) {
    out.cte_map = { ...(tree.cte_map as Json), map: bodies.map(([e, s]) => ({ ...e, value: boundTree(e.value, bound, schema, s) })) };
  }
  if (tree.type === 'BASE_TABLE' && tree.schema_name === '' && bound.has(String(tree.table_name)) && !inner.has(String(tree.table_name).toLowerCase())) out.schema_name = schema;
  return out;
}

function sqlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sqlFilesUnder(join(dir, e.name)) : e.name.endsWith('.sql') ? [join(dir, e.name)] : []));
}

const CATALOG_SQL = [join(PROJECT_ROOT, 'glue', 'sql'), join(PROJECT_ROOT, 'quality-rules')].flatMap(sqlFilesUnder);

/** Forms a regular expression misreads, and the tables DuckDB says they read. */
const HOSTILE: [string, string[]][] = [
  ['SELECT * FROM customer_trusted WHERE EXTRACT(year FROM birthDay) < 1900', ['customer_trusted']],
  ['SELECT trim(both FROM email) AS e, substring(email FROM 2 FOR 3) FROM customer_trusted', ['customer_trusted']],
  ['SELECT overlay(email PLACING \'x\' FROM 1) FROM customer_trusted', ['customer_trusted']],
  ['SELECT * FROM customer_trusted c, accelerometer_trusted a WHERE c.email = a.user', ['accelerometer_trusted', 'customer_trusted']],
  ['SELECT * FROM customer_trusted AS c , accelerometer_trusted AS a, step_trainer_trusted', ['accelerometer_trusted', 'customer_trusted', 'step_trainer_trusted']],
  ['SELECT * FROM customer_trusted /* FROM nothing */ WHERE 1 = 1', ['customer_trusted']],
  ['SELECT * FROM customer_trusted /* a /* nested */ FROM comment */', ['customer_trusted']],
  ["SELECT * FROM customer_trusted WHERE note = 'from x join y'", ['customer_trusted']],
  ["SELECT * FROM customer_trusted WHERE note = 'it''s from x'", ['customer_trusted']],
  ["SELECT * FROM customer_trusted WHERE note = E'\\' from x'", ['customer_trusted']],
  ['SELECT * FROM customer_trusted WHERE note = $$ from x $$', ['customer_trusted']],
  ['SELECT * FROM customer_trusted WHERE note = $t$ from x $t$', ['customer_trusted']],
  ['SELECT * FROM customer_trusted -- FROM x\nWHERE 1 = 1', ['customer_trusted']],
  ['SELECT * FROM "customer_trusted"', ['customer_trusted']],
  ['SELECT * FROM "odd ""name"""', ['odd "name"']],
  ['SELECT * FROM trusted.customer_trusted', ['trusted.customer_trusted']],
  ['SELECT * FROM "trusted"."customer_trusted" JOIN lake.trusted.x ON true', ['lake.trusted.x', 'trusted.customer_trusted']],
  ['SELECT * FROM (SELECT * FROM customer_trusted) AS t', ['customer_trusted']],
  ['SELECT * FROM (customer_trusted c JOIN accelerometer_trusted a ON c.email = a.user)', ['accelerometer_trusted', 'customer_trusted']],
  ['WITH x AS (SELECT 1) SELECT * FROM x JOIN customer_trusted USING (a)', ['customer_trusted']],
  ['WITH "X" AS (SELECT 1), y (c) AS MATERIALIZED (SELECT * FROM x) SELECT * FROM y, customer_trusted', ['customer_trusted']],
  ['WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT * FROM r', []],
  ['SELECT * FROM (WITH x AS (SELECT 1) SELECT * FROM x) s JOIN x ON true', ['x']],
  ['SELECT * FROM customer_trusted WHERE a IS DISTINCT FROM b AND c IS NOT DISTINCT FROM d', ['customer_trusted']],
  ['SELECT * FROM customer_trusted WHERE email IN (SELECT user FROM accelerometer_trusted)', ['accelerometer_trusted', 'customer_trusted']],
  ['SELECT * FROM customer_trusted c WHERE EXISTS (SELECT 1 FROM accelerometer_trusted a WHERE a.user = c.email)', ['accelerometer_trusted', 'customer_trusted']],
  ['SELECT coalesce((SELECT max(x) FROM step_trainer_trusted), 0) FROM customer_trusted', ['customer_trusted', 'step_trainer_trusted']],
  ["SELECT * FROM read_parquet('x.parquet') p JOIN customer_trusted c ON true", ['customer_trusted']],
  ['SELECT * FROM range(10) r, customer_trusted', ['customer_trusted']],
  ['SELECT * FROM customer_trusted JOIN accelerometer_trusted USING (email), step_trainer_trusted', ['accelerometer_trusted', 'customer_trusted', 'step_trainer_trusted']],
  ['SELECT * FROM customer_trusted LEFT JOIN accelerometer_trusted ON true CROSS JOIN step_trainer_trusted', ['accelerometer_trusted', 'customer_trusted', 'step_trainer_trusted']],
  ['SELECT * FROM customer_trusted ASOF JOIN accelerometer_trusted ON a >= b ANTI JOIN step_trainer_trusted USING (x)', ['accelerometer_trusted', 'customer_trusted', 'step_trainer_trusted']],
  ['SELECT a FROM customer_trusted UNION SELECT b FROM accelerometer_trusted EXCEPT SELECT c FROM step_trainer_trusted', ['accelerometer_trusted', 'customer_trusted', 'step_trainer_trusted']],
  ['FROM customer_trusted SELECT email', ['customer_trusted']],
  ['SELECT count(*) FILTER (WHERE x > 1), sum(x) OVER (PARTITION BY y ORDER BY z) FROM customer_trusted', ['customer_trusted']],
  ['SELECT * EXCLUDE (email) FROM customer_trusted WHERE x BETWEEN 1 AND 2 GROUP BY ALL ORDER BY 1 LIMIT 5', ['customer_trusted']],
  ['SELECT * FROM customer_trusted, LATERAL (SELECT * FROM accelerometer_trusted a WHERE a.x = 1)', ['accelerometer_trusted', 'customer_trusted']],
  ['SELECT * FROM customer_trusted t(a, b), accelerometer_trusted', ['accelerometer_trusted', 'customer_trusted']],
  ['SELECT CAST(x AS VARCHAR), x::INT, [1, 2], {\'a\': 1} FROM customer_trusted', ['customer_trusted']],
  ['SELECT * FROM customer_trusted WHERE x = $1', ['customer_trusted']],
  ['SELECT 1', []],
  ['SELECT * FROM Customer_Trusted', ['Customer_Trusted']],
  ['SELECT * FROM customer_trusted USING SAMPLE 10%', ['customer_trusted']],
  ['SELECT * FROM (VALUES (1), (2)) v(x), customer_trusted', ['customer_trusted']],
  // Found by review: keywords as column names after a dot, CTE scope as DuckDB binds it, spaces
  // beyond ASCII, files and TABLE as tables, UNPIVOT, commas in lists and structs, and more.
  ['SELECT m.from AS valid_from, m.to FROM customer_trusted m', ['customer_trusted']],
  ['SELECT * FROM customer_trusted c WHERE c.from IS NULL', ['customer_trusted']],
  ['SELECT * FROM customer_trusted c JOIN accelerometer_trusted a ON a.user = c.email AND a.order = 1, step_trainer_trusted s', ['accelerometer_trusted', 'customer_trusted', 'step_trainer_trusted']],
  ['WITH customer_trusted AS (SELECT * FROM customer_trusted WHERE x) SELECT * FROM customer_trusted', ['customer_trusted']],
  ['WITH x AS (SELECT * FROM y), y AS (SELECT 1) SELECT * FROM x', ['y']],
  ['WITH RECURSIVE a AS (SELECT * FROM a) SELECT * FROM a', ['a']],
  ['WITH RECURSIVE r USING KEY (k) AS (SELECT 1 AS k UNION SELECT k + 1 FROM r WHERE k < 3), s AS (SELECT * FROM r) SELECT * FROM s, customer_trusted', ['customer_trusted']],
  ['WITH a AS (SELECT 1) SELECT * FROM a; SELECT * FROM a', ['a']],
  ['SELECT *\u00a0FROM\u00a0customer_trusted\u00a0c JOIN\u3000accelerometer_trusted\u2003a ON true', ['accelerometer_trusted', 'customer_trusted']],
  ["SELECT * FROM 'landing/customer/*.json'", ['landing/customer/*.json']],
  ['TABLE customer_trusted', ['customer_trusted']],
  ['SELECT * FROM (TABLE accelerometer_trusted) t', ['accelerometer_trusted']],
  ['SELECT * FROM customer_trusted WHERE email IN (TABLE accelerometer_trusted)', ['accelerometer_trusted', 'customer_trusted']],
  ['SELECT a FROM customer_trusted EXCEPT TABLE accelerometer_trusted', ['accelerometer_trusted', 'customer_trusted']],
  ['UNPIVOT customer_trusted ON a, b INTO NAME k VALUE v', ['customer_trusted']],
  ['SELECT * FROM (UNPIVOT customer_trusted ON a, b INTO NAME k VALUE v) u', ['customer_trusted']],
  ['SELECT * FROM customer_trusted c JOIN accelerometer_trusted a ON [c.k1, c.k2] = [a.k1, a.k2], step_trainer_trusted', ['accelerometer_trusted', 'customer_trusted', 'step_trainer_trusted']],
  ['SELECT * FROM customer_trusted c JOIN accelerometer_trusted a ON c.s = {x: 1, y: 2}', ['accelerometer_trusted', 'customer_trusted']],
  ['SELECT * FROM customer_trusted -- c\rJOIN accelerometer_trusted ON true', ['accelerometer_trusted', 'customer_trusted']],
  ["SELECT $é$ it's from x $é$ FROM customer_trusted", ['customer_trusted']],
  ['SELECT * FROM customer_trusted TABLESAMPLE 10%, accelerometer_trusted', ['accelerometer_trusted', 'customer_trusted']],
];

describe('SQL tables: the token reader agrees with DuckDB', () => {
  let engine: DuckDbEngine;
  let trees: (sqls: readonly string[]) => Promise<unknown[]>;
  beforeAll(async () => {
    engine = await DuckDbEngine.open();
    trees = duckDbParseTree(engine);
  });
  afterAll(() => engine.close());

  it('on every transform, accounting query and rule of the catalog', async () => {
    expect(CATALOG_SQL.length).toBeGreaterThanOrEqual(20);
    const texts = CATALOG_SQL.map((f) => readFileSync(f, 'utf8'));
    const oracle = (await trees(texts)).map(treeTables);
    const ours = texts.map((s) => referencedTables(s).sort());
    expect(CATALOG_SQL.map((f, i) => [relative(PROJECT_ROOT, f), ours[i]])).toEqual(CATALOG_SQL.map((f, i) => [relative(PROJECT_ROOT, f), oracle[i]]));
  });

  it('on forms a regular expression misreads: the tables DuckDB says, as listed', async () => {
    const parsed = await trees(HOSTILE.map(([s]) => s));
    for (const [i, p] of parsed.entries()) expect([HOSTILE[i][0], (p as Json).error]).toEqual([HOSTILE[i][0], false]);
    expect(HOSTILE.map(([s], i) => [s, treeTables(parsed[i])])).toEqual(HOSTILE.map(([s, want]) => [s, [...want].sort()]));
    expect(HOSTILE.map(([s]) => [s, referencedTables(s).sort()])).toEqual(HOSTILE.map(([s, want]) => [s, [...want].sort()]));
  });

  it('each reference sits where DuckDB locates it, and spans the name as written', async () => {
    const locations = (tree: unknown): number[] => {
      const out: number[] = [];
      const walk = (v: unknown) => {
        if (Array.isArray(v)) return v.forEach(walk);
        if (!isNode(v)) return;
        if (v.type === 'BASE_TABLE') out.push(Number(v.query_location));
        Object.values(v).forEach(walk);
      };
      walk(tree);
      return out;
    };
    // DuckDB counts offsets in UTF-8 bytes: ASCII cases only.
    const cases = HOSTILE.filter(([s]) => !/WITH/i.test(s) && /^[\x00-\x7f]*$/.test(s)).map(([s]) => s);
    const parsed = await trees(cases);
    for (const [i, sql] of cases.entries()) {
      const refs = tableRefs(sql);
      expect([sql, refs.map((r) => r.start).sort((a, b) => a - b)]).toEqual([sql, locations(parsed[i]).sort((a, b) => a - b)]);
      for (const r of refs) expect(sql.slice(r.start, r.end).replace(/["']/g, '')).toBe(r.name.replace(/["']/g, ''));
    }
  });

  it('binding rewrites exactly the unqualified tables it resolves: the tree is otherwise the same', async () => {
    const known = new Set(['customer_trusted', 'accelerometer_trusted', 'step_trainer_trusted', 'x']);
    const sqls = [...HOSTILE.map(([s]) => s), ...CATALOG_SQL.map((f) => readFileSync(f, 'utf8'))];
    const bound = sqls.map((s) => bindTableRefs(s, (t) => (known.has(t) ? `"bound"."${t}"` : undefined)));
    const [before, after] = [await trees(sqls), await trees(bound)];
    for (const [i, sql] of sqls.entries()) {
      expect([sql, withoutLocations(after[i])]).toEqual([sql, withoutLocations(boundTree(before[i], new Set(treeTables(before[i]).filter((t) => known.has(t))), 'bound'))]);
    }
  });

  it('on generated queries: keywords in strings and comments, function FROMs, joins and subqueries in any mix', async () => {
    const table = fc.constantFrom('customer_trusted', 'accelerometer_trusted', '"step_trainer_trusted"', 'trusted.x', 'read_parquet(\'f\')', '(SELECT * FROM customer_curated)');
    const noise = fc.constantFrom(
      "'from y'",
      "'join z'",
      '/* from w */',
      '-- from v\n',
      'EXTRACT(year FROM d)',
      'trim(both FROM e)',
      'a IS DISTINCT FROM b',
      '(SELECT max(n) FROM step_trainer_curated)',
      "E'\\' from u'",
      '$$ join t $$',
    );
    const query = fc
      .record({
        tables: fc.array(table, { minLength: 1, maxLength: 4 }),
        joins: fc.array(fc.constantFrom(',', 'JOIN', 'LEFT JOIN', 'CROSS JOIN'), { minLength: 3, maxLength: 3 }),
        select: fc.array(noise, { maxLength: 3 }),
        where: fc.array(noise, { maxLength: 3 }),
      })
      .map(({ tables, joins, select, where }) => {
        const from = tables.map((t, i) => (i === 0 ? `${t} t0` : `${joins[i - 1]} ${t} t${i}${joins[i - 1].endsWith('JOIN') && joins[i - 1] !== 'CROSS JOIN' ? ' ON true' : ''}`)).join(' ');
        const cond = where.map((w) => (w.startsWith('--') || w.startsWith('/*') ? `${w} true` : `(${w}) IS NOT NULL`)).join(' AND ');
        return `SELECT 1${select.map((s) => (s.startsWith('--') || s.startsWith('/*') ? ` ${s} ` : `, ${s}`)).join('')} FROM ${from}${cond ? ` WHERE ${cond}` : ''}`;
      });
    const samples = fc.sample(query, { numRuns: 300 });
    const parsed = await trees(samples);
    const disagree = samples.filter((s, i) => (parsed[i] as Json).error || JSON.stringify(referencedTables(s).sort()) !== JSON.stringify(treeTables(parsed[i])));
    expect(disagree).toEqual([]);
  });
});

describe('SQL text: statements, comments, qualifiers', () => {
  it('a second statement is a ; outside strings and comments with something after it', () => {
    expect(
      ['SELECT 1', 'SELECT 1;', 'SELECT 1; ;', "SELECT ';' AS x", 'SELECT 1 -- ; SELECT 2', 'SELECT 1 /* ; */', 'SELECT 1; SELECT 2', "SELECT '--'; SELECT 2", 'SELECT 1;\n-- done'].map(hasSecondStatement),
    ).toEqual([false, false, false, false, false, false, true, true, false]);
  });

  it('comments become one space; strings that look like comments stay', () => {
    expect(withoutComments("a -- x\nb /* y */ c '--z' \"/*w*/\"")).toBe("a  \nb   c '--z' \"/*w*/\"");
  });

  it('requalify rewrites only name. qualifiers, never inside strings, quoted names or longer names', () => {
    expect(requalify("c.email LIKE '%@c.com' AND C.x = 1 AND \"c\".y = 2 AND s.c.z = 3 AND cc.w = 4", ['c'], 't')).toBe("t.email LIKE '%@c.com' AND t.x = 1 AND \"c\".y = 2 AND s.c.z = 3 AND cc.w = 4");
  });

  it('SQL it cannot lex is an error naming what is unterminated and where', () => {
    expect(() => sqlTokens("SELECT 'x")).toThrow(new SqlTextError('string', 7));
    expect(() => sqlTokens('SELECT "x')).toThrow('unterminated quoted identifier at offset 7');
    expect(() => sqlTokens('SELECT 1 /* x')).toThrow('unterminated comment at offset 9');
    expect(() => sqlTokens('SELECT $a$ x')).toThrow('unterminated dollar-quoted string at offset 7');
    // Where that is in a file: its line and column.
    const e = new SqlTextError('string', 13);
    expect([e.what, e.offset, e.at('SELECT 1\nFROM \'x'), e.at('SELECT 1\nFROM \'x', 7), e.at('SELECT x, \'abc')]).toEqual([
      'string', 13, { line: 2, reason: 'unterminated string starting at column 5' }, { line: 8, reason: 'unterminated string starting at column 5' }, { line: 1, reason: 'unterminated string starting at column 14' },
    ]);
  });

  it('tokens join back to the SQL they came from', () => {
    const sql = "SELECT E'a\\'b', \"q\"\"x\", 1.5e-3, .5, $1, $$d$$ -- c\n/* n /* m */ */ FROM t";
    const tokens = sqlTokens(sql);
    expect(tokens.map((t) => t.text).join('')).toBe(sql);
    expect(tokens.filter((t) => t.kind !== 'space').map((t) => [t.kind, t.value])).toEqual([
      ['word', 'select'], ['string', "a\\'b"], ['punct', ','], ['quoted', 'q"x'], ['punct', ','], ['number', '1.5e-3'], ['punct', ','], ['number', '.5'], ['punct', ','],
      ['param', '$1'], ['punct', ','], ['string', 'd'], ['comment', '-- c'], ['comment', '/* n /* m */ */'], ['word', 'from'], ['word', 't'],
    ]);
  });
});
