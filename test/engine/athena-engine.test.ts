import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type GetQueryResultsOutput,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ATHENA_ENGINE_DEFAULTS,
  AthenaEngine,
  AthenaQueryError,
  parseAthenaValue,
  pollDelayMs,
  type AthenaEngineOptions,
} from '../../src/engine/athena-engine';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { createAthenaFake, javaDouble, type AthenaFake, type AthenaFakeOptions } from '../support/athena-fake';

/** Virtual time: the clock moves only when the engine sleeps, and every sleep is recorded. */
function virtualTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    clock: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

let duck: DuckDbEngine;
let fake: AthenaFake;

beforeAll(async () => {
  duck = await DuckDbEngine.open();
});
afterAll(async () => {
  await duck.close();
});
afterEach(() => fake?.restore());

function setUp(fakeOptions: Partial<AthenaFakeOptions> = {}, engineOptions: Partial<AthenaEngineOptions> = {}) {
  fake = createAthenaFake({ duck, ...fakeOptions });
  const time = virtualTime();
  const engine = new AthenaEngine({
    client: fake.client,
    workgroup: 'stedi-dev-gate',
    database: 'stedi_dev',
    sleep: time.sleep,
    clock: time.clock,
    ...engineOptions,
  });
  return { engine, time };
}

async function rejection(promise: Promise<unknown>): Promise<AthenaQueryError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AthenaQueryError);
    return err as AthenaQueryError;
  }
  throw new Error('expected the query to fail');
}

describe('AthenaEngine: result paging', () => {
  it('returns every row of a 2500-row result once and in order, skipping the header of the first page only', async () => {
    const { engine } = setUp();
    const result = await engine.query('SELECT i FROM range(2500) t(i) ORDER BY i');

    expect(result.columns).toEqual(['i']);
    expect(result.rows.map((r) => r.i)).toEqual(Array.from({ length: 2500 }, (_, i) => i));
    const pages = fake.mock.commandCalls(GetQueryResultsCommand);
    // The header counts against MaxResults: 999 data rows on page one, then 1000 and 501.
    const pageSizes = await Promise.all(pages.map(async (c) => ((await c.returnValue) as GetQueryResultsOutput).ResultSet?.Rows?.length));
    expect(pageSizes).toEqual([1000, 1000, 501]);
    expect(pages.map((c) => c.args[0].input.MaxResults)).toEqual([1000, 1000, 1000]);
    expect(pages.map((c) => c.args[0].input.NextToken === undefined)).toEqual([true, false, false]);
  });

  it('needs one page for 999 rows (they fill the first page with the header) and two for 1000', async () => {
    const { engine } = setUp();
    const fits = await engine.query('SELECT i FROM range(999) t(i) ORDER BY i');
    expect(fits.rows).toHaveLength(999);
    expect(fake.mock.commandCalls(GetQueryResultsCommand)).toHaveLength(1);

    const spills = await engine.query('SELECT i FROM range(1000) t(i) ORDER BY i');
    expect(spills.rows).toHaveLength(1000);
    expect(spills.rows[999]).toEqual({ i: 999 });
    expect(fake.mock.commandCalls(GetQueryResultsCommand)).toHaveLength(3);
  });

  it('returns the columns and no rows for an empty result', async () => {
    const { engine } = setUp();
    expect(await engine.query('SELECT i AS reading_id FROM range(0) t(i)')).toStrictEqual({ columns: ['reading_id'], rows: [] });
  });

  it('keeps the first row of a UTILITY result, which Athena sends without a header', async () => {
    const client = new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mock = mockClient(client);
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    mock.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { QueryExecutionId: 'q1', StatementType: 'UTILITY', Status: { State: 'SUCCEEDED' } },
    });
    mock.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [{ Name: 'tab_name', Type: 'string' }] },
        Rows: [{ Data: [{ VarCharValue: 'customer_trusted' }] }, { Data: [{ VarCharValue: 'customer_curated' }] }],
      },
    });
    const time = virtualTime();
    const engine = new AthenaEngine({ client, workgroup: 'wg', database: 'db', sleep: time.sleep, clock: time.clock });
    const result = await engine.query('SHOW TABLES');
    expect(result.rows).toEqual([{ tab_name: 'customer_trusted' }, { tab_name: 'customer_curated' }]);
    mock.restore();
  });
});

