// Writes deterministic STEDI-shaped landing data (customer/, accelerometer/, step_trainer/) and
// works out, while it writes, what the pipeline must make of it: the expected accounting and rows.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { textTable } from '../cli/text-table';
import { BUILT_TABLES, OutcomeTally, type ExpectedOutcome, type Outcome } from './expected-outcome';
import {
  LANDING_DATASETS,
  resolveOptions,
  type GenerateOptions,
  type LandingDatasetName,
  type ResolvedOptions,
} from './generate-options';
import { LandingFileSet, type GeneratedFile } from './landing-file-set';
import { MAX_GAP_MS, planLanding, slotStart, stepDraw, type LandingPlan, type PlannedCustomer, type SharedSerial } from './landing-plan';
import {
  accelerometerLine,
  AXIS_VALUES,
  BLANK_VARIANTS,
  customerLine,
  malformedLine,
  MAX_DISTANCE_CM,
  stepTrainerLine,
  wrongTypeLine,
} from './landing-records';
import { Prng } from './prng';

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
export class LandingNotEmptyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LandingNotEmptyError';
  }
}

const perDataset = <T>(make: () => T) =>
  Object.fromEntries(LANDING_DATASETS.map((d) => [d, make()])) as Record<LandingDatasetName, T>;

function prepareFolders(root: string, overwrite: boolean): void {
  for (const d of LANDING_DATASETS) {
    const dir = join(root, d);
    if (!existsSync(dir) || readdirSync(dir).length === 0) continue;
    if (!overwrite) {
      throw new LandingNotEmptyError(`${dir} already holds files; remove it, or generate with the overwrite option to replace it`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Step readings and accelerometer readings per moment of the customers who share one serial number. */
interface SharedSerialState {
  readonly steps: Set<string>;
  readonly accelerometerAt: Map<number, number>[];
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

  const names = new Prng(o.seed, 'file-names');
  const sets = perDataset(() => undefined as unknown as LandingFileSet);
  LANDING_DATASETS.forEach((d, di) => {
    const stamps = [...Array(o.filesPerDataset).keys()].map((i) => o.originMs + i * 3_600_000 + di * 60_000 + names.int(60_000));
    sets[d] = new LandingFileSet(root, d, stamps);
  });
  // Each customer (and stranger, and device) has delivery streams of its own, and defects draw from
  // streams of their own: asking for a defect leaves every other line where it was.
  let route = new Prng(o.seed, 'delivery', 0);
  let defectRoute = new Prng(o.seed, 'defect-delivery', 0);
  const tally = new OutcomeTally();
  const duplicateLines = perDataset(() => 0);
  const malformed = perDataset(() => 0);
  const wrongTypes = perDataset(() => 0);
  const blank = perDataset(() => 0);
  const conflicts = { accelerometer: 0, step_trainer: 0 };

  /** A valid line, delivered at least once: sometimes a second time, to any file of the dataset. */
  const emit = (d: LandingDatasetName, line: string) => {
    const set = sets[d];
    set.write(route.int(set.count), line);
    tally.valid(d);
    if (route.chance(o.duplicateShare)) {
      set.write(route.int(set.count), line);
      tally.valid(d);
      duplicateLines[d]++;
    }
  };
  /** An injected line, delivered once. */
  const emitDefect = (d: LandingDatasetName, line: string) => sets[d].write(defectRoute.int(sets[d].count), line);
  const drain = () => Promise.all(LANDING_DATASETS.map((d) => sets[d].drain()));

  const shared: SharedSerialState | undefined = plan.sharedSerial ? { steps: new Set(), accelerometerAt: [] } : undefined;

  const writeCustomer = (c: PlannedCustomer) => {
    route = new Prng(o.seed, 'delivery', c.index);
    defectRoute = new Prng(o.seed, 'defect-delivery', c.index);
    for (const r of c.records) emit('customer', customerLine(r));
    tally.outcome('customer', c.consents ? 'trusted' : 'no_consent');
    tally.outcome('customer', 'superseded', c.records.length - 1);
    const curated = c.consents && c.readings > 0;
    if (curated) tally.customerCurated++;

    const quotedUser = JSON.stringify(c.email);
    const values = new Prng(o.seed, 'readings', c.index);
    const conflictValues = new Prng(o.seed, 'conflicts', c.index);
    const hasStep = stepDraw(o, c.index);
    const clock = new Prng(o.seed, 'clock', c.timeKey);
    const group = c.inSharedSerialGroup ? shared : undefined;
    const accelerometerAt = group ? new Map<number, number>() : undefined;
    group?.accelerometerAt.push(accelerometerAt!);
    let t = slotStart(plan, c.timeKey);
    let accelerometerRecords = 0;
    let stepRecords = 0;
    let pairs = 0;
    const step = (time: number, distance: number, conflicting = false) => {
      const line = stepTrainerLine(time, c.serialNumber, distance);
      if (conflicting) {
        emitDefect('step_trainer', line);
        tally.valid('step_trainer');
      } else emit('step_trainer', line);
      group?.steps.add(`${time}:${distance}`);
    };
    for (let j = 0; j < c.readings; j++) {
      t += 1 + clock.int(MAX_GAP_MS);
      const x = values.int(AXIS_VALUES.length);
      const y = values.int(AXIS_VALUES.length);
      const z = values.int(AXIS_VALUES.length);
      emit('accelerometer', accelerometerLine(quotedUser, t, x, y, z));
      let atMoment = 1;
      if (c.accelerometerConflicts.has(j)) {
        const other = (x + 1 + conflictValues.int(AXIS_VALUES.length - 1)) % AXIS_VALUES.length;
        emitDefect('accelerometer', accelerometerLine(quotedUser, t, other, y, z));
        tally.valid('accelerometer');
        conflicts.accelerometer++;
        atMoment = 2;
      }
      let stepsAtMoment = 0;
      if (hasStep(j)) {
        const distance = values.between(1, MAX_DISTANCE_CM);
        step(t, distance);
        stepsAtMoment = 1;
        // The plan puts step conflicts only where there is a step reading.
        if (c.stepConflicts.has(j)) {
          step(t, 1 + ((distance - 1 + conflictValues.between(1, MAX_DISTANCE_CM - 1)) % MAX_DISTANCE_CM), true);
          conflicts.step_trainer++;
          stepsAtMoment = 2;
        }
      }
      accelerometerRecords += atMoment;
      stepRecords += stepsAtMoment;
      pairs += atMoment * stepsAtMoment;
      accelerometerAt?.set(t, atMoment);
    }
    for (let j = 0; j < c.stepOnlyReadings; j++) {
      t += 1 + clock.int(MAX_GAP_MS);
      step(t, values.between(1, MAX_DISTANCE_CM));
      stepRecords++;
    }
    tally.outcome('accelerometer', c.consents ? 'trusted' : 'no_consent', accelerometerRecords);
    // The readings of a shared serial number are counted once all its customers are written.
    if (!group) {
      const stepOutcome: Outcome = curated ? 'trusted' : c.consents ? 'no_accelerometer_readings' : 'no_consent';
      tally.outcome('step_trainer', stepOutcome as Exclude<Outcome, 'duplicate'>, stepRecords);
      if (curated) tally.machineLearningCurated += pairs;
    }
    writeHostedDefects(c, quotedUser);
  };

  const writeHostedDefects = (c: PlannedCustomer, quotedUser: string) => {
    const t = slotStart(plan, c.timeKey);
    const template: Record<LandingDatasetName, string> = {
      customer: customerLine(c.records[0]),
      accelerometer: accelerometerLine(quotedUser, t, 2, 0, 1),
      step_trainer: stepTrainerLine(t, c.serialNumber, 120),
    };
    for (const h of c.hosted) {
      if (h.kind === 'blank') {
        emitDefect(h.dataset, BLANK_VARIANTS[h.variant % BLANK_VARIANTS.length]);
        blank[h.dataset]++;
        continue;
      }
      const line = h.kind === 'malformed' ? malformedLine(template[h.dataset], h.variant) : wrongTypeLine(h.dataset, template[h.dataset], h.variant);
      emitDefect(h.dataset, line);
      tally.quarantined(h.dataset);
      (h.kind === 'malformed' ? malformed : wrongTypes)[h.dataset]++;
    }
  };

  try {
    for (const c of plan.customers) {
      writeCustomer(c);
      await drain();
    }
    if (shared) {
      // Each distinct step reading of the shared serial joins every one of its customers (all in
      // customer_curated) and, through them, their accelerometer readings at that moment.
      tally.outcome('step_trainer', 'trusted', shared.steps.size);
      for (const key of shared.steps) {
        const time = Number(key.slice(0, key.indexOf(':')));
        for (const at of shared.accelerometerAt) tally.machineLearningCurated += at.get(time) ?? 0;
      }
    }
    const deliverAs = (timeKey: number) => {
      route = new Prng(o.seed, 'delivery', timeKey);
    };
    await writeStrangers(plan, o, emit, deliverAs, tally, drain);
  } catch (e) {
    for (const d of LANDING_DATASETS) sets[d].destroy();
    throw e;
  }
  const files: GeneratedFile[] = [];
  for (const d of LANDING_DATASETS) files.push(...(await sets[d].close()));
  const lines = perDataset(() => 0);
  for (const f of files) lines[f.dataset] += f.lines;
  return {
    dir: root,
    options: o,
    files,
    lines,
    defects: {
      malformedLines: malformed,
      wrongTypes,
      blankLines: blank,
      duplicateLines,
      ...(plan.sharedSerial ? { sharedSerial: plan.sharedSerial } : {}),
      timestampCollisions: plan.timestampCollisions,
      conflictingReadings: conflicts,
    },
    expected: tally.result(),
    elapsedMs: performance.now() - started,
  };
}

/** Readings of users who are no customer and of devices no customer owns. */
async function writeStrangers(
  plan: LandingPlan,
  o: ResolvedOptions,
  emit: (d: LandingDatasetName, line: string) => void,
  deliverAs: (timeKey: number) => void,
  tally: OutcomeTally,
  drain: () => Promise<unknown>,
): Promise<void> {
  for (const [i, s] of plan.strangers.entries()) {
    deliverAs(s.timeKey);
    const quotedUser = JSON.stringify(s.email);
    const values = new Prng(o.seed, 'stranger-readings', i);
    const clock = new Prng(o.seed, 'clock', s.timeKey);
    let t = slotStart(plan, s.timeKey);
    for (let j = 0; j < s.readings; j++) {
      t += 1 + clock.int(MAX_GAP_MS);
      emit('accelerometer', accelerometerLine(quotedUser, t, values.int(3), values.int(3), values.int(3)));
    }
    tally.outcome('accelerometer', 'unknown_customer', s.readings);
    await drain();
  }
  for (const [i, d] of plan.devices.entries()) {
    deliverAs(d.timeKey);
    const values = new Prng(o.seed, 'device-readings', i);
    const clock = new Prng(o.seed, 'clock', d.timeKey);
    let t = slotStart(plan, d.timeKey);
    for (let j = 0; j < d.readings; j++) {
      t += 1 + clock.int(MAX_GAP_MS);
      emit('step_trainer', stepTrainerLine(t, d.serialNumber, values.between(1, MAX_DISTANCE_CM)));
    }
    tally.outcome('step_trainer', 'unknown_device', d.readings);
    await drain();
  }
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
