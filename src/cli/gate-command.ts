// `stedi gate`: the evaluation `stedi run` makes, on a lake's published or staged tables (or an
// environment's Glue tables through Athena), with the same words and the same exit status.
// Its action loads what it needs when the gate runs: DuckDB, and the AWS SDK for --engine athena.
import { escapeControls } from '../report/terminal-escape';
import { Command, Option } from 'commander';
import { ENVIRONMENT_NAMES, type EnvironmentName } from '../../config/environments/environment-config';
import type { GateResult } from '../gates/evaluator';
import { renderGateMarkdown } from '../report/report-markdown';
import { reportGate } from '../report/run-report';
import { attentionLines, rulesTable, tallyOf } from './outcome-lines';
import { OperatorError } from '../errors/operator-error';

/** Exit statuses of the gate: those of `stedi run` (main.ts EXIT). */
const PASSED = 0;
const BLOCKED = 1;

export const GATE_FORMATS = ['text', 'json', 'md'] as const;

/** A mistake in how the gate was asked for. */
export class GateUsageError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'GateUsageError';
  }
}

/**
 * Why `--show-pii` is refused here, or undefined where it may be used: only a person at a local
 * terminal may see personal data, never CI (whose logs are kept and often public) and never a pipe
 * or a file (which outlives the terminal).
 */
export function showPiiRefusal(env: NodeJS.ProcessEnv, stdoutIsTty: boolean): string | undefined {
  const ci = ['CI', 'GITHUB_ACTIONS', 'BUILD_NUMBER', 'TF_BUILD', 'GITLAB_CI'].find((k) => env[k] !== undefined && env[k] !== '' && env[k] !== 'false');
  if (ci) return `--show-pii prints personal data and is refused in CI (${ci} is set); the masked tokens are what CI may show`;
  if (!stdoutIsTty) return '--show-pii prints personal data to a terminal only, not to a pipe or a file';
  return undefined;
}

/** Prints gate results in the chosen format; returns the exit status (1 when a rule blocks). */
export function printGate(results: readonly GateResult[], format: (typeof GATE_FORMATS)[number], target: string, write: (text: string) => void = (t) => process.stdout.write(t)): number {
  const rules = results.flatMap((g) => g.rules);
  const blocked = rules.some((r) => r.blocking);
  if (format === 'json') write(JSON.stringify(results, null, 2) + '\n');
  else if (format === 'md') write(renderGateMarkdown(results.map(reportGate), target));
  else {
    const queries = results.reduce((n, g) => n + g.queries, 0);
    write(
      [`gate on ${escapeControls(target)} ${blocked ? 'BLOCKED' : 'passed'} · ${tallyOf(rules)} · ${queries.toLocaleString('en-US')} queries`, '', rulesTable(rules), ...attentionLines(rules)].join('\n') +
        '\n',
    );
  }
  return blocked ? BLOCKED : PASSED;
}

export function registerGateCommand(program: Command, defaults: { readonly lake: string }): void {
  program
    .command('gate')
    .description('evaluate the quality rules and built-in checks on the published tables (or the staged tables of the last blocked run)')
    .addOption(new Option('--engine <engine>', 'where the rules run').choices(['duckdb', 'athena']).default('duckdb'))
    .addOption(new Option('--env <env>', 'environment whose Glue tables the athena engine audits').choices([...ENVIRONMENT_NAMES]))
    .option('--lake <dir>', 'lake folder (duckdb engine)', defaults.lake)
    .option('--staged', 'audit the staged tables instead of the published ones')
    .addOption(new Option('--format <format>', 'output').choices([...GATE_FORMATS]).default('text'))
    .option('--json', 'the same as --format json')
    .option('--show-pii', 'show failing rows unmasked (a local terminal only; refused in CI)')
    .action(async (o) => {
      const format = o.json ? 'json' : (o.format as (typeof GATE_FORMATS)[number]);
      if (o.showPii) {
        const refusal = showPiiRefusal(process.env, Boolean(process.stdout.isTTY));
        if (refusal) throw new GateUsageError(refusal);
      }
      if (o.engine === 'athena' && !o.env) throw new GateUsageError(`--engine athena needs --env (${ENVIRONMENT_NAMES.join(' or ')})`);
      const { loadCatalog } = require('../catalog/registry') as typeof import('../catalog/registry');
      const { DuckDbEngine } = require('../engine/duckdb-engine') as typeof import('../engine/duckdb-engine');
      const { duckDbParseTree } = require('../engine/duckdb-parse-tree') as typeof import('../engine/duckdb-parse-tree');
      const { loadGateSetup, withSamplePrivacy } = require('../gates/auditor') as typeof import('../gates/auditor');
      const { maskSamples, REVEAL_SAMPLES } = require('../gates/sample-privacy') as typeof import('../gates/sample-privacy');
      const catalog = loadCatalog();
      // What failing rows may show, traced from the rules' parse trees (an in-memory DuckDB parses them).
      const parser = await DuckDbEngine.open();
      let setup = loadGateSetup(catalog);
      try {
        setup = await withSamplePrivacy(setup, catalog, duckDbParseTree(parser));
      } finally {
        await parser.close();
      }
      const samples = o.showPii ? REVEAL_SAMPLES : maskSamples(setup.privacy);
      if (o.showPii) process.stderr.write('stedi: --show-pii: failing rows below hold personal data; do not paste them anywhere\n');
      const tables = o.staged ? 'staged tables' : 'published tables';
      if (o.engine === 'athena') {
        // The pinned AWS SDK warns on Node 20 about releases of its own after 2027; the project
        // supports Node 20 (package.json engines) and pins the SDK, so the notice is noise here.
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
        const { loadEnvironment } = require('../../config/environments/load-environment') as typeof import('../../config/environments/load-environment');
        const { gateEnvironment } = require('../gates/athena-gate') as typeof import('../gates/athena-gate');
        const env = loadEnvironment(o.env as EnvironmentName, catalog.datasets.map((d) => d.dataset));
        const gates = await gateEnvironment(env, catalog, setup, { staged: Boolean(o.staged), samples });
        process.exitCode = printGate(gates, format, `the ${tables} of ${env.name}`);
        return;
      }
      const { gateLocalLake } = require('../gates/lake-gate') as typeof import('../gates/lake-gate');
      const { LakeLayout } = require('../pipeline/lake-layout') as typeof import('../pipeline/lake-layout');
      const { gates, runId } = await gateLocalLake(new LakeLayout(o.lake), catalog, setup, Boolean(o.staged), samples);
      process.exitCode = printGate(gates, format, `the ${tables} of ${o.lake}${runId ? ` (run ${runId})` : ''}`);
    });
}