describe('AthenaEngine: value normalisation matches the DuckDB adapter', () => {
  beforeAll(async () => {
    await duck.run(`
      CREATE TABLE value_probe AS SELECT * FROM (VALUES
        (1, 42::TINYINT, 300::SMALLINT, 42::BIGINT, 9007199254740993::BIGINT, (-9223372036854775808)::BIGINT,
         0.1::DOUBLE, 1.5::FLOAT, 12.30::DECIMAL(10,2), true, 'Zoë ''Z''', DATE '2022-12-19', TIMESTAMP '2022-12-19 15:30:01.123'),
        (2, -1::TINYINT, -300::SMALLINT, -42::BIGINT, 9007199254740991::BIGINT, 9223372036854775807::BIGINT,
         1e21::DOUBLE, -2.5::FLOAT, -0.05::DECIMAL(10,2), false, '', DATE '1970-01-01', TIMESTAMP '2023-01-01 00:00:00'),
        (3, 0::TINYINT, 0::SMALLINT, 0::BIGINT, 0::BIGINT, 0::BIGINT,
         1e-7::DOUBLE, 0::FLOAT, 0::DECIMAL(10,2), false, 'x', DATE '2024-02-29', TIMESTAMP '2024-02-29 23:59:59.999'),
        (4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
      ) t(id, tiny, small, safe_big, unsafe_big, extreme_big, ratio, single, amount, flag, label, day, taken_at)`);
  });

  it('gives deepEqual rows through both engines for every column type, nulls included', async () => {
    const { engine } = setUp();
    const sql = 'SELECT * FROM value_probe ORDER BY id';
    const viaAthena = await engine.query(sql);
    const viaDuckDb = await duck.query(sql);

    expect(viaAthena).toStrictEqual(viaDuckDb);
    expect(viaAthena.rows[0]).toStrictEqual({
      id: 1, tiny: 42, small: 300, safe_big: 42, unsafe_big: '9007199254740993', extreme_big: '-9223372036854775808',
      ratio: 0.1, single: 1.5, amount: 12.3, flag: true, label: "Zoë 'Z'",
      day: '2022-12-19T00:00:00.000Z', taken_at: '2022-12-19T15:30:01.123Z',
    });
    expect(viaAthena.rows[1]).toMatchObject({ unsafe_big: 9007199254740991, ratio: 1e21, label: '', flag: false });
    expect(Object.values(viaAthena.rows[3]!).slice(1).every((v) => v === null)).toBe(true);
  });

  it('gives deepEqual aggregates through both engines (DuckDB widens SUM to HUGEINT, Athena keeps bigint)', async () => {
    const { engine } = setUp();
    const sql = `SELECT count(*) AS n, count(flag) AS flagged, sum(safe_big) AS total, sum(unsafe_big) AS big_total,
                        avg(ratio) AS mean, bool_or(flag) AS any_flag, max(label) AS last_label
                 FROM value_probe`;
    const viaAthena = await engine.query(sql);
    expect(viaAthena).toStrictEqual(await duck.query(sql));
    expect(viaAthena.rows).toStrictEqual([
      { n: 4, flagged: 3, total: 0, big_total: '18014398509481984', mean: (0.1 + 1e21 + 1e-7) / 3, any_flag: true, last_label: 'x' },
    ]);
  });

});

