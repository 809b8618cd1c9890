import { loadCatalog } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import type { QueryEngine } from '../../src/engine/engine';
import { evaluateGate, skippedGate, type GateResult, type RunFacts } from '../../src/gates/evaluator';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadRules, parseRule } from '../../src/gates/rule-file';
import { maskSamples, maskToken } from '../../src/gates/sample-privacy';
import { cleanTables, createTables, customer, SERIAL_A, SERIAL_B } from '../support/tables';
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

// The zone verdict, not only each rule's flag: a rule that produces no count must block the gate
// whatever its severity, however it failed to produce one (issue 19: the verdict could be weakened
// to blocking on failed rules only, and an error rule hitting a Binder Error published).
describe('the zone verdict fails closed', () => {
  const ruleOf = (name: string, severity: 'error' | 'warn', sql: string) =>
    ({ ...parseRule(`-- severity: ${severity}\n-- description: ${name}\n${sql}`, `quality-rules/rules/${name}.sql`, catalog), name });
  const clean = rules.filter((r) => r.zone === 'trusted' && r.tables.every((t) => t.endsWith('_trusted')));
  const verdict = (g: GateResult, name: string) => {
    const r = g.rules.find((x) => x.name === name)!;
    return [g.passed, r.kind, r.status, r.blocking, r.failing, r.error?.replace(/:\s[\s\S]*$/, '')];
  };
  const ways: [string, string, 'predicate' | 'set'][] = [
    ['a predicate naming a column the table lacks (Binder Error)', 'SELECT * FROM customer_trusted c WHERE c.no_such_column = 1', 'predicate'],
    ['a predicate whose value cannot be converted at run time (Conversion Error)', 'SELECT * FROM customer_trusted c WHERE CAST(c.email AS INTEGER) > 0', 'predicate'],
    ['a predicate whose failing rows cannot be read (the table name where the alias hides it)', 'SELECT * FROM customer_trusted c WHERE customer_trusted.shareWithResearchAsOfDate IS NOT NULL', 'predicate'],
    ['a set rule naming a column the table lacks (Binder Error)', 'SELECT c.no_such_column FROM customer_trusted c GROUP BY c.no_such_column', 'set'],
    ['a set rule whose value cannot be converted at run time (Conversion Error)', 'SELECT CAST(c.email AS INTEGER) AS n FROM customer_trusted c GROUP BY 1', 'set'],
    ['a set rule calling a function that does not exist', 'SELECT no_such_function(c.email) AS n FROM customer_trusted c GROUP BY 1', 'set'],
  ];
  for (const severity of ['error', 'warn'] as const) {
    for (const [way, sql, kind] of ways) {
      it(`${way}, severity ${severity}: the rule is an error and the gate does not pass`, async () => {
        const broken = ruleOf('broken', severity, sql);
        expect(broken.predicate !== undefined).toBe(kind === 'predicate');
        const g = await gate(cleanTables(), 'trusted', [broken, ...clean]);
        expect(verdict(g, 'broken')).toEqual([false, kind, 'error', true, 0, 'quality-rules/rules/broken.sql:3']);
        // Nothing else blocks: the broken rule alone decides the verdict.
        expect(g.rules.filter((r) => r.name !== 'broken').map((r) => [r.status, r.blocking])).toEqual(clean.map(() => ['pass', false]));
        // Without it, the same tables pass.
        expect((await gate(cleanTables(), 'trusted', clean)).passed).toBe(true);
      });
    }
  }

  it('a table the engine does not have: the rule is an error and the gate does not pass', async () => {
    const engine = await DuckDbEngine.open();
    try {
      const broken = ruleOf('broken', 'warn', 'SELECT * FROM customer_trusted c WHERE c.email IS NULL');
      const g = await evaluateGate({ engine, zone: 'trusted', rules: [broken], config });
      expect(verdict(g, 'broken')).toEqual([false, 'predicate', 'error', true, 0, 'quality-rules/rules/broken.sql:3']);
      expect(g.rules[0].error).toMatch(/Catalog Error: Table with name customer_trusted does not exist/);
    } finally {
      await engine.close();
    }
  });

  it('an engine that fails every statement: every rule is an error, and the gate does not pass', async () => {
    const lost: QueryEngine = {
      name: 'duckdb',
      query: async () => {
        throw new Error('connection lost');
      },
      stats: () => ({ queries: 0, ms: 0 }) as never,
      close: async () => undefined,
    };
    const g = await evaluateGate({ engine: lost, zone: 'trusted', rules, config });
    const trusted = rules.filter((r) => r.zone === 'trusted');
    expect(g.passed).toBe(false);
    expect(g.rules.map((r) => [r.name, r.status, r.blocking, r.error])).toEqual(trusted.map((r) => [r.name, 'error', true, `${r.file}:${r.sqlLine}: connection lost`]));
  });

  it('a failing warn rule alone does not block; a failing error rule alone does', async () => {
    const tables = cleanTables();
    tables.customer_trusted.push(customer('eve@x.com', SERIAL_A, { birthDay: '1399-01-01' }));
    const warn = rules.filter((r) => r.name === 'customer_birthday_plausible');
    const w = await gate(tables, 'trusted', warn);
    expect([w.passed, w.rules.map((r) => [r.status, r.blocking, r.failing])]).toEqual([true, [['fail', false, 1]]]);
    const error = [{ ...warn[0], severity: 'error' as const }];
    const e = await gate(tables, 'trusted', error);
    expect([e.passed, e.rules.map((r) => [r.status, r.blocking, r.failing])]).toEqual([false, [['fail', true, 1]]]);
  });

  it('a rule that finds exactly what it tolerates passes; one row more fails', async () => {
    const tables = cleanTables();
    tables.customer_trusted.push(customer('eve@x.com', SERIAL_A, { shareWithResearchAsOfDate: null }));
    const consent = rules.find((r) => r.name === 'consent_customer_trusted')!;
    const set = ruleOf('consent_set', 'error', 'SELECT c.email FROM customer_trusted c WHERE c.shareWithResearchAsOfDate IS NULL GROUP BY c.email');
    const g = await gate(tables, 'trusted', [
      { ...consent, name: 'one_allowed', tolerance: { rows: 1 } },
      { ...consent, name: 'none_allowed', tolerance: { rows: 0 } },
      { ...set, name: 'set_one_allowed', tolerance: { rows: 1 } },
      { ...set, name: 'set_none_allowed', tolerance: { rows: 0 } },
    ]);
    expect(g.rules.map((r) => [r.name, r.kind, r.failing, r.allowed, r.status, r.blocking])).toEqual([
      ['one_allowed', 'predicate', 1, 1, 'pass', false],
      ['none_allowed', 'predicate', 1, 0, 'fail', true],
      ['set_one_allowed', 'set', 1, 1, 'pass', false],
      ['set_none_allowed', 'set', 1, 0, 'fail', true],
    ]);
    expect(g.passed).toBe(false);
  });

  describe('built-in checks decide the verdict too', () => {
    const counts = { read: 100, quarantined: 0, quarantineReasons: {}, recordBytes: 10_000, quarantinedBytes: 0 };
    const trustedGate = async (datasets: RunFacts['datasets'], tables: RunFacts['tables'] = {}, zone: 'trusted' | 'curated' = 'trusted') => {
      const engine = await DuckDbEngine.open();
      try {
        return await evaluateGate({ engine, zone, rules: [], config, facts: { datasets, tables } });
      } finally {
        await engine.close();
      }
    };
    const outcome = (g: GateResult) => [g.passed, g.rules.map((r) => [r.name, r.status, r.blocking, r.failing])];

    it('clean counts pass: every record accounted for, the trusted table holding those counted trusted', async () => {
      const g = await trustedGate({ customer: { ...counts, valid: 100, outcomes: { trusted: 60, no_consent: 40 }, trustedTable: 'customer_trusted', trustedRows: 60 } });
      expect(outcome(g)).toEqual([
        true,
        [
          ['quarantine_share_customer', 'pass', false, 0],
          ['quarantine_bytes_customer', 'pass', false, 0],
          ['accounting_customer', 'pass', false, 0],
        ],
      ]);
    });

    it('valid records without an outcome block the gate', async () => {
      const g = await trustedGate({ customer: { ...counts, valid: 100, outcomes: { trusted: 60, no_consent: 38 }, trustedTable: 'customer_trusted', trustedRows: 60 } });
      expect(outcome(g)).toEqual([
        false,
        [
          ['quarantine_share_customer', 'pass', false, 0],
          ['quarantine_bytes_customer', 'pass', false, 0],
          ['accounting_customer', 'fail', true, 2],
        ],
      ]);
      expect(g.rules[2].sample).toEqual([{ valid: 100, accounted: 98, counted_trusted: 60, trusted_rows: 60 }]);
      expect(g.rules[2].columns).toEqual(['valid', 'accounted', 'counted_trusted', 'trusted_rows']);
    });

    it('more outcomes than valid records block the gate', async () => {
      const g = await trustedGate({ customer: { ...counts, valid: 100, outcomes: { trusted: 61, no_consent: 40 }, trustedTable: 'customer_trusted', trustedRows: 61 } });
      expect(outcome(g)[0]).toBe(false);
      expect(g.rules[2].failing).toBe(1);
    });

    it('a trusted table holding more or fewer rows than counted trusted blocks the gate', async () => {
      for (const trustedRows of [59, 62]) {
        const g = await trustedGate({ customer: { ...counts, valid: 100, outcomes: { trusted: 60, no_consent: 40 }, trustedTable: 'customer_trusted', trustedRows } });
        expect([g.passed, g.rules[2].status, g.rules[2].blocking, g.rules[2].failing]).toEqual([false, 'fail', true, Math.abs(60 - trustedRows)]);
        expect(g.rules[2].sample).toEqual([{ valid: 100, accounted: 100, counted_trusted: 60, trusted_rows: trustedRows }]);
        expect(g.rules[2].tables).toEqual(['customer_landing', 'customer_trusted']);
      }
    });

    it('no trusted rows counted: the accounting check still runs, with none counted trusted', async () => {
      const g = await trustedGate({ customer: { ...counts, valid: 2, outcomes: { no_consent: 2 }, trustedTable: 'customer_trusted', trustedRows: 0 } });
      expect(outcome(g)).toEqual([true, [['quarantine_share_customer', 'pass', false, 0], ['quarantine_bytes_customer', 'pass', false, 0], ['accounting_customer', 'pass', false, 0]]]);
      const missing = await trustedGate({ customer: { ...counts, valid: 2, outcomes: { no_consent: 2 }, trustedTable: 'customer_trusted', trustedRows: 1 } });
      expect([missing.passed, missing.rules[2].failing, missing.rules[2].sample]).toEqual([false, 1, [{ valid: 2, accounted: 2, counted_trusted: 0, trusted_rows: 1 }]]);
    });

    it('unknown validation counts skip the quarantine checks, saying why, and the gate passes on what it could check', async () => {
      const g = await trustedGate({ customer: { validationUnknown: 'run r recorded no validation counts for customer' } });
      expect(g.rules.map((r) => [r.name, r.status, r.blocking, r.skipReason])).toEqual([
        ['quarantine_share_customer', 'skip', false, 'run r recorded no validation counts for customer'],
        ['quarantine_bytes_customer', 'skip', false, 'run r recorded no validation counts for customer'],
      ]);
      expect(g.passed).toBe(true);
      const nothing = await trustedGate({ customer: {} });
      expect(nothing.rules.map((r) => r.skipReason)).toEqual(["the run's validation counts are not at hand", "the run's validation counts are not at hand"]);
    });

    it('a curated table that shrank past the limit blocks; down to the limit passes; no previous run, no check', async () => {
      const shrink = config.volume.maxShrink;
      const floor = Math.ceil(100 * (1 - shrink));
      const g = await trustedGate({}, {
        customer_curated: { zone: 'curated', rows: floor, previousRows: 100 },
        machine_learning_curated: { zone: 'curated', rows: floor - 1, previousRows: 100 },
        customer_trusted: { zone: 'trusted', rows: 0, previousRows: 100 },
      }, 'curated');
      expect(outcome(g)).toEqual([false, [['volume_customer_curated', 'pass', false, 0], ['volume_machine_learning_curated', 'fail', true, 1]]]);
      expect(g.rules[1].sample).toEqual([{ table: 'machine_learning_curated', previous_rows: 100, rows: floor - 1, minimum_rows: floor }]);
      expect(g.rules[0]).toMatchObject({ columns: [], sample: [], checked: floor, allowed: 0 });
      const first = await trustedGate({}, { customer_curated: { zone: 'curated', rows: 0 } }, 'curated');
      expect([first.passed, first.rules]).toEqual([true, []]);
    });
  });
});

