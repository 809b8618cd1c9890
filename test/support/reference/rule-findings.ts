// What each quality rule must find on the reference's tables, written from the rule's description
// (its header in quality-rules/rules/) and ../shared/STEDI-DATA.md, not from its SQL: the number of
// failing rows the gate reports. A rule the reference does not know fails the comparison, so a
// new rule gets its expectation here.
import type { Row, Value } from './record-contract';
import type { StediTables } from './stedi-tables';

export type TableName = keyof StediTables;

export interface RuleExpectation {
  readonly severity: 'error' | 'warn';
  /** The tables the rule reads: a rule over a curated table runs at the curated gate. */
  readonly reads: readonly TableName[];
  /** Failing rows on these tables. */
  readonly failing: (t: StediTables) => number;
}

/** Groups of rows that share a key, with more than one row. */
function groupsOfMany(rows: readonly Row[], key: (r: Row) => string): number {
  const n = new Map<string, number>();
  for (const r of rows) n.set(key(r), (n.get(key(r)) ?? 0) + 1);
  return [...n.values()].filter((k) => k > 1).length;
}

const has = (v: Value) => v !== null;
const count = <T>(rows: readonly T[], p: (r: T) => boolean) => rows.filter(p).length;
/** Distinct values of a column among rows that match. */
const distinctOf = (rows: readonly Row[], col: string, p: (r: Row) => boolean = () => true) => new Set(rows.filter(p).map((r) => r[col])).size;
const emails = (rows: readonly Row[]) => new Set(rows.map((r) => r.email));

/** Epoch ms of 2000-01-01 and 2100-01-01. */
const YEAR_2000 = Date.UTC(2000, 0, 1);
const YEAR_2100 = Date.UTC(2100, 0, 1);

