import { StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { loadCatalog } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { createGate, createStager, GateInputError } from '../../src/lambdas/gate';
import { EXPIRY_TAGGING, RUN_ID_PARAMETER } from '../../src/catalog/run-layout';
import type { ValidateObjectResult } from '../../src/lambdas/validator';
import { createAthenaFake, type AthenaFake } from '../support/athena-fake';
import { cleanTables, createTables, SERIAL_A } from '../support/tables';
import { createGlueFake, type GlueFake } from './glue-fake';
import { readAll, synthTestCatalog } from './lambda-fixtures';
import { emptyCuratedTables, failingTables, sentinelIn } from '../support/hostile-tables';
import type { LambdaCatalog } from '../../src/lambdas/lambda-catalog';

let catalog: LambdaCatalog;
const databases = { landing: 'stedi_dev_landing', trusted: 'stedi_dev_trusted', curated: 'stedi_dev_curated', staging: 'stedi_dev_staging' };
const RUN = '20240102T030405123Z-0a1b2c3d';
const PREVIOUS = '20240101T030405123Z-99999999';
const s3Mock = mockClient(S3Client);

let duck: DuckDbEngine;
let athena: AthenaFake;
let glue: GlueFake;
let objects: Record<string, string>;

beforeAll(async () => {
  duck = await DuckDbEngine.open();
  catalog = await synthTestCatalog();
});
afterAll(async () => {
  await duck.close();
});
afterEach(() => {
  athena?.restore();
  glue?.restore();
});

/** Validator outputs as a Map's ResultWriter stores them: a manifest and SUCCEEDED_n.json files. */
function mapResults(results: Partial<ValidateObjectResult>[], failed = 0, map = 'map-1') {
  objects[`stedi-dev-artifacts/runs/validation/${map}/manifest.json`] = JSON.stringify({
    DestinationBucket: 'stedi-dev-artifacts',
    MapRunArn: `arn:aws:states:eu-west-1:111111111111:mapRun:stedi-dev-pipeline/validate-customer:${map}`,
    ResultFiles: {
      FAILED: Array.from({ length: failed }, (_, i) => ({ Key: `runs/validation/${map}/FAILED_${i}.json`, Size: 10 })),
      PENDING: [],
      SUCCEEDED: [{ Key: `runs/validation/${map}/SUCCEEDED_0.json`, Size: 100 }],
    },
  });
  objects[`stedi-dev-artifacts/runs/validation/${map}/SUCCEEDED_0.json`] = JSON.stringify(
    results.map((r) => ({ Status: 'SUCCEEDED', Output: JSON.stringify({ status: 'validated', reasons: {}, blankLines: 0, bytes: 1, ...r }) })),
  );
  return { Bucket: 'stedi-dev-artifacts', Key: `runs/validation/${map}/manifest.json` };
}

/** One Map per dataset, as the state machine runs them: the gate gets every Map's result location. */
const perDatasetMaps = (results: Partial<ValidateObjectResult>[], failedIn?: string) =>
  catalog.datasets.map((d) => mapResults(results.filter((r) => r.dataset === d.dataset), d.dataset === failedIn ? 1 : 0, `map-${d.dataset}`));

const cleanValidation = () =>
  catalog.datasets.map((d) => ({ key: `${d.dataset}/a.json`, dataset: d.dataset, read: 2, recordBytes: 200, valid: 2, quarantined: 0, quarantinedBytes: 0 }));

async function setUp(rows = cleanTables(), published = cleanTables()) {
  s3Mock.reset();
  objects = {};
  s3Mock.on(GetObjectCommand).callsFake((input) => {
    const text = objects[`${input.Bucket}/${input.Key}`];
    if (text === undefined) throw Object.assign(new Error('NoSuchKey'), { name: 'NoSuchKey' });
    return { Body: { transformToString: async () => text } };
  });
  s3Mock.on(PutObjectCommand).callsFake(async (input) => {
    objects[`${input.Bucket}/${input.Key}`] = (await readAll(input.Body)).toString('utf8');
    return {};
  });
  const full = loadCatalog();
  await createTables(duck, full, rows, databases.staging);
  await createTables(duck, full, published, databases.curated);
  athena = createAthenaFake({ duck, queuedPolls: 0, runningPolls: 0 });
  glue = createGlueFake([
    ...catalog.tables.map((t) => ({ database: databases.staging, table: t.name, location: `s3://stedi-dev-trusted/_staging/${t.name}/` })),
    ...catalog.built.curated.map((t) => ({ database: databases.curated, table: t, location: `s3://stedi-dev-curated/${t}/run_id=${PREVIOUS}/`, parameters: { [RUN_ID_PARAMETER]: PREVIOUS } })),
  ]);
  return createGate({
    s3: new S3Client({}),
    glue: glue.client,
    athena: athena.client,
    catalog,
    buckets: { trusted: 'stedi-dev-trusted', curated: 'stedi-dev-curated' },
    artifactsBucket: 'stedi-dev-artifacts',
    databases,
    workgroup: 'stedi-dev-pipeline',
    engine: { sleep: async () => undefined },
  });
}

describe('gate Lambda', () => {
  it('passes a clean run at the trusted gate after pointing the staging tables of landing and trusted at the run', async () => {
    const gate = await setUp();
    const outcome = await gate({ runId: RUN, zone: 'trusted', validation: mapResults(cleanValidation()) });

    expect(outcome).toMatchObject({ runId: RUN, zone: 'trusted', passed: true, blocking: [], report: `s3://stedi-dev-artifacts/runs/${RUN}/gate-trusted.json` });
    expect(glue.location(databases.staging, 'customer_landing')).toBe(`s3://stedi-dev-trusted/validated/customer_landing/run_id=${RUN}/`);
    expect(glue.location(databases.staging, 'customer_trusted')).toBe(`s3://stedi-dev-trusted/customer_trusted/run_id=${RUN}/`);
    // Curated tables are not built yet when the trusted gate runs: their staging tables stay put.
    expect(glue.location(databases.staging, 'customer_curated')).toBe('s3://stedi-dev-trusted/_staging/customer_curated/');
    const report = JSON.parse(objects[`stedi-dev-artifacts/runs/${RUN}/gate-trusted.json`]);
    expect(report.facts.datasets.customer).toEqual({
      read: 2,
      quarantined: 0,
      quarantineReasons: {},
      recordBytes: 200,
      quarantinedBytes: 0,
      valid: 2,
      outcomes: { trusted: 2 },
      trustedTable: 'customer_trusted',
      trustedRows: 2,
    });
    expect(report.gate.rules.filter((r: { status: string }) => r.status !== 'pass')).toEqual([]);
    // Every statement ran in the workgroup against the staging database.
    const starts = athena.mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    expect(new Set(starts.map((s) => `${s.WorkGroup} ${s.QueryExecutionContext?.Database}`))).toEqual(new Set(['stedi-dev-pipeline stedi_dev_staging']));
    // Bare table names were bound to the staging database, never left to resolve elsewhere.
    expect(athena.queries().filter((q) => /\b(FROM|JOIN)\s+customer_landing\b/i.test(q))).toEqual([]);
  });

  it('blocks at the trusted gate when a dataset quarantines more than its threshold', async () => {
    const gate = await setUp();
    const validation = cleanValidation().map((v) =>
      v.dataset === 'customer' ? { ...v, read: 4, recordBytes: 400, quarantined: 2, quarantinedBytes: 200, reasons: { 'missing required field email': 2 } } : v,
    );
    const outcome = await gate({ runId: RUN, zone: 'trusted', validation: mapResults(validation) });

    expect(outcome.passed).toBe(false);
    expect(outcome.blocking).toEqual([
      'FAIL quarantine_share_customer: 2 of 4 customer_landing records quarantined (50%, allowed 1%); most often: missing required field email [quality-rules/gate-config.json]',
      'FAIL quarantine_bytes_customer: 200 of 400 customer_landing bytes quarantined in 2 quarantined records (50%, allowed 1%) [quality-rules/gate-config.json]',
    ]);
  });

  it('blocks at the curated gate when machine_learning_curated pairs readings of different customers', async () => {
    const rows = cleanTables();
    rows.machine_learning_curated = rows.machine_learning_curated.map((r) => ({ ...r, user: 'bob@x.com', serialNumber: SERIAL_A }));
    const gate = await setUp(rows);
    const outcome = await gate({ runId: RUN, zone: 'curated' });

    expect(outcome.passed).toBe(false);
    expect(outcome.blocking).toEqual([
      "FAIL machine_learning_same_customer: found 2 rows (0 allowed); expected: each machine_learning_curated row pairs a step trainer reading with an accelerometer reading of the device's one owner (a join on time alone pairs different customers) [quality-rules/rules/machine_learning_same_customer.sql]",
    ]);
    expect(glue.location(databases.staging, 'machine_learning_curated')).toBe(`s3://stedi-dev-curated/machine_learning_curated/run_id=${RUN}/`);
    const text = objects[`stedi-dev-artifacts/runs/${RUN}/gate-curated.json`];
    const report = JSON.parse(text);
    expect(report.facts.tables.customer_curated).toEqual({ zone: 'curated', rows: 2, previousRows: 2 });
    // The report in S3 sits outside Lake Formation's column grants: the user (an email) is a token
    // under the embedded lineage, the serial number is shown.
    const rule = report.gate.rules.find((r: { name: string }) => r.name === 'machine_learning_same_customer');
    expect(rule.maskedColumns).toEqual(['user']);
    expect(rule.sample.map((r: { user: string; serialNumber: string }) => [/^pii:[0-9a-f]{10}$/.test(r.user), r.serialNumber])).toEqual([
      [true, SERIAL_A],
      [true, SERIAL_A],
    ]);
    expect(text).not.toMatch(/@x\.com/);
  });

  it('blocks at the curated gate when a curated table shrinks by more than the volume threshold', async () => {
    const rows = cleanTables();
    const published = cleanTables();
    published.customer_curated = [...published.customer_curated, ...published.customer_curated, ...published.customer_curated];
    rows.machine_learning_curated = rows.machine_learning_curated.slice(0, 1);
    const gate = await setUp(rows, { ...published, customer_curated: published.customer_curated.map((c, i) => ({ ...c, email: `c${i}@x.com` })) });
    const outcome = await gate({ runId: RUN, zone: 'curated' });

    expect(outcome.passed).toBe(false);
    expect(outcome.blocking).toEqual(['FAIL volume_customer_curated: customer_curated went from 6 to 2 rows (−66.67%, allowed −50%) [quality-rules/gate-config.json]']);
  });

  it('the report it writes to S3 holds no personal data, for every rule over tables with personal data', async () => {
    const full = loadCatalog();
    const personal = new Set([...full.tables.values()].filter((t) => t.columns.some((c) => c.pii)).map((t) => t.name));
    const wanted = catalog.rules.filter((r) => r.tables.some((t) => personal.has(t))).map((r) => r.name);
    const failing = new Set<string>();
    for (const tables of [failingTables(), emptyCuratedTables()]) {
      const gate = await setUp(tables, tables);
      await gate({ runId: RUN, zone: 'trusted', validation: mapResults(cleanValidation()) });
      await gate({ runId: RUN, zone: 'curated' });
      for (const zone of ['trusted', 'curated']) {
        const text = objects[`stedi-dev-artifacts/runs/${RUN}/gate-${zone}.json`];
        expect([zone, sentinelIn(text)]).toEqual([zone, undefined]);
        for (const r of JSON.parse(text).gate.rules) if (r.status === 'fail' && r.sample.length) failing.add(r.name);
      }
    }
    // Each of them failed with rows, so each of their samples went through the mask.
    expect(wanted.filter((r) => !failing.has(r))).toEqual([]);
  });

  it('sums the results of every dataset\'s Map (the state machine validates each dataset with its own Map)', async () => {
    const gate = await setUp();
    const validation = [...cleanValidation(), { key: 'customer/b.json', dataset: 'customer', read: 3, valid: 1, quarantined: 2, reasons: { 'missing required field email': 2 } }];
    const outcome = await gate({ runId: RUN, zone: 'trusted', validation: perDatasetMaps(validation) });
    const report = JSON.parse(objects[`stedi-dev-artifacts/runs/${RUN}/gate-trusted.json`]);
    expect(Object.fromEntries(Object.entries(report.facts.datasets).map(([d, f]: [string, any]) => [d, [f.read, f.valid, f.quarantined]]))).toEqual({
      customer: [5, 3, 2],
      accelerometer: [2, 2, 0],
      step_trainer: [2, 2, 0],
    });
    expect(outcome.blocking.filter((b) => b.startsWith('FAIL quarantine_share_customer:'))).toEqual([
      'FAIL quarantine_share_customer: 2 of 5 customer_landing records quarantined (40%, allowed 1%); most often: missing required field email [quality-rules/gate-config.json]',
    ]);
    await expect(gate({ runId: RUN, zone: 'trusted', validation: perDatasetMaps(cleanValidation(), 'step_trainer') })).rejects.toThrow(
      'validation of this run did not finish for every landing object (FAILED: 1 result file(s) in s3://stedi-dev-artifacts/runs/validation/map-step_trainer/manifest.json)',
    );
  });

  it('stages a run before anything is written: every staging table at the run\'s folder, with the run recorded', async () => {
    await setUp();
    const stage = createStager({ glue: glue.client, catalog, buckets: { trusted: 'stedi-dev-trusted', curated: 'stedi-dev-curated' }, databases });
    const outcome = await stage({ runId: RUN, action: 'stage' });
    expect(outcome.staged).toEqual(catalog.tables.map((t) => `${databases.staging}.${t.name}`));
    expect(Object.fromEntries(catalog.tables.map((t) => [t.name, glue.location(databases.staging, t.name)]))).toEqual({
      accelerometer_landing: `s3://stedi-dev-trusted/validated/accelerometer_landing/run_id=${RUN}/`,
      customer_landing: `s3://stedi-dev-trusted/validated/customer_landing/run_id=${RUN}/`,
      step_trainer_landing: `s3://stedi-dev-trusted/validated/step_trainer_landing/run_id=${RUN}/`,
      accelerometer_trusted: `s3://stedi-dev-trusted/accelerometer_trusted/run_id=${RUN}/`,
      customer_trusted: `s3://stedi-dev-trusted/customer_trusted/run_id=${RUN}/`,
      step_trainer_trusted: `s3://stedi-dev-trusted/step_trainer_trusted/run_id=${RUN}/`,
      customer_curated: `s3://stedi-dev-curated/customer_curated/run_id=${RUN}/`,
      machine_learning_curated: `s3://stedi-dev-curated/machine_learning_curated/run_id=${RUN}/`,
    });
    for (const t of catalog.tables) expect(glue.tables.get(`${databases.staging}.${t.name}`)!.Parameters![RUN_ID_PARAMETER]).toBe(RUN);
    await expect(stage({ runId: '../published', action: 'stage' })).rejects.toThrow('runId must be 1-64 letters, digits or "-"');
  });

  it('writes its report with the expiry tag, so lifecycle removes it after the retention days', async () => {
    const gate = await setUp();
    await gate({ runId: RUN, zone: 'trusted', validation: mapResults(cleanValidation()) });
    const put = s3Mock.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === `runs/${RUN}/gate-trusted.json`)!;
    expect(put.args[0].input.Tagging).toBe(EXPIRY_TAGGING);
    expect(EXPIRY_TAGGING).toBe('stedi-lifecycle=superseded');
  });

  it('refuses to judge a run whose validation left landing objects unaccounted for', async () => {
    const gate = await setUp();
    await expect(gate({ runId: RUN, zone: 'trusted', validation: mapResults(cleanValidation(), 1) })).rejects.toThrow(
      new GateInputError(
        'validation of this run did not finish for every landing object (FAILED: 1 result file(s) in s3://stedi-dev-artifacts/runs/validation/map-1/manifest.json); their records are unaccounted for',
      ),
    );
  });
});
