// The pipeline against the generator's own model of the outcome (worked out while generating,
// without SQL): exact counts for clean data and for every defect the generator injects.
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { generateLanding, type GenerateResult } from '../../src/generator/generator';
import { PRESETS } from '../../src/generator/presets';
import { LANDING_DATASETS, type DefectOptions } from '../../src/generator/generate-options';
import { loadCatalog } from '../../src/catalog/registry';
import { runPipeline } from '../../src/pipeline/runner';
import type { RunManifest } from '../../src/pipeline/manifest';
import { LocalLakeCatalog } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { tempDir } from '../support/tmp';
import { hashTree } from '../support/lake';
import { copyCatalogFolders } from '../support/project-copy';

async function generate(seed: number, defects: DefectOptions = {}, extra = {}): Promise<GenerateResult> {
  return generateLanding(join(tempDir(), 'landing'), { ...PRESETS.tiny, seed, defects, ...extra });
}

function accounting(m: RunManifest) {
  return Object.fromEntries(
    Object.entries(m.datasets).map(([d, a]) => [d, { read: a.read, valid: a.valid, quarantined: a.quarantined, recordBytes: a.recordBytes, quarantinedBytes: a.quarantinedBytes, outcomes: a.outcomes }]),
  );
}
const rows = (m: RunManifest) => Object.fromEntries(Object.entries(m.tables).map(([t, r]) => [t, r.rows]));
const sorted = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
const failing = (m: RunManifest) =>
  Object.values(m.gates)
    .flatMap((g) => g!.rules)
    .filter((r) => r.status !== 'pass')
    .map((r) => `${r.severity}:${r.name}`);

describe('pipeline counts equal the generator model', () => {
  for (const seed of [1, 2, 3]) {
    it(`clean data, seed ${seed}: every dataset's accounting and every table's rows`, async () => {
      const g = await generate(seed);
      const m = await runPipeline({ landing: g.dir, lake: tempDir() });
      expect(m.status).toBe('published');
      expect(sorted(accounting(m))).toEqual(sorted(g.expected.datasets));
      expect(sorted(rows(m))).toEqual(sorted(g.expected.tables));
    });
  }

  it('the generator writes exactly the datasets the catalog declares', () => {
    expect([...LANDING_DATASETS].sort()).toEqual(loadCatalog().datasets.map((d) => d.dataset).sort());
  });
});

/** A lake with one clean published run, then a run on defective data: what changed? */
async function blockedAfterCleanRun(defects: DefectOptions) {
  const lake = tempDir();
  const clean = await generate(7);
  const first = await runPipeline({ landing: clean.dir, lake });
  expect(first.status).toBe('published');
  const layout = new LakeLayout(lake);
  const before = await new LocalLakeCatalog(layout).published();
  const bytes = Object.fromEntries(before.map((p) => [p.table, hashTree(p.location)]));
  const bad = await generate(7, defects);
  const m = await runPipeline({ landing: bad.dir, lake });
  const after = await new LocalLakeCatalog(layout).published();
  return { m, bad, unchanged: JSON.stringify(after) === JSON.stringify(before) && JSON.stringify(Object.fromEntries(after.map((p) => [p.table, hashTree(p.location)]))) === JSON.stringify(bytes) };
}

