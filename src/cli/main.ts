// The `stedi` command line: generate sample data, run the local pipeline, look at the lake.
// Only commander and the commands' options load at start; each command loads what it needs when it
// runs (DuckDB, the AWS SDK, the pipeline), so `stedi --version` or `stedi --help` start at once.
import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../catalog/registry';
import { ENVIRONMENT_NAMES } from '../../config/environments/environment-config';
import { GRANTS_FORMATS } from '../governance/grants-formats';
import { BusyError, OperatorError } from '../errors/operator-error';
import { writeFaultLine } from '../errors/write-fault';
import { escapeMessage } from '../report/terminal-escape';
import { EXIT } from './exit-status';
import { waitNotice } from './catalog-wait-notice';
import { registerGenerateCommands } from './generate-command';
import { registerRehearseCommand } from './rehearse-command';
import { registerGateCommand } from './gate-command';
import { registerLakeCommands } from './lake-commands';
import { registerReportCommand } from './report-command';
import { registerCompletionCommand } from './completion-command';
import { nonNegativeInt } from './option-parsers';
import type { RunCommandOptions } from './run-command';

export { nonNegativeInt, positiveInt } from './option-parsers';
export { EXIT, UsageError } from './exit-status';

/**
 * File system errors about a path the user gave (a missing file, a file where a folder must be,
 * no permission): the user's to fix. Other codes (ENOSPC, EIO, ...) are the machine's.
 */
const PATH_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a file where a folder must be',
  EISDIR: 'a folder where a file must be',
  EEXIST: 'already exists',
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'read-only file system',
};

