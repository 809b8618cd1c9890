// Runs one `run:` step of a workflow locally as the runner would (bash -e), with `npx` replaced by a fake.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../support/tmp';
import { workflow } from './workflow-files';

const exec = promisify(execFile);

export interface StepRun {
  code: number;
  stdout: string;
  stderr: string;
  /** `key=value` lines the step appended to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** Each `npx ...` call the step made, one string per call. */
  npx: string[];
  runnerTemp: string;
}

export interface StepOptions {
  /** Values of the step's `env:` entries (their `${{ }}` expressions are the runner's to evaluate). */
  env?: Record<string, string>;
  /** The working directory the step runs in. */
  cwd: string;
  /** Body of the fake `npx` (bash; "$@" are its arguments). @default - prints nothing, exits 0 */
  npx?: string;
  runnerTemp?: string;
}

/** The `run:` script of the named step. */
export function stepScript(file: string, job: string, stepName: string): string {
  const step = workflow(file).jobs[job]?.steps?.find((s) => s.name === stepName);
  if (!step?.run) throw new Error(`${file}: job ${job} has no run step named "${stepName}"`);
  return step.run;
}

export async function runStep(file: string, job: string, stepName: string, options: StepOptions): Promise<StepRun> {
  const work = tempDir('stedi-step-');
  const bin = join(work, 'bin');
  mkdirSync(bin);
  const npxLog = join(work, 'npx.log');
  writeFileSync(join(bin, 'npx'), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> ${JSON.stringify(npxLog)}\n${options.npx ?? 'exit 0'}\n`);
  chmodSync(join(bin, 'npx'), 0o755);
  const script = join(work, 'step.sh');
  writeFileSync(script, stepScript(file, job, stepName));
  const output = join(work, 'github-output');
  writeFileSync(output, '');
  const runnerTemp = options.runnerTemp ?? join(work, 'runner-temp');
  mkdirSync(runnerTemp, { recursive: true });
  let result: { code: number; stdout: string; stderr: string };
  try {
    const { stdout, stderr } = await exec('bash', ['-e', script], {
      cwd: options.cwd,
      timeout: 60_000,
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        HOME: process.env.HOME,
        RUNNER_TEMP: runnerTemp,
        GITHUB_OUTPUT: output,
        CDKTF_CLI_VERSION: workflow(file).env?.CDKTF_CLI_VERSION ?? '',
        ...options.env,
      },
    });
    result = { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    result = { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const npx = existsSync(npxLog) ? readFileSync(npxLog, 'utf8').split('\n').filter(Boolean) : [];
  return { ...result, outputs, npx, runnerTemp };
}
