import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createPublisher, PublishError, type PublishRecord } from '../../src/lambdas/publish';
import { EXPIRY_TAG, RUN_ID_PARAMETER } from '../../src/catalog/run-layout';
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
/** The objects of the fake buckets, `bucket/key` -> their tags. */
let stored: Map<string, Record<string, string>>;

/** S3's listing: keys under a prefix, or (with a delimiter) the folders right below it, in pages of `pageSize`. */
function listObjects(input: { Bucket?: string; Prefix?: string; Delimiter?: string; ContinuationToken?: string }, pageSize = 2) {
  const keys = [...stored.keys()].filter((k) => k.startsWith(`${input.Bucket}/${input.Prefix ?? ''}`)).map((k) => k.slice(input.Bucket!.length + 1)).sort();
  const entries = input.Delimiter
    ? [...new Set(keys.map((k) => { const rest = k.slice((input.Prefix ?? '').length); const i = rest.indexOf(input.Delimiter!); return i < 0 ? `K${k}` : `P${(input.Prefix ?? '')}${rest.slice(0, i + 1)}`; }))]
    : keys.map((k) => `K${k}`);
  const start = Number(input.ContinuationToken ?? 0);
  const page = entries.slice(start, start + pageSize);
  const more = start + pageSize < entries.length;
  return {
    Contents: page.filter((e) => e[0] === 'K').map((e) => ({ Key: e.slice(1) })),
    CommonPrefixes: page.filter((e) => e[0] === 'P').map((e) => ({ Prefix: e.slice(1) })),
    IsTruncated: more,
    ...(more ? { NextContinuationToken: String(start + pageSize) } : {}),
  };
}

/** Run folders of every published table (two Spark part files each) for these runs. */
function runFolders(...runs: string[]) {
  for (const r of runs) for (const t of published) for (const part of ['part-0.parquet', 'part-1.parquet']) stored.set(`${bucketOf(t)}/${t}/run_id=${r}/${part}`, {});
  for (const t of published) stored.set(`${bucketOf(t)}/${t}/unpublished/.keep`, {});
}

const tagged = () => [...stored].filter(([, tags]) => tags[EXPIRY_TAG.key] === EXPIRY_TAG.value).map(([k]) => k).sort();

