// The run lock's other paths, in-process: the words of each refusal, holders that cannot be
// checked, nested claims, a file system without hard links, a lock that cannot be written, and
// a release that finds another run's lock. The contention of real processes is in run-lock.test.ts.
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ChurningLockError, LakeBusyError, RunLock, StuckTakeoverError, UnreadableLockError } from '../../src/pipeline/run-lock';
import { BusyError, OperatorError } from '../../src/errors/operator-error';
import { tempDir } from '../support/tmp';

const { existsSync, readdirSync, readFileSync, writeFileSync } = fs;

/** Faults to inject into the lock's own calls: node:fs is wrapped, each call real unless a fault is set. */
const mockFaults: { link?: () => void; write?: () => void; open?: () => void; read?: () => void; links: number } = { links: 0 };
jest.mock('node:fs', () => {
  const real = jest.requireActual('node:fs');
  return {
    ...real,
    linkSync: (...a: Parameters<typeof real.linkSync>) => {
      mockFaults.links++;
      mockFaults.link?.();
      return real.linkSync(...a);
    },
    writeFileSync: (...a: Parameters<typeof real.writeFileSync>) => {
      mockFaults.write?.();
      return real.writeFileSync(...a);
    },
    openSync: (...a: Parameters<typeof real.openSync>) => {
      mockFaults.open?.();
      return real.openSync(...a);
    },
    readFileSync: (...a: Parameters<typeof real.readFileSync>) => {
      mockFaults.read?.();
      return real.readFileSync(...a);
    },
  };
});

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

const holderOf = (pid: number, runId: string, host = hostname()) => ({ pid, host, runId, since: '2026-01-01T00:00:00.000Z' });

function thrownBy(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('nothing was thrown');
}

afterEach(() => {
  mockFaults.link = undefined;
  mockFaults.write = undefined;
  mockFaults.open = undefined;
  mockFaults.read = undefined;
  mockFaults.links = 0;
});

describe('run lock: the words of a refusal', () => {
  it('a live holder on this host: its run, pid, host and start, and what to do', () => {
    const file = join(tempDir(), 'run.lock');
    const { lock } = RunLock.acquire(file, 'first');
    const since = JSON.parse(readFileSync(file, 'utf8')).since as string;
    const e = thrownBy(() => RunLock.acquire(file, 'second')) as LakeBusyError;
    expect([e.name, e.message, e.lockFile, e.holder]).toEqual([
      'LakeBusyError',
      `another run (first, pid ${process.pid} on ${hostname()}, since ${since}) holds ${file}; wait for it to finish, or remove the file if that process is gone`,
      file,
      { pid: process.pid, host: hostname(), runId: 'first', since },
    ]);
    expect(e).toBeInstanceOf(BusyError);
    lock.release();
  });

  it('a live holder on another host is never taken over', () => {
    const file = join(tempDir(), 'run.lock');
    const holder = holderOf(process.pid, 'there', `${hostname()}-elsewhere`);
    writeFileSync(file, JSON.stringify(holder));
    expect(thrownBy(() => RunLock.acquire(file, 'next')).message).toBe(
      `another run (there, pid ${process.pid} on another host, ${holder.host}, since ${holder.since}) holds ${file}; this machine cannot tell whether that process is gone: wait for it to finish, or remove the file once you know it is`,
    );
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(holder);
  });

  it('an unreadable lock: empty or not, its size, and how long it stayed so to one decimal', () => {
    expect(new UnreadableLockError('/l', ' \n', 1234).message).toBe(
      'the run lock /l is empty (2 bytes) and stayed so for 1.2 s: a crash or a copy left it, or another program wrote it. It is not taken over, since nothing says whose it is: if no run is going on this lake, remove the file and run again',
    );
    expect(new UnreadableLockError('/l', 'x', 50).message).toMatch(/^the run lock \/l names no holder \(1 bytes, not a lock stedi writes\) and stayed so for 0\.1 s: /);
    expect(new UnreadableLockError('/l', '', 0).name).toBe('UnreadableLockError');
  });
});

describe('run lock: what counts as naming a holder', () => {
  // Each case retries for about two seconds (200 rounds of 10 ms) before it gives up.
  it('a pid that is not a number, or a host that is not a string, names no holder; the wait is the whole retry time', () => {
    const dir = tempDir();
    const cases = [
      JSON.stringify({ pid: String(deadPid()), host: hostname(), runId: 'r', since: 's' }),
      JSON.stringify({ pid: deadPid(), host: 7, runId: 'r', since: 's' }),
      JSON.stringify({ pid: deadPid(), runId: 'r', since: 's' }),
    ];
    for (const [i, bytes] of cases.entries()) {
      const file = join(dir, `run${i}.lock`);
      writeFileSync(file, bytes);
      const e = thrownBy(() => RunLock.acquire(file, 'next'));
      expect(e).toBeInstanceOf(UnreadableLockError);
      const waited = Number(/stayed so for (\d+\.\d) s/.exec(e.message)?.[1]);
      // 200 pauses of 10 ms cannot take less than 2 s; the wait is measured from the first sight.
      expect(waited).toBeGreaterThanOrEqual(1.9);
      expect(waited).toBeLessThan(120);
      expect(readFileSync(file, 'utf8')).toBe(bytes);
    }
  });
});

