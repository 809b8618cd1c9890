// The lake catalog on its own, on tiny Parquet files written by DuckDB: what publish, stage and
// rollback switch and record, and the rollback guards (issue 19: refusing a blocked run and a run
// whose data is gone were untested).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LocalLakeCatalog, LakeNotFoundError, META_SCHEMA, openLakeEngine, RollbackError, STAGING_SCHEMA, viewSql } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout, TABLE_FILE } from '../../src/pipeline/lake-layout';
import { queryLake, writeRun } from '../support/lake';
import { tempDir } from '../support/tmp';

const RUN_A = '20260101T000000000Z-aaaaaa';
const RUN_B = '20260102T000000000Z-bbbbbb';
const RUN_C = '20260103T000000000Z-cccccc';
const AT = new Date('2026-01-04T05:06:07.000Z');


const counts = async (lake: string, schema: string, tables: string[]) =>
  Object.fromEntries(await Promise.all(tables.map(async (t) => [t, Number((await queryLake(lake, `SELECT count(*) AS n FROM ${schema}.${t}`))[0].n)] as const)));

describe('lake catalog: publish, stage, record', () => {
  it('a lake without a catalog file has no published tables, no runs, no references and nothing to roll back to; an engine on it says how to make one', async () => {
    const layout = new LakeLayout(tempDir());
    const catalog = new LocalLakeCatalog(layout);
    expect([await catalog.published(), await catalog.runs(), await catalog.references()]).toEqual([[], [], { runIds: new Set(), runs: [], hasHistory: false }]);
    await expect(catalog.rollback(RUN_A)).rejects.toThrow(new RollbackError(`no run ${RUN_A} in ${layout.catalogFile}; see \`stedi runs\``));
    await expect(openLakeEngine(layout)).rejects.toThrow(new LakeNotFoundError(layout.catalogFile));
    expect(new LakeNotFoundError(layout.catalogFile).message).toBe(`no lake catalog at ${layout.catalogFile}: run \`stedi run --lake <dir>\` first, or pass the right --lake`);
  });

  it('publish points every view at the run and records it; a later publish moves only the tables it names', async () => {
    const lake = tempDir();
    const layout = new LakeLayout(lake);
    const catalog = new LocalLakeCatalog(layout);
    const a = await writeRun(layout, RUN_A, { customer_trusted: ['trusted', 3], customer_curated: ['curated', 2], accelerometer_trusted: ['trusted', 4] });
    await catalog.publish(RUN_A, a, '{"run":"a"}', AT);
    expect(await catalog.published()).toEqual([
      { table: 'customer_curated', zone: 'curated', runId: RUN_A, location: a[1].location, rows: 2, publishedAt: AT.toISOString() },
      { table: 'accelerometer_trusted', zone: 'trusted', runId: RUN_A, location: a[2].location, rows: 4, publishedAt: AT.toISOString() },
      { table: 'customer_trusted', zone: 'trusted', runId: RUN_A, location: a[0].location, rows: 3, publishedAt: AT.toISOString() },
    ]);
    expect(await catalog.runs()).toEqual([{ runId: RUN_A, status: 'published', finishedAt: AT.toISOString(), manifest: '{"run":"a"}' }]);
    expect(await counts(lake, 'trusted', ['customer_trusted', 'accelerometer_trusted'])).toEqual({ customer_trusted: 3, accelerometer_trusted: 4 });

    const b = await writeRun(layout, RUN_B, { customer_trusted: ['trusted', 5] });
    await catalog.publish(RUN_B, b, '{"run":"b"}', AT);
    expect((await catalog.published()).map((p) => [p.table, p.runId, p.rows])).toEqual([
      ['customer_curated', RUN_A, 2],
      ['accelerometer_trusted', RUN_A, 4],
      ['customer_trusted', RUN_B, 5],
    ]);
    expect(await counts(lake, 'trusted', ['customer_trusted'])).toEqual({ customer_trusted: 5 });
    const refs = await catalog.references();
    expect([[...refs.runIds].sort(), refs.runs.map((r) => [r.runId, r.status])]).toEqual([[RUN_A, RUN_B], [[RUN_A, 'published'], [RUN_B, 'published']]]);
  });

  it('a publish that fails halfway switches nothing (one transaction)', async () => {
    const lake = tempDir();
    const layout = new LakeLayout(lake);
    const catalog = new LocalLakeCatalog(layout);
    await catalog.publish(RUN_A, await writeRun(layout, RUN_A, { customer_trusted: ['trusted', 3], customer_curated: ['curated', 2] }), '{}', AT);
    const before = await catalog.published();
    const b = await writeRun(layout, RUN_B, { customer_trusted: ['trusted', 5], customer_curated: ['curated', 1] });
    await expect(catalog.publish(RUN_B, b, '{}', AT, async () => Promise.reject(new Error('killed midway')))).rejects.toThrow('killed midway');
    expect(await catalog.published()).toEqual(before);
    expect((await catalog.runs()).map((r) => r.runId)).toEqual([RUN_A]);
    expect(await counts(lake, 'trusted', ['customer_trusted'])).toEqual({ customer_trusted: 3 });
  });

  it('refuses to point a view at a folder that is not the run\'s own', async () => {
    const layout = new LakeLayout(tempDir());
    const [t] = await writeRun(layout, RUN_A, { customer_trusted: ['trusted', 3] });
    await expect(new LocalLakeCatalog(layout).publish(RUN_B, [t], '{}', AT)).rejects.toThrow(
      `customer_trusted: location ${t.location} is not the run folder ${layout.tableRunDir('trusted', 'customer_trusted', RUN_B)} of run ${RUN_B}`,
    );
    expect(await new LocalLakeCatalog(layout).published()).toEqual([]);
  });

  it('stage exposes a run in the staging schema without publishing it; recordRun keeps its status', async () => {
    const lake = tempDir();
    const layout = new LakeLayout(lake);
    const catalog = new LocalLakeCatalog(layout);
    await catalog.publish(RUN_A, await writeRun(layout, RUN_A, { customer_trusted: ['trusted', 3] }), '{}', AT);
    await catalog.stage(RUN_B, await writeRun(layout, RUN_B, { customer_trusted: ['trusted', 7] }));
    await catalog.recordRun(RUN_B, 'blocked', '{"status":"blocked"}', AT);
    expect([await counts(lake, STAGING_SCHEMA, ['customer_trusted']), await counts(lake, 'trusted', ['customer_trusted'])]).toEqual([{ customer_trusted: 7 }, { customer_trusted: 3 }]);
    expect((await catalog.published()).map((p) => p.runId)).toEqual([RUN_A]);
    expect((await catalog.runs()).map((r) => [r.runId, r.status, r.manifest])).toEqual([[RUN_A, 'published', '{}'], [RUN_B, 'blocked', '{"status":"blocked"}']]);
    // The staged view names its run, so recovery keeps that run's data.
    expect([...(await catalog.references()).runIds].sort()).toEqual([RUN_A, RUN_B]);
  });

  it('views hold paths relative to the lake, read through the lake root variable', () => {
    expect(viewSql('trusted', 'customer_trusted', 'data/trusted/customer_trusted/run_id=r')).toBe(
      `CREATE OR REPLACE VIEW "trusted"."customer_trusted" AS SELECT * FROM read_parquet(coalesce(getvariable('stedi_lake'), '.') || '/data/trusted/customer_trusted/run_id=r/${TABLE_FILE}', hive_partitioning = false)`,
    );
  });
});

