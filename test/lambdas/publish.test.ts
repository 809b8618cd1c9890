import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createPublisher, PublishError, type PublishRecord } from '../../src/lambdas/publish';
import { RUN_ID_PARAMETER } from '../../src/lambdas/run-layout';
import { createGlueFake, type GlueFake } from './glue-fake';
import { readAll, testCatalog } from './lambda-fixtures';

const catalog = testCatalog();
const databases = { landing: 'stedi_dev_landing', trusted: 'stedi_dev_trusted', curated: 'stedi_dev_curated', staging: 'stedi_dev_staging' };
const RUN = '20240102T030405123Z-0a1b2c3d';
const OLD = '20240101T030405123Z-99999999';
const published = [...catalog.built.trusted, ...catalog.built.curated];
const zoneOf = (t: string) => catalog.tables.find((x) => x.name === t)!.zone;
const bucketOf = (t: string) => (zoneOf(t) === 'trusted' ? 'stedi-dev-trusted' : 'stedi-dev-curated');

const s3Mock = mockClient(S3Client);
let records: PublishRecord[];
let glue: GlueFake;
let events: string[];

function setUp() {
  s3Mock.reset();
  records = [];
  events = [];
  glue = createGlueFake(
    published.map((t) => ({ database: databases[zoneOf(t) as 'trusted'], table: t, location: `s3://${bucketOf(t)}/${t}/run_id=${OLD}/`, parameters: { [RUN_ID_PARAMETER]: OLD } })),
  );
  s3Mock.on(PutObjectCommand).callsFake(async (input) => {
    const record = JSON.parse((await readAll(input.Body)).toString('utf8')) as PublishRecord;
    records.push(record);
    events.push(`record ${record.status}`);
    return {};
  });
  s3Mock.on(GetObjectCommand).callsFake(() => ({
    Body: { transformToString: async () => JSON.stringify(records[records.length - 1]) },
  }));
  return createPublisher({
    glue: glue.client,
    s3: new S3Client({}),
    catalog,
    buckets: { trusted: 'stedi-dev-trusted', curated: 'stedi-dev-curated' },
    artifactsBucket: 'stedi-dev-artifacts',
    databases,
  });
}

afterEach(() => glue?.restore());

describe('publish Lambda', () => {
  it('moves every trusted and curated table to the run, after recording where each was', async () => {
    const publish = setUp();
    const outcome = await publish({ runId: RUN });

    expect(outcome.status).toBe('published');
    expect(outcome.record).toBe(`s3://stedi-dev-artifacts/runs/${RUN}/publish.json`);
    for (const t of published) {
      expect(glue.location(databases[zoneOf(t) as 'trusted'], t)).toBe(`s3://${bucketOf(t)}/${t}/run_id=${RUN}/`);
      expect(glue.tables.get(`${databases[zoneOf(t) as 'trusted']}.${t}`)!.Parameters![RUN_ID_PARAMETER]).toBe(RUN);
    }
    // The record with the previous locations exists before the first table moves.
    expect(records[0].status).toBe('publishing');
    expect(records[0].tables.map((t) => [t.table, t.previousLocation, t.previousRunId])).toEqual(
      published.map((t) => [t, `s3://${bucketOf(t)}/${t}/run_id=${OLD}/`, OLD]),
    );
    expect(s3Mock.commandCalls(PutObjectCommand)[0].args[0].input.Key).toBe(`runs/${RUN}/publish.json`);
    expect(glue.updates).toHaveLength(published.length);
    expect(records.map((r) => r.status)).toEqual(['publishing', 'published']);
  });

  it('moves the switched tables back when one table cannot be switched, and says which', async () => {
    const publish = setUp();
    const failing = published[2];
    glue.failUpdate(databases[zoneOf(failing) as 'trusted'], failing, 'Internal service error');

    await expect(publish({ runId: RUN })).rejects.toThrow(
      new PublishError(
        `run ${RUN} was not published: publish failed at ${databases[zoneOf(failing) as 'trusted']}.${failing}: Internal service error. Every table is back where it was; rerun the pipeline.`,
      ),
    );
    for (const t of published) expect(glue.location(databases[zoneOf(t) as 'trusted'], t)).toBe(`s3://${bucketOf(t)}/${t}/run_id=${OLD}/`);
    expect(glue.tables.get(`${databases.trusted}.${published[0]}`)!.Parameters![RUN_ID_PARAMETER]).toBe(OLD);
    expect(records.map((r) => r.status)).toEqual(['publishing', 'rolled-back']);
  });

  it('refuses to overwrite a table someone changed after it was read (Glue version lock)', async () => {
    const publish = setUp();
    glue.changeAfterRead(databases.curated, published[published.length - 1]);

    await expect(publish({ runId: RUN })).rejects.toThrow(/was not published: publish failed at stedi_dev_curated\.machine_learning_curated: Version 1 is not the latest version 2/);
    expect(glue.location(databases.trusted, published[0])).toBe(`s3://stedi-dev-trusted/${published[0]}/run_id=${OLD}/`);
  });

  it('rolls a published run back to the locations it recorded', async () => {
    const publish = setUp();
    await publish({ runId: RUN });
    const outcome = await publish({ runId: RUN, action: 'rollback' });

    expect(outcome.status).toBe('rolled-back-by-operator');
    for (const t of published) {
      expect(glue.location(databases[zoneOf(t) as 'trusted'], t)).toBe(`s3://${bucketOf(t)}/${t}/run_id=${OLD}/`);
      expect(glue.tables.get(`${databases[zoneOf(t) as 'trusted']}.${t}`)!.Parameters![RUN_ID_PARAMETER]).toBe(OLD);
    }
  });

  it('refuses to roll back a run a later run has replaced', async () => {
    const publish = setUp();
    await publish({ runId: RUN });
    const runRecord = records[records.length - 1];
    await publish({ runId: '20240103T030405123Z-11111111' });
    records.push(runRecord);

    await expect(publish({ runId: RUN, action: 'rollback' })).rejects.toThrow(
      `cannot roll back run ${RUN}: ` + published.map((t) => `${databases[zoneOf(t) as 'trusted']}.${t} is at run 20240103T030405123Z-11111111`).join(', ') + '; roll back the later run first',
    );
  });
});