describe('each defect the rules target blocks the run and leaves the published tables unchanged', () => {
  it('shared serial numbers (the fulfilment defect): serial_number_shared_by_customers', async () => {
    const { m, bad, unchanged } = await blockedAfterCleanRun({ sharedSerials: 2 });
    expect([m.status, unchanged]).toEqual(['blocked', true]);
    const rule = m.gates.trusted!.rules.find((r) => r.name === 'serial_number_shared_by_customers')!;
    expect([rule.status, rule.failing]).toEqual(['fail', 1]);
    expect(rule.sample).toEqual([expect.objectContaining({ serialNumber: bad.defects.sharedSerial!.serialNumber, customers: 3 })]);
    expect(m.problems).toEqual([expect.stringMatching(/^FAIL serial_number_shared_by_customers: /)]);
    expect(sorted(accounting(m))).toEqual(sorted(bad.expected.datasets));
  });

  it('malformed lines over the quarantine threshold: quarantine_share_<dataset> and quarantine_bytes_<dataset>, with file and line of each', async () => {
    const { m, bad, unchanged } = await blockedAfterCleanRun({ malformedLines: 3, wrongTypes: 3 });
    expect([m.status, unchanged]).toEqual(['blocked', true]);
    expect(m.problems.map((p) => p.split(':')[0])).toEqual(['FAIL quarantine_share_customer', 'FAIL quarantine_bytes_customer']);
    expect(sorted(accounting(m))).toEqual(sorted(bad.expected.datasets));
    expect(Object.values(m.datasets).reduce((n, d) => n + d.quarantined, 0)).toBe(6);
  });

  it('conflicting readings are reported by warn rules and do not block', async () => {
    const g = await generate(8, { conflictingReadings: 4 });
    const m = await runPipeline({ landing: g.dir, lake: tempDir() });
    expect(m.status).toBe('published');
    expect(failing(m)).toEqual(expect.arrayContaining(['warn:accelerometer_reading_conflicts', 'warn:step_trainer_reading_conflicts']));
    expect(failing(m).filter((f) => f.startsWith('error:'))).toEqual([]);
    expect(sorted(rows(m))).toEqual(sorted(g.expected.tables));
  });

  it('colliding timestamps alone pair nobody wrongly: the join goes through the customer', async () => {
    const g = await generate(9, { timestampCollisions: 3 });
    const m = await runPipeline({ landing: g.dir, lake: tempDir() });
    expect([m.status, failing(m).filter((f) => f.startsWith('error:'))]).toEqual(['published', []]);
    expect(sorted(rows(m))).toEqual(sorted(g.expected.tables));
  });

  it('a transform that joins on time alone: machine_learning_same_customer blocks at the curated gate', async () => {
    const root = copyCatalogFolders();
    writeFileSync(
      join(root, 'glue', 'sql', 'curated', 'machine_learning_curated.sql'),
      'SELECT s.sensorReadingTime, s.serialNumber, s.distanceFromObject, a.user, a.x, a.y, a.z\nFROM step_trainer_trusted s\nJOIN accelerometer_trusted a ON a.timestamp = s.sensorReadingTime\n',
    );
    const g = await generate(9, { timestampCollisions: 3 });
    const m = await runPipeline({ landing: g.dir, lake: tempDir(), catalog: loadCatalog(root) });
    expect(m.status).toBe('blocked');
    const rule = m.gates.curated!.rules.find((r) => r.name === 'machine_learning_same_customer')!;
    expect(rule.status).toBe('fail');
    expect(rule.failing).toBeGreaterThan(0);
    expect(rule.sample.length).toBe(Math.min(rule.failing, 10));
    expect(m.problems).toEqual([expect.stringMatching(/^FAIL machine_learning_same_customer: /)]);
  });

  it('a transform that ignores consent: the consent rules block at the trusted gate', async () => {
    const root = copyCatalogFolders();
    const f = join(root, 'glue', 'sql', 'trusted', 'customer_trusted.sql');
    writeFileSync(f, readFileSync(f, 'utf8').replace('AND latest.shareWithResearchAsOfDate IS NOT NULL', ''));
    const g = await generate(10);
    const m = await runPipeline({ landing: g.dir, lake: tempDir(), catalog: loadCatalog(root) });
    expect(m.status).toBe('blocked');
    expect(m.problems.map((p) => p.split(':')[0])).toEqual(['FAIL consent_customer_trusted', 'FAIL accounting_customer']);
    expect(m.gates.trusted!.rules.find((r) => r.name === 'accounting_customer')!.sample).toEqual([
      // Without the consent filter every customer's latest record is "trusted": one row per customer.
      { valid: g.expected.datasets.customer.valid, accounted: g.expected.datasets.customer.valid, counted_trusted: g.expected.tables.customer_trusted, trusted_rows: PRESETS.tiny.customers },
    ]);
  });

  it('a curated table that shrinks by more than half against the last published run: volume_<table>', async () => {
    const lake = tempDir();
    const big = await generateLanding(join(tempDir(), 'landing'), { ...PRESETS.tiny, seed: 11 });
    expect((await runPipeline({ landing: big.dir, lake })).status).toBe('published');
    const small = await generateLanding(join(tempDir(), 'landing'), { ...PRESETS.tiny, seed: 11, customers: 6 });
    const m = await runPipeline({ landing: small.dir, lake });
    expect(m.status).toBe('blocked');
    expect(m.problems.map((p) => p.split(':')[0])).toEqual(expect.arrayContaining(['FAIL volume_customer_curated', 'FAIL volume_machine_learning_curated']));
    // Read as rows before and after, against what the threshold allows.
    expect(m.problems.find((p) => p.startsWith('FAIL volume_customer_curated'))).toMatch(
      /^FAIL volume_customer_curated: customer_curated went from \d+ to \d+ rows \(−\d+(\.\d+)?%, allowed −50%\) \[quality-rules\/gate-config\.json\]$/,
    );
  });
});
