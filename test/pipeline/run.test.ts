// The local pipeline end to end on hand-written STEDI files whose outcome was worked out by hand
// (test/fixtures/stedi-small/README.md).
import { cpSync, existsSync, readFileSync, appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/runner';
import { LocalLakeCatalog } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { tempDir } from '../support/tmp';
import { hashTree, queryLake } from '../support/lake';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
const rowsOf = (m: Awaited<ReturnType<typeof runPipeline>>) => Object.fromEntries(Object.entries(m.tables).map(([t, r]) => [t, r.rows]));

const EXPECTED_ROWS = {
  accelerometer_landing: 10,
  customer_landing: 7,
  step_trainer_landing: 7,
  customer_trusted: 3,
  accelerometer_trusted: 5,
  step_trainer_trusted: 3,
  customer_curated: 2,
  machine_learning_curated: 3,
};

describe('local pipeline on STEDI-shaped files', () => {
  const lake = tempDir();
  let first: Awaited<ReturnType<typeof runPipeline>>;

  beforeAll(async () => {
    first = await runPipeline({ landing: FIXTURE, lake });
  });

  it('publishes the hand-worked row counts', () => {
    expect(first.status).toBe('published');
    expect(rowsOf(first)).toEqual(EXPECTED_ROWS);
  });

  it('accounts for every landing record: trusted, duplicate, or excluded by policy with the reason', () => {
    const acc = Object.fromEntries(
      Object.entries(first.datasets).map(([d, a]) => [d, { read: a.read, valid: a.valid, quarantined: a.quarantined, outcomes: a.outcomes, excluded: a.excludedByPolicy }]),
    );
    expect(acc).toEqual({
      accelerometer: { read: 10, valid: 10, quarantined: 0, outcomes: { trusted: 5, duplicate: 1, no_consent: 3, unknown_customer: 1 }, excluded: 4 },
      customer: { read: 7, valid: 7, quarantined: 0, outcomes: { trusted: 3, superseded: 2, no_consent: 2 }, excluded: 4 },
      step_trainer: {
        read: 7,
        valid: 7,
        quarantined: 0,
        outcomes: { trusted: 3, no_consent: 2, no_accelerometer_readings: 1, unknown_device: 1 },
        excluded: 4,
      },
    });
  });

  it('honours the latest record: a revocation removes consent, a later grant gives it', async () => {
    const rows = await queryLake(lake, 'SELECT email FROM trusted.customer_trusted ORDER BY email');
    expect(rows.map((r) => r.email)).toEqual(['Lyn.Rowe@test.com', 'Santosh.Clayton@test.com', 'Sarah.Clayton@test.com']);
  });

  it('pairs each step reading with the accelerometer reading of the same customer at the same moment', async () => {
    const rows = await queryLake(lake, 'SELECT sensorReadingTime, user, distanceFromObject, x, y, z FROM curated.machine_learning_curated ORDER BY 1');
    expect(rows).toEqual([
      { sensorReadingTime: 1655564444103, user: 'Santosh.Clayton@test.com', distanceFromObject: 230, x: 1, y: -1, z: -1 },
      { sensorReadingTime: 1655564444127, user: 'Santosh.Clayton@test.com', distanceFromObject: 231, x: 0, y: 1, z: 0 },
      { sensorReadingTime: 1655564777040, user: 'Sarah.Clayton@test.com', distanceFromObject: 260, x: 0, y: -1, z: 1 },
    ]);
  });

  it('writes each table under a run-scoped folder and records the manifest', () => {
    const layout = new LakeLayout(lake);
    for (const [table, r] of Object.entries(first.tables)) {
      expect(r.location).toBe(layout.tableRunDir(r.zone, table, first.runId));
      expect(existsSync(join(r.location, 'part-0.parquet'))).toBe(true);
    }
    const saved = JSON.parse(readFileSync(join(lake, 'runs', first.runId, 'manifest.json'), 'utf8'));
    expect([saved.status, saved.tables.machine_learning_curated.rows]).toEqual(['published', 3]);
  });

  it('reports warn rules without blocking (a birthday in 1399 is the producer\'s data)', () => {
    const rules = first.gates.trusted!.rules.filter((r) => r.status !== 'pass').map((r) => [r.name, r.severity, r.failing]);
    expect(rules).toEqual([['customer_birthday_plausible', 'warn', 1]]);
  });

  it('a second run on the same landing data publishes the same rows, no duplicates', async () => {
    const before = await queryLake(lake, 'SELECT * FROM curated.machine_learning_curated ORDER BY ALL');
    const second = await runPipeline({ landing: FIXTURE, lake });
    expect([second.status, rowsOf(second)]).toEqual(['published', EXPECTED_ROWS]);
    expect(second.runId > first.runId).toBe(true);
    expect(second.tables.machine_learning_curated.previousRows).toBe(3);
    expect(await queryLake(lake, 'SELECT * FROM curated.machine_learning_curated ORDER BY ALL')).toEqual(before);
    const published = await new LocalLakeCatalog(new LakeLayout(lake)).published();
    expect(new Set(published.map((p) => p.runId))).toEqual(new Set([second.runId]));
  });
});

describe('a failing gate blocks promotion', () => {
  it('leaves every published table byte-for-byte as it was, keeps the staged data, and names the rule', async () => {
    const lake = tempDir();
    const landing = tempDir();
    cpSync(FIXTURE, landing, { recursive: true });
    const good = await runPipeline({ landing, lake });
    const layout = new LakeLayout(lake);
    const publishedBefore = await new LocalLakeCatalog(layout).published();
    const bytesBefore = Object.fromEntries(publishedBefore.map((p) => [p.table, hashTree(p.location)]));
    const viewBefore = await queryLake(lake, 'SELECT * FROM curated.customer_curated ORDER BY ALL');

    // The fulfilment defect: a second customer gets Santosh's serial number.
    appendFileSync(
      join(landing, 'customer', 'customer-1691348231425.json'),
      '{"customerName":"Eve Stone","email":"Eve.Stone@test.com","phone":"8015550000","birthDay":"1980-01-01","serialNumber":"50f7b4f3-7af5-4b07-a421-7b902c8d2b7c","registrationDate":1655564376400,"lastUpdateDate":1655564376400,"shareWithResearchAsOfDate":1655564376400}\n',
    );
    const blocked = await runPipeline({ landing, lake });

    expect(blocked.status).toBe('blocked');
    expect(blocked.problems).toEqual([expect.stringMatching(/^FAIL serial_number_shared_by_customers: found 1 row \(0 allowed\); expected: a step trainer serial number/)]);
    const shared = blocked.gates.trusted!.rules.find((r) => r.name === 'serial_number_shared_by_customers')!;
    // The emails the rule derives (MIN/MAX of email) are personal data: tokens, not addresses.
    expect(shared.sample).toEqual([
      { serialNumber: '50f7b4f3-7af5-4b07-a421-7b902c8d2b7c', customers: 2, first_email: expect.stringMatching(/^pii:[0-9a-f]{10}$/), last_email: expect.stringMatching(/^pii:[0-9a-f]{10}$/) },
    ]);
    expect(shared.maskedColumns).toEqual(['first_email', 'last_email']);
    // The curated gate never ran: its rules are listed, skipped, with why.
    expect(blocked.gates.curated!.skipped).toBe('the trusted gate blocked the run, so the curated gate did not run');
    expect(new Set(blocked.gates.curated!.rules.map((r) => [r.status, r.blocking].join()))).toEqual(new Set(['skip,false']));
    // So the blocked run's junit.xml lists every rule the published run's does (issue 16: 20 cases
    // against 27), and the volume checks it would have made against that published run.
    const junit = (runId: string) => readFileSync(join(lake, 'runs', runId, 'junit.xml'), 'utf8');
    const cases = (runId: string) => [...junit(runId).matchAll(/<testcase name="([^"]+)" classname="(\w+)"/g)].map((m) => `${m[2]}.${m[1]}`);
    expect(cases(blocked.runId)).toEqual(expect.arrayContaining(cases(good.runId)));
    expect(cases(blocked.runId).filter((c) => !cases(good.runId).includes(c))).toEqual(['curated.volume_customer_curated', 'curated.volume_machine_learning_curated']);
    expect((junit(blocked.runId).match(/<skipped message="the trusted gate blocked the run, so the curated gate did not run"\/>/g) ?? []).length).toBe(blocked.gates.curated!.rules.length);

    const publishedAfter = await new LocalLakeCatalog(layout).published();
    expect(publishedAfter).toEqual(publishedBefore);
    expect(Object.fromEntries(publishedAfter.map((p) => [p.table, hashTree(p.location)]))).toEqual(bytesBefore);
    expect(await queryLake(lake, 'SELECT * FROM curated.customer_curated ORDER BY ALL')).toEqual(viewBefore);
    expect(new Set(publishedAfter.map((p) => p.runId))).toEqual(new Set([good.runId]));

    // The staged trusted tables of the blocked run stay for inspection.
    const staged = await queryLake(lake, 'SELECT count(*) AS n FROM staging.customer_trusted');
    expect(staged).toEqual([{ n: 4 }]);
    expect(existsSync(blocked.tables.customer_trusted.location)).toBe(true);
  });

  it('rollback switches every table back to an earlier published run', async () => {
    const lake = tempDir();
    const landing = tempDir();
    cpSync(FIXTURE, landing, { recursive: true });
    const first = await runPipeline({ landing, lake });
    appendFileSync(join(landing, 'accelerometer', 'accelerometer-1691348231495.json'), '{"user":"Lyn.Rowe@test.com","timestamp":1655564999000,"x":1.0,"y":1.0,"z":1.0}\n');
    const second = await runPipeline({ landing, lake });
    expect([second.status, second.tables.machine_learning_curated.rows, second.tables.customer_curated.rows]).toEqual(['published', 4, 3]);

    const catalog = new LocalLakeCatalog(new LakeLayout(lake));
    await catalog.rollback(first.runId);
    const published = await catalog.published();
    expect(Object.fromEntries(published.map((p) => [p.table, [p.runId, p.rows]]))).toEqual(
      Object.fromEntries(Object.entries(first.tables).map(([t, r]) => [t, [first.runId, r.rows]])),
    );
    expect(await queryLake(lake, 'SELECT count(*) AS n FROM curated.machine_learning_curated')).toEqual([{ n: 3 }]);
    await expect(catalog.rollback('20990101T000000000Z-000000')).rejects.toThrow(/no run 20990101T000000000Z-000000/);
  });
});

describe('a lake catalog that cannot be read', () => {
  it('stops the run before any work and leaves the lake unlocked', async () => {
    const lake = tempDir();
    const layout = new LakeLayout(lake);
    writeFileSync(layout.catalogFile, 'not a DuckDB database file, '.repeat(200));
    await expect(runPipeline({ landing: FIXTURE, lake })).rejects.toThrow();
    expect(existsSync(layout.lockFile)).toBe(false);
    expect(existsSync(layout.runsDir)).toBe(false);
  });
});
