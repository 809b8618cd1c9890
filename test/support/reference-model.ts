// A second, independent model of what the pipeline makes of a landing folder: it reads the files
// back, checks every line with the real record contracts (quality-rules/schemas via RecordContract)
// and applies the STEDI semantics of glue/sql/ and quality-rules/accounting/ to the parsed records in
// plain JavaScript. For small folders only: it holds every record in memory.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { RecordContract } from '../../src/pipeline/record-contract';
import { isJsonBlank } from './landing-lines';
import type { ExpectedOutcome } from '../../src/generator/expected-outcome';

type Value = string | number | null;
type Row = Readonly<Record<string, Value>>;

interface LandingTable {
  readonly read: number;
  /** Valid records projected onto the DDL columns (absent fields are null), duplicates included. */
  readonly rows: readonly Row[];
  readonly quarantined: number;
  /** Bytes of the non-blank lines (without their line ends) and of the quarantined ones. */
  readonly recordBytes: number;
  readonly quarantinedBytes: number;
  /** The distinct rows (SELECT DISTINCT *). */
  readonly distinct: readonly Row[];
}

/** Files the pipeline reads as NDJSON (the reference does not read .gz). */
const RECORD_FILE = /\.(json|jsonl|ndjson)$/i;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (e.isFile() && RECORD_FILE.test(e.name)) out.push(p);
  }
  return out.sort();
}

function readLanding(dir: string, contract: RecordContract, columns: readonly string[]): LandingTable {
  let read = 0;
  let quarantined = 0;
  let recordBytes = 0;
  let quarantinedBytes = 0;
  const rows: Row[] = [];
  for (const file of filesUnder(dir)) {
    for (const raw of readFileSync(file, 'utf8').split('\n')) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (isJsonBlank(line)) continue;
      read++;
      const bytes = Buffer.byteLength(line, 'utf8');
      recordBytes += bytes;
      const verdict = contract.checkLine(line);
      if (!verdict.ok) {
        quarantined++;
        quarantinedBytes += bytes;
        continue;
      }
      rows.push(Object.fromEntries(columns.map((c) => [c, (verdict.record[c] as Value | undefined) ?? null])));
    }
  }
  const seen = new Map<string, Row>();
  for (const r of rows) seen.set(JSON.stringify(columns.map((c) => r[c])), r);
  return { read, rows, quarantined, recordBytes, quarantinedBytes, distinct: [...seen.values()] };
}

/** SQL's ORDER BY for one column: ascending, NULLS FIRST or LAST as asked. */
function compare(a: Value, b: Value, nulls: 'first' | 'last'): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === (nulls === 'first') ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The ORDER BY of customer_trusted.sql and accounting/customer.sql: the first record of an email wins. */
function byRecency(a: Row, b: Row): number {
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

function groupBy<K>(rows: readonly Row[], key: (r: Row) => K): Map<K, Row[]> {
  const m = new Map<K, Row[]>();
  for (const r of rows) {
    const g = m.get(key(r));
    if (g) g.push(r);
    else m.set(key(r), [r]);
  }
  return m;
}

function tally(outcomes: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) out[o] = (out[o] ?? 0) + 1;
  return out;
}

interface Contract {
  readonly dataset: string;
  readonly contract: RecordContract;
  readonly columns: readonly string[];
}
let contracts: readonly Contract[] | undefined;

/** The landing datasets with their record contracts, compiled once (ajv compiling is the slow part). */
function landingContracts(): readonly Contract[] {
  contracts ??= loadCatalog().datasets.map((ds) => ({
    dataset: ds.dataset,
    contract: new RecordContract(ds.dataset, ds.schema, ds.table),
    columns: ds.table.columns.map((c) => c.name),
  }));
  return contracts;
}

