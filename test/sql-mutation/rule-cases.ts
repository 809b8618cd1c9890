// Tables that the transforms must never build, each breaking what one or two quality rules exist
// to catch, and tables at the rules' boundaries: the rules' own fixtures (as a dbt unit test gives
// a model its input rows). What each rule must find on them comes from the independent reference
// (test/support/reference/rule-findings.ts); rule-cases.test.ts holds the rules to it, and
// `npm run mutate:sql` requires every rule mutant to disagree somewhere.
import { cleanTables, customer, SERIAL_A, SERIAL_B } from '../support/tables';
import type { Row } from '../support/reference/record-contract';

type Tables = Record<string, Row[]>;

export interface RuleCase {
  /** What the tables hold that a rule must see. */
  readonly name: string;
  readonly tables: Tables;
}

const ANN = 'ann@x.com';
const BOB = 'bob@x.com';
const SERIAL_C = '33333333-3333-4333-8333-333333333333';
const T = 1655564444103;

/** The clean tables with some rows added or replaced. */
function cleanWith(change: (t: Tables) => void): Tables {
  const t = cleanTables() as Tables;
  change(t);
  return t;
}

const reading = (user: string, timestamp: number, x = 0) => ({ user, timestamp, x, y: 0, z: 0 });
const step = (serialNumber: string, sensorReadingTime: number, distanceFromObject = 200) => ({ sensorReadingTime, serialNumber, distanceFromObject });
const pairing = (user: string, serialNumber: string, sensorReadingTime: number) => ({ sensorReadingTime, serialNumber, distanceFromObject: 200, user, x: 0, y: 0, z: 0 });

