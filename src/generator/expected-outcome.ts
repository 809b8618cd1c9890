// What the pipeline must make of generated landing data: the accounting of each landing dataset and
// the rows of every table, in the shapes the run manifest reports them.
import { LANDING_SUFFIX } from '../catalog/registry';
import { LANDING_DATASETS, perDataset, type LandingDatasetName } from './generate-options';

/** Where a valid landing record goes (quality-rules/accounting/<dataset>.sql). */
export type Outcome =
  | 'trusted'
  | 'duplicate'
  | 'superseded'
  | 'no_consent'
  | 'unknown_customer'
  | 'no_accelerometer_readings'
  | 'unknown_device';

/** Where a distinct record goes; `duplicate` is what is left of the valid lines. */
export type RecordOutcome = Exclude<Outcome, 'duplicate'>;

export interface ExpectedDataset {
  /** Non-blank lines: read = valid + quarantined. */
  readonly read: number;
  readonly valid: number;
  readonly quarantined: number;
  /** Bytes of the non-blank lines and of the quarantined ones (lines are ASCII, written without CR): the quarantine's byte share. */
  readonly recordBytes: number;
  readonly quarantinedBytes: number;
  /** Where the valid records go; adds up to `valid`. Outcomes of 0 are left out, as in the run manifest. */
  readonly outcomes: Readonly<Partial<Record<Outcome, number>>>;
}

/** Tables built from the landing datasets, in build order. */
export const BUILT_TABLES = [
  'customer_trusted',
  'accelerometer_trusted',
  'step_trainer_trusted',
  'customer_curated',
  'machine_learning_curated',
] as const;
export type BuiltTable = (typeof BUILT_TABLES)[number];
export type LandingTable = `${LandingDatasetName}${typeof LANDING_SUFFIX}`;
export type ExpectedTable = LandingTable | BuiltTable;

export const landingTable = (dataset: LandingDatasetName): LandingTable => `${dataset}${LANDING_SUFFIX}` as LandingTable;

export interface ExpectedOutcome {
  readonly datasets: Readonly<Record<LandingDatasetName, ExpectedDataset>>;
  /** Rows of every table; a landing table holds the valid records, duplicates included. */
  readonly tables: Readonly<Record<ExpectedTable, number>>;
}

/** Counts as records are generated: every valid line, and every distinct record with its outcome. */
export class OutcomeTally {
  private readonly validLines = perDataset(() => 0);
  private readonly quarantinedLines = perDataset(() => 0);
  private readonly validBytes = perDataset(() => 0);
  private readonly quarantinedBytes = perDataset(() => 0);
  private readonly distinct = perDataset((): Partial<Record<Outcome, number>> => ({}));
  customerCurated = 0;
  machineLearningCurated = 0;

  /** One valid line of `bytes` bytes. */
  valid(dataset: LandingDatasetName, bytes: number): void {
    this.validLines[dataset]++;
    this.validBytes[dataset] += bytes;
  }

  /** One line of `bytes` bytes that breaks the contract. */
  quarantined(dataset: LandingDatasetName, bytes: number): void {
    this.quarantinedLines[dataset]++;
    this.quarantinedBytes[dataset] += bytes;
  }

  /** `records` distinct valid records of `dataset` go to `outcome` (never `duplicate`: that is what is left over). */
  outcome(dataset: LandingDatasetName, outcome: RecordOutcome, records = 1): void {
    if (records) this.distinct[dataset][outcome] = (this.distinct[dataset][outcome] ?? 0) + records;
  }

  result(): ExpectedOutcome {
    const datasets = perDataset(() => ({}) as ExpectedDataset);
    for (const d of LANDING_DATASETS) {
      const distinct = Object.values(this.distinct[d]).reduce((a, b) => a + b, 0);
      const outcomes: Partial<Record<Outcome, number>> = { ...this.distinct[d] };
      if (this.validLines[d] > distinct) outcomes.duplicate = this.validLines[d] - distinct;
      datasets[d] = {
        read: this.validLines[d] + this.quarantinedLines[d],
        valid: this.validLines[d],
        quarantined: this.quarantinedLines[d],
        recordBytes: this.validBytes[d] + this.quarantinedBytes[d],
        quarantinedBytes: this.quarantinedBytes[d],
        outcomes: sortOutcomes(outcomes),
      };
    }
    const trusted = (d: LandingDatasetName) => this.distinct[d].trusted ?? 0;
    return {
      datasets,
      tables: {
        customer_landing: this.validLines.customer,
        accelerometer_landing: this.validLines.accelerometer,
        step_trainer_landing: this.validLines.step_trainer,
        customer_trusted: trusted('customer'),
        accelerometer_trusted: trusted('accelerometer'),
        step_trainer_trusted: trusted('step_trainer'),
        customer_curated: this.customerCurated,
        machine_learning_curated: this.machineLearningCurated,
      },
    };
  }
}

const OUTCOME_ORDER: readonly Outcome[] = [
  'trusted',
  'duplicate',
  'superseded',
  'no_consent',
  'no_accelerometer_readings',
  'unknown_customer',
  'unknown_device',
];

/** Outcomes in one fixed order, zeros left out. */
export function sortOutcomes(outcomes: Partial<Record<Outcome, number>>): Partial<Record<Outcome, number>> {
  const out: Partial<Record<Outcome, number>> = {};
  for (const o of OUTCOME_ORDER) if (outcomes[o]) out[o] = outcomes[o];
  return out;
}
