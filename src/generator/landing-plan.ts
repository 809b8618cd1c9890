// Plans who the customers are before a line is written: their records and consent story, how many
// readings each has, when they are taken, and which customers carry which injected defect. The plan
// is small (one entry per customer); the readings themselves are drawn while they are written.
import { GenerateOptionsError, LANDING_DATASETS, type LandingDatasetName, type ResolvedOptions } from './generate-options';
import type { CustomerRecord } from './landing-records';
import { KeyedDraw, Prng } from './prng';

export type ConsentStory = 'single' | 'updated' | 'revoked' | 'lateGrant' | 'tie';

/** A malformed, wrong-typed or blank line, written next to the lines of its host customer. */
export interface HostedDefect {
  readonly kind: 'malformed' | 'wrongType' | 'blank';
  readonly dataset: LandingDatasetName;
  /** Which variant of the kind (cycles through the variants). */
  readonly variant: number;
}

export interface PlannedCustomer {
  readonly index: number;
  readonly email: string;
  readonly story: ConsentStory;
  /** Whether the latest record (the one that wins) gives research consent. */
  readonly consents: boolean;
  /** Serial number on the customer's latest record and device: another customer's for a shared serial. */
  serialNumber: string;
  /** Serial number of the device the customer had before (on its first record) when the device was replaced. */
  formerSerialNumber?: string;
  /** Step readings, from the first on, that the former device sent (0 unless the device was replaced). */
  formerDeviceSteps: number;
  records: readonly CustomerRecord[];
  /** Accelerometer readings (conflicting extra readings not included). */
  readings: number;
  /** Step trainer readings of a customer without accelerometer readings (the device is used without the app). */
  readonly stepOnlyReadings: number;
  /** Step trainer readings after the last accelerometer reading, at moments the app recorded nothing. */
  unpairedSteps: number;
  /** The customer whose reading clock this customer follows: itself, or its collision partner. */
  timeKey: number;
  /** Holds or shares the serial number that several customers carry. */
  inSharedSerialGroup: boolean;
  /** Reading indexes that get a conflicting accelerometer reading. */
  readonly accelerometerConflicts: Set<number>;
  /** Reading indexes with a step reading that gets a conflicting one. */
  readonly stepConflicts: Set<number>;
  readonly hosted: HostedDefect[];
}

export interface PlannedStranger {
  readonly email: string;
  readonly readings: number;
  readonly timeKey: number;
}

export interface PlannedDevice {
  readonly serialNumber: string;
  readonly readings: number;
  readonly timeKey: number;
}

export interface SharedSerial {
  readonly serialNumber: string;
  /** Email of the customer whose serial number it is. */
  readonly owner: string;
  /** Emails of the customers who were given it too. */
  readonly sharedWith: readonly string[];
}

export interface LandingPlan {
  readonly customers: readonly PlannedCustomer[];
  readonly strangers: readonly PlannedStranger[];
  readonly devices: readonly PlannedDevice[];
  readonly sharedSerial?: SharedSerial;
  /** Emails of the customer pairs whose readings are taken at the same moments. */
  readonly timestampCollisions: readonly (readonly [string, string])[];
  /** Readings of the customer (or stranger, or device) with time key k lie in [slotStart(k), slotStart(k) + slotMs). */
  readonly readingsOriginMs: number;
  readonly slotMs: number;
}

export const DAY_MS = 86_400_000;
/** Readings of one customer are 1..MAX_GAP_MS apart. */
export const MAX_GAP_MS = 60;
const SLOT_MARGIN_MS = 60_000;
/** Readings per user who is no customer, and per unknown device. */
const READINGS_PER_STRANGER = 25;
const READINGS_PER_DEVICE = 10;
const MAX_STEP_ONLY_READINGS = 8;
/** Step readings at moments without an accelerometer reading, per customer given them, and from a replaced device. */
const MAX_UNPAIRED_STEPS = 4;
const MAX_FORMER_DEVICE_STEPS = 3;
/** Shares of customers with a birthday in an implausible year and with the placeholder phone number. */
const IMPLAUSIBLE_BIRTHDAY_SHARE = 0.02;
/**
 * Share of customers whose birthday has a three-digit year, as the website writes years below 1000
 * (`983-01-01`): 53 of the 956 records (5.5%) of the course's customer file (../shared/STEDI-DATA.md).
 */
