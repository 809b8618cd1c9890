// The run lock: one holder at a time, a dead holder's lock taken over by exactly one process,
// tried with real processes started together.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LakeBusyError, RunLock, UnreadableLockError, type LockHolder } from '../../src/pipeline/run-lock';
import { BusyError } from '../../src/errors/operator-error';
import { runStedi } from '../support/child-run';
import { tempDir } from '../support/tmp';

const RUN_LOCK = join(__dirname, '..', '..', 'src', 'pipeline', 'run-lock.ts');

/** A pid that is surely gone: a process that ran and exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function staleLock(file: string, runId = 'dead-run'): LockHolder {
  const holder = { pid: deadPid(), host: hostname(), runId, since: '2026-01-01T00:00:00.000Z' };
  writeFileSync(file, JSON.stringify(holder));
  return holder;
}

interface Outcome {
  readonly id: number;
  readonly held: boolean;
  readonly from?: number;
  readonly to?: number;
  readonly error?: string;
}

/**
 * Starts `n` processes that each try to take the lock at the same moment; a holder keeps it for
 * `holdMs`, and reports when it held it.
 */
async function contend(file: string, n: number, holdMs = 150): Promise<Outcome[]> {
  const startAt = Date.now() + 1500;
  const script = (id: number) => `
    const { RunLock } = require(${JSON.stringify(RUN_LOCK)});
    while (Date.now() < ${startAt}) {}
    let out;
    try {
      const { lock } = RunLock.acquire(${JSON.stringify(file)}, 'run-${id}');
      const from = Date.now();
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${holdMs});
      const to = Date.now();
      lock.release();
      out = { id: ${id}, held: true, from, to };
    } catch (e) {
      out = { id: ${id}, held: false, error: e.name };
    }
    process.stdout.write(JSON.stringify(out));`;
  const runs = Array.from({ length: n }, (_, id) =>
    new Promise<Outcome>((resolve, reject) => {
      const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script(id)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', () => {
        try {
          resolve(JSON.parse(out));
        } catch {
          reject(new Error(`contender ${id} said: ${out} ${err}`));
        }
      });
    }),
  );
  return Promise.all(runs);
}

/** Holding intervals that overlap: two processes that held the lock at once. */
function overlaps(outcomes: readonly Outcome[]): [number, number][] {
  const held = outcomes.filter((o) => o.held);
  const out: [number, number][] = [];
  for (const a of held) for (const b of held) if (a.id < b.id && a.from! < b.to! && b.from! < a.to!) out.push([a.id, b.id]);
  return out;
}

describe('run lock', () => {
  it('a live holder is never taken over; its release frees the lock', () => {
    const file = join(tempDir(), 'run.lock');
    const { lock } = RunLock.acquire(file, 'first');
    expect(() => RunLock.acquire(file, 'second')).toThrow(LakeBusyError);
    expect(JSON.parse(readFileSync(file, 'utf8')).runId).toBe('first');
    lock.release();
    expect(existsSync(file)).toBe(false);
    RunLock.acquire(file, 'third').lock.release();
  });

  it("a dead holder's lock is taken over and the dead holder named", () => {
    const file = join(tempDir(), 'run.lock');
    const dead = staleLock(file);
    const { lock, recovered } = RunLock.acquire(file, 'next');
    expect(recovered).toEqual(dead);
    expect(JSON.parse(readFileSync(file, 'utf8')).runId).toBe('next');
    expect(existsSync(`${file}.takeover`)).toBe(false);
    lock.release();
  });

  it('a takeover that finds the lock already taken over by another process leaves that lock alone', () => {
    const file = join(tempDir(), 'run.lock');
    staleLock(file);
    let other: RunLock | undefined;
    // Between seeing the dead holder and claiming the takeover, another process takes over first.
    const attempt = () =>
      RunLock.acquire(file, 'slow', {
        beforeTakeover: () => {
          other ??= RunLock.acquire(file, 'fast').lock;
        },
      });
    expect(attempt).toThrow(LakeBusyError);
    expect(JSON.parse(readFileSync(file, 'utf8')).runId).toBe('fast');
    other!.release();
  });

  it('a takeover whose claimer died (a stale claim) is itself taken over', () => {
    const file = join(tempDir(), 'run.lock');
    const dead = staleLock(file);
    staleLock(`${file}.takeover`, 'dead-claimer');
    const { lock, recovered } = RunLock.acquire(file, 'next');
    expect(recovered).toEqual(dead);
    expect(existsSync(`${file}.takeover`)).toBe(false);
    lock.release();
  });

  it('four processes started together on a dead holder\'s lock: never two hold it at once (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      const file = join(tempDir(), 'run.lock');
      staleLock(file);
      const outcomes = await contend(file, 4);
      expect({ round, overlaps: overlaps(outcomes), errors: outcomes.filter((o) => !o.held && o.error !== 'LakeBusyError') }).toEqual({ round, overlaps: [], errors: [] });
      expect(outcomes.filter((o) => o.held).length).toBeGreaterThanOrEqual(1);
      expect(existsSync(file)).toBe(false);
    }
  });
});

