// The `stedi` command line: generate sample data, run the local pipeline, look at the lake.
import { Command, Option } from 'commander';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_FILES } from '../report/write-reports';
import { ReportFormatError } from '../report/run-report';
import { SingleBar, Presets } from 'cli-progress';
import { runPipeline, RunConfigError, type RunEvent } from '../pipeline/runner';
import { LakeCatalog, LakeNotFoundError, RollbackError } from '../pipeline/lake-catalog';
import { CatalogBusyError } from '../pipeline/catalog-busy';
import { LakeLayout } from '../pipeline/lake-layout';
import { LakeBusyError } from '../pipeline/run-lock';
import { CatalogError, PROJECT_ROOT } from '../catalog/registry';
import { DdlError } from '../catalog/ddl';
import { runSummary } from './run-summary';
import { registerGenerateCommands } from './generate-command';
import { GenerateOptionsError } from '../generator/generate-options';
import { LandingNotEmptyError } from '../generator/generator';
import { loadCatalog } from '../catalog/registry';
import { AwsCredentialsError } from '../gates/athena-gate';
import { checkGrantsIn, diffGrantsBetween, GRANTS_FORMATS, GrantsCommandError, renderGrantsForEnvironment } from '../governance/grants-command';
import { GrantsPolicyError } from '../governance/grants-policy';
import { SynthesizedStackError } from '../governance/terraform-json';
import { ENVIRONMENT_NAMES } from '../../config/environments/environment-config';
import { EnvironmentConfigError } from '../../config/environments/load-environment';
import { RuleFileError } from '../gates/rule-file';
import { GateConfigError } from '../gates/gate-config';
import { RunLock } from '../pipeline/run-lock';
import { waitNotice } from './catalog-wait-notice';
import { registerRehearseCommand } from './rehearse-command';
import { RehearsalConfigError } from '../rehearse/rehearsal-config-error';
import { GateUsageError, registerGateCommand } from './gate-command';
import { QueryError, registerLakeCommands } from './lake-commands';
import { registerReportCommand } from './report-command';
import { registerCompletionCommand } from './completion-command';
import { nonNegativeInt } from './option-parsers';

export { nonNegativeInt, positiveInt } from './option-parsers';

/** Exit statuses: the contract scripts and CI rely on. */
export const EXIT = { published: 0, blocked: 1, usage: 2, busy: 75, crash: 70 } as const;

/** Errors that are the operator's to fix: a message, no stack trace. */
export class UsageError extends Error {}
const USAGE_ERRORS = [UsageError, RunConfigError, LakeNotFoundError, CatalogError, DdlError, RuleFileError, GateConfigError, RollbackError, GenerateOptionsError, LandingNotEmptyError, ReportFormatError, EnvironmentConfigError, GrantsCommandError, GrantsPolicyError, SynthesizedStackError, GateUsageError, QueryError, AwsCredentialsError, RehearsalConfigError];

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

function progressReporter(enabled: boolean): { onEvent: (e: RunEvent) => void; stop: () => void } {
  if (!enabled) return { onEvent: () => {}, stop: () => {} };
  let bar: SingleBar | undefined;
  let phase = '';
  const stop = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    stop,
    onEvent: (e) => {
      if (e.kind === 'notice') {
        stop();
        process.stderr.write(`${e.message}\n`);
      } else if (e.kind === 'phase') {
        stop();
        phase = e.phase;
        process.stderr.write(`${e.phase}...\n`);
      } else if (e.kind === 'progress') {
        if (!bar || phase !== e.phase) {
          stop();
          phase = e.phase;
          bar = new SingleBar(
            { format: `  ${e.phase} [{bar}] {percentage}% {value}/{total} ${e.unit === 'bytes' ? 'MB' : 'tables'}`, stream: process.stderr },
            Presets.shades_classic,
          );
          bar.start(scale(e.total, e.unit), 0);
        }
        bar.update(scale(e.done, e.unit));
      }
    },
  };
}
const scale = (n: number, unit: string) => (unit === 'bytes' ? Math.round(n / 1e5) / 10 : n);

export async function runCommand(opts: {
  landing: string;
  lake: string;
  json?: boolean;
  progress?: boolean;
  reportDir?: string;
  validationWorkers?: number;
}): Promise<number> {
  // --no-progress sets progress to false; commander leaves it true otherwise, so the terminal decides.
  const progress = progressReporter(opts.progress !== false && !opts.json && Boolean(process.stderr.isTTY));
  try {
    const manifest = await runPipeline({ landing: opts.landing, lake: opts.lake, onEvent: progress.onEvent, validationWorkers: opts.validationWorkers });
    progress.stop();
    if (opts.reportDir) {
      mkdirSync(opts.reportDir, { recursive: true });
      for (const f of Object.values(REPORT_FILES)) copyFileSync(join(manifest.lake, 'runs', manifest.runId, f), join(opts.reportDir, f));
    }
    process.stdout.write(opts.json ? JSON.stringify(manifest, null, 2) + '\n' : runSummary(manifest) + '\n');
    return manifest.status === 'published' ? EXIT.published : EXIT.blocked;
  } finally {
    progress.stop();
  }
}

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
      const lock = RunLock.acquire(new LakeLayout(o.lake).lockFile, `rollback-to-${o.to}`).lock;
      try {
        const versions = await new LakeCatalog(new LakeLayout(o.lake), { onWait: waitNotice }).rollback(o.to);
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
      process.stdout.write(diffGrantsBetween(base, head, o.format));
    });
  grants
    .command('check')
    .description('the governance invariants over a synth output; exit 1 when one is violated')
    .option('--out <dir>', 'the synth output folder', 'cdktf.out')
    .action((o) => {
      const result = checkGrantsIn(o.out, loadCatalog());
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
    if (err instanceof LakeBusyError || err instanceof CatalogBusyError) {
      process.stderr.write(`stedi: ${err.message}\n`);
      return EXIT.busy;
    }
    if (USAGE_ERRORS.some((k) => err instanceof k)) {
      process.stderr.write(`stedi: ${err.message}\n`);
      if (debug) process.stderr.write(`${err.stack}\n`);
      return EXIT.usage;
    }
    const sys = err as NodeJS.ErrnoException;
    if (sys.code && PATH_ERRORS[sys.code] && sys.path) {
      process.stderr.write(`stedi: ${sys.path}: ${PATH_ERRORS[sys.code]} (${sys.syscall ?? 'file system'})\n`);
      if (debug) process.stderr.write(`${err.stack}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`stedi: ${err.message}\n${debug ? `${err.stack}\n` : '(run with --debug for the stack trace)\n'}`);
    return EXIT.crash;
  }
}
