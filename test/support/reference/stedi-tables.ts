// The reference's own STEDI semantics (../shared/DESIGN.md "STEDI semantics", README "STEDI
// semantics"), in plain JavaScript over the valid records, sharing no code with glue/sql/ or
// quality-rules/accounting/: the rows of every table, and where each valid record went.
import type { Row, Value } from './record-contract';

export interface LandingRows {
  readonly customer: readonly Row[];
  readonly accelerometer: readonly Row[];
  readonly step_trainer: readonly Row[];
}

export interface StediTables {
  readonly customer_landing: readonly Row[];
  readonly accelerometer_landing: readonly Row[];
  readonly step_trainer_landing: readonly Row[];
  readonly customer_trusted: readonly Row[];
  readonly accelerometer_trusted: readonly Row[];
  readonly step_trainer_trusted: readonly Row[];
  readonly customer_curated: readonly Row[];
  readonly machine_learning_curated: readonly Row[];
}

/** Where each valid record of a dataset went; outcomes of no record are left out. */
export type Outcomes = Record<string, number>;

/** A key that tells rows apart the way SQL's DISTINCT does for these columns (0 and -0 are one value). */
const keyOf = (r: Row) => JSON.stringify(Object.values(r));

function distinct(rows: readonly Row[]): { rows: Row[]; copies: Map<string, number> } {
  const copies = new Map<string, number>();
  const out: Row[] = [];
  for (const r of rows) {
    const k = keyOf(r);
    const n = copies.get(k);
    if (n === undefined) out.push(r);
    copies.set(k, (n ?? 0) + 1);
  }
  return { rows: out, copies };
}

/** SQL's order of two values of one column, NULLs first or last as asked; text by its UTF-8 bytes (DuckDB's and Spark's default collation). */
function compare(a: Value, b: Value, nulls: 'first' | 'last'): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === (nulls === 'first') ? -1 : 1;
  }
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Which of two records of one customer is the more recent: the later lastUpdateDate; on a tie the
 * one that shares least (no research consent first, then the earlier consent), and then every other
 * column in turn, so that the same record wins whatever order they arrive in.
 */
export function moreRecentFirst(a: Row, b: Row): number {
  return (
    -compare(a.lastUpdateDate, b.lastUpdateDate, 'first') ||
    compare(a.shareWithResearchAsOfDate, b.shareWithResearchAsOfDate, 'first') ||
    -compare(a.registrationDate, b.registrationDate, 'first') ||
    compare(a.serialNumber, b.serialNumber, 'last') ||
    compare(a.customerName, b.customerName, 'last') ||
    compare(a.phone, b.phone, 'last') ||
    compare(a.birthDay, b.birthDay, 'last') ||
    compare(a.shareWithPublicAsOfDate, b.shareWithPublicAsOfDate, 'first') ||
    compare(a.shareWithFriendsAsOfDate, b.shareWithFriendsAsOfDate, 'first')
  );
}

function groupBy(rows: readonly Row[], key: (r: Row) => Value): Map<Value, Row[]> {
  const m = new Map<Value, Row[]>();
  for (const r of rows) {
    const k = key(r);
    const g = m.get(k);
    if (g) g.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const tally = (outcomes: Iterable<string>): Outcomes => {
  const out: Outcomes = {};
  for (const o of outcomes) out[o] = (out[o] ?? 0) + 1;
  return out;
};

export interface StediResult {
  readonly tables: StediTables;
  readonly outcomes: Readonly<Record<keyof LandingRows, Outcomes>>;
}

/** Every table the pipeline builds from the valid records, and where each valid record went. */
export function stediTables(landing: LandingRows): StediResult {
  // customer_trusted: each customer's most recent record, when it carries research consent.
  const customers = distinct(landing.customer);
  const histories = [...groupBy(customers.rows, (r) => r.email).values()].map((g) => [...g].sort(moreRecentFirst));
  const customerTrusted = histories.map((h) => h[0]).filter((r) => r.shareWithResearchAsOfDate !== null);
  const trustedEmails = new Set(customerTrusted.map((c) => c.email));

  // accelerometer_trusted: the distinct readings of those customers.
  const readings = distinct(landing.accelerometer);
  const accelerometerTrusted = readings.rows.filter((a) => trustedEmails.has(a.user));
  const usersWithReadings = new Set(accelerometerTrusted.map((a) => a.user));

  // customer_curated: trusted customers with readings; step_trainer_trusted: the distinct readings of their devices.
  const customerCurated = customerTrusted.filter((c) => usersWithReadings.has(c.email));
  const curatedSerials = new Set(customerCurated.map((c) => c.serialNumber));
  const steps = distinct(landing.step_trainer);
  const stepTrainerTrusted = steps.rows.filter((s) => curatedSerials.has(s.serialNumber));

  // machine_learning_curated: a step reading, the curated customers whose device it is, their readings at that moment.
  const readingsAt = groupBy(accelerometerTrusted, (a) => `${a.user}\u0000${a.timestamp}`);
  const ownersOf = groupBy(customerCurated, (c) => c.serialNumber);
  const machineLearning: Row[] = [];
  for (const s of stepTrainerTrusted) {
    for (const c of ownersOf.get(s.serialNumber) ?? []) {
      for (const a of readingsAt.get(`${c.email}\u0000${s.sensorReadingTime}`) ?? []) {
        machineLearning.push({
          sensorReadingTime: s.sensorReadingTime,
          serialNumber: s.serialNumber,
          distanceFromObject: s.distanceFromObject,
          user: a.user,
          x: a.x,
          y: a.y,
          z: a.z,
        });
      }
    }
  }

  // Where each distinct record went; a copy beyond the first is a duplicate delivery.
  const duplicates = (d: { copies: Map<string, number> }) => [...d.copies.values()].reduce((n, k) => n + k - 1, 0);
  const withDuplicates = (o: Outcomes, d: { copies: Map<string, number> }): Outcomes => (duplicates(d) ? { ...o, duplicate: duplicates(d) } : o);
  const landingEmails = new Set(landing.customer.map((c) => c.email));
  const landingSerials = new Set(landing.customer.map((c) => c.serialNumber));
  const trustedSerials = new Set(customerTrusted.map((c) => c.serialNumber));
  const customerOutcomes = histories.flatMap((h) => h.map((r, i) => (i > 0 ? 'superseded' : r.shareWithResearchAsOfDate === null ? 'no_consent' : 'trusted')));
  const readingOutcomes = readings.rows.map((a) => (trustedEmails.has(a.user) ? 'trusted' : landingEmails.has(a.user) ? 'no_consent' : 'unknown_customer'));
  const stepOutcomes = steps.rows.map((s) =>
    curatedSerials.has(s.serialNumber)
      ? 'trusted'
      : trustedSerials.has(s.serialNumber)
        ? 'no_accelerometer_readings'
        : landingSerials.has(s.serialNumber)
          ? 'no_consent'
          : 'unknown_device',
  );
  return {
    tables: {
      customer_landing: landing.customer,
      accelerometer_landing: landing.accelerometer,
      step_trainer_landing: landing.step_trainer,
      customer_trusted: customerTrusted,
      accelerometer_trusted: accelerometerTrusted,
      step_trainer_trusted: stepTrainerTrusted,
      customer_curated: customerCurated,
      machine_learning_curated: machineLearning,
    },
    outcomes: {
      customer: withDuplicates(tally(customerOutcomes), customers),
      accelerometer: withDuplicates(tally(readingOutcomes), readings),
      step_trainer: withDuplicates(tally(stepOutcomes), steps),
    },
  };
}