/** What the pipeline must report for the landing folder `landing`: accounting per dataset and rows per table. */
export function referenceOutcome(landing: string): ExpectedOutcome {
  const tables = new Map<string, LandingTable>();
  for (const c of landingContracts()) tables.set(c.dataset, readLanding(join(landing, c.dataset), c.contract, c.columns));
  const customer = tables.get('customer')!;
  const accelerometer = tables.get('accelerometer')!;
  const stepTrainer = tables.get('step_trainer')!;

  // customer_trusted: the first record of each email by recency, when it carries research consent.
  const latest = [...groupBy(customer.rows, (r) => r.email).values()].map((g) => [...g].sort(byRecency)[0]);
  const customerTrusted = latest.filter((r) => r.shareWithResearchAsOfDate !== null);
  const trustedEmails = new Set(customerTrusted.map((c) => c.email));
  // accelerometer_trusted: distinct readings of those customers.
  const accelerometerTrusted = accelerometer.distinct.filter((a) => trustedEmails.has(a.user));
  const usersWithReadings = new Set(accelerometerTrusted.map((a) => a.user));
  // customer_curated: trusted customers with readings.
  const customerCurated = customerTrusted.filter((c) => usersWithReadings.has(c.email));
  const curatedSerials = new Set(customerCurated.map((c) => c.serialNumber));
  // step_trainer_trusted: distinct readings of devices of curated customers.
  const stepTrainerTrusted = stepTrainer.distinct.filter((s) => curatedSerials.has(s.serialNumber));
  // machine_learning_curated: step reading -> curated customers with its serial -> their readings at that moment.
  const readingsAt = groupBy(accelerometerTrusted, (a) => `${a.user}\u0000${a.timestamp}`);
  const customersOfSerial = groupBy(customerCurated, (c) => c.serialNumber);
  let machineLearning = 0;
  for (const s of stepTrainerTrusted) {
    for (const c of customersOfSerial.get(s.serialNumber) ?? []) {
      machineLearning += readingsAt.get(`${c.email}\u0000${s.sensorReadingTime}`)?.length ?? 0;
    }
  }

  // The accounting queries, over distinct records.
  const landingEmails = new Set(customer.rows.map((c) => c.email));
  const landingSerials = new Set(customer.rows.map((c) => c.serialNumber));
  const trustedSerials = new Set(customerTrusted.map((c) => c.serialNumber));
  const customerOutcomes = [...groupBy(customer.distinct, (r) => r.email).values()].flatMap((g) =>
    [...g].sort(byRecency).map((r, i) => (i > 0 ? 'superseded' : r.shareWithResearchAsOfDate === null ? 'no_consent' : 'trusted')),
  );
  const accelerometerOutcomes = accelerometer.distinct.map((a) =>
    trustedEmails.has(a.user) ? 'trusted' : landingEmails.has(a.user) ? 'no_consent' : 'unknown_customer',
  );
  const stepOutcomes = stepTrainer.distinct.map((s) =>
    curatedSerials.has(s.serialNumber)
      ? 'trusted'
      : trustedSerials.has(s.serialNumber)
        ? 'no_accelerometer_readings'
        : landingSerials.has(s.serialNumber)
          ? 'no_consent'
          : 'unknown_device',
  );
  const dataset = (t: LandingTable, outcomes: readonly string[]) => {
    const counted = tally(outcomes);
    if (t.rows.length > t.distinct.length) counted.duplicate = t.rows.length - t.distinct.length;
    return { read: t.read, valid: t.rows.length, quarantined: t.quarantined, recordBytes: t.recordBytes, quarantinedBytes: t.quarantinedBytes, outcomes: counted };
  };
  return {
    datasets: {
      customer: dataset(customer, customerOutcomes),
      accelerometer: dataset(accelerometer, accelerometerOutcomes),
      step_trainer: dataset(stepTrainer, stepOutcomes),
    },
    tables: {
      customer_landing: customer.rows.length,
      accelerometer_landing: accelerometer.rows.length,
      step_trainer_landing: stepTrainer.rows.length,
      customer_trusted: customerTrusted.length,
      accelerometer_trusted: accelerometerTrusted.length,
      step_trainer_trusted: stepTrainerTrusted.length,
      customer_curated: customerCurated.length,
      machine_learning_curated: machineLearning,
    },
  };
}