describe('parseAthenaValue: Athena text to SqlValue by column type', () => {
  it.each([
    ['integer', '2147483647', 2147483647],
    ['tinyint', '-128', -128],
    ['bigint', '9007199254740991', 9007199254740991],
    ['bigint', '-9007199254740992', '-9007199254740992'],
    ['double', '1.0E21', 1e21],
    ['double', '1.0E-7', 1e-7],
    ['double', 'NaN', NaN],
    ['double', '-Infinity', -Infinity],
    ['float', '1.5', 1.5],
    ['real', '2.0', 2],
    ['decimal', '12.30', 12.3],
    ['boolean', 'false', false],
    ['varchar', '', ''],
    ['char', 'a ', 'a '],
    ['string', '007', '007'],
    ['date', '2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['timestamp', '2024-02-29 23:59:59.999', '2024-02-29T23:59:59.999Z'],
    ['timestamp', '2024-02-29 23:59:59.123456', '2024-02-29T23:59:59.123Z'],
    ['timestamp', '2024-02-29 23:59:59', '2024-02-29T23:59:59.000Z'],
    ['timestamp with time zone', '2024-02-29 23:59:59.000 UTC', '2024-02-29T23:59:59.000Z'],
    ['array', '[1, 2]', '[1, 2]'],
  ])('turns Athena %s text %j into %p', (type, text, expected) => {
    expect(parseAthenaValue({ VarCharValue: text }, { Name: 'c', Type: type })).toStrictEqual(expected);
  });

  it.each(['bigint', 'double', 'boolean', 'varchar', 'date', 'timestamp'])('turns a %s Datum without VarCharValue into null', (type) => {
    expect(parseAthenaValue({}, { Name: 'c', Type: type })).toBeNull();
  });

  it.each([
    ['boolean', 'yes'],
    ['bigint', '1.5'],
    ['double', ''],
    ['decimal', 'abc'],
  ])('rejects %s text %j, naming the column', (type, text) => {
    expect(() => parseAthenaValue({ VarCharValue: text }, { Name: 'shareWithResearchAsOfDate', Type: type })).toThrow(
      `Athena returned "${text}"`,
    );
    expect(() => parseAthenaValue({ VarCharValue: text }, { Name: 'shareWithResearchAsOfDate', Type: type })).toThrow(
      'column "shareWithResearchAsOfDate"',
    );
  });

  it('reads the Java notation the fake writes doubles in, as Athena does', () => {
    expect([0.1, 100, 1e7, 1e21, 1e-7, 0.001, -2.5, 0].map(javaDouble)).toEqual([
      '0.1', '100.0', '1.0E7', '1.0E21', '1.0E-7', '0.001', '-2.5', '0.0',
    ]);
  });
});

describe('AthenaEngine: failed, cancelled and timed-out queries', () => {
  it('raises FAILED with Athena\'s reason and the query\'s first line, and reads no results', async () => {
    const { engine } = setUp();
    const err = await rejection(engine.query('\n-- rule: accelerometer_user_is_trusted_customer\nSELECT * FROM missing_table'));

    expect(err.state).toBe('FAILED');
    expect(err.reason).toContain('missing_table');
    expect(err.message).toContain(`Athena query ${err.queryExecutionId} FAILED in workgroup "stedi-dev-gate", database "stedi_dev"`);
    expect(err.message).toContain(err.reason!);
    expect(err.message).toContain('Query: -- rule: accelerometer_user_is_trusted_customer');
    expect(fake.mock.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('raises CANCELLED with the reason Athena gives', async () => {
    const { engine } = setUp();
    fake.scriptNext({ end: 'cancelled', reason: 'Query cancelled by user' });
    const err = await rejection(engine.query('SELECT 1 AS one'));

    expect(err.state).toBe('CANCELLED');
    expect(err.reason).toBe('Query cancelled by user');
    expect(err.message).toContain('CANCELLED');
    expect(err.message).toContain('Query cancelled by user');
    expect(err.message).toContain('Query: SELECT 1 AS one');
  });

  it('stops a query that outlives timeoutMs and raises TIMED_OUT, on virtual time', async () => {
    const { engine, time } = setUp({}, { timeoutMs: 5_000, pollInitialMs: 100, pollMaxMs: 1_000 });
    fake.scriptNext({ end: 'never' });
    const err = await rejection(engine.query('SELECT count(*) FROM range(10)'));

    expect(err.state).toBe('TIMED_OUT');
    expect(err.message).toContain('did not finish within 5000 ms');
    expect(err.message).toContain('was stopped');
    // The last wait is cut to the deadline; the query gets one more poll at the deadline.
    expect(time.sleeps).toEqual([100, 200, 400, 800, 1000, 1000, 1000, 500]);
    expect(fake.mock.commandCalls(GetQueryExecutionCommand)).toHaveLength(8);
    expect(fake.mock.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toStrictEqual([
      { QueryExecutionId: err.queryExecutionId },
    ]);
    const after = await fake.client.send(new GetQueryExecutionCommand({ QueryExecutionId: err.queryExecutionId }));
    expect(after.QueryExecution?.Status?.State).toBe('CANCELLED');
  });

  it('times out after the documented default of 10 minutes when timeoutMs is left out', async () => {
    const { engine, time } = setUp({}, {});
    fake.scriptNext({ end: 'never' });
    const err = await rejection(engine.query('SELECT 1'));

    expect(err.state).toBe('TIMED_OUT');
    expect(time.sleeps.reduce((a, b) => a + b, 0)).toBe(600_000);
    expect(fake.mock.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
  });
});

describe('AthenaEngine: polling backoff', () => {
  it('doubles the wait from pollInitialMs and holds it at pollMaxMs', async () => {
    const { engine, time } = setUp({ runningPolls: 7 }, { pollInitialMs: 100, pollMaxMs: 1_000 });
    await engine.query('SELECT 1 AS one');

    // One QUEUED poll, seven RUNNING polls, then SUCCEEDED.
    expect(time.sleeps).toEqual([100, 200, 400, 800, 1000, 1000, 1000, 1000, 1000]);
    expect(fake.mock.commandCalls(GetQueryExecutionCommand)).toHaveLength(9);
  });

  it('uses the documented defaults: 250 ms first, doubling, capped at 5 s', async () => {
    expect(ATHENA_ENGINE_DEFAULTS).toMatchObject({ catalog: 'AwsDataCatalog', timeoutMs: 600_000, pollInitialMs: 250, pollMaxMs: 5_000 });
    const { engine, time } = setUp({ runningPolls: 6 });
    await engine.query('SELECT 1 AS one');
    expect(time.sleeps).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect([0, 1, 5, 40, 1000].map((n) => pollDelayMs(n, 250, 5_000))).toEqual([250, 500, 5000, 5000, 5000]);
  });

  it('keeps polling a query that Athena moves from RUNNING back to QUEUED', async () => {
    const client = new AthenaClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const mock = mockClient(client);
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    const state = (State: 'QUEUED' | 'RUNNING' | 'SUCCEEDED') => ({ QueryExecution: { StatementType: 'DML' as const, Status: { State } } });
    mock.on(GetQueryExecutionCommand)
      .resolvesOnce(state('RUNNING'))
      .resolvesOnce(state('QUEUED'))
      .resolvesOnce(state('RUNNING'))
      .resolves(state('SUCCEEDED'));
    mock.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'bigint' }] },
        Rows: [{ Data: [{ VarCharValue: 'n' }] }, { Data: [{ VarCharValue: '7' }] }],
      },
    });
    const time = virtualTime();
    const engine = new AthenaEngine({ client, workgroup: 'wg', database: 'db', sleep: time.sleep, clock: time.clock });
    expect((await engine.query('SELECT count(*) AS n FROM t')).rows).toEqual([{ n: 7 }]);
    expect(mock.commandCalls(GetQueryExecutionCommand)).toHaveLength(4);
    mock.restore();
  });
});

