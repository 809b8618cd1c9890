// The latest record of a customer wins in customer_trusted and in its accounting. The order that
// picks it must be total over every output column, with NULLS FIRST or LAST spelt out: Spark sorts
// ascending NULLS FIRST by default, DuckDB and Trino NULLS LAST, and a tie left to the engine
// publishes whichever record came first in the input.
import { loadCatalog, referencedTables } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { quoteLiteral } from '../../src/engine/engine';
import { createTables, customer, SERIAL_A } from '../support/tables';

const catalog = loadCatalog();
const transform = catalog.transforms.find((t) => t.table.name === 'customer_trusted')!;
const accounting = catalog.datasets.find((d) => d.dataset === 'customer')!;

interface Window {
  readonly file: string;
  readonly partition: readonly string[];
  readonly order: readonly string[];
  readonly ranked: string;
}

/** The ROW_NUMBER windows of a SQL file, columns without their table alias. */
function windows(file: string, sql: string): Window[] {
  const text = sql.replace(/--[^\n]*/g, ' ');
  const ranked = referencedTables(text).find((t) => catalog.tables.get(t)?.zone === 'landing')!;
  return [...text.matchAll(/ROW_NUMBER\(\)\s+OVER\s*\(\s*PARTITION BY\s+([\s\S]+?)\s+ORDER BY\s+([\s\S]+?)\s*\)\s+AS/gi)].map((m) => ({
    file,
    ranked,
    partition: m[1].split(',').map((c) => c.trim().replace(/^\w+\./, '')),
    order: m[2].split(',').map((t) => t.trim().replace(/\s+/g, ' ').replace(/^\w+\./, '')),
  }));
}

const sources = [
  ...catalog.transforms.map((t) => ({ file: t.file, sql: t.sql })),
  ...catalog.datasets.map((d) => ({ file: d.accountingFile, sql: d.accountingSql })),
];
const all = sources.flatMap((s) => windows(s.file, s.sql));

describe('the order that picks a latest record', () => {
  it('is found in customer_trusted.sql and accounting/customer.sql, and is the same in both', () => {
    expect(all.map((w) => w.file).sort()).toEqual([accounting.accountingFile, transform.file].sort());
    const [a, b] = all;
    expect({ partition: a.partition, order: a.order }).toEqual({ partition: b.partition, order: b.order });
  });

  for (const w of all) {
    it(`${w.file}: covers every column of ${w.ranked}, each term with its direction and NULLS FIRST/LAST`, () => {
      for (const term of w.order) expect(term).toMatch(/^\w+ (ASC|DESC) NULLS (FIRST|LAST)$/);
      const covered = [...w.partition, ...w.order.map((t) => t.split(' ')[0])];
      expect([...new Set(covered)].sort()).toEqual(catalog.tables.get(w.ranked)!.columns.map((c) => c.name).sort());
      expect(covered.length).toBe(new Set(covered).size);
    });
  }
});

/** All orders of a list. */
function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('customer_trusted and its accounting do not depend on the order records arrive in', () => {
  // Equal on every key the order used to have; they differ in the other consent dates only.
  const tied = [
    customer('ann@x.com', SERIAL_A, { shareWithPublicAsOfDate: 5, shareWithFriendsAsOfDate: 9 }),
    customer('ann@x.com', SERIAL_A, { shareWithPublicAsOfDate: null, shareWithFriendsAsOfDate: 9 }),
    customer('ann@x.com', SERIAL_A, { shareWithPublicAsOfDate: 7, shareWithFriendsAsOfDate: null }),
    customer('ann@x.com', SERIAL_A, { shareWithPublicAsOfDate: null, shareWithFriendsAsOfDate: null }),
    // A customer without consent, for the accounting's other outcome.
    customer('bob@x.com', SERIAL_A, { shareWithResearchAsOfDate: null }),
  ];

  it('every one of the 120 input orders publishes the same winner and the same accounting', async () => {
    const engine = await DuckDbEngine.open();
    try {
      await createTables(engine, catalog, {});
      const table = catalog.tables.get('customer_landing')!;
      const seen = new Set<string>();
      for (const rows of permutations(tied)) {
        // One statement, rows in this order: the order the engine scans them in.
        const values = rows.map((r) => `(${table.columns.map((c) => (r[c.name] === null || r[c.name] === undefined ? 'NULL' : quoteLiteral(String(r[c.name])))).join(', ')})`);
        await engine.run(`DELETE FROM customer_landing`);
        await engine.run(`INSERT INTO customer_landing VALUES ${values.join(', ')}`);
        const winner = await engine.query(transform.sql);
        const outcomes = await engine.query(`SELECT outcome, SUM(records) AS records FROM (${accounting.accountingSql}) GROUP BY outcome ORDER BY outcome`);
        seen.add(JSON.stringify({ winner: winner.rows, outcomes: outcomes.rows }));
      }
      expect([...seen].map((s) => JSON.parse(s))).toEqual([
        {
          // Of records tied on everything else, the one without public or friends consent ranks
          // first: an ambiguous update never shares more (as for research consent).
          winner: [customer('ann@x.com', SERIAL_A, { shareWithPublicAsOfDate: null, shareWithFriendsAsOfDate: null })],
          outcomes: [
            { outcome: 'duplicate', records: 0 },
            { outcome: 'no_consent', records: 1 },
            { outcome: 'superseded', records: 3 },
            { outcome: 'trusted', records: 1 },
          ],
        },
      ]);
    } finally {
      await engine.close();
    }
  });
});
