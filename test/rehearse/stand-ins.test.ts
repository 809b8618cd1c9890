// The stand-ins answer what the Lambdas and the Glue job script now call as AWS would where the
// stack decides the answer: Lake Formation's credential vending (scoped to a table's location,
// refused for an unregistered location or without full-table access), S3 object tags and
// delimited listings (what publish marks superseded run folders with), and the Glue job contract of
// glue/jobs/run_transform.py (catalog tables in and out, staged for the run). Each through the
// project's own client code and the real AWS SDK, against the rehearsal's endpoint.
import { DuckDBInstance } from '@duckdb/node-api';
import { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { GetObjectCommand, GetObjectTaggingCommand, ListObjectsV2Command, PutObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { tableInputOf } from '../../src/lambdas/glue-table-location';
import { EXPIRY_TAG, EXPIRY_TAGGING, RUN_ID_PARAMETER, tableRunLocation } from '../../src/catalog/run-layout';
import { retireSupersededRuns } from '../../src/lambdas/superseded-runs';
import { tableCredentials } from '../../src/lambdas/table-credentials';
import { AthenaStandIn } from '../../src/rehearse/athena-stand-in';
import { AwsEndpoint } from '../../src/rehearse/aws-endpoint';
import { GlueCatalogStandIn } from '../../src/rehearse/glue-catalog-stand-in';
import { ENTRY_SCRIPT_ARGUMENTS, GlueJobStandIn } from '../../src/rehearse/glue-job-stand-in';
import { LakeFormationStandIn, type DeclaredLakeFormation } from '../../src/rehearse/lake-formation-stand-in';
import { LocalS3, parseLocation } from '../../src/rehearse/local-s3';
import { loadSynthesizedLakehouse, type SynthesizedLakehouse } from '../../src/rehearse/synthesized-lakehouse';
import { tempDir } from '../support/tmp';
import { synthOut } from './rehearsal-fixtures';

const ACCOUNT = '111111111111';
const REGION = 'eu-west-1';
const bucket = (zone: string) => `stedi-dev-${zone}-${ACCOUNT}`;
const buckets = { trusted: bucket('trusted'), curated: bucket('curated') };
const credentials = { accessKeyId: 'REHEARSALPLACEHOLDER', secretAccessKey: 'placeholder' };
const catalog = loadCatalog();

let lakehouse: SynthesizedLakehouse;
beforeAll(async () => {
  lakehouse = await loadSynthesizedLakehouse('dev', { outDir: synthOut() });
});

/** A deployed dev lakehouse on the stand-ins (buckets, assets, catalog) behind a running endpoint. */
async function deployed(lakeFormation: Partial<DeclaredLakeFormation> = {}) {
  const work = tempDir('stedi-stand-ins-');
  const s3 = new LocalS3(join(work, 's3'));
  for (const b of lakehouse.buckets) s3.createBucket(b);
  for (const o of lakehouse.objects) s3.putFile(o.bucket, o.key, o.source);
  const glue = new GlueCatalogStandIn(join(work, 'glue.json'), ACCOUNT);
  glue.deploy(lakehouse.databases, lakehouse.tables);
  const athena = new AthenaStandIn(glue, s3, lakehouse.workgroups, REGION);
  const lf = new LakeFormationStandIn(glue, { ...lakehouse.lakeFormation, ...lakeFormation }, REGION, ACCOUNT);
  const endpoint = new AwsEndpoint({ s3, glue, athena, lakeFormation: lf });
  const url = await endpoint.start();
  const clients: { destroy(): void }[] = [];
  const s3Client = (c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = credentials) => {
    const client = new S3Client({ endpoint: url, region: REGION, credentials: c, forcePathStyle: true });
    clients.push(client);
    return client;
  };
  const lakeFormationClient = new LakeFormationClient({ endpoint: url, region: REGION, credentials, maxAttempts: 1 });
  clients.push(lakeFormationClient);
  const close = async () => {
    for (const c of clients) c.destroy();
    await endpoint.stop();
    await athena.close();
  };
  return { work, url, s3, glue, lf, endpoint, s3Client, lakeFormationClient, close };
}

/** Points a staging table at the run's folder, as the Stage step does. */
function stage(glue: GlueCatalogStandIn, table: string, runId: string) {
  const t = catalog.tables.get(table)!;
  const current = glue.getTable('stedi_dev_staging', table);
  const input = tableInputOf(current);
  glue.updateTable('stedi_dev_staging', {
    ...input,
    StorageDescriptor: { ...input.StorageDescriptor, Location: tableRunLocation({ name: t.name, zone: t.zone }, runId, buckets) },
    Parameters: { ...input.Parameters, [RUN_ID_PARAMETER]: runId },
  });
}

describe('Lake Formation credential vending (GetTemporaryGlueTableCredentials), through the validator\'s own client code', () => {
  it('vends credentials that reach the table\'s location and nothing beside it', async () => {
    const d = await deployed();
    try {
      d.s3.put(bucket('landing'), 'customer/a.json', '{"email":"a@b.c"}\n');
      d.s3.put(bucket('landing'), 'accelerometer/a.json', '{"user":"a@b.c"}\n');
      const vend = tableCredentials({ lakeFormation: d.lakeFormationClient, region: REGION, accountId: ACCOUNT, s3For: (c) => d.s3Client(c) });
      const customer = await vend('stedi_dev_landing', 'customer_landing', 'SELECT', 'published');
      const got = await customer.send(new GetObjectCommand({ Bucket: bucket('landing'), Key: 'customer/a.json' }));
      expect(await got.Body!.transformToString()).toBe('{"email":"a@b.c"}\n');
      // Another dataset's folder in the same bucket is outside the table's location.
      await expect(customer.send(new GetObjectCommand({ Bucket: bucket('landing'), Key: 'accelerometer/a.json' }))).rejects.toMatchObject({
        name: 'AccessDenied',
        message: expect.stringContaining('the credentials Lake Formation vended for stedi_dev_landing.customer_landing reach s3://stedi-dev-landing-111111111111/customer/ only'),
      });
      expect(d.lf.vended.map((v) => [v.table, v.permissions, `s3://${v.bucket}/${v.prefix}`])).toEqual([['stedi_dev_landing.customer_landing', ['SELECT'], `s3://${bucket('landing')}/customer/`]]);
    } finally {
      await d.close();
    }
  });

  it('a staging table\'s credentials reach the run folder it points at when they are vended, not the next run\'s', async () => {
    const d = await deployed();
    try {
      stage(d.glue, 'customer_landing', 'R-1');
      const vend = tableCredentials({ lakeFormation: d.lakeFormationClient, region: REGION, accountId: ACCOUNT, s3For: (c) => d.s3Client(c) });
      const writer = await vend('stedi_dev_staging', 'customer_landing', 'INSERT', 'R-1');
      await writer.send(new PutObjectCommand({ Bucket: buckets.trusted, Key: 'validated/customer_landing/run_id=R-1/a.json.gz', Body: 'x' }));
      await expect(writer.send(new PutObjectCommand({ Bucket: buckets.trusted, Key: 'validated/customer_landing/run_id=R-2/a.json.gz', Body: 'x' }))).rejects.toMatchObject({ name: 'AccessDenied' });
      expect(d.s3.list(buckets.trusted, 'validated/').map((o) => o.key)).toEqual(['validated/customer_landing/run_id=R-1/a.json.gz']);
    } finally {
      await d.close();
    }
  });

  it.each([
    ['a table the catalog does not hold', {}, 'stedi_dev_landing', 'no_such_table', /EntityNotFoundException: Table no_such_table not found/],
    ['a table in no registered location', { registeredLocations: [`arn:aws:s3:::${bucket('trusted')}`] }, 'stedi_dev_landing', 'customer_landing', /InvalidInputException: the location of stedi_dev_landing.customer_landing \(s3:\/\/stedi-dev-landing-111111111111\/customer\/\) is in no location registered/],
    ['data lake settings without full-table access for external engines', { allowFullTableExternalDataAccess: false }, 'stedi_dev_landing', 'customer_landing', /AccessDeniedException: Application integration for full table access is disabled/],
  ] as const)('refuses %s, and the Lambda says which table and why', async (_what, declared, database, table, message) => {
    const d = await deployed(declared);
    try {
      const vend = tableCredentials({ lakeFormation: d.lakeFormationClient, region: REGION, accountId: ACCOUNT, s3For: (c) => d.s3Client(c) });
      await expect(vend(database, table, 'SELECT', 'published')).rejects.toMatchObject({ name: 'TableAccessError', message: expect.stringMatching(message) });
      expect(d.lf.vended).toEqual([]);
    } finally {
      await d.close();
    }
  });
});

describe('S3 object tags and delimited listings, as publish marks superseded run folders', () => {
  it('PutObjectTagging tags the object and keeps its bytes (it is not a PutObject of the tagging XML)', async () => {
    const d = await deployed();
    try {
      const s3 = d.s3Client();
      d.s3.put(buckets.trusted, 'customer_trusted/run_id=R-1/part-0.parquet', 'PAR1');
      await s3.send(new PutObjectTaggingCommand({ Bucket: buckets.trusted, Key: 'customer_trusted/run_id=R-1/part-0.parquet', Tagging: { TagSet: [{ Key: EXPIRY_TAG.key, Value: EXPIRY_TAG.value }] } }));
      expect(d.s3.read(buckets.trusted, 'customer_trusted/run_id=R-1/part-0.parquet').toString()).toBe('PAR1');
      const tags = await s3.send(new GetObjectTaggingCommand({ Bucket: buckets.trusted, Key: 'customer_trusted/run_id=R-1/part-0.parquet' }));
      expect(tags.TagSet).toEqual([{ Key: EXPIRY_TAG.key, Value: EXPIRY_TAG.value }]);
      // A tag on a key that does not exist: NoSuchKey, as S3 answers.
      await expect(s3.send(new PutObjectTaggingCommand({ Bucket: buckets.trusted, Key: 'nothing', Tagging: { TagSet: [] } }))).rejects.toMatchObject({ name: 'NoSuchKey' });
      // PutObject's Tagging header tags the new object; overwriting it without one clears its tags, as S3 does.
      await s3.send(new PutObjectCommand({ Bucket: bucket('artifacts'), Key: 'runs/R-1/gate-trusted.json', Body: '{}', Tagging: EXPIRY_TAGGING }));
      expect(d.s3.tags(bucket('artifacts'), 'runs/R-1/gate-trusted.json')).toEqual({ [EXPIRY_TAG.key]: EXPIRY_TAG.value });
      await s3.send(new PutObjectCommand({ Bucket: bucket('artifacts'), Key: 'runs/R-1/gate-trusted.json', Body: '{}' }));
      expect(d.s3.tags(bucket('artifacts'), 'runs/R-1/gate-trusted.json')).toEqual({});
    } finally {
      await d.close();
    }
  });

  it('a sub-resource the stand-in does not implement is refused by name, never taken for the object operation', async () => {
    const d = await deployed();
    try {
      d.s3.put(buckets.trusted, 'a.json', '{}');
      const res = await fetch(`${d.url}/${buckets.trusted}/a.json?acl`, { method: 'PUT', body: '<AccessControlPolicy/>' });
      expect([res.status, (await res.text()).match(/<Code>(\w+)<\/Code>/)?.[1]]).toEqual([501, 'NotImplemented']);
      expect(d.s3.read(buckets.trusted, 'a.json').toString()).toBe('{}');
      expect(d.endpoint.unsupported()).toEqual(['s3:PUT object ?acl']);
    } finally {
      await d.close();
    }
  });

  it('ListObjectsV2 with a Delimiter rolls keys up into CommonPrefixes, page by page', async () => {
    const d = await deployed();
    try {
      for (const run of ['R-1', 'R-2', 'R-3']) for (const f of ['a', 'b']) d.s3.put(buckets.trusted, `customer_trusted/run_id=${run}/${f}.parquet`, f);
      d.s3.put(buckets.trusted, 'customer_trusted/unpublished.txt', '');
      const s3 = d.s3Client();
      const first = await s3.send(new ListObjectsV2Command({ Bucket: buckets.trusted, Prefix: 'customer_trusted/', Delimiter: '/', MaxKeys: 2 }));
      expect([first.CommonPrefixes?.map((p) => p.Prefix), first.Contents, first.IsTruncated]).toEqual([['customer_trusted/run_id=R-1/', 'customer_trusted/run_id=R-2/'], undefined, true]);
      const rest = await s3.send(new ListObjectsV2Command({ Bucket: buckets.trusted, Prefix: 'customer_trusted/', Delimiter: '/', ContinuationToken: first.NextContinuationToken }));
      expect([rest.CommonPrefixes?.map((p) => p.Prefix), rest.Contents?.map((c) => c.Key), rest.IsTruncated]).toEqual([['customer_trusted/run_id=R-3/'], ['customer_trusted/unpublished.txt'], false]);
    } finally {
      await d.close();
    }
  });

  it('the publish Lambda\'s retireSupersededRuns tags every superseded run folder and record, never the kept runs\'', async () => {
    const d = await deployed();
    try {
      const tables = catalog.transforms.map((t) => ({ name: t.table.name, zone: t.zone }));
      for (const run of ['R-1', 'R-2', 'R-3']) {
        for (const t of tables) {
          const { bucket: b, prefix } = parseLocation(tableRunLocation(t, run, buckets));
          d.s3.put(b, `${prefix}part-0.parquet`, run);
        }
        d.s3.put(bucket('artifacts'), `runs/${run}/publish.json`, '{}');
      }
      const retired = await retireSupersededRuns({ s3: d.s3Client(), buckets, artifactsBucket: bucket('artifacts'), tables }, new Set(['R-3', 'R-2']));
      expect(retired).toEqual({
        folders: tables.map((t) => tableRunLocation(t, 'R-1', buckets)),
        objects: tables.length + 1,
        records: ['R-1'],
      });
      const tagged = (b: string) => d.s3.list(b).filter((o) => d.s3.tags(b, o.key)[EXPIRY_TAG.key] === EXPIRY_TAG.value).map((o) => o.key);
      expect([...tagged(buckets.trusted), ...tagged(buckets.curated)].every((k) => k.includes('run_id=R-1/'))).toBe(true);
      expect(tagged(bucket('artifacts'))).toEqual(['runs/R-1/publish.json']);
    } finally {
      await d.close();
    }
  });
});

describe('the Glue job stand-in carries out glue/jobs/run_transform.py\'s contract', () => {
  const job = () => lakehouse.jobs.find((j) => j.defaultArguments['--table'] === 'customer_trusted')!;

  it('reads the staged input table and inserts into the staged output table, under the table\'s columns', async () => {
    const d = await deployed();
    try {
      for (const t of ['customer_landing', 'customer_trusted']) stage(d.glue, t, 'R-1');
      const { bucket: b, prefix } = parseLocation(tableRunLocation({ name: 'customer_landing', zone: 'landing' }, 'R-1', buckets));
      const customer = (email: string, consent: number | null) => JSON.stringify({ customerName: 'A B', email, phone: '1', birthDay: '1990-01-01', serialNumber: 's', registrationDate: 1, lastUpdateDate: 2, ...(consent ? { shareWithResearchAsOfDate: consent } : {}) });
      d.s3.put(b, `${prefix}0.json`, [customer('a@x.y', 5), customer('b@x.y', null), customer('c@x.y', 7)].join('\n') + '\n');
      const jobs = new GlueJobStandIn(lakehouse.jobs, d.s3, d.glue, join(d.work, 'logs'));
      const run = await jobs.runJob(job().name, { '--run_id': 'R-1' });
      expect([run.JobRunState, run.ErrorMessage]).toEqual(['SUCCEEDED', undefined]);
      const out = parseLocation(d.glue.getTable('stedi_dev_staging', 'customer_trusted').StorageDescriptor!.Location!);
      const files = d.s3.list(out.bucket, out.prefix).map((o) => o.key.slice(out.prefix.length));
      expect(files).toEqual(['_SUCCESS', expect.stringMatching(/^part-00000-[0-9a-f-]{36}-c000\.snappy\.parquet$/)]);
      const db = await DuckDBInstance.create(':memory:');
      const c = await db.connect();
      try {
        const file = `read_parquet('${d.s3.list(out.bucket, out.prefix)[1].file}', hive_partitioning = false)`;
        // Written under the table's own column names (Glue keeps them in lower case), as insertInto writes a Hive table.
        const names = (await c.runAndReadAll(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${file})`)).getRowObjectsJS().map((r) => r.column_name);
        expect(names).toEqual(d.glue.getTable('stedi_dev_staging', 'customer_trusted').StorageDescriptor!.Columns!.map((col) => col.Name));
        const rows = (await c.runAndReadAll(`SELECT email, sharewithresearchasofdate FROM ${file} ORDER BY email`)).getRowObjectsJS();
        expect(rows).toEqual([{ email: 'a@x.y', sharewithresearchasofdate: 5n }, { email: 'c@x.y', sharewithresearchasofdate: 7n }]);
      } finally {
        c.closeSync();
        db.closeSync();
      }
    } finally {
      await d.close();
    }
  });

  it.each([
    ['a table the run did not stage', () => ({}), ['customer_trusted'], /^TransformError: staging table stedi_dev_staging\.customer_landing points at run \(none\), not this run R-1; the state machine's Stage step points it/],
    ['a job without the Glue Data Catalog as Spark\'s metastore', () => ({ '--enable-glue-datacatalog': 'false' }), ['customer_landing', 'customer_trusted'], /^AnalysisException: Table or view not found: `stedi_dev_staging`\.`customer_trusted` \(--enable-glue-datacatalog is "false"/],
    ['an output table that is not JSON', () => ({ '--output_table': 'stedi_dev_staging.customer_trusted' }), ['customer_landing', 'customer_trusted'], /^JSONDecodeError: --output_table is not JSON/],
  ] as const)('fails the run as the script would: %s', async (_what, args, staged, message) => {
    const d = await deployed();
    try {
      for (const t of staged) stage(d.glue, t, 'R-1');
      const jobs = new GlueJobStandIn(lakehouse.jobs, d.s3, d.glue, join(d.work, 'logs'));
      const run = await jobs.runJob(job().name, { '--run_id': 'R-1', ...args() });
      expect([run.JobRunState, run.ErrorMessage]).toEqual(['FAILED', expect.stringMatching(message)]);
    } finally {
      await d.close();
    }
  });

  it('refuses a deployed script whose REQUIRED arguments differ from the contract it carries out', async () => {
    const d = await deployed();
    try {
      const { bucket: b, prefix: key } = parseLocation(job().scriptLocation);
      const script = d.s3.read(b, key).toString('utf8');
      expect(script).toContain(`REQUIRED = (${ENTRY_SCRIPT_ARGUMENTS.map((a) => `"${a}"`).join(', ')})`);
      // The script as it was before it read and wrote through catalog tables.
      d.s3.put(b, key, script.replace('"output_table"', '"output_location"'));
      for (const t of ['customer_landing', 'customer_trusted']) stage(d.glue, t, 'R-1');
      const run = await new GlueJobStandIn(lakehouse.jobs, d.s3, d.glue, join(d.work, 'logs')).runJob(job().name, { '--run_id': 'R-1' });
      expect([run.JobRunState, run.ErrorMessage]).toEqual([
        'FAILED',
        `TransformError: ${job().scriptLocation} requires the arguments (run_id, table, sql_location, inputs, output_location, output_columns) but the rehearsal's Glue job stand-in carries out the contract of (${ENTRY_SCRIPT_ARGUMENTS.join(', ')}); bring src/rehearse/glue-job-stand-in.ts in line with glue/jobs/run_transform.py`,
      ]);
    } finally {
      await d.close();
    }
  });
});
