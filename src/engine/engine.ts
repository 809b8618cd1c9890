// The engine interface the pipeline and the gates speak to; DuckDB and Athena are adapters.
import { bindTableRefs } from '../catalog/sql-text';

/** A value as every engine returns it: engines normalise their own types to these. */
export type SqlValue = string | number | boolean | null;

export interface QueryResult {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, SqlValue>[];
}

export interface EngineStats {
  /** SQL statements sent to the engine. */
  readonly queries: number;
}

export interface QueryEngine {
  readonly name: 'duckdb' | 'athena';
  /** Runs one statement whose table names were already bound (see bindTables) and returns all rows. */
  query(sql: string): Promise<QueryResult>;
  stats(): EngineStats;
  close(): Promise<void>;
}

/** Maps a bare table name (as written in glue/sql and quality-rules) to the engine's reference. */
export type TableResolver = (table: string) => string | undefined;

/**
 * Rewrites the unqualified table names a statement reads (tokens in a table's place, not strings,
 * comments, CTEs or columns) to the references the engine needs (a quoted view name locally,
 * `"database"."table"` on Athena). Names the resolver does not know stay as written.
 */
export function bindTables(sql: string, resolve: TableResolver): string {
  return bindTableRefs(sql, resolve);
}

/** Quotes an identifier for DuckDB and Athena (both use double quotes). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quotes a string literal for DuckDB and Athena. */
export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
