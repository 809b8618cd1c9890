// Each injected defect is written exactly as many times as asked, and reported where it went.
import { GenerateOptionsError, LANDING_DATASETS, type LandingDatasetName } from '../../src/generator/generate-options';
import { loadCatalog } from '../../src/catalog/registry';
import { RecordContract } from '../../src/pipeline/record-contract';
import { countBy, generateTiny, linesOf, recordsOf } from './landing-lines';

const contracts = Object.fromEntries(loadCatalog().datasets.map((d) => [d.dataset, new RecordContract(d.dataset, d.schema, d.table)])) as Record<
  LandingDatasetName,
  RecordContract
>;

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};
const nonBlank = (d: LandingDatasetName, dir: string) => linesOf(dir, d).filter((l) => l.text.trim() !== '');
/** Extra distinct values per key: 0 when each key has one value. */
function conflictsBy(records: Record<string, unknown>[], key: (r: Record<string, unknown>) => string): number {
  const values = new Map<string, Set<string>>();
  for (const r of records) values.set(key(r), (values.get(key(r)) ?? new Set()).add(JSON.stringify(r)));
  return [...values.values()].reduce((n, v) => n + v.size - 1, 0);
}
const perDataset = (c: number, a: number, s: number) => ({ customer: c, accelerometer: a, step_trainer: s });