export const RULES: Readonly<Record<string, RuleExpectation>> = {
  // One accelerometer reading per user and moment: moments with several readings.
  accelerometer_reading_conflicts: {
    severity: 'warn',
    reads: ['accelerometer_trusted'],
    failing: (t) => groupsOfMany(t.accelerometer_trusted, (a) => `${a.user}\u0000${a.timestamp}`),
  },
  accelerometer_trusted_values_present: {
    severity: 'error',
    reads: ['accelerometer_trusted'],
    failing: (t) => count(t.accelerometer_trusted, (a) => !['user', 'timestamp', 'x', 'y', 'z'].every((c) => has(a[c]))),
  },
  // Users with trusted readings who are no trusted customer.
  consent_accelerometer_trusted: {
    severity: 'error',
    reads: ['accelerometer_trusted', 'customer_trusted'],
    failing: (t) => distinctOf(t.accelerometer_trusted, 'user', (a) => !emails(t.customer_trusted).has(a.user)),
  },
  consent_customer_curated: {
    severity: 'error',
    reads: ['customer_curated', 'customer_trusted', 'accelerometer_trusted'],
    failing: (t) => {
      const users = new Set(t.accelerometer_trusted.map((a) => a.user));
      return count(t.customer_curated, (c) => !emails(t.customer_trusted).has(c.email) || !users.has(c.email));
    },
  },
  consent_customer_trusted: {
    severity: 'error',
    reads: ['customer_trusted'],
    failing: (t) => count(t.customer_trusted, (c) => !has(c.shareWithResearchAsOfDate)),
  },
  // (user, serial) groups of machine-learning rows whose user is no curated customer.
  consent_machine_learning_curated: {
    severity: 'error',
    reads: ['machine_learning_curated', 'customer_curated'],
    failing: (t) => {
      const curated = emails(t.customer_curated);
      return new Set(t.machine_learning_curated.filter((m) => !curated.has(m.user)).map((m) => `${m.user}\u0000${m.serialNumber}`)).size;
    },
  },
  // Pairs of a trusted customer and a later landing record of theirs.
  consent_revocation_honoured: {
    severity: 'error',
    reads: ['customer_trusted', 'customer_landing'],
    failing: (t) =>
      t.customer_trusted.reduce((n, c) => n + count(t.customer_landing, (l) => l.email === c.email && (l.lastUpdateDate as number) > (c.lastUpdateDate as number)), 0),
  },
  // Birthdays before 1900-01-01: the year, of 1 to 4 digits, is below 1900.
  customer_birthday_plausible: {
    severity: 'warn',
    reads: ['customer_trusted'],
    failing: (t) => count(t.customer_trusted, (c) => Number(String(c.birthDay).split('-')[0]) < 1900),
  },
  customer_curated_not_empty: {
    severity: 'error',
    reads: ['customer_curated'],
    failing: (t) => (t.customer_curated.length === 0 ? 1 : 0),
  },
  // Phone numbers of several trusted customers.
  customer_phone_shared: {
    severity: 'warn',
    reads: ['customer_trusted'],
    failing: (t) => groupsOfMany(t.customer_trusted, (c) => String(c.phone)),
  },
  customer_trusted_keys_present: {
    severity: 'error',
    reads: ['customer_trusted'],
    failing: (t) => count(t.customer_trusted, (c) => !has(c.email) || !has(c.serialNumber) || !has(c.lastUpdateDate)),
  },
  machine_learning_curated_not_empty: {
    severity: 'error',
    reads: ['machine_learning_curated'],
    failing: (t) => (t.machine_learning_curated.length === 0 ? 1 : 0),
  },
  // Step readings (device and moment) with several machine-learning rows.
  machine_learning_one_row_per_reading: {
    severity: 'warn',
    reads: ['machine_learning_curated'],
    failing: (t) => groupsOfMany(t.machine_learning_curated, (m) => `${m.serialNumber}\u0000${m.sensorReadingTime}`),
  },
  // Rows not pairing a device with its one curated owner.
  machine_learning_same_customer: {
    severity: 'error',
    reads: ['machine_learning_curated', 'customer_curated'],
    failing: (t) => {
      const owners = new Map<Value, Set<Value>>();
      for (const c of t.customer_curated) owners.set(c.serialNumber, (owners.get(c.serialNumber) ?? new Set()).add(c.email));
      return count(t.machine_learning_curated, (m) => !(owners.get(m.serialNumber)?.has(m.user) ?? false) || owners.get(m.serialNumber)!.size > 1);
    },
  },
  reading_times_plausible: {
    severity: 'warn',
    reads: ['accelerometer_trusted'],
    failing: (t) => count(t.accelerometer_trusted, (a) => (a.timestamp as number) < YEAR_2000 || (a.timestamp as number) >= YEAR_2100),
  },
  // Serial numbers that landing records give to several customers (the fulfilment defect).
  serial_number_shared_by_customers: {
    severity: 'error',
    reads: ['customer_landing'],
    failing: (t) => {
      const byDevice = new Map<Value, Set<Value>>();
      for (const c of t.customer_landing) byDevice.set(c.serialNumber, (byDevice.get(c.serialNumber) ?? new Set()).add(c.email));
      return [...byDevice.values()].filter((e) => e.size > 1).length;
    },
  },
  // A step trainer measures at most 10 m (1,000 cm).
  step_trainer_distance_plausible: {
    severity: 'warn',
    reads: ['step_trainer_trusted'],
    failing: (t) => count(t.step_trainer_trusted, (s) => (s.distanceFromObject as number) > 1000),
  },
  step_trainer_reading_conflicts: {
    severity: 'warn',
    reads: ['step_trainer_trusted'],
    failing: (t) => groupsOfMany(t.step_trainer_trusted, (s) => `${s.serialNumber}\u0000${s.sensorReadingTime}`),
  },
  // Devices of trusted step readings that are no curated customer's.
  step_trainer_trusted_devices_known: {
    severity: 'error',
    reads: ['step_trainer_trusted', 'customer_curated'],
    failing: (t) => {
      const serials = new Set(t.customer_curated.map((c) => c.serialNumber));
      return distinctOf(t.step_trainer_trusted, 'serialNumber', (s) => !serials.has(s.serialNumber));
    },
  },
  step_trainer_trusted_values_present: {
    severity: 'error',
    reads: ['step_trainer_trusted'],
    failing: (t) => count(t.step_trainer_trusted, (s) => !has(s.serialNumber) || !has(s.sensorReadingTime) || !has(s.distanceFromObject)),
  },
};

/** The gate a rule runs at: curated when it reads a curated table. */
export const gateOf = (r: RuleExpectation): 'trusted' | 'curated' =>
  r.reads.some((t) => t === 'customer_curated' || t === 'machine_learning_curated') ? 'curated' : 'trusted';
