// Where a table's run folder lives: one rule (tableRunFolder) below the root of the table's zone,
// the same in the local lake and in S3; only the zone roots differ (data/<zone>/ locally, the
// zone's bucket or the trusted bucket's validated/ in S3).
import { join, relative, sep } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { quarantinePrefix, runFolder, tableFolder, tableRunFolder, tableRunKey, tableRunLocation } from '../../src/catalog/run-layout';
import { LakeLayout, relativeTableRunDir } from '../../src/pipeline/lake-layout';

const catalog = loadCatalog();
const tables = [...catalog.tables.values()];
const RUN = '20240102T030405123Z-0a1b2c3d';
const buckets = { trusted: 'stedi-dev-trusted-111111111111', curated: 'stedi-dev-curated-111111111111' };

describe('run layout: one rule for where a table\'s run folder lives', () => {
  it('names the run folder <table>/run_id=<id>/ below the zone root', () => {
    expect(tableRunFolder('customer_trusted', RUN)).toBe(`customer_trusted/run_id=${RUN}/`);
  });

  it('keeps the local run folders under data/<zone>/, as the local catalog stores them (no trailing /)', () => {
    expect(tables.map((t) => relativeTableRunDir(t.zone, t.name, RUN))).toEqual(tables.map((t) => `data/${t.zone}/${t.name}/run_id=${RUN}`));
    expect(new LakeLayout('/lake').tableRunDir('curated', 'machine_learning_curated', RUN)).toBe(join('/lake', 'data', 'curated', 'machine_learning_curated', `run_id=${RUN}`));
  });

  it('keeps the S3 run folders in the trusted bucket (landing tables under validated/) and the curated bucket', () => {
    expect(tableRunLocation({ name: 'step_trainer_landing', zone: 'landing' }, RUN, buckets)).toBe(`s3://stedi-dev-trusted-111111111111/validated/step_trainer_landing/run_id=${RUN}/`);
    expect(tableRunLocation({ name: 'customer_trusted', zone: 'trusted' }, RUN, buckets)).toBe(`s3://stedi-dev-trusted-111111111111/customer_trusted/run_id=${RUN}/`);
    expect(tableRunLocation({ name: 'customer_curated', zone: 'curated' }, RUN, buckets)).toBe(`s3://stedi-dev-curated-111111111111/customer_curated/run_id=${RUN}/`);
    expect(tables.map((t) => [t.name, tableFolder(t)])).toEqual(
      tables.map((t) => [t.name, t.zone === 'landing' ? { bucket: 'trusted', prefix: `validated/${t.name}/` } : { bucket: t.zone, prefix: `${t.name}/` }]),
    );
  });

  it('puts a table\'s run folder at the same place below its zone root in both lakes, inside the table\'s S3 folder', () => {
    for (const t of tables) {
      const folder = tableFolder(t);
      const key = tableRunKey(t, RUN);
      expect([t.name, `${relativeTableRunDir(t.zone, t.name, RUN)}/`.slice(`data/${t.zone}/`.length)]).toEqual([t.name, tableRunFolder(t.name, RUN)]);
      expect([t.name, key.endsWith(tableRunFolder(t.name, RUN)), key.startsWith(folder.prefix)]).toEqual([t.name, true, true]);
      expect([t.name, tableRunLocation(t, RUN, buckets)]).toEqual([t.name, `s3://${buckets[folder.bucket]}/${key}`]);
    }
  });

  it('keeps a dataset\'s quarantined records of a run in <dataset>/run_id=<id>/ in both lakes', () => {
    const file = new LakeLayout('/lake').quarantineFile('customer', RUN);
    expect(file).toBe(join('/lake', 'quarantine', 'customer', `run_id=${RUN}`, 'records.jsonl'));
    expect(`${quarantinePrefix('customer')}${runFolder(RUN)}`).toBe(`customer/run_id=${RUN}/`);
    expect(relative(join('/lake', 'quarantine'), file).split(sep).join('/')).toBe(`${quarantinePrefix('customer')}${runFolder(RUN)}records.jsonl`);
  });

  it('refuses a table outside the zones that have run folders', () => {
    expect(() => tableFolder({ name: 'x', zone: 'staging' })).toThrow('table x has no run-scoped location (zone staging)');
    expect(() => tableRunLocation({ name: 'x', zone: 'staging' }, RUN, buckets)).toThrow('table x has no run-scoped location (zone staging)');
  });
});
