// `stedi gate` on a lake that lacks a table: the rules reading it are listed as skipped, naming the
// missing table, and every other rule is evaluated on what the lake holds.
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadCatalog } from '../../src/catalog/registry';
import { loadGateSetup } from '../../src/gates/auditor';
import { gateLocalLake } from '../../src/gates/lake-gate';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { runPipeline } from '../../src/pipeline/runner';
import { tempDir } from '../support/tmp';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');

describe('stedi gate: a lake without one of the tables', () => {
  it('skips exactly the rules that read the missing table, saying which table, and evaluates the others', async () => {
    const catalog = loadCatalog();
    const lake = tempDir();
    await runPipeline({ landing: FIXTURE, lake });
    const layout = new LakeLayout(lake);
    const db = await DuckDBInstance.create(layout.catalogFile);
    const c = await db.connect();
    await c.run('DROP VIEW curated.machine_learning_curated');
    c.closeSync();
    db.closeSync();

    const setup = loadGateSetup(catalog);
    const { gates } = await gateLocalLake(layout, catalog, setup, false);
    const reading = setup.rules.filter((r) => r.tables.includes('machine_learning_curated')).map((r) => r.name).sort();
    expect(reading.length).toBeGreaterThan(0);
    const all = gates.flatMap((g) => g.rules);
    const skipped = all.filter((r) => r.status === 'skip');
    expect(skipped.map((r) => [r.name, r.skipReason]).sort()).toEqual(reading.map((n) => [n, "machine_learning_curated not in the lake's published tables"]));
    // Every other rule was evaluated.
    const others = setup.rules.filter((r) => !reading.includes(r.name)).map((r) => r.name);
    expect(others.filter((n) => !all.some((r) => r.name === n && r.status !== 'skip'))).toEqual([]);
  });
});
