// Opens a lake catalog that another process may hold (a `stedi query`, the DuckDB CLI, a run that
// is publishing): waits a bounded time for DuckDB's file lock, then says who holds it.
import { BusyError } from '../errors/operator-error';

/** Milliseconds to wait for a catalog another process holds; overrides the default. */
export const CATALOG_WAIT_ENV = 'STEDI_CATALOG_WAIT_MS';
/** How long a run (or a query) waits for a held catalog before it gives up as busy. */
export const DEFAULT_CATALOG_WAIT_MS = 30_000;

/** The wait in force: STEDI_CATALOG_WAIT_MS when it is a number of milliseconds, else the default. */
export function catalogWaitMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env[CATALOG_WAIT_ENV];
  return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : DEFAULT_CATALOG_WAIT_MS;
}

/** The process DuckDB names as holding the lock. */
export interface CatalogHolder {
  readonly program: string;
  readonly pid: number;
}

export class CatalogBusyError extends BusyError {
  constructor(
    readonly file: string,
    readonly holder: CatalogHolder | undefined,
    readonly waitedMs: number,
    /** What could not be done, e.g. 'publish run ...'. */
    readonly doing: string,
  ) {
    const who = holder ? `${holder.program} (pid ${holder.pid})` : 'another process';
    super(
      `the lake catalog ${file} is held by ${who}; waited ${Math.round(waitedMs / 1000)} s to ${doing}. ` +
        `Close that program (a stedi query, or a DuckDB CLI: open the catalog with \`duckdb -readonly\` so runs can read it) and try again`,
    );
    this.name = 'CatalogBusyError';
  }
}

/**
 * The holder when `e` is DuckDB refusing a database file because another process holds its lock
 * ("Could not set lock on file ...: Conflicting lock is held in <program> (PID <n>)"); `null` when
 * `e` is any other error.
 */
export function lockConflict(e: unknown): CatalogHolder | undefined | null {
  const message = e instanceof Error ? e.message : String(e);
  if (!/Could not set lock on file/.test(message)) return null;
  const m = /Conflicting lock is held in (.+?) \(PID (\d+)\)/.exec(message);
  return m ? { program: m[1], pid: Number(m[2]) } : undefined;
}

export interface WaitOptions {
  /** @default catalogWaitMs() */
  readonly waitMs?: number;
  /** Called once, when the catalog is first found held, before waiting. */
  readonly onWait?: (holder: CatalogHolder | undefined, waitMs: number) => void;
}

/** Runs `open` until it does not fail on the file's lock, for at most `waitMs`, then throws CatalogBusyError. */
export async function openWhenFree<T>(file: string, doing: string, open: () => Promise<T>, options: WaitOptions = {}): Promise<T> {
  const waitMs = options.waitMs ?? catalogWaitMs();
  const start = Date.now();
  let pause = 25;
  let told = false;
  for (;;) {
    try {
      return await open();
    } catch (e) {
      const holder = lockConflict(e);
      if (holder === null) throw e;
      const waited = Date.now() - start;
      if (waited >= waitMs) throw new CatalogBusyError(file, holder, waited, doing);
      if (!told) options.onWait?.(holder, waitMs);
      told = true;
      await new Promise((r) => setTimeout(r, Math.min(pause, waitMs - waited)));
      pause = Math.min(pause * 2, 500);
    }
  }
}
