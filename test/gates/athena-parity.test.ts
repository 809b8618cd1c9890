// The same rule files give the same outcomes on DuckDB and through the Athena client path (the
// real AthenaEngine against a fake Athena that executes in DuckDB and answers in Athena's shapes).
import { loadCatalog } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { AthenaEngine } from '../../src/engine/athena-engine';
import { quoteIdent } from '../../src/engine/engine';
import { evaluateGate, type GateResult } from '../../src/gates/evaluator';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadRules } from '../../src/gates/rule-file';
import { maskSamples } from '../../src/gates/sample-privacy';
import { createAthenaFake } from '../support/athena-fake';
import { samplePrivacyOf } from '../support/sample-privacy';
import { cleanTables, createTables, customer, SERIAL_A, SERIAL_B } from '../support/tables';

const catalog = loadCatalog();
const rules = loadRules(catalog);
const config = loadGateConfig(catalog);
const database = (zone: string) => `stedi_dev_${zone}`;

type Tables = ReturnType<typeof cleanTables>;
const outcome = (g: GateResult[]) =>
  g.flatMap((x) => x.rules.map((r) => ({ rule: r.name, status: r.status, failing: r.failing, columns: r.columns.map((c) => c.toLowerCase()), sample: r.sample.map((row) => Object.values(row)) })));

async function onBothEngines(tables: Tables): Promise<{ duck: GateResult[]; athena: GateResult[]; athenaQueries: number }> {
  const local = await DuckDbEngine.open();
  const behind = await DuckDbEngine.open();
  const fake = createAthenaFake({ duck: behind, queuedPolls: 0, runningPolls: 1 });
  const athena = new AthenaEngine({ client: fake.client, workgroup: 'stedi-dev', database: database('curated'), sleep: async () => {} });
  try {
    await createTables(local, catalog, tables);
    for (const zone of ['landing', 'trusted', 'curated']) {
      const inZone = Object.fromEntries(Object.entries(tables).filter(([t]) => catalog.tables.get(t)!.zone === zone));
      const c = { ...catalog, tables: new Map([...catalog.tables].filter(([, t]) => t.zone === zone)) };
      await createTables(behind, c, inZone, database(zone));
    }
    const resolve = (t: string) => {
      const def = catalog.tables.get(t);
      return def ? `${quoteIdent(database(def.zone))}.${quoteIdent(t)}` : undefined;
    };
    const duck: GateResult[] = [];
    const viaAthena: GateResult[] = [];
    // One key for both engines, so equal values get equal tokens on both.
    const samples = maskSamples(await samplePrivacyOf(catalog, rules), Buffer.alloc(32, 7));
    for (const zone of ['trusted', 'curated'] as const) {
      duck.push(await evaluateGate({ engine: local, zone, rules, config, samples }));
      viaAthena.push(await evaluateGate({ engine: athena, zone, rules, config, resolve, samples }));
    }
    return { duck, athena: viaAthena, athenaQueries: fake.queries().length };
  } finally {
    fake.restore();
    await local.close();
    await behind.close();
  }
}

const defects: [string, (t: Tables) => void, string[]][] = [
  ['clean tables', () => {}, []],
  [
    'a trusted customer without consent',
    (t) => t.customer_trusted.push(customer('eve@x.com', '33333333-3333-4333-8333-333333333333', { shareWithResearchAsOfDate: null, phone: '8015550000' })),
    ['consent_customer_trusted'],
  ],
  [
    'a serial number shared by two customers',
    (t) => t.customer_landing.push(customer('eve@x.com', SERIAL_A)),
    ['serial_number_shared_by_customers'],
  ],
  [
    'a machine-learning row pairing a device with another customer',
    (t) => t.machine_learning_curated.push({ sensorReadingTime: 1655564444103, serialNumber: SERIAL_B, distanceFromObject: 1, user: 'ann@x.com', x: 1, y: 0, z: -1 }),
    ['machine_learning_same_customer'],
  ],
  [
    'an empty curated table',
    (t) => t.machine_learning_curated.splice(0),
    ['machine_learning_curated_not_empty'],
  ],
];

describe('rules give the same outcomes on DuckDB and on the Athena client path', () => {
  for (const [name, inject, expectedFailures] of defects) {
    it(name, async () => {
      const tables = cleanTables();
      inject(tables);
      const { duck, athena, athenaQueries } = await onBothEngines(tables);
      expect(outcome(athena)).toEqual(outcome(duck));
      const failing = outcome(duck).filter((r) => r.status !== 'pass').map((r) => r.rule);
      expect(failing).toEqual(expectedFailures);
      expect(athenaQueries).toBe(duck.reduce((n, g) => n + g.queries, 0));
    });
  }
});
