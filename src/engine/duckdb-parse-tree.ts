// DuckDB's parse trees of SELECTs (json_serialize_sql), for the column lineage of src/catalog.
import type { ParseTreesOf } from '../catalog/column-lineage';
import type { DuckDbEngine } from './duckdb-engine';

/**
 * Parse trees from the engine's own parser, all statements in one query (a round trip costs more
 * than a parse); the SQL is bound as parameters, never spliced in.
 */
export function duckDbParseTree(engine: DuckDbEngine): ParseTreesOf {
  return async (sqls) => {
    if (!sqls.length) return [];
    const rows = sqls.map((_, i) => `($${i + 1}::VARCHAR, ${i})`).join(', ');
    const reader = await engine.connection.runAndReadAll(`SELECT json_serialize_sql(s) AS tree FROM (VALUES ${rows}) AS v(s, i) ORDER BY i`, [...sqls]);
    return reader.getRowObjectsJS().map((r) => JSON.parse(String(r.tree)) as unknown);
  };
}
