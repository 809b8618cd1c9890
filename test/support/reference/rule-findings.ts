// What each quality rule must find on the reference's tables, written from the rule's description
// (its header in quality-rules/rules/) and ../shared/STEDI-DATA.md, not from its SQL: its failing
// rows, in the columns the rule returns (a rule of the form SELECT * returns the table's rows). A
// rule the reference does not know fails the comparison, so a new rule gets its expectation here.
import type { Row, Value } from './record-contract';
import type { StediTables } from './stedi-tables';

export type TableName = keyof StediTables;

export interface RuleExpectation {
  readonly severity: 'error' | 'warn';
  /** The tables the rule reads: a rule over a curated table runs at the curated gate. */
  readonly reads: readonly TableName[];
  /** The failing rows (as many as the gate reports failing). */
  readonly failingRows: (t: StediTables) => Row[];
  /** The columns of those rows the reference knows. @default every column the rule returns */
  readonly shows?: readonly string[];
}

const has = (v: Value) => v !== null;
/**
 * A value missing from a set of keys: a row without the value (NULL) is the values_present and
 * keys_present rules' to report, and SQL's NOT IN leaves it out too.
 */
const missingFrom = (set: ReadonlySet<Value>, v: Value) => v !== null && !set.has(v);
const num = (v: Value) => v as number;
const emails = (rows: readonly Row[]) => new Set(rows.map((r) => r.email));

/** Rows grouped by some of their columns: one row per group with those columns and the group's size under `as`. */
function groups(rows: readonly Row[], by: readonly string[], as: string, keep: (n: number) => boolean = () => true): Row[] {
  const g = new Map<string, { row: Row; n: number }>();
  for (const r of rows) {
    const key = JSON.stringify(by.map((c) => r[c]));
    const e = g.get(key);
    if (e) e.n++;
    else g.set(key, { row: Object.fromEntries(by.map((c) => [c, r[c]])), n: 1 });
  }
  return [...g.values()].filter((e) => keep(e.n)).map((e) => ({ ...e.row, [as]: e.n }));
}
const several = (n: number) => n > 1;

/** Epoch ms of 2000-01-01 and 2100-01-01. */
const YEAR_2000 = Date.UTC(2000, 0, 1);
const YEAR_2100 = Date.UTC(2100, 0, 1);

