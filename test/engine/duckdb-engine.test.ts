// The DuckDB adapter runs statements on up to `parallel` connections to one database.
import { DuckDbEngine } from '../../src/engine/duckdb-engine';

describe('DuckDbEngine: statements at once', () => {
  it('runs at most `parallel` at once, each on a connection that sees the views made through the others', async () => {
    const engine = await DuckDbEngine.open({ parallel: 2 });
    try {
      await engine.run('CREATE VIEW numbers AS SELECT range AS n FROM range(200000)');
      // Each query reports the connection it ran on; five at once need more than two connections.
      const sql = `SELECT current_connection_id() AS id, (SELECT sum(n) FROM numbers) AS total, (SELECT count(*) FROM (SELECT DISTINCT n % 99991 FROM numbers)) AS d`;
      const results = await Promise.all(Array.from({ length: 5 }, () => engine.query(sql)));
      expect(results.map((r) => [r.rows[0].total, r.rows[0].d])).toEqual(Array.from({ length: 5 }, () => [19999900000, 99991]));
      expect(new Set(results.map((r) => r.rows[0].id)).size).toBe(2);
      expect(engine.stats().queries).toBe(6);
    } finally {
      await engine.close();
    }
  });

  it('frees the connection of a statement that fails', async () => {
    const engine = await DuckDbEngine.open({ parallel: 1 });
    try {
      await expect(engine.query('SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
      await expect(engine.query('SELECT 42 AS n')).resolves.toEqual({ columns: ['n'], rows: [{ n: 42 }] });
    } finally {
      await engine.close();
    }
  });
});