export const RULE_CASES: readonly RuleCase[] = [
  { name: 'clean tables', tables: cleanTables() as Tables },
  {
    name: 'a trusted customer without research consent',
    tables: cleanWith((t) => t.customer_trusted.push(customer('eve@x.com', SERIAL_C, { shareWithResearchAsOfDate: null }))),
  },
  {
    name: 'trusted customers each missing one key: email, serial number, lastUpdateDate',
    tables: cleanWith((t) =>
      t.customer_trusted.push(
        customer('k1@x.com', SERIAL_C, { email: null }),
        customer('k2@x.com', SERIAL_C, { serialNumber: null }),
        customer('k3@x.com', SERIAL_C, { lastUpdateDate: null }),
      ),
    ),
  },
  {
    name: 'trusted readings each missing one value: user, timestamp, x, y, z',
    tables: cleanWith((t) => {
      for (const c of ['user', 'timestamp', 'x', 'y', 'z']) t.accelerometer_trusted.push({ ...reading(ANN, T + 1000 + t.accelerometer_trusted.length), [c]: null });
    }),
  },
  {
    name: 'trusted step readings each missing one value: serial number, time, distance',
    tables: cleanWith((t) => {
      for (const c of ['serialNumber', 'sensorReadingTime', 'distanceFromObject']) t.step_trainer_trusted.push({ ...step(SERIAL_A, T + 1000 + t.step_trainer_trusted.length), [c]: null });
    }),
  },
  {
    name: 'a trusted reading of a user who is no trusted customer',
    tables: cleanWith((t) => t.accelerometer_trusted.push(reading('eve@x.com', T + 7))),
  },
  {
    name: 'a curated customer who is not trusted, with readings',
    tables: cleanWith((t) => {
      t.customer_curated.push(customer('eve@x.com', SERIAL_C));
      t.accelerometer_trusted.push(reading('eve@x.com', T + 11));
    }),
  },
  {
    name: 'a curated customer without accelerometer readings',
    tables: cleanWith((t) => {
      const cy = customer('cy@x.com', SERIAL_C);
      t.customer_trusted.push(cy);
      t.customer_curated.push(cy);
    }),
  },
  {
    name: 'a trusted step reading of a device no curated customer owns',
    tables: cleanWith((t) => t.step_trainer_trusted.push(step(SERIAL_C, T + 9))),
  },
  {
    name: 'a trusted customer with a later landing record, beside an earlier one, one at the same moment and a later one of someone else',
    tables: cleanWith((t) => {
      const ann = t.customer_trusted[0];
      t.customer_landing.push(
        { ...ann, lastUpdateDate: (ann.lastUpdateDate as number) + 5, shareWithResearchAsOfDate: null },
        { ...ann, lastUpdateDate: (ann.lastUpdateDate as number) - 1 },
        { ...ann, phone: '8015550000' },
        customer('zed@x.com', SERIAL_C, { lastUpdateDate: 99 }),
      );
    }),
  },
  {
    name: 'a machine-learning row pairing a step reading with a reading of another curated customer',
    tables: cleanWith((t) => t.machine_learning_curated.push(pairing(BOB, SERIAL_A, T))),
  },
  {
    name: 'a machine-learning row of a user who is no curated customer',
    tables: cleanWith((t) => t.machine_learning_curated.push(pairing('eve@x.com', SERIAL_C, T + 3))),
  },
  {
    name: 'two curated customers with one serial number and machine-learning rows of both',
    tables: cleanWith((t) => {
      const cy = customer('cy@x.com', SERIAL_A, { phone: '8015551299' });
      t.customer_trusted.push(cy);
      t.customer_curated.push(cy);
      t.accelerometer_trusted.push(reading('cy@x.com', T + 20));
      t.machine_learning_curated.push(pairing('cy@x.com', SERIAL_A, T + 20));
    }),
  },
  { name: 'no curated customer', tables: cleanWith((t) => void (t.customer_curated = [])) },
  { name: 'no machine-learning row', tables: cleanWith((t) => void (t.machine_learning_curated = [])) },
  {
    name: 'birthdays on and around 1900-01-01, with years of 2, 3 and 4 digits',
    tables: cleanWith((t) => {
      const days = ['1900-01-01', '1899-12-31', '999-12-31', '99-01-01', '1000-01-01', '2001-01-01', '1900-01-02'];
      days.forEach((birthDay, i) => t.customer_trusted.push(customer(`b${i}@x.com`, SERIAL_C, { birthDay, phone: `80155500${i}` })));
    }),
  },
  {
    name: 'a phone number of two trusted customers',
    tables: cleanWith((t) => t.customer_trusted.push(customer('cy@x.com', SERIAL_C, { phone: '8015551213' }))),
  },
  {
    name: 'reading times on and either side of 2000-01-01 and 2100-01-01',
    tables: cleanWith((t) => {
      for (const ts of [946684799999, 946684800000, 946684800001, 4102444799999, 4102444800000, 4102444800001]) t.accelerometer_trusted.push(reading(ANN, ts));
    }),
  },
  {
    name: 'step distances of 999, 1000, 1001 and 1002 cm',
    tables: cleanWith((t) => [999, 1000, 1001, 1002].forEach((d, i) => t.step_trainer_trusted.push(step(SERIAL_A, T + 100 + i, d)))),
  },
  {
    name: 'two readings of a user at one moment, and readings of two users at another',
    tables: cleanWith((t) => t.accelerometer_trusted.push(reading(ANN, T, 9), reading(BOB, T))),
  },
  {
    name: 'two step readings of a device at one moment, and readings of two devices at another',
    tables: cleanWith((t) => t.step_trainer_trusted.push(step(SERIAL_A, T, 333), step(SERIAL_B, T))),
  },
  {
    name: 'two machine-learning rows of one step reading, and rows of two devices at one moment',
    tables: cleanWith((t) => t.machine_learning_curated.push({ ...pairing(ANN, SERIAL_A, T), x: 9 }, pairing(BOB, SERIAL_B, T))),
  },
  {
    name: 'a serial number on landing records of two customers, one with two records, and a customer with two records of their own serial number',
    tables: cleanWith((t) =>
      t.customer_landing.push(customer('cy@x.com', SERIAL_A), { ...t.customer_landing[0], lastUpdateDate: 7 }, { ...t.customer_landing[1], lastUpdateDate: 7 }),
    ),
  },
];
