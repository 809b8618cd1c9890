// DuckDB's parse tree of a SELECT (json_serialize_sql), for the column lineage of src/catalog.
import type { ParseTreeOf } from '../catalog/column-lineage';
import type { DuckDbEngine } from './duckdb-engine';

/** Parse trees from the engine's own parser; the SQL is bound as a parameter, never spliced in. */
export function duckDbParseTree(engine: DuckDbEngine): ParseTreeOf {
  return async (sql) => {
    const reader = await engine.connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS tree', [sql]);
    return JSON.parse(String(reader.getRowObjectsJS()[0].tree)) as unknown;
  };
}