export const SHORT_YEAR_BIRTHDAY_SHARE = 0.05;
const PLACEHOLDER_PHONE_SHARE = 0.03;
const PLACEHOLDER_PHONE = '8015551212';
const IMPLAUSIBLE_BIRTHDAYS = ['1399-01-01', '1300-06-15'];

const FIRST_NAMES = [
  'Santosh', 'Sarah', 'Frank', 'Jerry', 'Lyn', 'Ben', 'Chris', 'Danny', 'Eduardo', 'Gail', 'Hanna', 'Ian',
  'Jacob', 'Kyle', 'Liz', 'Manoj', 'Neeraj', 'Olivia', 'Pedro', 'Quinn', 'Rick', 'Senthil', 'Trevor', 'Ursula',
  'Vinh', 'Wendy', 'Xiang', 'Yoshi', 'Zhang', 'Ava', 'Bobby', 'Celeste', 'Dao', 'Ester', 'Farida', 'Grace',
];
const LAST_NAMES = [
  'Clayton', 'Doshi', 'Aristotle', 'Rowe', 'Lincoln', 'Anandappa', 'Hansen', 'Jones', 'Khatun', 'Li', 'Mitra',
  'Nakamura', 'Olsen', 'Pandey', 'Quintero', 'Rao', 'Sanchez', 'Taylor', 'Ulrich', 'Vance', 'Wu', 'Xu',
  'Young', 'Zamora', 'Habschied', 'Staples', 'Mrozek', 'Davis', 'Baker', 'Gonzalez', 'Abram', 'Ahmed',
];

/** Whether reading j of a customer has a step trainer reading at the same moment (fixed before it is written). */
export function stepDraw(o: ResolvedOptions, customerIndex: number): (reading: number) => boolean {
  const draw = new KeyedDraw(o.seed, 'steps', customerIndex);
  return (j) => draw.at(j) < o.stepShare;
}

/** Time key k's readings start here. */
export function slotStart(plan: LandingPlan, timeKey: number): number {
  return plan.readingsOriginMs + timeKey * plan.slotMs;
}

/** share of n as a count: at least one when the share is above 0, so small sizes still tell every story. */
const quota = (share: number, n: number) => (share > 0 ? Math.max(1, Math.round(share * n)) : 0);

function emailOf(first: string, last: string, suffix: string, domain: string): string {
  return `${first}.${last}${suffix}@${domain}`;
}

function birthDay(rng: Prng, implausible: boolean): string {
  if (implausible) return rng.pick(IMPLAUSIBLE_BIRTHDAYS);
  const y = rng.between(1931, 2006);
  const m = rng.between(1, 12);
  const d = rng.between(1, 28);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function digits(rng: Prng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(10));
  return s;
}

interface Identity {
  readonly customerName: string;
  readonly email: string;
  readonly phone: string;
  readonly birthDay: string;
  readonly registrationDate: number;
  readonly publicConsent: boolean;
  readonly friendsConsent: boolean;
}