/** The version in package.json: one source. */
export function stediVersion(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export const DEFAULT_LANDING = 'landing';
export const DEFAULT_LAKE = 'lake';

/** `stedi run`: loads the pipeline (and DuckDB) only now. */
export async function runCommand(opts: RunCommandOptions): Promise<number> {
  return (require('./run-command') as typeof import('./run-command')).runCommand(opts);
}

/** The functions behind `stedi grants`, loaded when it runs. */
const grantsCommand = () => require('../governance/grants-command') as typeof import('../governance/grants-command');

export function buildProgram(): Command {
  const program = new Command('stedi')
    .description('STEDI lakehouse: run the landing -> trusted -> curated pipeline on embedded DuckDB, with quality gates')
    .version(stediVersion(), '-V, --version', 'print the version')
    .option('--debug', 'print stack traces of errors')
    // A typo gets commander's one-line error (with its "Did you mean ...?"), not the whole help.
    .showHelpAfterError('(add --help for usage)')
    // A command's options belong to it alone (`grants --out` and `grants check --out` are two
    // options); main() moves --debug before the subcommand so it works anywhere on the line.
    .enablePositionalOptions()
    // Before any subcommand is added, so that they inherit it: errors come back to main().
    .exitOverride();

  program
    .command('run')
    .description('validate landing files, build trusted and curated tables, audit them and publish')
    .option('--landing <dir>', 'landing folder with customer/, accelerometer/, step_trainer/', DEFAULT_LANDING)
    .option('--lake <dir>', 'lake folder (catalog.duckdb, data, runs)', DEFAULT_LAKE)
    .option('--json', 'print the run manifest as JSON on stdout')
    .option('--report-dir <dir>', 'also copy report.json, report.md and junit.xml here')
    .option('--validation-workers <n>', 'worker threads checking records (0: main thread; default: the cores beyond two, from 32 MiB of landing data)', (v) => nonNegativeInt(v))
    .addOption(new Option('--no-progress', 'no progress bars even on a terminal'))
    .action(async (o) => {
      process.exitCode = await runCommand(o);
    });

  registerLakeCommands(program, { lake: DEFAULT_LAKE });
  registerGateCommand(program, { lake: DEFAULT_LAKE });

  program
    .command('rollback')
    .description('switch every table back to what an earlier published run wrote, in one transaction')
    .requiredOption('--to <run>', 'run id of a published run (see `stedi runs`)')
    .option('--lake <dir>', 'lake folder', DEFAULT_LAKE)
    .action(async (o) => {
      const { RunLock } = require('../pipeline/run-lock') as typeof import('../pipeline/run-lock');
      const { LocalLakeCatalog } = require('../pipeline/local-lake-catalog') as typeof import('../pipeline/local-lake-catalog');
      const { LakeLayout } = require('../pipeline/lake-layout') as typeof import('../pipeline/lake-layout');
      const lock = RunLock.acquire(new LakeLayout(o.lake).lockFile, `rollback-to-${o.to}`).lock;
      try {
        const versions = await new LocalLakeCatalog(new LakeLayout(o.lake), { onWait: waitNotice }).rollback(o.to);
        process.stdout.write(`restored ${versions.length} tables to run ${o.to}\n`);
      } finally {
        lock.release();
      }
    });

  registerReportCommand(program);

  const grants = program
    .command('grants')
    .description('the effective Lake Formation access per principal, read from the synthesized Terraform (npm run synth)')
    .addOption(new Option('--env <env>', 'one environment (default: all)').choices([...ENVIRONMENT_NAMES]))
    .option('--out <dir>', 'the synth output folder', 'cdktf.out')
    .addOption(new Option('--format <format>', 'output').choices([...GRANTS_FORMATS]).default('md'))
    // `grants check --out X` is the subcommand's own --out, not this command's.
    .enablePositionalOptions()
    .action((o) => {
      const { renderGrantsForEnvironment } = grantsCommand();
      const envs = o.env ? [o.env as string] : [...ENVIRONMENT_NAMES];
      process.stdout.write(envs.map((e) => renderGrantsForEnvironment(o.out, e, o.format)).join(o.format === 'md' ? '\n' : ''));
    });
  grants
    .command('diff')
    .description('access granted and revoked between two synth outputs (for a pull request: base against branch)')
    .argument('<base>', 'cdktf.out folder of the base')
    .argument('<head>', 'cdktf.out folder of the branch')
    .addOption(new Option('--format <format>', 'output').choices([...GRANTS_FORMATS]).default('md'))
    .action((base: string, head: string, o) => {
      process.stdout.write(grantsCommand().diffGrantsBetween(base, head, o.format));
    });
  grants
    .command('check')
    .description('the governance invariants over a synth output; exit 1 when one is violated')
    .option('--out <dir>', 'the synth output folder', 'cdktf.out')
    .action((o) => {
      const { loadCatalog } = require('../catalog/registry') as typeof import('../catalog/registry');
      const result = grantsCommand().checkGrantsIn(o.out, loadCatalog());
      const checks = result.outcomes.reduce((n, s) => n + s.outcomes.length, 0);
      process.stdout.write(result.violations ? `${result.message}\n` : `${checks} governance checks compliant in ${result.outcomes.length} stacks\n`);
      process.exitCode = result.violations ? EXIT.blocked : EXIT.published;
    });

  registerGenerateCommands(program, {
    run: (landing, lake, json, reportDir) => runCommand({ landing, lake, json, reportDir }),
  });
  registerRehearseCommand(program, { landing: DEFAULT_LANDING, exit: EXIT });
  registerCompletionCommand(program);

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    const args = argv.slice(2);
    await program.parseAsync(args.includes('--debug') ? [...argv.slice(0, 2), '--debug', ...args.filter((a) => a !== '--debug')] : argv);
    return Number(process.exitCode ?? 0);
  } catch (e) {
    const err = e as Error & { code?: string; exitCode?: number };
    if (err.code?.startsWith('commander.')) {
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : EXIT.usage;
    }
    const debug = argv.includes('--debug') || process.env.STEDI_DEBUG === '1';
    // Messages name paths and quote values: a file name holding ESC [ or a newline is shown escaped, never sent raw.
    const say = (text: string) => process.stderr.write(`stedi: ${escapeMessage(text)}\n`);
    if (err instanceof BusyError) {
      say(err.message);
      return EXIT.busy;
    }
    if (err instanceof OperatorError) {
      say(err.message);
      if (debug) process.stderr.write(`${err.stack}\n`);
      return EXIT.usage;
    }
    const sys = err as NodeJS.ErrnoException;
    if (sys.code && PATH_ERRORS[sys.code] && sys.path) {
      say(`${sys.path}: ${PATH_ERRORS[sys.code]} (${sys.syscall ?? 'file system'})`);
      if (debug) process.stderr.write(`${err.stack}\n`);
      return EXIT.usage;
    }
    // A disk that is full (or refuses writes): the operator frees space, nothing of ours to debug.
    const fault = writeFaultLine(err);
    if (fault) {
      say(fault);
      if (debug) process.stderr.write(`${err.stack}\n`);
      return EXIT.usage;
    }
    say(err.message);
    process.stderr.write(debug ? `${err.stack}\n` : '(run with --debug for the stack trace)\n');
    return EXIT.crash;
  }
}
