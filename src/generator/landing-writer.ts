// Writes the planned landing data line by line and tallies, as it goes, where each record must end
// up in the pipeline. One customer at a time: memory holds the plan, the file buffers and the few
// customers that share a serial number, never the readings.
import { LANDING_DATASETS, perDataset, type LandingDatasetName, type ResolvedOptions } from './generate-options';
import { OutcomeTally, type RecordOutcome } from './expected-outcome';
import { LandingFileSet, type GeneratedFile } from './landing-file-set';
import {
  MAX_GAP_MS,
  slotStart,
  stepDraw,
  type LandingPlan,
  type PlannedCustomer,
  type PlannedDevice,
  type PlannedStranger,
} from './landing-plan';
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

const AXES = AXIS_VALUES.length;

/** What was written beyond the clean records, counted as written. */
export interface WrittenDefects {
  readonly malformedLines: Record<LandingDatasetName, number>;
  readonly wrongTypes: Record<LandingDatasetName, number>;
  readonly blankLines: Record<LandingDatasetName, number>;
  readonly duplicateLines: Record<LandingDatasetName, number>;
  readonly conflictingReadings: { accelerometer: number; step_trainer: number };
}

export class LandingWriter {
  readonly tally = new OutcomeTally();
  readonly written: WrittenDefects = {
    malformedLines: perDataset(() => 0),
    wrongTypes: perDataset(() => 0),
    blankLines: perDataset(() => 0),
    duplicateLines: perDataset(() => 0),
    conflictingReadings: { accelerometer: 0, step_trainer: 0 },
  };
  private readonly files: Record<LandingDatasetName, LandingFileSet>;
  // Each customer (and stranger, and device) delivers through streams of its own, and injected lines
  // through others: asking for a defect leaves every other line where it was.
  private delivery: Prng;
  private defectDelivery: Prng;
  /** Distinct step readings (`time:distance`) of the shared serial number, and its customers' readings per moment. */
  private readonly shared?: { readonly steps: Set<string>; readonly readingsAt: Map<number, number>[] };

  constructor(
    root: string,
    private readonly o: ResolvedOptions,
    private readonly plan: LandingPlan,
  ) {
    // File i of dataset d is stamped about i hours after the origin (and d minutes), so names never clash.
    const names = new Prng(o.seed, 'file-names');
    const stamps = (di: number) => Array.from({ length: o.filesPerDataset }, (_, i) => o.originMs + i * 3_600_000 + di * 60_000 + names.int(60_000));
    this.files = Object.fromEntries(LANDING_DATASETS.map((d, di) => [d, new LandingFileSet(root, d, stamps(di))])) as Record<LandingDatasetName, LandingFileSet>;
    this.delivery = new Prng(o.seed, 'delivery');
    this.defectDelivery = new Prng(o.seed, 'defect-delivery');
    if (plan.sharedSerial) this.shared = { steps: new Set(), readingsAt: [] };
  }

  /** A valid line, delivered at least once: sometimes a second time, to any file of the dataset. */
  private emit(d: LandingDatasetName, line: string): void {
    const set = this.files[d];
    set.write(this.delivery.int(set.count), line);
    this.tally.valid(d, line.length);
    if (this.delivery.chance(this.o.duplicateShare)) {
      set.write(this.delivery.int(set.count), line);
      this.tally.valid(d, line.length);
      this.written.duplicateLines[d]++;
    }
  }

  /** An injected line, delivered once; `valid` when it is a record the pipeline accepts (a conflicting reading). */
  private emitInjected(d: LandingDatasetName, line: string, valid: boolean): void {
    this.files[d].write(this.defectDelivery.int(this.files[d].count), line);
    if (valid) this.tally.valid(d, line.length);
  }

  /** Waits for every file to take more (backpressure); call it after each bounded batch of lines. */
  drain(): Promise<unknown> {
    return Promise.all(LANDING_DATASETS.map((d) => this.files[d].drain()));
  }

