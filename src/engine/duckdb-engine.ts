// The DuckDB adapter of the engine interface: an embedded database, in memory or in a file.
import { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { EngineStats, QueryEngine, QueryResult, SqlValue } from './engine';

export interface DuckDbEngineOptions {
  /** Database file; `:memory:` keeps everything in memory. @default ':memory:' */
  readonly path?: string;
  /** Open the file read-only (several readers may share it). @default false */
  readonly readOnly?: boolean;
  /** Where DuckDB spills when a query outgrows memory. @default DuckDB's own choice */
  readonly tempDirectory?: string;
  /** DuckDB's memory limit, e.g. `2GB`. @default DuckDB's own (80% of RAM) */
  readonly memoryLimit?: string;
  /** Statements that may run at once (one connection each). @default 2 */
  readonly parallel?: number;
  /** Statements run on every connection as it opens (settings that are a connection's own, such as variables). @default none */
  readonly connectionSetup?: readonly string[];
}

/** Turns a DuckDB JS value into the engine-neutral SqlValue. */
export function normaliseValue(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') {
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
  }
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

export class DuckDbEngine implements QueryEngine {
  readonly name = 'duckdb' as const;
  private queries = 0;
  /** Connections not running a statement; more are opened, up to `parallel`, when none is. */
  private readonly idle: DuckDBConnection[];
  private readonly opened: DuckDBConnection[];
  private readonly waiting: ((c: DuckDBConnection) => void)[] = [];
  private connections = 1;

  private constructor(
    private readonly instance: DuckDBInstance,
    /** The first connection (statements that need no other, such as parsing). */
    readonly connection: DuckDBConnection,
    /**
     * Statements that may run at once, each on its own connection to the same database; views
     * and settings are the database's, so every connection sees them.
     */
    readonly parallel: number,
    private readonly connectionSetup: readonly string[] = [],
  ) {
    this.idle = [connection];
    this.opened = [connection];
  }

  static async open(options: DuckDbEngineOptions = {}): Promise<DuckDbEngine> {
    const config: Record<string, string> = {};
    if (options.readOnly) config.access_mode = 'READ_ONLY';
    if (options.tempDirectory) config.temp_directory = options.tempDirectory;
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    const instance = await DuckDBInstance.create(options.path ?? ':memory:', config);
    const setup = options.connectionSetup ?? [];
    const connection = await instance.connect();
    try {
      for (const sql of setup) await connection.run(sql);
    } catch (e) {
      connection.closeSync();
      instance.closeSync();
      throw e;
    }
    return new DuckDbEngine(instance, connection, Math.max(1, options.parallel ?? 2), setup);
  }

  /** Runs `fn` on a connection of its own, waiting for one when `parallel` are busy. */
  private async on<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    let c = this.idle.pop();
    if (!c && this.connections < this.parallel) {
      // Counted before it exists: callers arriving meanwhile must not open one more.
      this.connections++;
      c = await this.instance.connect();
      this.opened.push(c);
      for (const sql of this.connectionSetup) await c.run(sql);
    }
    c ??= await new Promise<DuckDBConnection>((resolve) => this.waiting.push(resolve));
    try {
      return await fn(c);
    } finally {
      const next = this.waiting.shift();
      if (next) next(c);
      else this.idle.push(c);
    }
  }

  async query(sql: string): Promise<QueryResult> {
    this.queries++;
    const reader = await this.on((c) => c.runAndReadAll(sql));
    const columns = reader.columnNames();
    const rows = reader.getRowObjectsJS().map((r) => {
      const out: Record<string, SqlValue> = {};
      for (const c of columns) out[c] = normaliseValue(r[c]);
      return out;
    });
    return { columns, rows };
  }

  /**
   * Runs a statement for its effect (DDL, COPY); counted like a query. Returns the rows it changed:
   * for a COPY, the rows it wrote.
   */
  async run(sql: string): Promise<number> {
    this.queries++;
    return (await this.on((c) => c.run(sql))).rowsChanged;
  }

  stats(): EngineStats {
    return { queries: this.queries };
  }

  async close(): Promise<void> {
    for (const c of this.opened) c.closeSync();
    this.instance.closeSync();
  }
}
