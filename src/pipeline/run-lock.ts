// One run at a time per lake: an exclusive lock file, recovered when its holder is gone.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly runId: string;
  readonly since: string;
}

export class LakeBusyError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder,
  ) {
    super(
      `another run (${holder.runId}, pid ${holder.pid} on ${holder.host}, since ${holder.since}) holds ${lockFile}; ` +
        'wait for it to finish, or remove the file if that process is gone',
    );
    this.name = 'LakeBusyError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

export class RunLock {
  private constructor(readonly file: string) {}

  /**
   * Takes the lock or throws LakeBusyError. A lock whose holder process is gone (same host) is
   * stale: it is removed and taken over, and the returned `recovered` names the dead holder.
   */
  static acquire(file: string, runId: string): { lock: RunLock; recovered?: LockHolder } {
    const me: LockHolder = { pid: process.pid, host: hostname(), runId, since: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fd = openSync(file, 'wx');
        writeSync(fd, JSON.stringify(me));
        closeSync(fd);
        return { lock: new RunLock(file) };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const holder = readHolder(file);
      // A holder still writing its lock file has not written its pid yet: treat as busy.
      if (holder === undefined) continue;
      if (holder.host === me.host && !alive(holder.pid)) {
        try {
          unlinkSync(file);
        } catch {
          /* another process recovered it first */
        }
        const taken = RunLock.acquireOnce(file, me);
        if (taken) return { lock: taken, recovered: holder };
        continue;
      }
      throw new LakeBusyError(file, holder);
    }
    const holder = readHolder(file) ?? { pid: -1, host: 'unknown', runId: 'unknown', since: 'unknown' };
    throw new LakeBusyError(file, holder);
  }

  private static acquireOnce(file: string, me: LockHolder): RunLock | undefined {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return new RunLock(file);
    } catch {
      return undefined;
    }
  }

  release(): void {
    try {
      unlinkSync(this.file);
    } catch {
      /* already gone */
    }
  }
}
