// The landing sets the SQL mutants are run on: generated STEDI data with every edge and the
// defects that keep a run publishable, the same with each defect that blocks at the trusted gate,
// and customers whose records tie on lastUpdateDate at every key of the latest-record order.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateLanding } from '../../src/generator/generator';
import type { GenerateOptions } from '../../src/generator/generate-options';

export interface LandingSet {
  readonly name: string;
  /** Written into `dir` (a new folder). */
  readonly write: (dir: string) => Promise<void>;
}

/** Small, with every story and edge of the generator at shares that give each of them several customers. */
const EDGES: GenerateOptions = {
  customers: 16,
  readingsPerCustomer: [20, 60],
  unknownUserReadings: 6,
  unknownDeviceReadings: 4,
  filesPerDataset: 3,
  duplicateShare: 0.05,
  replacedDeviceShare: 0.2,
  unpairedStepShare: 0.3,
  updatedShare: 0.15,
  revokedShare: 0.1,
  lateGrantShare: 0.1,
  consentTieShare: 0.1,
};

const generated =
  (seed: number, defects: GenerateOptions['defects']) =>
  async (dir: string): Promise<void> =>
    void (await generateLanding(dir, { ...EDGES, seed, defects }));

const L = 1660000000000;
const R = 1650000000000;

type CustomerRecord = Record<string, string | number | undefined>;

/**
 * Pairs of records of one customer that tie on lastUpdateDate and on every key of the order before
 * one, differ at that key (the first record wins by it) and at the next the other way (without the
 * key the second would win): customer_trusted must hold the first. For the consent dates, one pair
 * of an absent and a given date and one of two dates.
 */
function tiePairs(): [CustomerRecord, CustomerRecord][] {
  const serial = (n: number, last: string) => `71e00000-0000-4000-8000-000000000${String(n).padStart(2, '0')}${last}`;
  const base = (n: number): CustomerRecord => ({
    customerName: 'Tie Mid',
    email: `tie.${n}@test.com`,
    phone: '8015550150',
    birthDay: '1980-06-01',
    serialNumber: serial(n, '5'),
    registrationDate: R,
    lastUpdateDate: L,
    shareWithResearchAsOfDate: L,
    shareWithPublicAsOfDate: L,
    shareWithFriendsAsOfDate: L,
  });
  const pair = (n: number, first: CustomerRecord, second: CustomerRecord): [CustomerRecord, CustomerRecord] => [
    { ...base(n), ...first },
    { ...base(n), ...second },
  ];
  return [
    // research consent: absent first (a tie never grants consent), then the earlier date; next key registrationDate, later first.
    pair(1, { shareWithResearchAsOfDate: undefined, registrationDate: R }, { registrationDate: R + 1 }),
    pair(2, { shareWithResearchAsOfDate: L - 10, registrationDate: R }, { shareWithResearchAsOfDate: L - 5, registrationDate: R + 1 }),
    // registrationDate, later first; next serialNumber, smaller first.
    pair(3, { registrationDate: R + 1, serialNumber: serial(3, '9') }, { registrationDate: R, serialNumber: serial(3, '1') }),
    // serialNumber; next customerName.
    pair(4, { serialNumber: serial(4, '1'), customerName: 'Tie Zed' }, { serialNumber: serial(4, '9'), customerName: 'Tie Abe' }),
    // customerName; next phone.
    pair(5, { customerName: 'Tie Abe', phone: '8015550199' }, { customerName: 'Tie Zed', phone: '8015550100' }),
    // phone; next birthDay.
    pair(6, { phone: '8015550100', birthDay: '1981-01-01' }, { phone: '8015550199', birthDay: '1980-01-01' }),
    // birthDay; next public consent, absent first.
    pair(7, { birthDay: '1980-01-01', shareWithPublicAsOfDate: L }, { birthDay: '1981-01-01', shareWithPublicAsOfDate: undefined }),
    // public consent; next friends consent.
    pair(8, { shareWithPublicAsOfDate: undefined, shareWithFriendsAsOfDate: L }, { shareWithPublicAsOfDate: L, shareWithFriendsAsOfDate: undefined }),
    pair(9, { shareWithPublicAsOfDate: L - 10, shareWithFriendsAsOfDate: L }, { shareWithPublicAsOfDate: L - 5, shareWithFriendsAsOfDate: undefined }),
    // friends consent, the last key.
    pair(10, { shareWithFriendsAsOfDate: undefined }, { shareWithFriendsAsOfDate: L }),
    pair(11, { shareWithFriendsAsOfDate: L - 10 }, { shareWithFriendsAsOfDate: L - 5 }),
  ];
}

const line = (r: CustomerRecord) => JSON.stringify(r);

/** The tie pairs, the second record of each first in the file (the order must not matter), and one customer with readings. */
async function ties(dir: string): Promise<void> {
  for (const d of ['customer', 'accelerometer', 'step_trainer']) mkdirSync(join(dir, d), { recursive: true });
  const anchor = {
    customerName: 'Ann Anchor',
    email: 'ann.anchor@test.com',
    phone: '8015551212',
    birthDay: '1975-03-04',
    serialNumber: '7a000000-0000-4000-8000-000000000001',
    registrationDate: R,
    lastUpdateDate: R,
    shareWithResearchAsOfDate: R,
  };
  const customers = [anchor, ...tiePairs().flatMap(([first, second]) => [second, first])];
  writeFileSync(join(dir, 'customer', 'customer-ties.json'), customers.map(line).join('\n') + '\n');
  const times = [1655564444103, 1655564444150, 1655564444199];
  writeFileSync(join(dir, 'accelerometer', 'accelerometer-ties.json'), times.map((timestamp) => line({ user: anchor.email, timestamp, x: 1.0, y: 0.0, z: -1.0 })).join('\n') + '\n');
  writeFileSync(
    join(dir, 'step_trainer', 'step_trainer-ties.json'),
    times.slice(0, 2).map((t, i) => line({ sensorReadingTime: t, serialNumber: anchor.serialNumber, distanceFromObject: 200 + i })).join('\n') + '\n',
  );
}

export const TIES: LandingSet = { name: 'latest-record ties at every key', write: ties };

/** In the order they are tried: most mutants die on the first. */
export const LANDING_SETS: readonly LandingSet[] = [
  { name: 'generated, every edge, publishable defects', write: generated(19, { conflictingReadings: 6, timestampCollisions: 2, blankLines: 3 }) },
  TIES,
  { name: 'generated, a shared serial number (blocked at the trusted gate)', write: generated(20, { sharedSerials: 1, timestampCollisions: 1, conflictingReadings: 2 }) },
  { name: 'generated, quarantined lines (blocked at the trusted gate)', write: generated(21, { malformedLines: 3, wrongTypes: 3, blankLines: 2 }) },
];
