// Generated landing files look like STEDI-DATA.md says the producers send them.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { GENERATE_DEFAULTS, LANDING_DATASETS } from '../../src/generator/generate-options';
import type { GenerateResult } from '../../src/generator/generator';
import { PRESETS } from '../../src/generator/presets';
import { RecordContract } from '../../src/pipeline/record-contract';
import { countBy, filesOf, generateTiny, linesOf, recordsOf } from './landing-lines';

type Customer = {
  email: string;
  serialNumber: string;
  customerName: string;
  lastUpdateDate: number;
  shareWithResearchAsOfDate?: number;
};
type Reading = { user: string; timestamp: number };
type Step = { sensorReadingTime: number; serialNumber: string };

describe('generated landing data has the STEDI shape', () => {
  let g: GenerateResult;
  let customers: Customer[];
  let readings: Reading[];
  let steps: Step[];
  beforeAll(async () => {
    g = await generateTiny({ seed: 11 });
    customers = recordsOf(g.dir, 'customer') as unknown as Customer[];
    readings = recordsOf(g.dir, 'accelerometer') as unknown as Reading[];
    steps = recordsOf(g.dir, 'step_trainer') as unknown as Step[];
  });

  it('writes several NDJSON files per dataset named <dataset>-<epoch ms>.json, some in nested folders', () => {
    for (const d of LANDING_DATASETS) {
      const files = filesOf(g.dir, d);
      expect(files).toHaveLength(PRESETS.tiny.filesPerDataset);
      for (const f of files) expect(f).toMatch(new RegExp(`^${d}/(\\d{4}/(\\d{2}/)?)?${d}-\\d{13}\\.json$`));
      expect(new Set(files.map((f) => f.split('/').length))).toEqual(new Set([2, 3, 4]));
    }
  });

  it('reports each file it wrote with its lines and bytes', () => {
    const onDisk = LANDING_DATASETS.flatMap((d) => filesOf(g.dir, d)).sort();
    expect(g.files.map((f) => f.name).sort()).toEqual(onDisk);
    for (const f of g.files) {
      expect(f.lines).toBe(linesOf(g.dir, f.dataset).filter((l) => l.file === f.name).length);
      expect(f.bytes).toBe(statSync(join(g.dir, f.name)).size);
      expect(f.path).toBe(join(g.dir, f.name));
    }
    for (const d of LANDING_DATASETS) expect(g.lines[d]).toBe(linesOf(g.dir, d).length);
  });

  it('writes only lines that pass the record contracts when no defect is asked for', () => {
    for (const ds of loadCatalog().datasets) {
      const contract = new RecordContract(ds.dataset, ds.schema, ds.table);
      const lines = linesOf(g.dir, ds.dataset as (typeof LANDING_DATASETS)[number]);
      const failures = lines.filter((l) => !contract.checkLine(l.text).ok);
      expect(failures).toEqual([]);
      expect(lines.length).toBeGreaterThan(0);
    }
  });

  it('leaves consent fields out when not given (never null) and writes no null anywhere', () => {
    for (const d of LANDING_DATASETS) for (const l of linesOf(g.dir, d)) expect(l.text).not.toContain('null');
    const withConsent = customers.filter((c) => 'shareWithResearchAsOfDate' in c).length;
    expect(withConsent).toBeGreaterThan(0);
    expect(withConsent).toBeLessThan(customers.length);
    for (const field of ['shareWithPublicAsOfDate', 'shareWithFriendsAsOfDate']) {
      expect(customers.some((c) => field in c)).toBe(true);
      expect(customers.some((c) => !(field in c))).toBe(true);
    }
  });

  it('writes accelerometer doubles with a decimal point, as 1.0, -1.0 and 0.0', () => {
    const axes = /^\{"user":"[^"]+","timestamp":\d+,"x":(-?\d+\.\d+),"y":(-?\d+\.\d+),"z":(-?\d+\.\d+)\}$/;
    const values = new Set<string>();
    for (const l of linesOf(g.dir, 'accelerometer')) {
      const m = axes.exec(l.text);
      expect(m).not.toBeNull();
      m!.slice(1).forEach((v) => values.add(v));
    }
    expect(values).toEqual(new Set(['1.0', '-1.0', '0.0']));
  });

  it('gives each customer one email, name and serial number (two for a replaced step trainer); phones are digits; birthdays include implausible and three-digit years', () => {
    const names = new Map<string, Set<string>>();
    for (const c of customers) names.set(c.email, (names.get(c.email) ?? new Set()).add(c.customerName));
    expect(names.size).toBe(PRESETS.tiny.customers);
    for (const n of names.values()) expect(n.size).toBe(1);
    // One serial number per customer, but the customer whose device was replaced (3% of 20: one) has two.
    expect([...recordsByEmail().values()].map((r) => new Set(r.map((c) => c.serialNumber)).size).sort()).toEqual([...Array(PRESETS.tiny.customers - 1).fill(1), 2]);
    expect(new Set(customers.map((c) => c.serialNumber)).size).toBe(PRESETS.tiny.customers + 1);
    for (const c of customers) {
      expect(c.customerName).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect((c as unknown as { phone: string }).phone).toMatch(/^\d{10}$/);
    }
    const birthdays = customers.map((c) => (c as unknown as { birthDay: string }).birthDay);
    expect(birthdays.some((b) => b.startsWith('1399-'))).toBe(true);
    // The website writes years below 1000 without leading zeros (../shared/STEDI-DATA.md).
    expect(birthdays.some((b) => /^[0-9]{3}-[0-9]{2}-[0-9]{2}$/.test(b))).toBe(true);
  });

  it('tells every consent story: about half consent, updates, revocations, late grants and ties', () => {
    const stories = new Map<string, Customer[]>();
    for (const c of customers) stories.set(c.email, [...(stories.get(c.email) ?? []), c]);
    const consents = (c: Customer) => c.shareWithResearchAsOfDate !== undefined;
    let revoked = 0;
    let lateGrants = 0;
    let ties = 0;
    let updated = 0;
    let consenting = 0;
    for (const records of stories.values()) {
      const distinct = [...new Map(records.map((r) => [JSON.stringify(r), r])).values()].sort((a, b) => a.lastUpdateDate - b.lastUpdateDate);
      const last = distinct[distinct.length - 1];
      const atLast = distinct.filter((r) => r.lastUpdateDate === last.lastUpdateDate);
      const wins = atLast.every(consents);
      if (wins) consenting++;
      if (atLast.length > 1) ties++;
      else if (distinct.length > 1 && consents(distinct[0]) && !consents(last)) revoked++;
      else if (distinct.length > 1 && !consents(distinct[0]) && consents(last)) lateGrants++;
      else if (distinct.length > 1) updated++;
    }
    expect(consenting).toBe(g.expected.tables.customer_trusted);
    expect(consenting / stories.size).toBeCloseTo(GENERATE_DEFAULTS.researchConsentShare, 1);
    expect({ revoked, lateGrants, ties }).toEqual({ revoked: 1, lateGrants: 1, ties: 1 });
    expect(updated).toBeGreaterThanOrEqual(1);
  });

  it('times each customer\'s readings apart from every other user\'s', () => {
    const users = new Map<number, Set<string>>();
    for (const r of readings) users.set(r.timestamp, (users.get(r.timestamp) ?? new Set()).add(r.user));
    expect([...users.values()].filter((u) => u.size > 1)).toEqual([]);
  });

  it('times step readings at a reading of the device owner, for about a third of the readings, or after the last one (the app closed)', () => {
    const ownerOf = new Map(customers.map((c) => [c.serialNumber, c.email]));
    const moments = new Set(readings.map((r) => `${r.user}@${r.timestamp}`));
    const lastReading = new Map<string, number>();
    for (const r of readings) lastReading.set(r.user, Math.max(lastReading.get(r.user) ?? 0, r.timestamp));
    const ownedSteps = steps.filter((s) => lastReading.has(ownerOf.get(s.serialNumber)!));
    const paired = ownedSteps.filter((s) => moments.has(`${ownerOf.get(s.serialNumber)}@${s.sensorReadingTime}`));
    const unpaired = ownedSteps.filter((s) => !paired.includes(s));
    // The unpaired ones come after the owner's last reading, 1 to 4 per customer, for 10% of the 19 customers with readings: two.
    for (const s of unpaired) expect(s.sensorReadingTime).toBeGreaterThan(lastReading.get(ownerOf.get(s.serialNumber)!)!);
    const unpairedPerOwner = countBy([...new Map(unpaired.map((s) => [`${s.serialNumber}@${s.sensorReadingTime}`, s])).values()], (s) => ownerOf.get(s.serialNumber)!);
    expect(unpairedPerOwner.size).toBe(2);
    for (const k of unpairedPerOwner.values()) expect(k).toBeLessThanOrEqual(4);
    const share = new Set(paired.map((s) => `${s.serialNumber}@${s.sensorReadingTime}`)).size / moments.size;
    expect(share).toBeGreaterThan(GENERATE_DEFAULTS.stepShare - 0.05);
    expect(share).toBeLessThan(GENERATE_DEFAULTS.stepShare + 0.05);
  });

  it('replaces the step trainer of a customer who consented with the old one: its first record and first step readings carry the old serial number', () => {
    const replaced = [...recordsByEmail().values()].filter((r) => new Set(r.map((c) => c.serialNumber)).size > 1);
    expect(replaced).toHaveLength(1);
    const [first, ...later] = [...replaced[0]].sort((a, b) => a.lastUpdateDate - b.lastUpdateDate);
    expect(first.shareWithResearchAsOfDate).toBeDefined();
    expect(new Set(later.map((c) => c.serialNumber)).size).toBe(1);
    expect(later[0].serialNumber).not.toBe(first.serialNumber);
    const byTime = (serial: string) => steps.filter((s) => s.serialNumber === serial).map((s) => s.sensorReadingTime);
    const old = byTime(first.serialNumber);
    // One to three readings, all before the first reading of the new device.
    expect(new Set(old).size).toBeGreaterThanOrEqual(1);
    expect(new Set(old).size).toBeLessThanOrEqual(3);
    expect(Math.max(...old)).toBeLessThan(Math.min(...byTime(later[0].serialNumber)));
  });

  /** Each customer's distinct records. */
  function recordsByEmail(): Map<string, Customer[]> {
    const m = new Map<string, Map<string, Customer>>();
    for (const c of customers) m.set(c.email, (m.get(c.email) ?? new Map()).set(JSON.stringify(c), c));
    return new Map([...m].map(([e, r]) => [e, [...r.values()]]));
  }

  it('has readings for customers with and without consent, users who are no customer and devices of nobody', () => {
    const consenting = new Set(customers.filter((c) => c.shareWithResearchAsOfDate !== undefined).map((c) => c.email));
    const known = new Set(customers.map((c) => c.email));
    expect(readings.some((r) => consenting.has(r.user))).toBe(true);
    expect(readings.some((r) => known.has(r.user) && !consenting.has(r.user))).toBe(true);
    expect(readings.filter((r) => !known.has(r.user))).toHaveLength(PRESETS.tiny.unknownUserReadings + countRepeats('accelerometer', (t) => !known.has(JSON.parse(t).user)));
    const serials = new Set(customers.map((c) => c.serialNumber));
    expect(steps.filter((s) => !serials.has(s.serialNumber))).toHaveLength(PRESETS.tiny.unknownDeviceReadings + countRepeats('step_trainer', (t) => !serials.has(JSON.parse(t).serialNumber)));
  });

  it('delivers some lines twice (at least once), as it reports', () => {
    for (const d of LANDING_DATASETS) expect(countRepeats(d, () => true)).toBe(g.defects.duplicateLines[d]);
    expect(g.defects.duplicateLines.accelerometer).toBeGreaterThan(0);
  });

  /** Lines of a dataset beyond their first delivery, among those that match. */
  function countRepeats(d: (typeof LANDING_DATASETS)[number], match: (text: string) => boolean): number {
    const counts = countBy(linesOf(g.dir, d).filter((l) => match(l.text)), (l) => l.text);
    return [...counts.values()].reduce((n, k) => n + k - 1, 0);
  }
});
