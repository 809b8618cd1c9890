// `stedi gate --engine athena --env dev`: the rules reach the environment's databases in its workgroup.
import { StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { loadCatalog } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { gateEnvironment } from '../../src/gates/athena-gate';
import { loadGateSetup } from '../../src/gates/auditor';
import { loadEnvironment } from '../../config/environments/load-environment';
import { createAthenaFake } from '../support/athena-fake';
import { cleanTables, createTables, customer, SERIAL_A } from '../support/tables';

const catalog = loadCatalog();
const setup = loadGateSetup(catalog);
const dev = loadEnvironment('dev', catalog.datasets.map((d) => d.dataset));

async function gateDev(tables: ReturnType<typeof cleanTables>, staged = false) {
  const duck = await DuckDbEngine.open();
  const fake = createAthenaFake({ duck, queuedPolls: 0, runningPolls: 0 });
  try {
    for (const zone of staged ? ['staging'] : ['landing', 'trusted', 'curated']) {
      const inZone = Object.fromEntries(Object.entries(tables).filter(([t]) => staged || catalog.tables.get(t)!.zone === zone));
      const c = { ...catalog, tables: new Map([...catalog.tables].filter(([t]) => t in inZone)) };
      await createTables(duck, c, inZone, `stedi_dev_${zone}`);
    }
    const gates = await gateEnvironment(dev, catalog, setup, { client: fake.client, staged, sleep: async () => {} });
    return { gates, calls: fake.mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input) };
  } finally {
    fake.restore();
    await duck.close();
  }
}

describe('gate on an environment through Athena', () => {
  it('queries the zone databases of dev in the dev workgroup, and clean tables pass', async () => {
    const { gates, calls } = await gateDev(cleanTables());
    expect(gates.every((g) => g.passed)).toBe(true);
    expect(new Set(calls.map((c) => c.WorkGroup))).toEqual(new Set(['stedi-dev-pipeline']));
    expect(calls.find((c) => c.QueryString!.includes('customer_landing'))!.QueryString).toContain('"stedi_dev_landing"."customer_landing"');
    // Every table of the catalog (the rules' and the accounting checks' landing tables), each through its zone database.
    const read = new Set(calls.flatMap((c) => [...c.QueryString!.matchAll(/"(stedi_dev_\w+)"\."(\w+)"/g)].map((m) => `${m[1]}.${m[2]}`)));
    expect([...read].sort()).toEqual([...catalog.tables.values()].map((t) => `stedi_dev_${t.zone}.${t.name}`).sort());
  });

  it('--staged audits the staging database and names the failing rule', async () => {
    const tables = cleanTables();
    tables.customer_landing.push(customer('eve@x.com', SERIAL_A, { phone: '8015550000' }));
    const { gates, calls } = await gateDev(tables, true);
    // Eve's landing record is the latest of a consenting customer, yet not in customer_trusted: the
    // accounting check, recomputed on the staged tables, says so too.
    expect(gates.flatMap((g) => g.rules.filter((r) => r.blocking).map((r) => r.name))).toEqual(['serial_number_shared_by_customers', 'accounting_customer']);
    // The zone databases are read only to count the published curated tables the volume check compares with.
    const outside = calls.map((c) => c.QueryString!).filter((q) => /"stedi_dev_(landing|trusted|curated)"/.test(q));
    expect(outside).toEqual(['SELECT COUNT(*) AS n FROM "stedi_dev_curated"."customer_curated"', 'SELECT COUNT(*) AS n FROM "stedi_dev_curated"."machine_learning_curated"']);
  });
});
