// One run at a time per lake: an exclusive lock file, taken over when its holder is gone.
//
// A lock file appears whole or not at all: it is written aside and hard-linked into place, and
// link(2) fails when the name exists. Taking over a dead holder's lock needs a claim, which is
// itself such a lock one level down (`run.lock.takeover`): of the processes that find the same
// dead holder, only the one holding the claim removes the lock, and only if it still holds the
// dead holder's bytes, so no process ever removes a lock that another has just taken.
import { closeSync, linkSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { BusyError, OperatorError } from '../errors/operator-error';
import { namingFile } from '../errors/write-fault';
import { processAlive } from './process-alive';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly runId: string;
  readonly since: string;
}

export class LakeBusyError extends BusyError {
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder,
  ) {
    // A holder on another machine is never taken over: its process cannot be checked from here.
    const elsewhere = holder.host !== hostname();
    super(
      `another run (${holder.runId}, pid ${holder.pid} on ${elsewhere ? 'another host, ' : ''}${holder.host}, since ${holder.since}) holds ${lockFile}; ` +
        (elsewhere
          ? `this machine cannot tell whether that process is gone: wait for it to finish, or remove the file once you know it is`
          : 'wait for it to finish, or remove the file if that process is gone'),
    );
    this.name = 'LakeBusyError';
  }
}

/**
 * A lock file that names no holder (empty, cut short, not JSON) and stayed so while this process
 * retried: no stedi leaves its lock that way for long. Its holder cannot be proven gone, so it is
 * not taken over: busy, and the operator decides.
 */
export class UnreadableLockError extends BusyError {
  constructor(
    readonly lockFile: string,
    raw: string,
    waitedMs: number,
  ) {
    const what = raw.trim() === '' ? `is empty (${raw.length} bytes)` : `names no holder (${raw.length} bytes, not a lock stedi writes)`;
    super(
      `the run lock ${lockFile} ${what} and stayed so for ${(waitedMs / 1000).toFixed(1)} s: a crash or a copy left it, or another program wrote it. ` +
        'It is not taken over, since nothing says whose it is: if no run is going on this lake, remove the file and run again',
    );
    this.name = 'UnreadableLockError';
  }
}

/**
 * Takeover claims nested MAX_CLAIM_DEPTH deep, each left by a process that died while taking the
 * lock over. Nothing here can tell which of them to trust, so none is removed, and trying again
 * later would find the same files: not busy (exit 75) but the operator's to clear (exit 2).
 */
export class StuckTakeoverError extends OperatorError {
  constructor(
    readonly lockFile: string,
    readonly claims: readonly string[],
  ) {
    super(
      `the run lock ${lockFile} and its takeover claims ${claims.join(', ')} were each left by a process that is gone (${claims.length} takeovers cut short): ` +
        'nothing says which to trust, so none is removed. If no run is going on this lake, remove those files and run again',
    );
    this.name = 'StuckTakeoverError';
  }
}

/**
 * Every try found the lock taken and, by the time it was read, let go: other runs start and stop
 * faster than this one can take it. Nobody to name; busy, try again.
 */
export class ChurningLockError extends BusyError {
  constructor(
    readonly lockFile: string,
    tries: number,
  ) {
    super(`the run lock ${lockFile} was taken and let go again each of ${tries} times this run tried to take it: other runs are starting on this lake; try again when they are done`);
    this.name = 'ChurningLockError';
  }
}

/** Claims below claims: each level needs one more process to die inside a takeover. */
const MAX_CLAIM_DEPTH = 3;
/** Rounds of trying while another process is taking over or writing a lock the old way. */
const ATTEMPTS = 200;