describe('run lock: locks that cannot be checked are never taken over', () => {
  const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');

  for (const [name, bytes] of [['empty', ''], ['cut short', '{"pid":12'], ['not JSON', 'garbage\n'], ['JSON without a holder', '{}']] as const) {
    it(`a lock file that is ${name}: busy (exit 75) saying what it holds and what to do; the file is left as it was`, async () => {
      const lake = tempDir();
      const file = join(lake, 'run.lock');
      writeFileSync(file, bytes);
      let thrown: unknown;
      try {
        RunLock.acquire(file, 'next');
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(UnreadableLockError);
      expect(thrown).toBeInstanceOf(BusyError);
      const what = name === 'empty' ? 'is empty (0 bytes)' : `names no holder (${bytes.length} bytes, not a lock stedi writes)`;
      expect((thrown as Error).message).toMatch(
        new RegExp(`^the run lock ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ${what.replace(/[()]/g, '\\$&')} and stayed so for \\d+\\.\\d s: .* if no run is going on this lake, remove the file and run again$`),
      );
      expect(readFileSync(file, 'utf8')).toBe(bytes);
      // The command's exit status and words, once (each try waits two seconds for the lock).
      if (name !== 'empty') return;
      const cli = await runStedi(['run', '--landing', FIXTURE, '--lake', lake, '--no-progress']);
      expect(cli.code).toBe(75);
      expect(cli.stderr).toMatch(new RegExp(`^stedi: the run lock .*run\\.lock ${what.replace(/[()]/g, '\\$&')} and stayed so for`));
      expect(cli.stderr).not.toMatch(/\n\s+at |unknown|pid -1/);
      expect(readFileSync(file, 'utf8')).toBe(bytes);
    });
  }

  it('a lock held on another host (its pid not checkable here, even one that is dead here): busy, naming host, pid and start; never taken over', async () => {
    const lake = tempDir();
    const file = join(lake, 'run.lock');
    const holder = { pid: deadPid(), host: `${hostname()}-elsewhere`, runId: '20260101T000000000Z-0a0b0c', since: '2026-01-01T00:00:00.000Z' };
    writeFileSync(file, JSON.stringify(holder));
    expect(() => RunLock.acquire(file, 'next')).toThrow(
      `another run (${holder.runId}, pid ${holder.pid} on another host, ${holder.host}, since ${holder.since}) holds ${file}; ` +
        'this machine cannot tell whether that process is gone: wait for it to finish, or remove the file once you know it is',
    );
    const cli = await runStedi(['run', '--landing', FIXTURE, '--lake', lake, '--no-progress']);
    expect([cli.code, cli.stderr]).toEqual([75, `stedi: another run (${holder.runId}, pid ${holder.pid} on another host, ${holder.host}, since ${holder.since}) holds ${file}; this machine cannot tell whether that process is gone: wait for it to finish, or remove the file once you know it is\n`]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(holder);
  });
});