// What each result says, exactly: the parts of a rule result the report, junit.xml and the gate
// Lambda print, and the query plan (batching, samples) that decides what the engine is sent.
describe('rule results in detail', () => {
  const ruleOf = (name: string, sql: string, tolerance = '0') =>
    ({ ...parseRule(`-- severity: error\n-- tolerance: ${tolerance}\n-- description: ${name} holds\n${sql}`, `quality-rules/rules/${name}.sql`, catalog), name });
  const withRows = (shown: number) => ({ ...config, report: { failingRowsShown: shown } });
  const evaluate = async (tables: ReturnType<typeof cleanTables>, only: Parameters<typeof evaluateGate>[0]['rules'], options: Partial<Parameters<typeof evaluateGate>[0]> = {}) => {
    const engine = await DuckDbEngine.open();
    try {
      await createTables(engine, catalog, tables);
      const t0 = performance.now();
      const g = await evaluateGate({ engine, zone: 'trusted', rules: only, config, samples: maskSamples(await samplePrivacyOf(catalog, rules), KEY), ...options });
      return { g, wall: performance.now() - t0 };
    } finally {
      await engine.close();
    }
  };

  it('a passing predicate rule: its checked rows, no sample, no masked columns, a wall time', async () => {
    const { g, wall } = await evaluate(cleanTables(), [ruleOf('p', 'SELECT * FROM customer_trusted c WHERE c.email IS NULL')]);
    const [r] = g.rules;
    const { ms, ...rest } = r;
    expect(rest).toEqual({
      name: 'p',
      kind: 'predicate',
      description: 'p holds',
      severity: 'error',
      zone: 'trusted',
      tables: ['customer_trusted'],
      file: 'quality-rules/rules/p.sql',
      tolerance: { rows: 0 },
      status: 'pass',
      blocking: false,
      failing: 0,
      allowed: 0,
      checked: 2,
      columns: [],
      sample: [],
    });
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThanOrEqual(wall);
    expect(Number.isInteger(Math.round(ms! * 1000))).toBe(true);
    expect([g.queries, g.scans]).toEqual([1, { customer_trusted: 1 }]);
  });

  it('a failing set rule: its count, its columns without the count column, its first rows, and no checked rows', async () => {
    const tables = cleanTables();
    tables.customer_trusted.push(customer('ann@x.com', SERIAL_B, { phone: '8015559999' }), customer('ann@x.com', SERIAL_A, { phone: '8015559998' }));
    const set = ruleOf('s', 'SELECT c.email, COUNT(*) AS n FROM customer_trusted c GROUP BY c.email HAVING COUNT(*) > 1', '1');
    const { g, wall } = await evaluate(tables, [set], { config: withRows(10) });
    const [r] = g.rules;
    expect([r.kind, r.status, r.blocking, r.failing, r.allowed, 'checked' in r, r.columns, r.sample, r.maskedColumns]).toEqual([
      // No lineage is known for this rule's columns: both are masked.
      'set', 'pass', false, 1, 1, false, ['email', 'n'], [{ email: maskToken(KEY, 'ann@x.com'), n: expect.stringMatching(/^pii:[0-9a-f]{10}$/) }], ['email', 'n'],
    ]);
    expect(r.ms).toBeGreaterThanOrEqual(0);
    expect(r.ms).toBeLessThanOrEqual(wall);
    expect([g.queries, g.scans]).toEqual([1, { customer_trusted: 1 }]);
  });

  it('shows at most failingRowsShown rows, and none (without a sample query) when that is 0, counting every failing row either way', async () => {
    const tables = cleanTables();
    for (let i = 0; i < 5; i++) tables.customer_trusted.push(customer(`n${i}@x.com`, SERIAL_A, { shareWithResearchAsOfDate: null }));
    const predicate = ruleOf('p', 'SELECT * FROM customer_trusted c WHERE c.shareWithResearchAsOfDate IS NULL');
    const set = ruleOf('s', 'SELECT c.email FROM customer_trusted c WHERE c.shareWithResearchAsOfDate IS NULL GROUP BY c.email');
    const two = (await evaluate(tables, [predicate, set], { config: withRows(2) })).g;
    expect(two.rules.map((r) => [r.name, r.failing, r.sample.length, r.columns.length > 0])).toEqual([
      ['p', 5, 2, true],
      ['s', 5, 2, true],
    ]);
    expect(two.queries).toBe(3);
    const none = (await evaluate(tables, [predicate, set], { config: withRows(0) })).g;
    expect(none.rules.map((r) => [r.name, r.failing, r.status, r.sample, r.columns, r.maskedColumns])).toEqual([
      ['p', 5, 'fail', [], [], undefined],
      ['s', 5, 'fail', [], ['email'], undefined],
    ]);
    // The predicate's count needs no sample query; the set rule's one query counts and samples.
    expect(none.queries).toBe(2);
  });

  it('batches predicates however they qualify their columns: by alias, by table name, quoted, or not at all', async () => {
    const tables = cleanTables();
    tables.customer_trusted.push(customer('eve@x.com', SERIAL_A, { shareWithResearchAsOfDate: null, phone: '' }));
    const forms = [
      ruleOf('alias', 'SELECT * FROM customer_trusted c WHERE c.shareWithResearchAsOfDate IS NULL'),
      ruleOf('table_name', 'SELECT * FROM customer_trusted WHERE customer_trusted.shareWithResearchAsOfDate IS NULL'),
      ruleOf('quoted', 'SELECT * FROM customer_trusted AS c WHERE c."shareWithResearchAsOfDate" IS NULL'),
      ruleOf('bare', "SELECT * FROM customer_trusted WHERE phone = ''"),
      ruleOf('alias_word_inside', "SELECT * FROM customer_trusted c WHERE c.email LIKE '%c.x%'"),
    ];
    expect(forms.map((r) => r.predicate !== undefined)).toEqual([true, true, true, true, true]);
    const { g } = await evaluate(tables, forms, { config: withRows(0) });
    expect(g.rules.map((r) => [r.name, r.status, r.failing, r.checked])).toEqual([
      ['alias', 'fail', 1, 3],
      ['table_name', 'fail', 1, 3],
      ['quoted', 'fail', 1, 3],
      ['bare', 'fail', 1, 3],
      ['alias_word_inside', 'pass', 0, 3],
    ]);
    // One scan for all five: none fell back to a query of its own.
    expect([g.queries, g.scans]).toEqual([1, { customer_trusted: 1 }]);
  });

  it('an empty table: every predicate rule passes with 0 rows checked', async () => {
    const tables = { ...cleanTables(), customer_trusted: [] };
    const { g } = await evaluate(tables, [ruleOf('p', 'SELECT * FROM customer_trusted c WHERE c.email IS NULL'), ruleOf('q', "SELECT * FROM customer_trusted c WHERE c.phone = ''", '0.5%')]);
    expect(g.rules.map((r) => [r.name, r.status, r.failing, r.checked, r.allowed])).toEqual([
      ['p', 'pass', 0, 0, 0],
      ['q', 'pass', 0, 0, 0],
    ]);
  });

  it('a rule that cannot be evaluated keeps its tolerance and allowed count, and says which file and line', async () => {
    const broken = ruleOf('b', 'SELECT c.nope FROM customer_trusted c GROUP BY c.nope', '3');
    const { g } = await evaluate(cleanTables(), [broken]);
    const { ms, error, ...rest } = g.rules[0];
    expect(rest).toEqual({
      name: 'b', kind: 'set', description: 'b holds', severity: 'error', zone: 'trusted', tables: ['customer_trusted'], file: 'quality-rules/rules/b.sql',
      tolerance: { rows: 3 }, status: 'error', blocking: true, failing: 0, allowed: 3, columns: [], sample: [],
    });
    expect(error).toMatch(/^quality-rules\/rules\/b\.sql:4: Binder Error: .*nope/);
    expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('reads each table where the resolver says, and counts its scans under the bare name', async () => {
    const engine = await DuckDbEngine.open();
    try {
      // The tables exist only in the run's schema: a bare name reaches nothing.
      await createTables(engine, catalog, cleanTables(), 'run_7');
      const only = [ruleOf('p', 'SELECT * FROM customer_trusted c WHERE c.email IS NULL'), ruleOf('s', 'SELECT serialNumber FROM step_trainer_trusted GROUP BY serialNumber HAVING COUNT(*) > 1000')];
      const resolve = (t: string) => (catalog.tables.has(t) ? `"run_7"."${t}"` : undefined);
      const g = await evaluateGate({ engine, zone: 'trusted', rules: only, config, resolve });
      expect([g.passed, g.rules.map((r) => [r.name, r.status, r.checked]), g.scans]).toEqual([
        true,
        [['p', 'pass', 2], ['s', 'pass', undefined]],
        { customer_trusted: 1, step_trainer_trusted: 1 },
      ]);
    } finally {
      await engine.close();
    }
  });

  it('runs only the rules of its zone, in the order given', async () => {
    const curated = ruleOf('c', 'SELECT * FROM customer_curated c WHERE c.email IS NULL');
    const trusted = [ruleOf('t2', 'SELECT * FROM customer_trusted c WHERE c.email IS NULL'), ruleOf('t1', 'SELECT * FROM step_trainer_trusted s WHERE s.serialNumber IS NULL')];
    const { g } = await evaluate(cleanTables(), [curated, ...trusted]);
    expect([g.zone, g.rules.map((r) => r.name), g.queries]).toEqual(['trusted', ['t2', 't1'], 2]);
  });
});

describe('built-in checks in detail', () => {
  const facts = (datasets: RunFacts['datasets'], tables: RunFacts['tables'] = {}): RunFacts => ({ datasets, tables });
  const builtIns = async (zone: 'trusted' | 'curated', f: RunFacts, c = config) => {
    const engine = await DuckDbEngine.open();
    try {
      return await evaluateGate({ engine, zone, rules: [], config: c, facts: f });
    } finally {
      await engine.close();
    }
  };

  it('name, kind, description, tables, file and tolerance of each built-in check', async () => {
    const c = { ...config, quarantine: { default: 0.02, datasets: { customer: 0.005 } }, volume: { maxShrink: 0.25 } };
    const t = await builtIns('trusted', facts({
      customer: { read: 1000, quarantined: 5, quarantineReasons: {}, recordBytes: 100, quarantinedBytes: 0, valid: 995, outcomes: { trusted: 995 }, trustedTable: 'customer_trusted', trustedRows: 995 },
      accelerometer: { read: 10, quarantined: 0, quarantineReasons: {}, recordBytes: 100, quarantinedBytes: 0, valid: 10, outcomes: { trusted: 10 } },
    }), c);
    const info = (r: GateResult['rules'][number]) => [r.name, r.kind, r.severity, r.description, r.tables, r.file, r.tolerance, r.allowed];
    expect(t.rules.map(info)).toEqual([
      ['quarantine_share_customer', 'quarantine', 'error', 'at most 0.5% of customer landing records may break the record contract (quality-rules/schemas/customer.schema.json)', ['customer_landing'], 'quality-rules/gate-config.json', { share: 0.005 }, 5],
      ['quarantine_bytes_customer', 'quarantine-bytes', 'error', 'at most 0.5% of the bytes of customer landing records may break the record contract (quality-rules/schemas/customer.schema.json)', ['customer_landing'], 'quality-rules/gate-config.json', { share: 0.005 }, 0],
      ['accounting_customer', 'accounting', 'error', 'every valid customer record has one outcome (quality-rules/accounting/customer.sql), and customer_trusted holds exactly the records counted trusted', ['customer_landing', 'customer_trusted'], 'quality-rules/accounting/customer.sql', { rows: 0 }, 0],
      // A dataset the config does not list gets the default share.
      ['quarantine_share_accelerometer', 'quarantine', 'error', 'at most 2% of accelerometer landing records may break the record contract (quality-rules/schemas/accelerometer.schema.json)', ['accelerometer_landing'], 'quality-rules/gate-config.json', { share: 0.02 }, 0],
      ['quarantine_bytes_accelerometer', 'quarantine-bytes', 'error', 'at most 2% of the bytes of accelerometer landing records may break the record contract (quality-rules/schemas/accelerometer.schema.json)', ['accelerometer_landing'], 'quality-rules/gate-config.json', { share: 0.02 }, 2],
      // Without a trusted table named, the accounting check says "its trusted table".
      ['accounting_accelerometer', 'accounting', 'error', 'every valid accelerometer record has one outcome (quality-rules/accounting/accelerometer.sql), and its trusted table holds exactly the records counted trusted', ['accelerometer_landing'], 'quality-rules/accounting/accelerometer.sql', { rows: 0 }, 0],
    ]);
    expect(t.rules.map((r) => [r.status, r.checked, r.ms, r.columns, r.sample])).toEqual([
      ['pass', 1000, 0, ['reason', 'records'], []],
      ['pass', 100, 0, [], []],
      ['pass', 995, 0, [], []],
      ['pass', 10, 0, [], []],
      ['pass', 100, 0, [], []],
      ['pass', 10, 0, [], []],
    ]);
    const v = await builtIns('curated', facts({}, { customer_curated: { zone: 'curated', rows: 8, previousRows: 10 } }), c);
    expect(v.rules.map(info)).toEqual([
      ['volume_customer_curated', 'volume', 'error', 'customer_curated may not shrink by more than 25% against the last published run', ['customer_curated'], 'quality-rules/gate-config.json', { share: 0.25 }, 0],
    ]);
    expect(v.rules.map((r) => [r.status, r.checked, r.ms, r.columns, r.sample])).toEqual([['pass', 8, 0, [], []]]);
  });

  it('the quarantine sample lists reasons with their counts, at most failingRowsShown of them', async () => {
    const c = { ...config, report: { failingRowsShown: 2 } };
    const t = await builtIns('trusted', facts({ customer: { read: 10, quarantined: 6, quarantineReasons: { 'malformed JSON': 3, 'missing required field email': 2, 'field phone must match pattern': 1 } } }), c);
    expect(t.rules.map((r) => [r.name, r.status, r.failing, r.columns, r.sample, r.skipReason])).toEqual([
      ['quarantine_share_customer', 'fail', 6, ['reason', 'records'], [{ reason: 'malformed JSON', records: 3 }, { reason: 'missing required field email', records: 2 }], undefined],
      ['quarantine_bytes_customer', 'skip', 0, [], [], "the run's validation counts hold no byte counts"],
    ]);
  });

  it('the byte share of a dataset with quarantined bytes shows them with the records', async () => {
    const t = await builtIns('trusted', facts({ customer: { read: 100, quarantined: 0, quarantineReasons: {}, recordBytes: 1000, quarantinedBytes: 11 } }));
    expect(t.rules[1]).toMatchObject({ status: 'fail', failing: 11, allowed: 10, checked: 1000, columns: ['quarantined_bytes', 'record_bytes', 'quarantined_records'], sample: [{ quarantined_bytes: 11, record_bytes: 1000, quarantined_records: 0 }] });
  });

  it('volume rounds the floor up: of 3 rows, a limit of half keeps 2', async () => {
    const v = await builtIns('curated', facts({}, {
      customer_curated: { zone: 'curated', rows: 2, previousRows: 3 },
      machine_learning_curated: { zone: 'curated', rows: 1, previousRows: 3 },
    }), { ...config, volume: { maxShrink: 0.5 } });
    expect(v.rules.map((r) => [r.name, r.status, r.blocking, r.failing, r.columns, r.sample])).toEqual([
      ['volume_customer_curated', 'pass', false, 0, [], []],
      ['volume_machine_learning_curated', 'fail', true, 1, ['table', 'previous_rows', 'rows', 'minimum_rows'], [{ table: 'machine_learning_curated', previous_rows: 3, rows: 1, minimum_rows: 2 }]],
    ]);
  });

  it('a dataset with only one of the read and quarantined counts skips both quarantine checks', async () => {
    const t = await builtIns('trusted', facts({ a: { read: 10, quarantineReasons: {} }, b: { quarantined: 0, quarantineReasons: {} } }));
    expect(t.rules.map((r) => [r.name, r.status, r.blocking, r.skipReason])).toEqual([
      ['quarantine_share_a', 'skip', false, "the run's validation counts are not at hand"],
      ['quarantine_bytes_a', 'skip', false, "the run's validation counts are not at hand"],
      ['quarantine_share_b', 'skip', false, "the run's validation counts are not at hand"],
      ['quarantine_bytes_b', 'skip', false, "the run's validation counts are not at hand"],
    ]);
  });

  it('accounting needs both the valid count and the outcomes; without the trusted rows it checks the outcomes only', async () => {
    const t = await builtIns('trusted', facts({
      a: { read: 1, quarantined: 0, quarantineReasons: {}, valid: 1 },
      b: { read: 1, quarantined: 0, quarantineReasons: {}, outcomes: { trusted: 1 } },
      c: { read: 3, quarantined: 0, quarantineReasons: {}, valid: 3, outcomes: { trusted: 2, duplicate: 1 } },
    }));
    expect(t.rules.filter((r) => r.kind === 'accounting').map((r) => [r.name, r.status, r.failing, r.sample])).toEqual([['accounting_c', 'pass', 0, []]]);
    const off = await builtIns('trusted', facts({ c: { read: 3, quarantined: 0, quarantineReasons: {}, valid: 3, outcomes: { duplicate: 1 } } }));
    expect(off.rules.filter((r) => r.kind === 'accounting').map((r) => [r.status, r.failing, r.sample])).toEqual([['fail', 2, [{ valid: 3, accounted: 1, counted_trusted: 0, trusted_rows: null }]]]);
  });

  it('a gate that did not run lists every check it would have made, skipped with why, and does not pass', () => {
    const trusted = skippedGate('trusted', rules, config, 'the run failed before the trusted gate: boom', ['customer', 'step_trainer'], ['customer_curated']);
    const names = rules.filter((r) => r.zone === 'trusted').map((r) => r.name);
    expect([trusted.zone, trusted.passed, trusted.skipped, trusted.queries, trusted.scans]).toEqual(['trusted', false, 'the run failed before the trusted gate: boom', 0, {}]);
    expect(trusted.rules.map((r) => r.name)).toEqual([
      ...names,
      'quarantine_share_customer', 'quarantine_bytes_customer', 'accounting_customer',
      'quarantine_share_step_trainer', 'quarantine_bytes_step_trainer', 'accounting_step_trainer',
    ]);
    expect(new Set(trusted.rules.map((r) => [r.status, r.blocking, r.failing, r.skipReason, r.sample.length, r.columns.length].join()))).toEqual(new Set(['skip,false,0,the run failed before the trusted gate: boom,0,0']));
    expect(trusted.rules.find((r) => r.name === 'quarantine_share_customer')!.allowed).toBe(0);
    const curated = skippedGate('curated', rules, config, 'why', ['customer'], ['customer_curated', 'machine_learning_curated']);
    expect(curated.rules.map((r) => r.name)).toEqual([...rules.filter((r) => r.zone === 'curated').map((r) => r.name), 'volume_customer_curated', 'volume_machine_learning_curated']);
    expect(curated.rules.map((r) => r.kind)).toEqual([...rules.filter((r) => r.zone === 'curated').map((r) => (r.predicate ? 'predicate' : 'set')), 'volume', 'volume']);
  });
});