function readRaw(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function parseHolder(raw: string): LockHolder | undefined {
  try {
    const h = JSON.parse(raw) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Creates `file` holding `text` if no such file exists; true when this call created it. */
function createWhole(file: string, text: string): boolean {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(aside, text, { flag: 'wx' });
  } catch (e) {
    // A full disk: the lock could not be written, and nothing of it stays.
    rmSync(aside, { force: true });
    throw namingFile(e, file);
  }
  try {
    linkSync(aside, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    // A file system without hard links: exclusive creation, its bytes written just after.
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, text);
      closeSync(fd);
      return true;
    } catch (e2) {
      if ((e2 as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e2;
    }
  } finally {
    unlinkSync(aside);
  }
}

/** Test hooks: where a takeover may be interleaved with another process. */
export interface AcquireHooks {
  /** Called after a dead holder was found and before its lock is claimed. */
  readonly beforeTakeover?: (holder: LockHolder) => void;
}

export class RunLock {
  private constructor(
    readonly file: string,
    private readonly text: string,
  ) {}

  /**
   * Takes the lock or throws LakeBusyError. A lock whose holder process is gone (same host) is
   * stale: it is taken over, and the returned `recovered` names the dead holder.
   */
  static acquire(file: string, runId: string, hooks: AcquireHooks = {}): { lock: RunLock; recovered?: LockHolder } {
    const me: LockHolder = { pid: process.pid, host: hostname(), runId, since: new Date().toISOString() };
    return RunLock.take(file, JSON.stringify(me), me, 0, hooks);
  }

  private static take(file: string, text: string, me: LockHolder, depth: number, hooks: AcquireHooks): { lock: RunLock; recovered?: LockHolder } {
    let recovered: LockHolder | undefined;
    let last: LockHolder | undefined;
    /** The bytes of a lock that named no holder, while it kept naming none. */
    let unreadable: { raw: string; since: number } | undefined;
    /** Why the last try's takeover claim was refused, when it was: what the run waited on. */
    let claimBusy: LakeBusyError | ChurningLockError | undefined;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      claimBusy = undefined;
      if (createWhole(file, text)) return { lock: new RunLock(file, text), ...(recovered ? { recovered } : {}) };
      const raw = readRaw(file);
      if (raw === undefined) continue; // released meanwhile: try again
      const holder = parseHolder(raw);
      if (holder === undefined) {
        // Being written by a stedi that creates the file before its bytes: soon readable.
        if (unreadable?.raw !== raw) unreadable = { raw, since: Date.now() };
        pause(10);
        continue;
      }
      unreadable = undefined;
      last = holder;
      if (holder.host !== me.host || processAlive(holder.pid)) throw new LakeBusyError(file, holder);
      if (depth >= MAX_CLAIM_DEPTH) {
        const lockFile = file.slice(0, file.length - '.takeover'.length * depth);
        const claims = Array.from({ length: depth }, (_, i) => `${lockFile}${'.takeover'.repeat(i + 1)}`);
        throw new StuckTakeoverError(lockFile, claims);
      }
      hooks.beforeTakeover?.(holder);
      let claim: RunLock;
      try {
        claim = RunLock.take(`${file}.takeover`, text, me, depth + 1, {}).lock;
      } catch (e) {
        // A claim that is taken is another process taking the lock over right now. Only the lock
        // itself waits to see what it leaves: a claim passes its refusal up at once, so that the
        // retries do not multiply level by level (200 per level). An unreadable claim or a stuck
        // takeover goes up as it is.
        if (depth > 0 || !(e instanceof LakeBusyError || e instanceof ChurningLockError)) throw e;
        claimBusy = e;
        pause(5);
        continue;
      }
      try {
        // Under the claim, nobody else removes this lock: if it still holds the dead holder's
        // bytes, they are the dead holder's lock, not one just taken by another process.
        if (readRaw(file) === raw) {
          unlinkSync(file);
          recovered = holder;
        }
      } finally {
        claim.release();
      }
    }
    if (unreadable) throw new UnreadableLockError(file, unreadable.raw, Date.now() - unreadable.since);
    if (last === undefined) throw new ChurningLockError(file, ATTEMPTS);
    // The dead holder's lock is not what kept this run out: the claim of the process taking it over is.
    throw claimBusy ?? new LakeBusyError(file, last);
  }

  /** Removes the lock file if it is still this lock's. */
  release(): void {
    try {
      if (readRaw(this.file) === this.text) unlinkSync(this.file);
    } catch {
      /* already gone */
    }
  }
}
