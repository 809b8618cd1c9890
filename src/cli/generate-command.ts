// `stedi generate` and `stedi demo`: deterministic STEDI landing data, and the one-command tour.
import { Command, InvalidArgumentError, Option } from 'commander';
import { join } from 'node:path';
import { generateLanding, summary, type GenerateResult } from '../generator/generator';
import { expectedVerdict, type ExpectedVerdict } from '../generator/expected-verdict';
import { loadCatalog } from '../catalog/registry';
import { DEFAULT_DEFECTS, type DefectOptions } from '../generator/generate-options';
import { PRESET_NAMES, PRESETS, type PresetName } from '../generator/presets';

export const DEMO_DIR = join('.stedi', 'demo');

function defectOption(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const m = /^(\w+)=(\d+)$/.exec(value);
  if (!m || !(m[1] in DEFAULT_DEFECTS)) {
    throw new InvalidArgumentError(`expected NAME=COUNT with NAME one of ${Object.keys(DEFAULT_DEFECTS).join(', ')}; got "${value}"`);
  }
  return { ...previous, [m[1]]: Number(m[2]) };
}

function numberOption(kind: 'integer' | 'number') {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || (kind === 'integer' && !Number.isInteger(n))) throw new InvalidArgumentError(`expected a${kind === 'integer' ? 'n' : ''} ${kind}, got "${v}"`);
    return n;
  };
}

/** The verdict the gates of this repository must give the generated data. */
function verdictOf(result: GenerateResult): ExpectedVerdict {
  const { loadGateConfig } = require('../gates/gate-config') as typeof import('../gates/gate-config');
  const config = loadGateConfig(loadCatalog());
  return expectedVerdict(result, (d) => config.quarantine.datasets[d] ?? config.quarantine.default);
}

const verdictLine = (v: ExpectedVerdict) =>
  v.verdict === 'published' ? 'expected verdict: published (no injected defect blocks the run)' : `expected verdict: blocked by ${v.blockingRules.join(', ')}`;

export interface DemoHooks {
  /** Runs the pipeline on the generated landing folder and returns the exit status. */
  run(landing: string, lake: string, json: boolean, reportDir?: string): Promise<number>;
}

export function registerGenerateCommands(program: Command, hooks: DemoHooks): void {
  program
    .command('generate')
    .description('write deterministic STEDI-shaped landing files (same seed and options: same bytes)')
    .option('--out <dir>', 'landing folder to write customer/, accelerometer/, step_trainer/ into', 'landing')
    .addOption(new Option('--preset <name>', 'size').choices([...PRESET_NAMES]).default('sample'))
    .option('--seed <n>', 'seed of every random choice', numberOption('integer'), 1)
    .option('--scale <x>', 'multiplies customers (course at 10 = 7.5M accelerometer lines)', numberOption('number'), 1)
    .option('--defect <name=count>', `inject a defect; repeatable (${Object.keys(DEFAULT_DEFECTS).join(', ')})`, defectOption)
    .option('--overwrite', 'replace dataset folders that already hold files')
    .option('--json', 'print what was written and the expected outcome as JSON')
    .action(async (o) => {
      const result = await generateLanding(o.out, {
        ...PRESETS[o.preset as PresetName],
        seed: o.seed,
        scale: o.scale,
        overwrite: Boolean(o.overwrite),
        defects: (o.defect ?? {}) as DefectOptions,
      });
      const verdict = verdictOf(result);
      process.stdout.write(o.json ? JSON.stringify({ ...result, verdict }, null, 2) + '\n' : `${summary(result)}\n${verdictLine(verdict)}\n`);
    });

  program
    .command('demo')
    .description('generate the sample landing data and run the pipeline on it (what `npm start` does)')
    .option('--dir <dir>', 'folder for landing/ and lake/', DEMO_DIR)
    .option('--json', 'print the run manifest as JSON')
    .option('--report-dir <dir>', 'also copy report.json, report.md and junit.xml here')
    .action(async (o) => {
      const landing = join(o.dir, 'landing');
      const lake = join(o.dir, 'lake');
      const generated = await generateLanding(landing, { ...PRESETS.sample, overwrite: true });
      if (!o.json) process.stderr.write(`${summary(generated)}\n\n`);
      process.exitCode = await hooks.run(landing, lake, Boolean(o.json), o.reportDir);
      if (!o.json) {
        process.stdout.write(
          `\nlook around:\n  npx stedi tables --lake ${lake}\n  npx stedi query "SELECT * FROM curated.machine_learning_curated LIMIT 5" --lake ${lake}\n`,
        );
      }
    });
}