  writeCustomer(c: PlannedCustomer): void {
    const { o, tally } = this;
    this.delivery = new Prng(o.seed, 'delivery', c.index);
    this.defectDelivery = new Prng(o.seed, 'defect-delivery', c.index);
    for (const r of c.records) this.emit('customer', customerLine(r));
    tally.outcome('customer', c.consents ? 'trusted' : 'no_consent');
    tally.outcome('customer', 'superseded', c.records.length - 1);
    const curated = c.consents && c.readings > 0;
    if (curated) tally.customerCurated++;

    const quotedUser = JSON.stringify(c.email);
    const values = new Prng(o.seed, 'readings', c.index);
    const conflictValues = new Prng(o.seed, 'conflicts', c.index);
    const clock = new Prng(o.seed, 'clock', c.timeKey);
    const hasStep = stepDraw(o, c.index);
    const shared = c.inSharedSerialGroup ? this.shared : undefined;
    const readingsAt = shared ? new Map<number, number>() : undefined;
    if (readingsAt) shared!.readingsAt.push(readingsAt);
    // The first step readings of a replaced device carry its former serial number: only the latest
    // record counts, so they go to no customer in customer_trusted (an earlier record's serial is
    // known to customer_landing: no_consent) and pair with nothing.
    let sent = 0;
    let formerSteps = 0;
    /** Writes a step reading; a conflicting one (`injected`) comes from the device of the reading it conflicts with. */
    const step = (time: number, distance: number, injected: boolean): boolean => {
      const former = c.formerSerialNumber !== undefined && (injected ? sent : sent + 1) <= c.formerDeviceSteps;
      const line = stepTrainerLine(time, former ? c.formerSerialNumber! : c.serialNumber, distance);
      if (injected) this.emitInjected('step_trainer', line, true);
      else {
        this.emit('step_trainer', line);
        sent++;
      }
      if (former) formerSteps++;
      else shared?.steps.add(`${time}:${distance}`);
      return !former;
    };

    let t = slotStart(this.plan, c.timeKey);
    let readingRecords = 0;
    /** Distinct step readings from the customer's current device. */
    let stepRecords = 0;
    let pairs = 0;
    for (let j = 0; j < c.readings; j++) {
      t += 1 + clock.int(MAX_GAP_MS);
      const x = values.int(AXES);
      const y = values.int(AXES);
      const z = values.int(AXES);
      this.emit('accelerometer', accelerometerLine(quotedUser, t, x, y, z));
      let readingsNow = 1;
      if (c.accelerometerConflicts.has(j)) {
        // Another value on one axis, x, y and z in turn: a reading is told apart by each of them.
        const axes = [x, y, z];
        const axis = this.written.conflictingReadings.accelerometer % axes.length;
        axes[axis] = (axes[axis] + 1 + conflictValues.int(AXES - 1)) % AXES;
        this.emitInjected('accelerometer', accelerometerLine(quotedUser, t, axes[0], axes[1], axes[2]), true);
        this.written.conflictingReadings.accelerometer++;
        readingsNow = 2;
      }
      let stepsNow = 0;
      if (hasStep(j)) {
        const distance = values.between(1, MAX_DISTANCE_CM);
        if (step(t, distance, false)) stepsNow = 1;
        // The plan puts step conflicts only where there is a step reading.
        if (c.stepConflicts.has(j)) {
          if (step(t, 1 + ((distance - 1 + conflictValues.between(1, MAX_DISTANCE_CM - 1)) % MAX_DISTANCE_CM), true)) stepsNow++;
          this.written.conflictingReadings.step_trainer++;
        }
      }
      readingRecords += readingsNow;
      stepRecords += stepsNow;
      // machine_learning_curated joins each step reading to each reading of the moment.
      pairs += readingsNow * stepsNow;
      readingsAt?.set(t, readingsNow);
    }
    // Step readings after the last accelerometer reading (the app was closed), or of a customer without
    // any: they pair with no reading.
    for (let j = 0; j < c.stepOnlyReadings + c.unpairedSteps; j++) {
      t += 1 + clock.int(MAX_GAP_MS);
      if (step(t, values.between(1, MAX_DISTANCE_CM), false)) stepRecords++;
    }
    tally.outcome('accelerometer', c.consents ? 'trusted' : 'no_consent', readingRecords);
    tally.outcome('step_trainer', 'no_consent', formerSteps);
    // The step readings of a shared serial number are counted once all its customers are written.
    if (!shared) {
      const stepOutcome: RecordOutcome = curated ? 'trusted' : c.consents ? 'no_accelerometer_readings' : 'no_consent';
      tally.outcome('step_trainer', stepOutcome, stepRecords);
      if (curated) tally.machineLearningCurated += pairs;
    }
    this.writeHostedDefects(c, quotedUser);
  }