/** The records of one customer, oldest first, telling its consent story. */
function recordsFor(rng: Prng, id: Identity, serialNumber: string, story: ConsentStory, consents: boolean): CustomerRecord[] {
  const base = { customerName: id.customerName, email: id.email, phone: id.phone, birthDay: id.birthDay, serialNumber, registrationDate: id.registrationDate };
  const shares = (researchSince: number | undefined, since: number) => ({
    ...(researchSince !== undefined ? { shareWithResearchAsOfDate: researchSince } : {}),
    ...(id.publicConsent ? { shareWithPublicAsOfDate: since } : {}),
    ...(id.friendsConsent ? { shareWithFriendsAsOfDate: since } : {}),
  });
  const r = id.registrationDate;
  const later = (t: number) => t + rng.between(3_600_000, 60 * DAY_MS);
  switch (story) {
    case 'single':
      return [{ ...base, lastUpdateDate: r, ...shares(consents ? r : undefined, r) }];
    case 'updated': {
      const out: CustomerRecord[] = [{ ...base, lastUpdateDate: r, ...shares(consents ? r : undefined, r) }];
      const n = rng.between(1, 2);
      for (let i = 0; i < n; i++) {
        const t = later(out[out.length - 1].lastUpdateDate);
        out.push({ ...base, phone: rng.chance(0.5) ? digits(rng, 10) : base.phone, lastUpdateDate: t, ...shares(consents ? r : undefined, r) });
      }
      return out;
    }
    case 'revoked': {
      const t = later(r);
      return [
        { ...base, lastUpdateDate: r, ...shares(r, r) },
        { ...base, lastUpdateDate: t, ...shares(undefined, r) },
      ];
    }
    case 'lateGrant': {
      const t = later(r);
      return [
        { ...base, lastUpdateDate: r, ...shares(undefined, r) },
        { ...base, lastUpdateDate: t, ...shares(t, r) },
      ];
    }
    case 'tie': {
      // Two updates at the same moment, one with consent and one without: the one without wins.
      const t = later(r);
      return [
        { ...base, lastUpdateDate: r, ...shares(r, r) },
        { ...base, lastUpdateDate: t, ...shares(r, r) },
        { ...base, lastUpdateDate: t, ...shares(undefined, r) },
      ];
    }
  }
}