describe('injected defects', () => {
  it('malformedLines: that many lines are no JSON, given to the datasets in turn, and quarantined', async () => {
    const g = await generateTiny({ seed: 3, defects: { malformedLines: 7 } });
    const bad = Object.fromEntries(LANDING_DATASETS.map((d) => [d, nonBlank(d, g.dir).filter((l) => !parses(l.text)).length]));
    expect(bad).toEqual(perDataset(3, 2, 2));
    expect(g.defects.malformedLines).toEqual(perDataset(3, 2, 2));
    for (const d of LANDING_DATASETS) expect(g.expected.datasets[d].quarantined).toBe(bad[d]);
  });

  it('wrongTypes: that many records parse but break their contract by a type or a missing field', async () => {
    const g = await generateTiny({ seed: 3, defects: { wrongTypes: 12 } });
    for (const d of LANDING_DATASETS) {
      const broken = nonBlank(d, g.dir).map((l) => contracts[d].checkLine(l.text)).filter((v) => !v.ok);
      expect(broken).toHaveLength(4);
      for (const v of broken) {
        expect(v.ok).toBe(false);
        if (!v.ok) for (const r of v.reasons) expect(r).toMatch(/^(field \w+ must be (integer|number|string)|missing required field \w+)/);
      }
      expect(nonBlank(d, g.dir).filter((l) => !parses(l.text))).toEqual([]);
      expect(g.expected.datasets[d].quarantined).toBe(4);
    }
    expect(g.defects.wrongTypes).toEqual(perDataset(4, 4, 4));
  });

  it('blankLines: that many blank lines, which are not read as records', async () => {
    const clean = await generateTiny({ seed: 3 });
    const g = await generateTiny({ seed: 3, defects: { blankLines: 5 } });
    const blank = Object.fromEntries(LANDING_DATASETS.map((d) => [d, linesOf(g.dir, d).filter((l) => l.text.trim() === '').length]));
    expect(blank).toEqual(perDataset(2, 2, 1));
    expect(g.defects.blankLines).toEqual(blank);
    for (const d of LANDING_DATASETS) {
      expect(g.lines[d]).toBe(clean.lines[d] + blank[d]);
      expect(g.expected.datasets[d]).toEqual(clean.expected.datasets[d]);
    }
  });

  it('sharedSerials: that many consenting customers with readings carry one other such customer\'s serial number', async () => {
    const g = await generateTiny({ seed: 3, defects: { sharedSerials: 3 } });
    const customers = recordsOf(g.dir, 'customer');
    const emailsOf = new Map<string, Set<string>>();
    for (const c of customers) emailsOf.set(String(c.serialNumber), (emailsOf.get(String(c.serialNumber)) ?? new Set()).add(String(c.email)));
    const shared = [...emailsOf.entries()].filter(([, e]) => e.size > 1);
    expect(shared.map(([s, e]) => [s, e.size])).toEqual([[g.defects.sharedSerial!.serialNumber, 4]]);
    expect([...shared[0][1]].sort()).toEqual([g.defects.sharedSerial!.owner, ...g.defects.sharedSerial!.sharedWith].sort());
    const readers = new Set(recordsOf(g.dir, 'accelerometer').map((r) => r.user));
    const latest = new Map<string, Record<string, unknown>>();
    for (const c of customers) if (!latest.has(String(c.email)) || Number(c.lastUpdateDate) > Number(latest.get(String(c.email))!.lastUpdateDate)) latest.set(String(c.email), c);
    for (const email of shared[0][1]) {
      expect(readers.has(email)).toBe(true);
      expect(latest.get(email)!.shareWithResearchAsOfDate).toEqual(expect.any(Number));
    }
  });

  it('timestampCollisions: that many pairs of customers read at exactly the same moments', async () => {
    const g = await generateTiny({ seed: 3, defects: { timestampCollisions: 2 } });
    const times = new Map<string, string>();
    const readings = recordsOf(g.dir, 'accelerometer');
    const byUser = new Map<string, number[]>();
    for (const r of readings) byUser.set(String(r.user), [...(byUser.get(String(r.user)) ?? []), Number(r.timestamp)]);
    for (const [user, ts] of byUser) times.set(user, JSON.stringify([...new Set(ts)].sort()));
    const usersAt = countBy([...times.values()], (t) => t);
    expect([...usersAt.values()].filter((n) => n > 1)).toEqual([2, 2]);
    expect(g.defects.timestampCollisions).toHaveLength(2);
    for (const [a, b] of g.defects.timestampCollisions) expect(times.get(a)).toBe(times.get(b));
    const owners = new Map<number, Set<string>>();
    for (const r of readings) owners.set(Number(r.timestamp), (owners.get(Number(r.timestamp)) ?? new Set()).add(String(r.user)));
    const pairs = new Set([...owners.values()].filter((u) => u.size > 1).map((u) => [...u].sort().join(' ')));
    expect([...pairs].sort()).toEqual(g.defects.timestampCollisions.map((p) => [...p].sort().join(' ')).sort());
  });

  it('conflictingReadings: that many readings at the moment of another of the same user or device, with other values', async () => {
    const g = await generateTiny({ seed: 3, defects: { conflictingReadings: 5 } });
    expect(conflictsBy(recordsOf(g.dir, 'accelerometer'), (r) => `${r.user}@${r.timestamp}`)).toBe(3);
    expect(conflictsBy(recordsOf(g.dir, 'step_trainer'), (r) => `${r.serialNumber}@${r.sensorReadingTime}`)).toBe(2);
    expect(g.defects.conflictingReadings).toEqual({ accelerometer: 3, step_trainer: 2 });
    // Each accelerometer conflict differs from its reading on one axis: x, y and z in turn, so that none of them goes unread.
    const atMoment = new Map<string, Record<string, unknown>[]>();
    for (const r of recordsOf(g.dir, 'accelerometer')) atMoment.set(`${r.user}@${r.timestamp}`, [...(atMoment.get(`${r.user}@${r.timestamp}`) ?? []), r]);
    const differing = [...atMoment.values()]
      .map((rs) => [...new Map(rs.map((r) => [JSON.stringify(r), r])).values()])
      .filter((rs) => rs.length === 2)
      .map(([a, b]) => ['x', 'y', 'z'].filter((axis) => a[axis] !== b[axis]).join(''));
    expect(differing.sort()).toEqual(['x', 'y', 'z']);
    const clean = await generateTiny({ seed: 3 });
    expect(g.expected.tables.accelerometer_trusted).toBe(clean.expected.tables.accelerometer_trusted + 3);
  });

  it('asks for no defect by default: nothing malformed, shared, colliding or conflicting', async () => {
    const g = await generateTiny({ seed: 3 });
    for (const d of LANDING_DATASETS) expect(g.expected.datasets[d].quarantined).toBe(0);
    expect(g.defects).toMatchObject({
      malformedLines: perDataset(0, 0, 0),
      wrongTypes: perDataset(0, 0, 0),
      blankLines: perDataset(0, 0, 0),
      timestampCollisions: [],
      conflictingReadings: { accelerometer: 0, step_trainer: 0 },
    });
    expect(g.defects.sharedSerial).toBeUndefined();
    expect(conflictsBy(recordsOf(g.dir, 'accelerometer'), (r) => `${r.user}@${r.timestamp}`)).toBe(0);
    expect(conflictsBy(recordsOf(g.dir, 'step_trainer'), (r) => `${r.serialNumber}@${r.sensorReadingTime}`)).toBe(0);
  });

  it('injects lines on top of the same clean data: every clean line stays in its file', async () => {
    const clean = await generateTiny({ seed: 5 });
    const g = await generateTiny({ seed: 5, defects: { malformedLines: 6, wrongTypes: 6, blankLines: 6, conflictingReadings: 6 } });
    let extra = 0;
    for (const d of LANDING_DATASETS) {
      const had = countBy(linesOf(clean.dir, d), (l) => `${l.file}\n${l.text}`);
      for (const l of linesOf(g.dir, d)) {
        const key = `${l.file}\n${l.text}`;
        if (had.get(key)) had.set(key, had.get(key)! - 1);
        else extra++;
      }
      expect([...had.values()].filter((n) => n > 0)).toEqual([]);
    }
    expect(extra).toBe(24);
  });

  it('refuses more defects than the consenting customers with readings can carry, naming the option', async () => {
    await expect(generateTiny({ defects: { sharedSerials: 50 } })).rejects.toThrow(GenerateOptionsError);
    await expect(generateTiny({ defects: { timestampCollisions: 30 } })).rejects.toThrow(/defects\.timestampCollisions = 30 needs 60 consenting customers with readings/);
  });
});