export const RULES: Readonly<Record<string, RuleExpectation>> = {
  // One accelerometer reading per user and moment: moments with several readings.
  accelerometer_reading_conflicts: {
    severity: 'warn',
    reads: ['accelerometer_trusted'],
    failingRows: (t) => groups(t.accelerometer_trusted, ['user', 'timestamp'], 'readings', several),
  },
  accelerometer_trusted_values_present: {
    severity: 'error',
    reads: ['accelerometer_trusted'],
    failingRows: (t) => t.accelerometer_trusted.filter((a) => !['user', 'timestamp', 'x', 'y', 'z'].every((c) => has(a[c]))),
  },
  // Users with trusted readings who are no trusted customer, with their readings.
  consent_accelerometer_trusted: {
    severity: 'error',
    reads: ['accelerometer_trusted', 'customer_trusted'],
    failingRows: (t) => groups(t.accelerometer_trusted.filter((a) => missingFrom(emails(t.customer_trusted), a.user)), ['user'], 'readings'),
  },
  consent_customer_curated: {
    severity: 'error',
    reads: ['customer_curated', 'customer_trusted', 'accelerometer_trusted'],
    failingRows: (t) => {
      const users = new Set(t.accelerometer_trusted.map((a) => a.user));
      return t.customer_curated
        .filter((c) => missingFrom(emails(t.customer_trusted), c.email) || missingFrom(users, c.email))
        .map((c) => ({ email: c.email, serialNumber: c.serialNumber }));
    },
  },
  consent_customer_trusted: {
    severity: 'error',
    reads: ['customer_trusted'],
    failingRows: (t) => t.customer_trusted.filter((c) => !has(c.shareWithResearchAsOfDate)),
  },
  // Machine-learning rows whose user is no curated customer, by user and device.
  consent_machine_learning_curated: {
    severity: 'error',
    reads: ['machine_learning_curated', 'customer_curated'],
    failingRows: (t) => groups(t.machine_learning_curated.filter((m) => missingFrom(emails(t.customer_curated), m.user)), ['user', 'serialNumber'], 'rows_'),
  },
  // Each trusted customer with each later landing record of theirs.
  consent_revocation_honoured: {
    severity: 'error',
    reads: ['customer_trusted', 'customer_landing'],
    failingRows: (t) =>
      t.customer_trusted.flatMap((c) =>
        t.customer_landing
          .filter((l) => has(l.email) && l.email === c.email && has(l.lastUpdateDate) && has(c.lastUpdateDate) && num(l.lastUpdateDate) > num(c.lastUpdateDate))
          .map((l) => ({ email: c.email, trusted_update: c.lastUpdateDate, later_update: l.lastUpdateDate, later_consent: l.shareWithResearchAsOfDate })),
      ),
  },
  // Birthdays before 1900-01-01: the year, of 1 to 4 digits, is below 1900.
  customer_birthday_plausible: {
    severity: 'warn',
    reads: ['customer_trusted'],
    failingRows: (t) => t.customer_trusted.filter((c) => has(c.birthDay) && Number(String(c.birthDay).split('-')[0]) < 1900),
  },
  customer_curated_not_empty: {
    severity: 'error',
    reads: ['customer_curated'],
    failingRows: (t) => (t.customer_curated.length === 0 ? [{ customers: 0 }] : []),
  },
  // Phone numbers of several trusted customers.
  customer_phone_shared: {
    severity: 'warn',
    reads: ['customer_trusted'],
    failingRows: (t) => groups(t.customer_trusted, ['phone'], 'customers', several),
  },
  customer_trusted_keys_present: {
    severity: 'error',
    reads: ['customer_trusted'],
    failingRows: (t) => t.customer_trusted.filter((c) => !has(c.email) || !has(c.serialNumber) || !has(c.lastUpdateDate)),
  },
  machine_learning_curated_not_empty: {
    severity: 'error',
    reads: ['machine_learning_curated'],
    failingRows: (t) => (t.machine_learning_curated.length === 0 ? [{ readings: 0 }] : []),
  },
  // Step readings (device and moment) with several machine-learning rows.
  machine_learning_one_row_per_reading: {
    severity: 'warn',
    reads: ['machine_learning_curated'],
    failingRows: (t) => groups(t.machine_learning_curated, ['serialNumber', 'sensorReadingTime'], 'rows_', several),
  },
  // Rows not pairing a device with its one curated owner.
  machine_learning_same_customer: {
    severity: 'error',
    reads: ['machine_learning_curated', 'customer_curated'],
    failingRows: (t) => {
      const owners = new Map<Value, Set<Value>>();
      for (const c of t.customer_curated) owners.set(c.serialNumber, (owners.get(c.serialNumber) ?? new Set()).add(c.email));
      return t.machine_learning_curated
        .filter((m) => !(owners.get(m.serialNumber)?.has(m.user) ?? false) || owners.get(m.serialNumber)!.size > 1)
        .map((m) => ({ sensorReadingTime: m.sensorReadingTime, serialNumber: m.serialNumber, user: m.user }));
    },
  },
  reading_times_plausible: {
    severity: 'warn',
    reads: ['accelerometer_trusted'],
    failingRows: (t) => t.accelerometer_trusted.filter((a) => has(a.timestamp) && (num(a.timestamp) < YEAR_2000 || num(a.timestamp) >= YEAR_2100)),
  },
  // Serial numbers that landing records give to several customers (the fulfilment defect), with how many.
  serial_number_shared_by_customers: {
    severity: 'error',
    reads: ['customer_landing'],
    failingRows: (t) => {
      const byDevice = new Map<Value, Set<Value>>();
      for (const c of t.customer_landing) byDevice.set(c.serialNumber, (byDevice.get(c.serialNumber) ?? new Set()).add(c.email));
      return [...byDevice].filter(([, e]) => e.size > 1).map(([serialNumber, e]) => ({ serialNumber, customers: e.size }));
    },
    shows: ['serialNumber', 'customers'],
  },
  // A step trainer measures at most 10 m (1,000 cm).
  step_trainer_distance_plausible: {
    severity: 'warn',
    reads: ['step_trainer_trusted'],
    failingRows: (t) => t.step_trainer_trusted.filter((s) => has(s.distanceFromObject) && num(s.distanceFromObject) > 1000),
  },
  step_trainer_reading_conflicts: {
    severity: 'warn',
    reads: ['step_trainer_trusted'],
    failingRows: (t) => groups(t.step_trainer_trusted, ['serialNumber', 'sensorReadingTime'], 'readings', several),
  },
  // Devices of trusted step readings that are no curated customer's, with their readings.
  step_trainer_trusted_devices_known: {
    severity: 'error',
    reads: ['step_trainer_trusted', 'customer_curated'],
    failingRows: (t) => {
      const serials = new Set(t.customer_curated.map((c) => c.serialNumber));
      return groups(t.step_trainer_trusted.filter((s) => missingFrom(serials, s.serialNumber)), ['serialNumber'], 'readings');
    },
  },
  step_trainer_trusted_values_present: {
    severity: 'error',
    reads: ['step_trainer_trusted'],
    failingRows: (t) => t.step_trainer_trusted.filter((s) => !has(s.serialNumber) || !has(s.sensorReadingTime) || !has(s.distanceFromObject)),
  },
};

/** The gate a rule runs at: curated when it reads a curated table. */
export const gateOf = (r: RuleExpectation): 'trusted' | 'curated' =>
  r.reads.some((t) => t === 'customer_curated' || t === 'machine_learning_curated') ? 'curated' : 'trusted';