  private writeHostedDefects(c: PlannedCustomer, quotedUser: string): void {
    const t = slotStart(this.plan, c.timeKey);
    const template: Record<LandingDatasetName, string> = {
      customer: customerLine(c.records[0]),
      accelerometer: accelerometerLine(quotedUser, t, 2, 0, 1),
      step_trainer: stepTrainerLine(t, c.serialNumber, 120),
    };
    for (const h of c.hosted) {
      if (h.kind === 'blank') {
        this.emitInjected(h.dataset, BLANK_VARIANTS[h.variant % BLANK_VARIANTS.length], false);
        this.written.blankLines[h.dataset]++;
        continue;
      }
      const malformed = h.kind === 'malformed';
      const line = malformed ? malformedLine(template[h.dataset], h.variant) : wrongTypeLine(h.dataset, template[h.dataset], h.variant);
      this.emitInjected(h.dataset, line, false);
      this.tally.quarantined(h.dataset, line.length);
      (malformed ? this.written.malformedLines : this.written.wrongTypes)[h.dataset]++;
    }
  }

  /** Readings of a user who is no customer. */
  writeStranger(s: PlannedStranger, i: number): void {
    this.delivery = new Prng(this.o.seed, 'delivery', s.timeKey);
    const quotedUser = JSON.stringify(s.email);
    const values = new Prng(this.o.seed, 'stranger-readings', i);
    const clock = new Prng(this.o.seed, 'clock', s.timeKey);
    let t = slotStart(this.plan, s.timeKey);
    for (let j = 0; j < s.readings; j++) {
      t += 1 + clock.int(MAX_GAP_MS);
      this.emit('accelerometer', accelerometerLine(quotedUser, t, values.int(AXES), values.int(AXES), values.int(AXES)));
    }
    this.tally.outcome('accelerometer', 'unknown_customer', s.readings);
  }

  /** Step readings of a device no customer owns. */
  writeDevice(d: PlannedDevice, i: number): void {
    this.delivery = new Prng(this.o.seed, 'delivery', d.timeKey);
    const values = new Prng(this.o.seed, 'device-readings', i);
    const clock = new Prng(this.o.seed, 'clock', d.timeKey);
    let t = slotStart(this.plan, d.timeKey);
    for (let j = 0; j < d.readings; j++) {
      t += 1 + clock.int(MAX_GAP_MS);
      this.emit('step_trainer', stepTrainerLine(t, d.serialNumber, values.between(1, MAX_DISTANCE_CM)));
    }
    this.tally.outcome('step_trainer', 'unknown_device', d.readings);
  }

  /**
   * Counts the shared serial number's step readings, now that all its customers are written: each
   * distinct step reading joins every one of them (all in customer_curated) and, through them, their
   * readings at that moment, as machine_learning_curated.sql does.
   */
  finishSharedSerial(): void {
    if (!this.shared) return;
    this.tally.outcome('step_trainer', 'trusted', this.shared.steps.size);
    for (const key of this.shared.steps) {
      const time = Number(key.slice(0, key.indexOf(':')));
      for (const at of this.shared.readingsAt) this.tally.machineLearningCurated += at.get(time) ?? 0;
    }
  }

  async close(): Promise<GeneratedFile[]> {
    const files: GeneratedFile[] = [];
    for (const d of LANDING_DATASETS) files.push(...(await this.files[d].close()));
    return files;
  }

  destroy(): void {
    for (const d of LANDING_DATASETS) this.files[d].destroy();
  }
}
