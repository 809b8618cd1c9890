// The options of generateLanding: sizes, shares of customer stories, delivery and injected defects,
// each with its default beside it.
import { PRESETS } from './presets';
import { OperatorError } from '../errors/operator-error';

/** The landing datasets the generator writes, one folder each, in the order it reports them. */
export const LANDING_DATASETS = ['customer', 'accelerometer', 'step_trainer'] as const;
export type LandingDatasetName = (typeof LANDING_DATASETS)[number];

/** A record with one value per landing dataset. */
export const perDataset = <T>(make: () => T) =>
  Object.fromEntries(LANDING_DATASETS.map((d) => [d, make()])) as Record<LandingDatasetName, T>;

/** Defects to inject, each a count. All default to 0: clean data. */
export interface DefectOptions {
  /**
   * Lines that are not JSON (plain text, truncated JSON, ...), given to the datasets in turn:
   * customer, accelerometer, step_trainer, customer, ...
   * @default 0
   */
  readonly malformedLines?: number;
  /**
   * Copies of valid records with one field of the wrong JSON type (a string timestamp, a null x) or
   * a required field missing, given to the datasets in turn like `malformedLines`.
   * @default 0
   */
  readonly wrongTypes?: number;
  /**
   * Consenting customers with readings whose records carry the serial number of one other consenting
   * customer with readings (the known fulfilment defect). Their step trainer readings carry that
   * serial number too.
   * @default 0
   */
  readonly sharedSerials?: number;
  /**
   * Pairs of consenting customers with readings whose accelerometer readings are taken at exactly
   * the same moments. The first pair is the owner of the shared serial number and the first customer
   * given it, so with `sharedSerials` too a step reading pairs with another customer's reading.
   * @default 0
   */
  readonly timestampCollisions?: number;
  /**
   * Extra readings at the moment of an existing reading of the same user (accelerometer: another
   * value on the x, y and z axis in turn) or device (step trainer: another distance); accelerometer
   * first, then step trainer, in turn. They go
   * to consenting customers with readings, so they reach the trusted tables.
   * @default 0
   */
  readonly conflictingReadings?: number;
  /**
   * Empty or whitespace-only lines (not records), given to the datasets in turn.
   * @default 0
   */
  readonly blankLines?: number;
}

export interface GenerateOptions {
  /** Seed of every random choice: the same seed and options write the same bytes. @default 1 */
  readonly seed?: number;
  /**
   * Multiplies `customers`, `unknownUserReadings` and `unknownDeviceReadings` (readings per customer
   * stay as they are): `course` at scale 10 writes about 7.5 million accelerometer lines.
   * @default 1
   */
  readonly scale?: number;
  /** Distinct customers. @default 200 (the `sample` preset) */
  readonly customers?: number;
  /** Accelerometer readings of each customer who has readings: [min, max]. @default [100, 430] (the `sample` preset) */
  readonly readingsPerCustomer?: readonly [number, number];
  /** Share of customers whose latest record gives research consent. @default 0.5 */
  readonly researchConsentShare?: number;
  /** Share of customers with two or three records that keep their consent as it was. @default 0.08 */
  readonly updatedShare?: number;
  /** Share of customers who consent in an earlier record and revoke in a later one. @default 0.04 */
  readonly revokedShare?: number;
  /** Share of customers who consent only in a later record. @default 0.04 */
  readonly lateGrantShare?: number;
  /**
   * Share of customers with two records of the same lastUpdateDate, one with consent and one
   * without: the one without wins, so they do not consent.
   * @default 0.02
   */
  readonly consentTieShare?: number;
  /**
   * Share of customers without accelerometer readings (half of them consenting); their step trainer
   * still sends a few readings.
   * @default 0.05
   */
  readonly withoutReadingsShare?: number;
  /**
   * Share of customers with two or more records whose step trainer was replaced: their first record
   * carries research consent and the serial number of the old device, the later ones the new serial
   * number. The old device sends the customer's first step readings; only the latest record counts,
   * so they are not trusted.
   * @default 0.03
   */
  readonly replacedDeviceShare?: number;
  /** Share of accelerometer readings with a step trainer reading at the same moment. @default 0.32 */
  readonly stepShare?: number;
  /**
   * Share of customers with accelerometer readings whose step trainer also sends a few readings at
   * moments the phone app recorded nothing (the app was closed): trusted step readings that pair
   * with no accelerometer reading.
   * @default 0.1
   */
  readonly unpairedStepShare?: number;
  /** Share of valid lines delivered twice (at least once delivery), in the same file or another. @default 0.01 */
  readonly duplicateShare?: number;
  /** Accelerometer readings of users who are no customer. @default 40 (the `sample` preset) */
  readonly unknownUserReadings?: number;
  /** Step trainer readings of devices that belong to no customer. @default 20 (the `sample` preset) */
  readonly unknownDeviceReadings?: number;
  /** Files per dataset; every third file sits one folder deeper than the one before. @default 4 (the `sample` preset) */
  readonly filesPerDataset?: number;
  /**
   * Epoch milliseconds all times derive from: file names start here, readings lie about a year
   * before. No wall-clock time is ever read.
   * @default 1691348231425 (2023-08-06T18:57:11.425Z, a course file name)
   */
  readonly originMs?: number;
  /**
   * Remove the dataset folders (`customer/`, `accelerometer/`, `step_trainer/`) of `dir` first
   * when they exist. Without it, a dataset folder that holds files is an error.
   * @default false
   */
  readonly overwrite?: boolean;
  /** Defects to inject. @default none */
  readonly defects?: DefectOptions;
}

