import { loadCatalog } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { evaluateGate, type GateResult } from '../../src/gates/evaluator';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadRules } from '../../src/gates/rule-file';
import { maskSamples, maskToken } from '../../src/gates/sample-privacy';
import { cleanTables, createTables, customer, SERIAL_A } from '../support/tables';
import { samplePrivacyOf } from '../support/sample-privacy';

const catalog = loadCatalog();
const rules = loadRules(catalog);
const config = loadGateConfig(catalog);

const KEY = Buffer.alloc(32, 1);

async function gate(tables: ReturnType<typeof cleanTables>, zone: 'trusted' | 'curated', only = rules): Promise<GateResult> {
  const engine = await DuckDbEngine.open();
  try {
    await createTables(engine, catalog, tables);
    return await evaluateGate({ engine, zone, rules: only, config, samples: maskSamples(await samplePrivacyOf(catalog, rules), KEY) });
  } finally {
    await engine.close();
  }
}
const failed = (g: GateResult) => g.rules.filter((r) => r.status !== 'pass').map((r) => [r.name, r.status, r.failing]);

describe('evaluateGate', () => {
  it('clean tables pass every rule of both audits', async () => {
    const t = await gate(cleanTables(), 'trusted');
    const c = await gate(cleanTables(), 'curated');
    expect([failed(t), failed(c), t.passed, c.passed]).toEqual([[], [], true, true]);
    expect(t.rules.map((r) => r.name)).toEqual(rules.filter((r) => r.zone === 'trusted').map((r) => r.name));
  });

  it('predicate rules are batched: one query and one scan per table, however many rules read it', async () => {
    const predicates = rules.filter((r) => r.predicate && r.zone === 'trusted');
    const tables = [...new Set(predicates.map((r) => r.predicate!.table))].sort();
    expect(predicates.length).toBeGreaterThan(tables.length);
    const g = await gate(cleanTables(), 'trusted', predicates);
    expect([g.queries, g.scans]).toEqual([tables.length, Object.fromEntries(tables.map((t) => [t, 1]))]);
  });

  it('a failing predicate rule costs one more query for its failing rows, and shows them', async () => {
    const tables = cleanTables();
    tables.customer_trusted.push(customer('eve@x.com', SERIAL_A, { shareWithResearchAsOfDate: null, birthDay: '1399-01-01' }));
    const g = await gate(tables, 'trusted', rules.filter((r) => r.predicate && r.zone === 'trusted'));
    const consent = g.rules.find((r) => r.name === 'consent_customer_trusted')!;
    // The email is personal data: a token; the serial number is not: shown as it is.
    expect([consent.status, consent.blocking, consent.failing, consent.checked, consent.sample.map((s) => [s.email, s.serialNumber])]).toEqual([
      'fail',
      true,
      1,
      3,
      [[maskToken(KEY, 'eve@x.com'), SERIAL_A]],
    ]);
    expect(consent.maskedColumns).toEqual(['customerName', 'email', 'phone', 'birthDay']);
    const birthday = g.rules.find((r) => r.name === 'customer_birthday_plausible')!;
    expect([birthday.status, birthday.blocking]).toEqual(['fail', false]);
    expect(g.passed).toBe(false);
    expect(g.scans.customer_trusted).toBe(3);
  });

  it('customer_birthday_plausible counts three-digit years (which sort after 1900 as text) and years before 1900, as warnings', async () => {
    const tables = cleanTables();
    for (const [email, birthDay] of [['a@x.com', '993-01-01'], ['b@x.com', '7-03-04'], ['c@x.com', '1899-12-31'], ['d@x.com', '1900-01-01'], ['e@x.com', '2001-05-05']]) {
      tables.customer_trusted.push(customer(email, SERIAL_A, { birthDay }));
    }
    const g = await gate(tables, 'trusted', rules.filter((r) => r.name === 'customer_birthday_plausible'));
    const [birthday] = g.rules;
    // Birthdays are personal data: the failing rows show the tokens of exactly these three values.
    const tokens = (values: string[]) => values.map((v) => maskToken(KEY, v)).sort();
    expect([birthday.status, birthday.blocking, birthday.failing, birthday.sample.map((s) => s.birthDay).sort()]).toEqual(['fail', false, 3, tokens(['1899-12-31', '7-03-04', '993-01-01'])]);
  });

  it('a rule that cannot be evaluated blocks the gate (fail closed) without hiding the other rules', async () => {
    const bad = { ...rules.find((r) => r.name === 'customer_birthday_plausible')!, name: 'broken', severity: 'warn' as const, predicate: { table: 'customer_trusted', alias: 'c', where: 'c.no_such_column = 1' }, sql: 'SELECT * FROM customer_trusted c WHERE c.no_such_column = 1' };
    const others = rules.filter((r) => r.predicate?.table === 'customer_trusted');
    const g = await gate(cleanTables(), 'trusted', [bad, ...others]);
    expect(g.rules.map((r) => [r.name, r.status, r.blocking])).toEqual([
      ['broken', 'error', true],
      ...others.map((r) => [r.name, 'pass', false]),
    ]);
    expect(g.rules[0].error).toMatch(/^quality-rules\/rules\/customer_birthday_plausible\.sql:3: .*no_such_column/);
  });

  it('a share tolerance allows that share of the checked rows', async () => {
    const tables = cleanTables();
    tables.step_trainer_trusted.push({ sensorReadingTime: 1, serialNumber: SERIAL_A, distanceFromObject: 5000 });
    const base = rules.find((r) => r.name === 'step_trainer_distance_plausible')!;
    const g = await gate(tables, 'trusted', [
      { ...base, name: 'tolerant', tolerance: { share: 0.34 } },
      { ...base, name: 'strict', tolerance: { share: 0.33 } },
    ]);
    expect(g.rules.map((r) => [r.name, r.failing, r.checked, r.allowed, r.status])).toEqual([
      ['tolerant', 1, 3, 1, 'pass'],
      ['strict', 1, 3, 0, 'fail'],
    ]);
  });

  it('built-in checks: quarantine share per dataset and curated volume against the last run', async () => {
    const engine = await DuckDbEngine.open();
    try {
      await createTables(engine, catalog, cleanTables());
      const facts = {
        datasets: {
          customer: { read: 1000, quarantined: 10, quarantineReasons: { 'missing required field email': 10 }, recordBytes: 100_000, quarantinedBytes: 1_000 },
          accelerometer: { read: 1000, quarantined: 11, quarantineReasons: { 'malformed JSON': 11 } },
        },
        tables: {
          customer_curated: { zone: 'curated', rows: 50, previousRows: 100 },
          machine_learning_curated: { zone: 'curated', rows: 49, previousRows: 100 },
          customer_trusted: { zone: 'trusted', rows: 1, previousRows: 100 },
        },
      };
      const t = await evaluateGate({ engine, zone: 'trusted', rules: [], config, facts });
      const c = await evaluateGate({ engine, zone: 'curated', rules: [], config, facts });
      // Facts without byte counts (a manifest written before they were counted) skip the byte share, saying so.
      expect(t.rules.map((r) => [r.name, r.failing, r.allowed, r.status])).toEqual([
        ['quarantine_share_customer', 10, 10, 'pass'],
        ['quarantine_bytes_customer', 1_000, 1_000, 'pass'],
        ['quarantine_share_accelerometer', 11, 10, 'fail'],
        ['quarantine_bytes_accelerometer', 0, 0, 'skip'],
      ]);
      expect(t.rules[3].skipReason).toBe("the run's validation counts hold no byte counts");
      expect(t.rules[2].sample).toEqual([{ reason: 'malformed JSON', records: 11 }]);
      expect(c.rules.map((r) => [r.name, r.failing, r.status])).toEqual([
        ['volume_customer_curated', 0, 'pass'],
        ['volume_machine_learning_curated', 1, 'fail'],
      ]);
      expect([t.queries, c.queries]).toEqual([0, 0]);
    } finally {
      await engine.close();
    }
  });
  it('built-in checks: the byte share blocks one enormous bad line that the record share lets through', async () => {
    const engine = await DuckDbEngine.open();
    try {
      const facts = {
        datasets: {
          // A file of 12,600 readings without line ends: one record of 1 MB among 100,000 records.
          accelerometer: { read: 100_000, quarantined: 1, quarantineReasons: { 'malformed JSON': 1 }, recordBytes: 8_000_000, quarantinedBytes: 1_000_000 },
          customer: { read: 100, quarantined: 0, quarantineReasons: {}, recordBytes: 20_000, quarantinedBytes: 0 },
        },
        tables: {},
      };
      const t = await evaluateGate({ engine, zone: 'trusted', rules: [], config, facts });
      expect(t.rules.map((r) => [r.name, r.failing, r.allowed, r.checked, r.status, r.blocking])).toEqual([
        ['quarantine_share_accelerometer', 1, 1000, 100_000, 'pass', false],
        ['quarantine_bytes_accelerometer', 1_000_000, 80_000, 8_000_000, 'fail', true],
        ['quarantine_share_customer', 0, 1, 100, 'pass', false],
        ['quarantine_bytes_customer', 0, 200, 20_000, 'pass', false],
      ]);
      expect(t.rules[1].sample).toEqual([{ quarantined_bytes: 1_000_000, record_bytes: 8_000_000, quarantined_records: 1 }]);
      expect(t.passed).toBe(false);
    } finally {
      await engine.close();
    }
  });

  it('gives the same result with queries sent several at once as one at a time', async () => {
    const tables = cleanTables();
    tables.customer_trusted.push(customer('eve@x.com', SERIAL_A, { shareWithResearchAsOfDate: null, birthDay: '1399-01-01' }));
    tables.customer_landing.push(customer('eve@x.com', SERIAL_A, { shareWithResearchAsOfDate: null, birthDay: '1399-01-01' }));
    const bad = { ...rules.find((r) => r.name === 'customer_birthday_plausible')!, name: 'broken', predicate: undefined, sql: 'SELECT * FROM customer_trusted c WHERE c.no_such_column = 1' };
    const all = [...rules, bad];
    const engine = await DuckDbEngine.open({ parallel: 3 });
    // Wall times differ from one evaluation to the next; nothing else may.
    const untimed = (g: GateResult) => ({ ...g, rules: g.rules.map(({ ms: _ms, ...r }) => r) });
    try {
      await createTables(engine, catalog, tables);
      const samples = maskSamples(await samplePrivacyOf(catalog, rules), KEY);
      for (const zone of ['trusted', 'curated'] as const) {
        const one = await evaluateGate({ engine, zone, rules: all, config, samples });
        const several = await evaluateGate({ engine, zone, rules: all, config, parallel: 3, samples });
        expect(untimed(several)).toEqual(untimed(one));
        if (zone === 'trusted') expect(failed(one).map(([name]) => name)).toEqual(expect.arrayContaining(['consent_customer_trusted', 'customer_birthday_plausible', 'broken']));
      }
    } finally {
      await engine.close();
    }
  });
});
