// Writes deterministic STEDI-shaped landing data (customer/, accelerometer/, step_trainer/) and
// works out, while it writes, what the pipeline must make of it: the expected accounting and rows.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { textTable } from '../cli/text-table';
import { BUILT_TABLES, type ExpectedOutcome } from './expected-outcome';
import { LANDING_DATASETS, perDataset, resolveOptions, type GenerateOptions, type LandingDatasetName, type ResolvedOptions } from './generate-options';
import type { GeneratedFile } from './landing-file-set';
import { planLanding, type SharedSerial } from './landing-plan';
import { LandingWriter } from './landing-writer';
import { OperatorError } from '../errors/operator-error';

export type { GeneratedFile } from './landing-file-set';
export type { SharedSerial } from './landing-plan';

/** What was injected, as written (the counts of each defect option, and where they went). */
export interface InjectedDefects {
  readonly malformedLines: Readonly<Record<LandingDatasetName, number>>;
  readonly wrongTypes: Readonly<Record<LandingDatasetName, number>>;
  readonly blankLines: Readonly<Record<LandingDatasetName, number>>;
  /** Valid lines delivered a second time (at least once delivery, `duplicateShare`). */
  readonly duplicateLines: Readonly<Record<LandingDatasetName, number>>;
  /** The serial number several customers carry, when `sharedSerials` > 0. */
  readonly sharedSerial?: SharedSerial;
  /** Customer pairs (emails) whose readings are taken at the same moments. */
  readonly timestampCollisions: readonly (readonly [string, string])[];
  readonly conflictingReadings: Readonly<{ accelerometer: number; step_trainer: number }>;
}

export interface GenerateResult {
  /** The landing folder, absolute. */
  readonly dir: string;
  /** Every option as used, defaults filled in. */
  readonly options: ResolvedOptions;
  readonly files: readonly GeneratedFile[];
  /** Lines written per dataset, blank lines included. */
  readonly lines: Readonly<Record<LandingDatasetName, number>>;
  readonly defects: InjectedDefects;
  /** What the pipeline must report for this landing data, worked out from the generator's own model. */
  readonly expected: ExpectedOutcome;
  /** Wall time of the generation (reported, never written into the data). */
  readonly elapsedMs: number;
}

/** A dataset folder already holds files and `overwrite` was not given. */
export class LandingNotEmptyError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'LandingNotEmptyError';
  }
}

function prepareFolders(root: string, overwrite: boolean): void {
  // A file where the landing folder (or one of its dataset folders) must go: name it, write nothing.
  for (const path of [root, ...LANDING_DATASETS.map((d) => join(root, d))]) {
    if (existsSync(path) && !statSync(path).isDirectory()) {
      throw new LandingNotEmptyError(`${path} is a file, not a folder; pass --out <folder> (a new or empty folder, or one with dataset folders to --overwrite)`);
    }
  }
  for (const d of LANDING_DATASETS) {
    const dir = join(root, d);
    if (!existsSync(dir) || readdirSync(dir).length === 0) continue;
    if (!overwrite) {
      throw new LandingNotEmptyError(`${dir} already holds files; remove it, or generate with the overwrite option to replace it`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes `<dir>/customer/`, `<dir>/accelerometer/` and `<dir>/step_trainer/` (several NDJSON files
 * each, some in nested folders) and returns what was written and the expected pipeline outcome.
 * Same seed and options: the same bytes. Memory stays bounded whatever the size.
 */
export async function generateLanding(dir: string, options: GenerateOptions = {}): Promise<GenerateResult> {
  const started = performance.now();
  const o = resolveOptions(options);
  const root = resolve(dir);
  prepareFolders(root, o.overwrite);
  const plan = planLanding(o);

  const writer = new LandingWriter(root, o, plan);
  try {
    for (const c of plan.customers) {
      writer.writeCustomer(c);
      await writer.drain();
    }
    writer.finishSharedSerial();
    for (const [i, s] of plan.strangers.entries()) {
      writer.writeStranger(s, i);
      await writer.drain();
    }
    for (const [i, d] of plan.devices.entries()) {
      writer.writeDevice(d, i);
      await writer.drain();
    }
  } catch (e) {
    writer.destroy();
    throw e;
  }
  const files = await writer.close();
  const lines = perDataset(() => 0);
  for (const f of files) lines[f.dataset] += f.lines;
  return {
    dir: root,
    options: o,
    files,
    lines,
    defects: {
      ...writer.written,
      ...(plan.sharedSerial ? { sharedSerial: plan.sharedSerial } : {}),
      timestampCollisions: plan.timestampCollisions,
    },
    expected: writer.tally.result(),
    elapsedMs: performance.now() - started,
  };
}

/** A few lines for a terminal: what was written, the defects, and the rows the pipeline must publish. */
export function summary(r: GenerateResult): string {
  const total = LANDING_DATASETS.reduce((n, d) => n + r.lines[d], 0);
  const seconds = r.elapsedMs / 1000;
  const head =
    `generated ${total.toLocaleString('en-US')} lines in ${r.files.length} files under ${r.dir} ` +
    `(seed ${r.options.seed}, scale ${r.options.scale}) in ${seconds.toFixed(1)} s, ` +
    `${Math.round(total / Math.max(seconds, 1e-3)).toLocaleString('en-US')} lines/s`;
  const datasets = textTable(
    ['dataset', 'files', 'lines', 'valid', 'quarantined', 'duplicates'],
    LANDING_DATASETS.map((d) => [
      d,
      r.files.filter((f) => f.dataset === d).length,
      r.lines[d],
      r.expected.datasets[d].valid,
      r.expected.datasets[d].quarantined,
      r.expected.datasets[d].outcomes.duplicate ?? 0,
    ]),
  );
  const sum = (x: Readonly<Record<string, number>>) => Object.values(x).reduce((a, b) => a + b, 0);
  const df = r.defects;
  const injected = [
    [sum(df.malformedLines), 'malformed lines'],
    [sum(df.wrongTypes), 'wrong-typed records'],
    [sum(df.blankLines), 'blank lines'],
    [df.sharedSerial?.sharedWith.length ?? 0, 'customers given a shared serial number'],
    [df.timestampCollisions.length, 'customer pairs with colliding timestamps'],
    [sum(df.conflictingReadings), 'conflicting readings'],
  ]
    .filter(([n]) => Number(n) > 0)
    .map(([n, what]) => `${n} ${what}`);
  const tables = textTable(
    ['expected table', 'rows'],
    BUILT_TABLES.map((t) => [t, r.expected.tables[t]]),
  );
  return [head, '', datasets, '', `defects: ${injected.length ? injected.join(', ') : 'none'}`, '', tables].join('\n');
}