function setUp() {
  s3Mock.reset();
  records = [];
  events = [];
  stored = new Map();
  glue = createGlueFake(
    published.map((t) => ({ database: databases[zoneOf(t) as 'trusted'], table: t, location: `s3://${bucketOf(t)}/${t}/run_id=${OLD}/`, parameters: { [RUN_ID_PARAMETER]: OLD } })),
  );
  s3Mock.on(ListObjectsV2Command).callsFake((input) => listObjects(input));
  s3Mock.on(PutObjectTaggingCommand).callsFake((input) => {
    const k = `${input.Bucket}/${input.Key}`;
    if (!stored.has(k)) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    stored.set(k, Object.fromEntries(input.Tagging.TagSet.map((t: { Key: string; Value: string }) => [t.Key, t.Value])));
    return {};
  });
  s3Mock.on(PutObjectCommand).callsFake(async (input) => {
    const record = JSON.parse((await readAll(input.Body)).toString('utf8')) as PublishRecord;
    if (!stored.has(`${input.Bucket}/${input.Key}`)) stored.set(`${input.Bucket}/${input.Key}`, {});
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

  it('marks for lifecycle every run folder but the live run\'s and its rollback target\'s, and their publish records; never a live file', async () => {
    const publish = setUp();
    const BLOCKED = '20231231T030405123Z-bbbbbbbb';
    const OLDER = '20231230T030405123Z-aaaaaaaa';
    runFolders(OLDER, BLOCKED, OLD, RUN);
    stored.set(`stedi-dev-artifacts/runs/${OLDER}/publish.json`, {});
    stored.set(`stedi-dev-artifacts/runs/${BLOCKED}/gate-trusted.json`, { [EXPIRY_TAG.key]: EXPIRY_TAG.value });
    stored.set(`stedi-dev-artifacts/runs/${OLD}/publish.json`, {});
    stored.set('stedi-dev-artifacts/runs/validation/map-1/manifest.json', {});

    const outcome = await publish({ runId: RUN });

    expect(outcome.retireError).toBeUndefined();
    const superseded = [OLDER, BLOCKED].flatMap((r) => published.map((t) => `s3://${bucketOf(t)}/${t}/run_id=${r}/`)).sort();
    expect([...outcome.retired!.folders].sort()).toEqual(superseded);
    expect(outcome.retired!.records).toEqual([OLDER]);
    expect(tagged()).toEqual(
      [
        ...[OLDER, BLOCKED].flatMap((r) => published.flatMap((t) => ['part-0.parquet', 'part-1.parquet'].map((p) => `${bucketOf(t)}/${t}/run_id=${r}/${p}`))),
        `stedi-dev-artifacts/runs/${BLOCKED}/gate-trusted.json`,
        `stedi-dev-artifacts/runs/${OLDER}/publish.json`,
      ].sort(),
    );
    expect(outcome.retired!.objects).toBe(2 * published.length * 2 + 1);
    // The live run (RUN) and the run it replaced (OLD, the rollback target) keep every file and record untagged.
    expect(tagged().filter((k) => k.includes(RUN) || k.includes(OLD))).toEqual([]);

    // Rolled back, the run is superseded; what it rolled back to is live again, and stays untagged.
    const back = await publish({ runId: RUN, action: 'rollback' });
    expect([...back.retired!.folders].sort()).toEqual([...superseded, ...published.map((t) => `s3://${bucketOf(t)}/${t}/run_id=${RUN}/`)].sort());
    expect(tagged().filter((k) => k.includes(OLD))).toEqual([]);
  });

  it('reports a failure to mark superseded folders without undoing the publish', async () => {
    const publish = setUp();
    runFolders(OLD, RUN);
    s3Mock.on(ListObjectsV2Command).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    const outcome = await publish({ runId: RUN });
    expect(outcome.status).toBe('published');
    expect(outcome.retireError).toBe('could not mark superseded run folders (Access Denied); they stay until a later publish marks them');
    for (const t of published) expect(glue.location(databases[zoneOf(t) as 'trusted'], t)).toBe(`s3://${bucketOf(t)}/${t}/run_id=${RUN}/`);
  });

  for (const damage of ['a damaged publish record', 'a publish record S3 refuses to read'] as const) {
    it(`a rollback whose live run has ${damage} marks nothing: that run's rollback target keeps its files`, async () => {
      const publish = setUp();
      const OLDER = '20231230T030405123Z-aaaaaaaa';
      runFolders(OLD, RUN);
      await publish({ runId: RUN });
      // Folders the publish did not see (listed later, e.g. copied back): only the rollback decides about them.
      runFolders(OLDER);
      const before = tagged();
      const oldRecord = `runs/${OLD}/publish.json`;
      stored.set(`stedi-dev-artifacts/${oldRecord}`, {});
      // OLD replaced OLDER: OLDER is OLD's rollback target, and OLD is live again after the rollback.
      if (damage === 'a damaged publish record') s3Mock.on(GetObjectCommand, { Key: oldRecord }).resolves({ Body: { transformToString: async () => '{"runId":"2023' } } as never);
      else s3Mock.on(GetObjectCommand, { Key: oldRecord }).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

      const back = await publish({ runId: RUN, action: 'rollback' });
      expect(back.status).toBe('rolled-back-by-operator');
      expect(back.retired).toBeUndefined();
      expect(back.retireError).toMatch(
        damage === 'a damaged publish record'
          ? new RegExp(`^could not read the rollback targets of run ${OLD} \\(the publish record s3://stedi-dev-artifacts/${oldRecord} is damaged \\(.+\\)\\); no run folder was marked$`)
          : new RegExp(`^could not read the rollback targets of run ${OLD} \\(Access Denied\\); no run folder was marked$`),
      );
      expect(tagged()).toEqual(before);
    });
  }

  it('a table whose run id parameter was dropped (by hand, by an apply): the run folder its location names is never marked, on publish or rollback', async () => {
    const publish = setUp();
    runFolders(OLD, RUN);
    for (const t of published) delete glue.tables.get(`${databases[zoneOf(t) as 'trusted']}.${t}`)!.Parameters![RUN_ID_PARAMETER];
    const outcome = await publish({ runId: RUN });
    expect(outcome.retireError).toBeUndefined();
    // OLD is the rollback target: kept although no parameter names it.
    expect(tagged().filter((k) => k.includes(OLD))).toEqual([]);
    const back = await publish({ runId: RUN, action: 'rollback' });
    expect(back.status).toBe('rolled-back-by-operator');
    for (const t of published) expect(glue.location(databases[zoneOf(t) as 'trusted'], t)).toBe(`s3://${bucketOf(t)}/${t}/run_id=${OLD}/`);
    // Live again after the rollback: still never marked.
    expect(tagged().filter((k) => k.includes(OLD))).toEqual([]);
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