describe('run lock: nested takeover claims', () => {
  it('a lock and two stale claims below it: taken over, the dead holder named, no claim left', () => {
    const dir = tempDir();
    const file = join(dir, 'run.lock');
    const dead = holderOf(deadPid(), 'dead-run');
    writeFileSync(file, JSON.stringify(dead));
    writeFileSync(`${file}.takeover`, JSON.stringify(holderOf(deadPid(), 'claimer-1')));
    writeFileSync(`${file}.takeover.takeover`, JSON.stringify(holderOf(deadPid(), 'claimer-2')));
    const { lock, recovered } = RunLock.acquire(file, 'next');
    expect(recovered).toEqual(dead);
    expect(readdirSync(dir)).toEqual(['run.lock']);
    expect(JSON.parse(readFileSync(file, 'utf8')).runId).toBe('next');
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('three stale claims below a stale lock: refused at once as stuck, naming every file; nothing removed', () => {
    const dir = tempDir();
    const file = join(dir, 'run.lock');
    const files = [file, `${file}.takeover`, `${file}.takeover.takeover`, `${file}.takeover.takeover.takeover`];
    const bytes = files.map((f, i) => {
      const text = JSON.stringify(holderOf(deadPid(), `dead-${i}`));
      writeFileSync(f, text);
      return text;
    });
    const e = thrownBy(() => RunLock.acquire(file, 'next')) as StuckTakeoverError;
    expect(e).toBeInstanceOf(StuckTakeoverError);
    // Trying again later finds the same files: the operator's to clear (exit 2), not busy (75).
    expect([e instanceof OperatorError, e instanceof BusyError]).toEqual([true, false]);
    expect([e.name, e.lockFile, e.claims, e.message]).toEqual([
      'StuckTakeoverError',
      file,
      files.slice(1),
      `the run lock ${file} and its takeover claims ${files.slice(1).join(', ')} were each left by a process that is gone (3 takeovers cut short): nothing says which to trust, so none is removed. If no run is going on this lake, remove those files and run again`,
    ]);
    expect(files.map((f) => readFileSync(f, 'utf8'))).toEqual(bytes);
    expect(readdirSync(dir).sort()).toEqual(files.map((f) => f.slice(dir.length + 1)).sort());
  });

  it('a live claim two levels down: refused within the lock\'s own tries (no retries multiplied per level), naming that claim and its holder', () => {
    const dir = tempDir();
    const file = join(dir, 'run.lock');
    writeFileSync(file, JSON.stringify(holderOf(deadPid(), 'dead-run')));
    writeFileSync(`${file}.takeover`, JSON.stringify(holderOf(deadPid(), 'dead-claimer')));
    const live = holderOf(process.pid, 'live-claimer');
    writeFileSync(`${file}.takeover.takeover`, JSON.stringify(live));
    // Before, each level retried the one below 200 times: this took minutes (jest's timeout fails it).
    const e = thrownBy(() => RunLock.acquire(file, 'next')) as LakeBusyError;
    expect([e.name, e.lockFile, e.holder]).toEqual(['LakeBusyError', `${file}.takeover.takeover`, live]);
    expect(readdirSync(dir).sort()).toEqual(['run.lock', 'run.lock.takeover', 'run.lock.takeover.takeover']);
  });

  it('an unreadable claim is that error, at once, not retried by the lock', () => {
    const dir = tempDir();
    const file = join(dir, 'run.lock');
    writeFileSync(file, JSON.stringify(holderOf(deadPid(), 'dead-run')));
    writeFileSync(`${file}.takeover`, '');
    const e = thrownBy(() => RunLock.acquire(file, 'next')) as UnreadableLockError;
    expect([e.name, e.lockFile]).toEqual(['UnreadableLockError', `${file}.takeover`]);
  });

  it('a live claimer taking over right now: this process waits and sees what it leaves, here a lock it holds', () => {
    const file = join(tempDir(), 'run.lock');
    writeFileSync(file, JSON.stringify(holderOf(deadPid(), 'dead-run')));
    // A live process (this one) holds the claim and, while this run waits, finishes its takeover.
    writeFileSync(`${file}.takeover`, JSON.stringify(holderOf(process.pid, 'claimer')));
    let seen = 0;
    const e = thrownBy(() =>
      RunLock.acquire(file, 'next', {
        beforeTakeover: () => {
          if (++seen === 2) {
            fs.rmSync(`${file}.takeover`);
            writeFileSync(file, JSON.stringify(holderOf(process.pid, 'claimer')));
          }
        },
      }),
    );
    expect(seen).toBe(2);
    expect(e.message).toMatch(/^another run \(claimer, pid \d+ on /);
    expect(JSON.parse(readFileSync(file, 'utf8')).runId).toBe('claimer');
  });
});

describe('run lock: writing the lock', () => {
  it('a file system without hard links: the lock is created exclusively and holds the whole holder', () => {
    for (const code of ['EPERM', 'ENOTSUP', 'EOPNOTSUPP']) {
      const dir = tempDir();
      const file = join(dir, 'run.lock');
      mockFaults.links = 0;
      mockFaults.link = () => {
        throw Object.assign(new Error(`${code}: link`), { code });
      };
      const { lock } = RunLock.acquire(file, 'no-links');
      expect(mockFaults.links).toBe(1);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), runId: 'no-links' });
      // The aside copy is gone; the second run finds the lock taken.
      expect(readdirSync(dir)).toEqual(['run.lock']);
      expect(thrownBy(() => RunLock.acquire(file, 'second'))).toBeInstanceOf(LakeBusyError);
      lock.release();
      expect(existsSync(file)).toBe(false);
    }
  });

  it('any other failure to link is thrown as it is, and the aside copy removed', () => {
    const dir = tempDir();
    const failure = Object.assign(new Error('EACCES: permission denied, link'), { code: 'EACCES' });
    mockFaults.link = () => {
      throw failure;
    };
    expect(thrownBy(() => RunLock.acquire(join(dir, 'run.lock'), 'r'))).toBe(failure);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a lock that cannot be written (a full disk): the error names the lock file, and nothing of it stays', () => {
    const dir = tempDir();
    const file = join(dir, 'run.lock');
    mockFaults.write = () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    const e = thrownBy(() => RunLock.acquire(file, 'r'));
    mockFaults.write = undefined;
    expect([e.message, (e as NodeJS.ErrnoException).code, (e as NodeJS.ErrnoException).path]).toEqual(['ENOSPC: no space left on device, write', 'ENOSPC', file]);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('run lock: files that cannot be read, locks that never hold still', () => {
  it('a lock path that cannot be read (a folder in its place) is that error, not a busy lake', () => {
    const dir = tempDir();
    const file = join(dir, 'run.lock');
    fs.mkdirSync(file);
    const e = thrownBy(() => RunLock.acquire(file, 'r')) as NodeJS.ErrnoException;
    expect([e.code, e instanceof BusyError]).toEqual(['EISDIR', false]);
    expect(readdirSync(dir)).toEqual(['run.lock']);
  });

  it('a lock taken and let go again on every try: busy, saying other runs are starting, naming no holder', () => {
    const file = join(tempDir(), 'run.lock');
    let tries = 0;
    // Each try finds the lock taken (link fails as it exists) and gone when it reads it.
    mockFaults.link = () => {
      tries++;
      throw Object.assign(new Error('EEXIST: file already exists, link'), { code: 'EEXIST' });
    };
    const e = thrownBy(() => RunLock.acquire(file, 'r')) as ChurningLockError;
    expect([e.name, e instanceof BusyError, e.lockFile, e.message, tries]).toEqual([
      'ChurningLockError',
      true,
      file,
      `the run lock ${file} was taken and let go again each of 200 times this run tried to take it: other runs are starting on this lake; try again when they are done`,
      200,
    ]);
  });

  it('without hard links, a failure to create the lock other than its existing is thrown as it is', () => {
    const dir = tempDir();
    mockFaults.link = () => {
      throw Object.assign(new Error('EPERM: link'), { code: 'EPERM' });
    };
    const failure = Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES' });
    mockFaults.open = () => {
      throw failure;
    };
    expect(thrownBy(() => RunLock.acquire(join(dir, 'run.lock'), 'r'))).toBe(failure);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('run lock: release', () => {
  it("leaves a lock that is no longer this run's (taken over meanwhile) as it is", () => {
    const file = join(tempDir(), 'run.lock');
    const { lock } = RunLock.acquire(file, 'mine');
    const other = JSON.stringify(holderOf(process.pid, 'other'));
    writeFileSync(file, other);
    lock.release();
    expect(readFileSync(file, 'utf8')).toBe(other);
  });

  it('a lock already removed: release says nothing', () => {
    const file = join(tempDir(), 'run.lock');
    const { lock } = RunLock.acquire(file, 'mine');
    fs.rmSync(file);
    expect(() => lock.release()).not.toThrow();
    expect(existsSync(file)).toBe(false);
  });
});