/** Every option resolved to a value: what a run was generated with. */
export type ResolvedOptions = Required<Omit<GenerateOptions, 'defects'>> & { readonly defects: Required<DefectOptions> };

export const DEFAULT_DEFECTS: Required<DefectOptions> = {
  malformedLines: 0,
  wrongTypes: 0,
  sharedSerials: 0,
  timestampCollisions: 0,
  conflictingReadings: 0,
  blankLines: 0,
};

export const GENERATE_DEFAULTS: ResolvedOptions = {
  seed: 1,
  scale: 1,
  ...PRESETS.sample,
  researchConsentShare: 0.5,
  updatedShare: 0.08,
  revokedShare: 0.04,
  lateGrantShare: 0.04,
  consentTieShare: 0.02,
  withoutReadingsShare: 0.05,
  replacedDeviceShare: 0.03,
  stepShare: 0.32,
  unpairedStepShare: 0.1,
  duplicateShare: 0.01,
  originMs: 1691348231425,
  overwrite: false,
  defects: DEFAULT_DEFECTS,
};

/** Options that are out of range: a usage error, with the option named. */
export class GenerateOptionsError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'GenerateOptionsError';
  }
}

const SHARES = [
  'researchConsentShare',
  'updatedShare',
  'revokedShare',
  'lateGrantShare',
  'consentTieShare',
  'withoutReadingsShare',
  'replacedDeviceShare',
  'stepShare',
  'unpairedStepShare',
  'duplicateShare',
] as const;

/** Fills in defaults and checks ranges; `undefined` fields count as left out. */
export function resolveOptions(options: GenerateOptions = {}): ResolvedOptions {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as GenerateOptions;
  const givenDefects = Object.fromEntries(Object.entries(options.defects ?? {}).filter(([, v]) => v !== undefined));
  const o: ResolvedOptions = { ...GENERATE_DEFAULTS, ...given, defects: { ...DEFAULT_DEFECTS, ...givenDefects } };
  const fail = (m: string): never => {
    throw new GenerateOptionsError(m);
  };
  const count = (name: string, v: number, min = 0) => {
    if (!Number.isSafeInteger(v) || v < min) fail(`${name} must be an integer >= ${min}, got ${v}`);
  };
  if (!Number.isSafeInteger(o.seed)) fail(`seed must be an integer, got ${o.seed}`);
  if (!(Number.isFinite(o.scale) && o.scale > 0)) fail(`scale must be a number > 0, got ${o.scale}`);
  count('customers', o.customers, 1);
  const [min, max] = o.readingsPerCustomer;
  count('readingsPerCustomer[0]', min, 1);
  count('readingsPerCustomer[1]', max, min);
  for (const s of SHARES) if (!(o[s] >= 0 && o[s] <= 1)) fail(`${s} must be between 0 and 1, got ${o[s]}`);
  count('unknownUserReadings', o.unknownUserReadings);
  count('unknownDeviceReadings', o.unknownDeviceReadings);
  count('filesPerDataset', o.filesPerDataset, 1);
  // Registrations lie up to 400 days before the origin: keep every epoch ms above 0.
  count('originMs', o.originMs, 400 * 86_400_000);
  for (const [k, v] of Object.entries(o.defects)) count(`defects.${k}`, v);
  return o;
}