export function planLanding(o: ResolvedOptions): LandingPlan {
  const rng = new Prng(o.seed, 'plan');
  const n = Math.max(1, Math.round(o.customers * o.scale));
  const [minReadings, maxReadings] = o.readingsPerCustomer;

  // Consent stories by quota, so that every size tells each story.
  const order = rng.shuffle([...Array(n).keys()]);
  const story: ConsentStory[] = new Array(n).fill('single');
  let at = 0;
  const take = (s: ConsentStory, share: number) => {
    const k = Math.min(quota(share, n), n - at);
    for (let i = 0; i < k; i++) story[order[at++]] = s;
  };
  take('revoked', o.revokedShare);
  take('lateGrant', o.lateGrantShare);
  take('tie', o.consentTieShare);
  take('updated', o.updatedShare);
  const consents: boolean[] = story.map((s) => s === 'lateGrant');
  const open = rng.shuffle(order.filter((i) => story[i] === 'single' || story[i] === 'updated'));
  const lateGrants = story.filter((s) => s === 'lateGrant').length;
  const wanted = Math.min(open.length, Math.max(0, Math.round(n * o.researchConsentShare) - lateGrants));
  for (let i = 0; i < wanted; i++) consents[open[i]] = true;

  // Customers without accelerometer readings: half of them consenting.
  const withoutReadings = new Set<number>();
  const w = Math.min(quota(o.withoutReadingsShare, n), n);
  const yes = rng.shuffle([...Array(n).keys()].filter((i) => consents[i]));
  const no = rng.shuffle([...Array(n).keys()].filter((i) => !consents[i]));
  for (let i = 0; withoutReadings.size < w; i++) {
    const from = (i % 2 === 0 && yes.length) || !no.length ? yes : no;
    withoutReadings.add(from.shift()!);
  }

  const implausible = new Set(rng.shuffle([...Array(n).keys()]).slice(0, quota(IMPLAUSIBLE_BIRTHDAY_SHARE, n)));
  // Three-digit years draw from a stream of their own: adding them moved no other draw of the plan.
  const years = new Prng(o.seed, 'birthday-years');
  const shortYear = new Set(
    years
      .shuffle([...Array(n).keys()])
      .filter((i) => !implausible.has(i))
      .slice(0, quota(SHORT_YEAR_BIRTHDAY_SHARE, n)),
  );
  const serials = new Set<string>();
  const newSerial = (from = rng) => {
    for (;;) {
      const s = from.uuid();
      if (!serials.has(s)) {
        serials.add(s);
        return s;
      }
    }
  };
  const identities: Identity[] = [];
  const customers: PlannedCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const phone = rng.chance(PLACEHOLDER_PHONE_SHARE) ? PLACEHOLDER_PHONE : '801' + digits(rng, 7);
    const born = birthDay(rng, implausible.has(i));
    const id: Identity = {
      customerName: `${first} ${last}`,
      email: emailOf(first, last, String(i + 1), 'test.com'),
      phone,
      // The month and day stay those drawn for a four-digit year: YYYY-MM-DD becomes YYY-MM-DD.
      birthDay: shortYear.has(i) ? `${years.between(900, 999)}${born.slice(4)}` : born,
      registrationDate: o.originMs - 400 * DAY_MS + rng.int(300 * DAY_MS),
      publicConsent: rng.chance(0.5),
      friendsConsent: rng.chance(0.3),
    };
    identities.push(id);
    const hasReadings = !withoutReadings.has(i);
    customers.push({
      index: i,
      email: id.email,
      story: story[i],
      consents: consents[i],
      serialNumber: newSerial(),
      records: [],
      readings: hasReadings ? rng.between(minReadings, maxReadings) : 0,
      stepOnlyReadings: hasReadings ? 0 : rng.between(1, MAX_STEP_ONLY_READINGS),
      unpairedSteps: 0,
      formerDeviceSteps: 0,
      timeKey: i,
      inSharedSerialGroup: false,
      accelerometerConflicts: new Set(),
      stepConflicts: new Set(),
      hosted: [],
    });
  }

  // Injected defects go to consenting customers with readings, in one shuffled order, so that the
  // first collision pair is the shared serial's owner and its first receiver. They draw from a stream
  // of their own: asking for a defect changes nothing else.
  const pick = new Prng(o.seed, 'defects');
  const pool = pick.shuffle(customers.filter((c) => c.consents && c.readings > 0));
  const d = o.defects;
  const needPool = (what: string, k: number) => {
    if (k > pool.length) {
      throw new GenerateOptionsError(
        `${what} needs ${k} consenting customers with readings, but this size has only ${pool.length}; ask for fewer or more customers`,
      );
    }
  };
  let sharedSerial: SharedSerial | undefined;
  if (d.sharedSerials > 0) {
    needPool(`defects.sharedSerials = ${d.sharedSerials}`, d.sharedSerials + 1);
    const [owner, ...receivers] = pool.slice(0, d.sharedSerials + 1);
    owner.inSharedSerialGroup = true;
    for (const r of receivers) {
      r.serialNumber = owner.serialNumber;
      r.inSharedSerialGroup = true;
    }
    sharedSerial = { serialNumber: owner.serialNumber, owner: owner.email, sharedWith: receivers.map((r) => r.email) };
  }
  const timestampCollisions: (readonly [string, string])[] = [];
  if (d.timestampCollisions > 0) {
    needPool(`defects.timestampCollisions = ${d.timestampCollisions}`, 2 * d.timestampCollisions);
    for (let i = 0; i < d.timestampCollisions; i++) {
      const [leader, follower] = [pool[2 * i], pool[2 * i + 1]];
      follower.timeKey = leader.timeKey;
      follower.readings = leader.readings;
      timestampCollisions.push([leader.email, follower.email]);
    }
  }
  if (d.conflictingReadings > 0) {
    needPool(`defects.conflictingReadings = ${d.conflictingReadings}`, 1);
    for (let i = 0; i < d.conflictingReadings; i++) {
      const c = pool[i % pool.length];
      const onStep = i % 2 === 1;
      const used = onStep ? c.stepConflicts : c.accelerometerConflicts;
      // A step conflict needs a step reading to conflict with: the first free one from a random start.
      const hasStep = stepDraw(o, c.index);
      const start = pick.int(c.readings);
      let j = -1;
      for (let k = 0; k < c.readings && j < 0; k++) {
        const at = (start + k) % c.readings;
        if (!used.has(at) && (!onStep || hasStep(at))) j = at;
      }
      if (j < 0) {
        throw new GenerateOptionsError(
          `defects.conflictingReadings = ${d.conflictingReadings} is more than the ${onStep ? 'step trainer ' : ''}readings of ${c.email} allow`,
        );
      }
      used.add(j);
    }
  }
  const host = (kind: HostedDefect['kind'], count: number) => {
    for (let i = 0; i < count; i++) {
      customers[pick.int(n)].hosted.push({ kind, dataset: LANDING_DATASETS[i % LANDING_DATASETS.length], variant: Math.floor(i / LANDING_DATASETS.length) });
    }
  };
  host('malformed', d.malformedLines);
  host('wrongType', d.wrongTypes);
  host('blank', d.blankLines);

  for (const c of customers) {
    c.records = recordsFor(new Prng(o.seed, 'records', c.index), identities[c.index], c.serialNumber, c.story, c.consents);
  }

  // Edges of the data itself, each from a stream of its own (no other line moves): replaced step
  // trainers, and step readings the app did not record.
  const edges = new Prng(o.seed, 'replaced-devices');
  const replaceable = edges.shuffle(
    customers.filter((c) => c.records.length > 1 && c.records[0].shareWithResearchAsOfDate !== undefined && !c.inSharedSerialGroup),
  );
  for (const c of replaceable.slice(0, quota(o.replacedDeviceShare, n))) {
    c.formerSerialNumber = c.serialNumber;
    c.serialNumber = newSerial(edges);
    c.records = c.records.map((r, i) => (i === 0 ? r : { ...r, serialNumber: c.serialNumber }));
    c.formerDeviceSteps = edges.between(1, MAX_FORMER_DEVICE_STEPS);
  }
  const unpaired = new Prng(o.seed, 'unpaired-steps');
  const withReadings = unpaired.shuffle(customers.filter((c) => c.readings > 0));
  for (const c of withReadings.slice(0, quota(o.unpairedStepShare, withReadings.length))) c.unpairedSteps = unpaired.between(1, MAX_UNPAIRED_STEPS);

  const strangers: PlannedStranger[] = [];
  const strangerReadings = Math.round(o.unknownUserReadings * o.scale);
  for (let i = 0, left = strangerReadings; left > 0; i++) {
    const k = Math.min(left, READINGS_PER_STRANGER);
    strangers.push({ email: emailOf(rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES), `.visitor${i + 1}`, 'unknown.example'), readings: k, timeKey: n + i });
    left -= k;
  }
  const devices: PlannedDevice[] = [];
  const deviceReadings = Math.round(o.unknownDeviceReadings * o.scale);
  for (let i = 0, left = deviceReadings; left > 0; i++) {
    const k = Math.min(left, READINGS_PER_DEVICE);
    devices.push({ serialNumber: newSerial(), readings: k, timeKey: n + strangers.length + i });
    left -= k;
  }

  const longest = Math.max(maxReadings + MAX_UNPAIRED_STEPS, READINGS_PER_STRANGER, READINGS_PER_DEVICE, MAX_STEP_ONLY_READINGS);
  return {
    customers,
    strangers,
    devices,
    ...(sharedSerial ? { sharedSerial } : {}),
    timestampCollisions,
    readingsOriginMs: o.originMs - 90 * DAY_MS,
    slotMs: longest * MAX_GAP_MS + SLOT_MARGIN_MS,
  };
}