describe('AthenaEngine: the commands it sends', () => {
  it('sends the configured workgroup, database and catalog, then polls and pages by the query id', async () => {
    const { engine } = setUp({}, { workgroup: 'stedi-prod-gate', database: 'stedi_prod_curated', catalog: 'stedi_catalog' });
    await engine.query('SELECT 1 AS one');

    expect(fake.mock.calls().map((c) => c.args[0].constructor.name)).toEqual([
      'StartQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryExecutionCommand',
      'GetQueryResultsCommand',
    ]);
    expect(fake.mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input)).toStrictEqual([
      {
        QueryString: 'SELECT 1 AS one',
        QueryExecutionContext: { Database: 'stedi_prod_curated', Catalog: 'stedi_catalog' },
        WorkGroup: 'stedi-prod-gate',
      },
    ]);
    const id = (await fake.mock.commandCalls(StartQueryExecutionCommand)[0]!.returnValue).QueryExecutionId;
    expect(fake.mock.commandCalls(GetQueryExecutionCommand).map((c) => c.args[0].input)).toStrictEqual([
      { QueryExecutionId: id }, { QueryExecutionId: id }, { QueryExecutionId: id },
    ]);
    expect(fake.mock.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toStrictEqual([
      { QueryExecutionId: id, MaxResults: 1000 },
    ]);
  });

  it('sends the AwsDataCatalog by default, and an output location and request token only when configured', async () => {
    const token = 'gate-01HZX3Q9V8-trusted-0000000000';
    const { engine } = setUp({}, { outputLocation: 's3://stedi-dev-athena/results/', clientRequestToken: () => token });
    await engine.query('SELECT 1 AS one');

    expect(fake.mock.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toStrictEqual({
      QueryString: 'SELECT 1 AS one',
      QueryExecutionContext: { Database: 'stedi_dev', Catalog: 'AwsDataCatalog' },
      WorkGroup: 'stedi-dev-gate',
      ResultConfiguration: { OutputLocation: 's3://stedi-dev-athena/results/' },
      ClientRequestToken: token,
    });
  });

  it('reads tables in the fake by bound "database"."table" names and by unqualified names in the configured database', async () => {
    await duck.run('CREATE SCHEMA stedi_dev_trusted');
    await duck.run(`CREATE TABLE stedi_dev_trusted.customer_trusted AS SELECT * FROM (VALUES ('a@x.io'), ('b@x.io')) t(email)`);
    const searchPath = await duck.query(`SELECT current_setting('search_path') AS p`);
    const { engine } = setUp({}, { database: 'stedi_dev_trusted' });

    expect((await engine.query('SELECT count(*) AS n FROM customer_trusted')).rows).toEqual([{ n: 2 }]);
    expect((await engine.query('SELECT count(*) AS n FROM "stedi_dev_trusted"."customer_trusted"')).rows).toEqual([{ n: 2 }]);
    expect(await duck.query(`SELECT current_setting('search_path') AS p`)).toStrictEqual(searchPath);
  });
});

describe('AthenaEngine: stats', () => {
  it('counts every query and sums the bytes Athena scanned, failed queries included', async () => {
    const { engine } = setUp({ dataScannedInBytes: (sql) => (sql.includes('missing') ? 10 : 1_000) });
    await engine.query('SELECT 1 AS one');
    await engine.query('SELECT 2 AS two');
    await rejection(engine.query('SELECT * FROM missing'));

    expect(engine.stats()).toStrictEqual({ queries: 3, bytesScanned: 2_010 });
    expect(engine.bytesScanned).toBe(2_010);
    expect(fake.queries()).toEqual(['SELECT 1 AS one', 'SELECT 2 AS two', 'SELECT * FROM missing']);
  });
});

describe('AthenaEngine: Lambda bundle', () => {
  it('bundles without DuckDB, so the gate Lambda never pulls in the native module', async () => {
    const { build } = await import('esbuild');
    const out = await build({
      entryPoints: [require.resolve('../../src/engine/athena-engine')],
      bundle: true, platform: 'node', write: false, metafile: true, logLevel: 'silent',
    });
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.some((p) => p.includes('@aws-sdk/client-athena'))).toBe(true);
    expect(inputs.filter((p) => /duckdb/i.test(p))).toEqual([]);
  });
});
