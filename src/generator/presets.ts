// Named sizes of the synthetic landing data, from unit-test small to the published course data set.

/** The options a preset sets: how much data, spread over how many files. */
export interface SizeOptions {
  /** Distinct customers (before `scale`). */
  readonly customers: number;
  /** Accelerometer readings of each customer who has readings: [min, max], both included. */
  readonly readingsPerCustomer: readonly [number, number];
  /** Accelerometer readings of users who are no customer at all (before `scale`). */
  readonly unknownUserReadings: number;
  /** Step trainer readings of devices no customer owns (before `scale`). */
  readonly unknownDeviceReadings: number;
  /** NDJSON files written per dataset, some of them in nested folders. */
  readonly filesPerDataset: number;
}

export const PRESET_NAMES = ['tiny', 'sample', 'reduced', 'course'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * Readings per customer are wider than the 80-800 that STEDI-DATA.md mentions where the preset's
 * totals need it: 1,000 customers can only reach the course's 750,000 readings at ~790 each.
 * About 95% of customers have readings (see `withoutReadingsShare`) and about 32% of readings have a
 * step trainer reading at the same moment (`stepShare`), the course's 240,000 / 750,000.
 */
export const PRESETS: Readonly<Record<PresetName, SizeOptions>> = {
  /** Fast unit tests: 20 customers, about 2,500 accelerometer and 800 step trainer readings. */
  tiny: { customers: 20, readingsPerCustomer: [60, 200], unknownUserReadings: 10, unknownDeviceReadings: 5, filesPerDataset: 3 },
  /** What `npm start` runs: 200 customers, about 50,000 accelerometer and 16,000 step trainer readings. */
  sample: { customers: 200, readingsPerCustomer: [100, 430], unknownUserReadings: 40, unknownDeviceReadings: 20, filesPerDataset: 4 },
  /** The course's reduced data set: 1,000 customers, about 75,000 accelerometer and 24,000 step trainer readings. */
  reduced: { customers: 1000, readingsPerCustomer: [40, 118], unknownUserReadings: 200, unknownDeviceReadings: 100, filesPerDataset: 6 },
  /** The course's full data set: 1,000 customers, about 750,000 accelerometer and 240,000 step trainer readings. */
  course: { customers: 1000, readingsPerCustomer: [580, 1000], unknownUserReadings: 1000, unknownDeviceReadings: 500, filesPerDataset: 8 },
};
