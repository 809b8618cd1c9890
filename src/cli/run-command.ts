// `stedi run` (and the run of `stedi demo`): the pipeline with progress bars on a terminal, then the
// summary or the manifest. Loaded only when a run starts: it brings DuckDB and the whole pipeline.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { runPipeline, type RunEvent } from '../pipeline/runner';
import { REPORT_FILES } from '../report/write-reports';
import { EXIT } from './exit-status';
import { namingFile } from '../errors/write-fault';
import { runSummary } from './run-summary';
import { escapeControls } from '../report/terminal-escape';

export interface RunCommandOptions {
  readonly landing: string;
  readonly lake: string;
  readonly json?: boolean;
  /** False with --no-progress; the terminal decides otherwise. */
  readonly progress?: boolean;
  readonly reportDir?: string;
  readonly validationWorkers?: number;
}

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
        process.stderr.write(`${escapeControls(e.message)}\n`);
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

export async function runCommand(opts: RunCommandOptions): Promise<number> {
  const progress = progressReporter(opts.progress !== false && !opts.json && Boolean(process.stderr.isTTY));
  try {
    const manifest = await runPipeline({ landing: opts.landing, lake: opts.lake, onEvent: progress.onEvent, validationWorkers: opts.validationWorkers });
    progress.stop();
    if (opts.reportDir) {
      mkdirSync(opts.reportDir, { recursive: true });
      for (const f of Object.values(REPORT_FILES)) {
        // Read and written rather than copied: a failed write then names the copy, and the run's own report stays whole.
        const copy = join(opts.reportDir, f);
        const text = readFileSync(join(manifest.lake, 'runs', manifest.runId, f));
        try {
          writeFileSync(copy, text);
        } catch (e) {
          throw namingFile(e, copy);
        }
      }
    }
    process.stdout.write(opts.json ? JSON.stringify(manifest, null, 2) + '\n' : runSummary(manifest) + '\n');
    return manifest.status === 'published' ? EXIT.published : EXIT.blocked;
  } finally {
    progress.stop();
  }
}
