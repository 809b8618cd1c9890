// Runs `stedi` as a real child process, optionally paused at a fault point so a test can kill it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PAUSE_ENV, PAUSED_FILE } from '../../src/pipeline/fault-point';

export const STEDI_BIN = join(__dirname, '..', '..', 'bin', 'stedi.js');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startStedi(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [STEDI_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

export function runStedi(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  return startStedi(args, env).done;
}

/** Starts a run that stops at `point`, and resolves once it is there (the paused-at file exists). */
export async function startPausedRun(point: string, landing: string, lake: string) {
  const run = startStedi(['run', '--landing', landing, '--lake', lake, '--json'], { [PAUSE_ENV]: point });
  const deadline = Date.now() + 60_000;
  while (!existsSync(join(lake, PAUSED_FILE))) {
    if (Date.now() > deadline) throw new Error(`run did not reach ${point} within 60 s`);
    if (run.child.exitCode !== null) throw new Error(`run ended before ${point}: ${(await run.done).stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return run;
}
