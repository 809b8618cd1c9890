// Waiting for a lake catalog another process holds, in-process and without timing: which errors
// are a held lock, who holds it, how long to wait, and what the operator is told. The end-to-end
// waits of real processes are in catalog-busy.test.ts.
import { CATALOG_WAIT_ENV, CatalogBusyError, catalogWaitMs, DEFAULT_CATALOG_WAIT_MS, lockConflict, openWhenFree } from '../../src/pipeline/catalog-busy';

const HELD = 'IO Error: Could not set lock on file "/lake/catalog.duckdb": Conflicting lock is held in /usr/bin/duckdb (PID 4242) by user ann. See also https://duckdb.org/docs/connect/concurrency';

describe('catalog wait', () => {
  it('the wait: STEDI_CATALOG_WAIT_MS when it is a whole number of milliseconds, else 30 s', () => {
    expect(DEFAULT_CATALOG_WAIT_MS).toBe(30_000);
    const cases: [string | undefined, number][] = [
      [undefined, 30_000], ['0', 0], ['1500', 1500], [' 1500 ', 1500], ['', 30_000], ['1.5', 30_000], ['-1', 30_000], ['10s', 30_000], ['abc', 30_000],
    ];
    expect(cases.map(([v]) => catalogWaitMs(v === undefined ? {} : { [CATALOG_WAIT_ENV]: v }))).toEqual(cases.map(([, ms]) => ms));
    expect(CATALOG_WAIT_ENV).toBe('STEDI_CATALOG_WAIT_MS');
  });

  it('a held lock names its holder; a lock message without one holds an unknown process; any other error is no lock', () => {
    expect(lockConflict(new Error(HELD))).toEqual({ program: '/usr/bin/duckdb', pid: 4242 });
    expect(lockConflict(HELD)).toEqual({ program: '/usr/bin/duckdb', pid: 4242 });
    expect(lockConflict(new Error('IO Error: Could not set lock on file "/lake/catalog.duckdb"'))).toBeUndefined();
    expect(lockConflict(new Error('Catalog Error: Table with name x does not exist'))).toBeNull();
    expect(lockConflict(undefined)).toBeNull();
  });

  it('the busy error says what is held, by whom, how long it waited, for what, and what to do', () => {
    const e = new CatalogBusyError('/lake/catalog.duckdb', { program: 'duckdb', pid: 7 }, 2499, 'publish run r');
    expect([e.name, e.message, e.file, e.holder, e.waitedMs, e.doing]).toEqual([
      'CatalogBusyError',
      'the lake catalog /lake/catalog.duckdb is held by duckdb (pid 7); waited 2 s to publish run r. Close that program (a stedi query, or a DuckDB CLI: open the catalog with `duckdb -readonly` so runs can read it) and try again',
      '/lake/catalog.duckdb',
      { program: 'duckdb', pid: 7 },
      2499,
      'publish run r',
    ]);
    expect(new CatalogBusyError('/c', undefined, 500, 'read it').message).toMatch(/^the lake catalog \/c is held by another process; waited 1 s to read it\. /);
  });

  it('opens at once when the catalog is free, telling no one', async () => {
    const told: unknown[] = [];
    await expect(openWhenFree('/c', 'read it', async () => 'open', { waitMs: 0, onWait: (...a) => told.push(a) })).resolves.toBe('open');
    expect(told).toEqual([]);
  });

  it('an error that is no held lock is thrown as it is, without waiting', async () => {
    let tries = 0;
    const broken = new Error('Serialization Error: not a DuckDB file');
    await expect(openWhenFree('/c', 'read it', async () => {
      tries++;
      throw broken;
    }, { waitMs: 10_000 })).rejects.toBe(broken);
    expect(tries).toBe(1);
  });

  it('retries while the lock is held, tells once who holds it, and opens when it is let go', async () => {
    let tries = 0;
    const told: unknown[] = [];
    const opened = await openWhenFree('/c', 'read it', async () => {
      if (++tries < 4) throw new Error(HELD);
      return 'open';
    }, { waitMs: 10_000, onWait: (holder, ms) => told.push([holder, ms]) });
    expect([opened, tries, told]).toEqual(['open', 4, [[{ program: '/usr/bin/duckdb', pid: 4242 }, 10_000]]]);
  });

  it('gives up as busy once the wait is spent, naming the holder and what it was doing', async () => {
    const attempt = openWhenFree('/lake/catalog.duckdb', 'publish run r', async () => {
      throw new Error(HELD);
    }, { waitMs: 120 });
    await expect(attempt).rejects.toThrow(CatalogBusyError);
    const e = (await attempt.catch((x) => x)) as CatalogBusyError;
    expect([e.holder, e.doing, e.file]).toEqual([{ program: '/usr/bin/duckdb', pid: 4242 }, 'publish run r', '/lake/catalog.duckdb']);
    // It gives up only once the whole wait is spent (how many tries that takes is the clock's business).
    expect(e.waitedMs).toBeGreaterThanOrEqual(120);
  });

  it('a wait of 0 gives up on the first held lock, without telling or sleeping', async () => {
    const told: unknown[] = [];
    let tries = 0;
    await expect(openWhenFree('/c', 'read it', async () => {
      tries++;
      throw new Error(HELD);
    }, { waitMs: 0, onWait: (h) => told.push(h) })).rejects.toThrow('the lake catalog /c is held by /usr/bin/duckdb (pid 4242); waited 0 s to read it.');
    expect([tries, told]).toEqual([1, []]);
  });
});
