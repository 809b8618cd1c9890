// The run lock: one holder at a time, a dead holder's lock taken over by exactly one process,
// tried with real processes started together.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LakeBusyError, RunLock, type LockHolder } from '../../src/pipeline/run-lock';
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