describe('lake catalog: rollback and its guards', () => {
  /** A lake with run A published, run B published over it, and run C blocked. */
  async function lakeWithHistory() {
    const lake = tempDir();
    const layout = new LakeLayout(lake);
    const catalog = new LocalLakeCatalog(layout);
    const a = await writeRun(layout, RUN_A, { customer_trusted: ['trusted', 3], customer_curated: ['curated', 2] });
    await catalog.publish(RUN_A, a, JSON.stringify({ tables: { customer_trusted: { zone: 'trusted', rows: 3 }, customer_curated: { zone: 'curated', rows: 2 } } }), AT);
    const b = await writeRun(layout, RUN_B, { customer_trusted: ['trusted', 5], customer_curated: ['curated', 4] });
    await catalog.publish(RUN_B, b, JSON.stringify({ tables: { customer_trusted: { zone: 'trusted', rows: 5 }, customer_curated: { zone: 'curated', rows: 4 } } }), AT);
    const c = await writeRun(layout, RUN_C, { customer_trusted: ['trusted', 9] });
    await catalog.stage(RUN_C, c);
    await catalog.recordRun(RUN_C, 'blocked', JSON.stringify({ tables: { customer_trusted: { zone: 'trusted', rows: 9 } } }), AT);
    return { lake, layout, catalog, a };
  }

  it('switches every table back to the run\'s versions, in one transaction, and records the rollback', async () => {
    const { lake, catalog, a } = await lakeWithHistory();
    const restored = await catalog.rollback(RUN_A, AT);
    expect(restored).toEqual([
      { table: 'customer_trusted', zone: 'trusted', rows: 3, location: a[0].location },
      { table: 'customer_curated', zone: 'curated', rows: 2, location: a[1].location },
    ]);
    expect((await catalog.published()).map((p) => [p.table, p.runId, p.rows])).toEqual([
      ['customer_curated', RUN_A, 2],
      ['customer_trusted', RUN_A, 3],
    ]);
    expect([await counts(lake, 'trusted', ['customer_trusted']), await counts(lake, 'curated', ['customer_curated'])]).toEqual([{ customer_trusted: 3 }, { customer_curated: 2 }]);
    expect((await catalog.runs()).map((r) => [r.runId, r.status, r.manifest])).toContainEqual([`${AT.toISOString()}-rollback`, 'rollback', JSON.stringify({ rollbackTo: RUN_A })]);
    expect((await catalog.runs()).length).toBe(4);
  });

  const unchanged = async (catalog: LocalLakeCatalog, lake: string) => [
    (await catalog.published()).map((p) => [p.table, p.runId]),
    await counts(lake, 'trusted', ['customer_trusted']),
    (await catalog.runs()).map((r) => r.status),
  ];
  const AFTER_B = [[['customer_curated', RUN_B], ['customer_trusted', RUN_B]], { customer_trusted: 5 }, ['published', 'published', 'blocked']];

  it('refuses a blocked run, saying only published runs can be restored, and changes nothing', async () => {
    const { lake, catalog } = await lakeWithHistory();
    const attempt = catalog.rollback(RUN_C, AT);
    await expect(attempt).rejects.toThrow(RollbackError);
    await expect(catalog.rollback(RUN_C, AT)).rejects.toThrow(`run ${RUN_C} was blocked, not published: only published runs can be restored`);
    expect(await unchanged(catalog, lake)).toEqual(AFTER_B);
  });

  it('refuses a rollback record as a target', async () => {
    const { catalog } = await lakeWithHistory();
    await catalog.rollback(RUN_A, AT);
    const id = `${AT.toISOString()}-rollback`;
    await expect(catalog.rollback(id, AT)).rejects.toThrow(`run ${id} was rollback, not published: only published runs can be restored`);
  });

  it('refuses a run whose data is gone, naming every missing folder, and changes nothing', async () => {
    const { lake, layout, catalog, a } = await lakeWithHistory();
    rmSync(join(a[1].location, TABLE_FILE));
    await expect(catalog.rollback(RUN_A, AT)).rejects.toThrow(new RollbackError(`run ${RUN_A} cannot be restored: its data is gone (${a[1].location})`));
    rmSync(layout.tableRunDir('trusted', 'customer_trusted', RUN_A), { recursive: true });
    await expect(catalog.rollback(RUN_A, AT)).rejects.toThrow(`run ${RUN_A} cannot be restored: its data is gone (${a[0].location}, ${a[1].location})`);
    expect(await unchanged(catalog, lake)).toEqual(AFTER_B);
  });

  it('refuses a run the catalog never recorded, pointing at stedi runs', async () => {
    const { layout, catalog } = await lakeWithHistory();
    await expect(catalog.rollback('20990101T000000000Z-000000')).rejects.toThrow(`no run 20990101T000000000Z-000000 in ${layout.catalogFile}; see \`stedi runs\``);
  });

  it('the catalog bookkeeping lives in its own schema', async () => {
    const { lake } = await lakeWithHistory();
    const tables = await queryLake(lake, `SELECT table_name FROM information_schema.tables WHERE table_schema = '${META_SCHEMA}' AND table_type = 'BASE TABLE' ORDER BY 1`);
    expect(tables).toEqual([{ table_name: 'published_tables' }, { table_name: 'runs' }]);
  });
});
