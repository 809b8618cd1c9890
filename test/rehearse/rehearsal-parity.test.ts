// The rehearsed AWS pipeline publishes what the local runner publishes: for several generated
// landing sets, the rows of every table the local Glue catalog points at after the execution equal
// the rows `stedi run` published from the same files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { runPipeline } from '../../src/pipeline/runner';
import { rehearse } from '../../src/rehearse/rehearsal';
import { STATE } from '../../stacks/orchestration/pipeline-definition';
import { runStedi } from '../support/child-run';
import { tempDir } from '../support/tmp';
import { entered, landingSet, rehearsedRows, runRows, synthOut } from './rehearsal-fixtures';

const catalog = loadCatalog();
const built = catalog.transforms.map((t) => t.table.name).sort();
const datasets = catalog.datasets.map((d) => d.dataset);

describe('a rehearsal publishes the row counts stedi run publishes', () => {
  it.each([
    [1, 'dev'],
    [2, 'prod'],
  ] as const)('generator seed %i, %s: SUCCEEDED through both gates, every published table with the same rows', async (seed, env) => {
    // Several objects per dataset: each Map Run runs several child executions at once.
    const g = await landingSet(seed, { filesPerDataset: 2 });
    const m = await runPipeline({ landing: g.dir, lake: tempDir() });
    expect(m.status).toBe('published');
    const r = await rehearse({ environment: env, landing: g.dir, work: tempDir('stedi-rehearsal-work-'), outDir: synthOut() });
    expect([r.status, r.error]).toEqual(['SUCCEEDED', undefined]);
    expect(Object.keys(r.tables).sort()).toEqual(built);
    expect(rehearsedRows(r)).toEqual(runRows(m, built));
    expect(rehearsedRows(r)).toEqual(Object.fromEntries(built.map((t) => [t, (g.expected.tables as Record<string, number>)[t]])));
    // Every table points at this run's folder, recorded by the publish Lambda.
    for (const t of Object.values(r.tables)) expect([t.runId, t.location.endsWith(`/run_id=${r.runId}/`)]).toEqual([r.runId, true]);
    expect(entered(r).slice(-2)).toEqual([STATE.publish, STATE.published]);
    expect(r.states.every((s) => s.status === 'succeeded')).toBe(true);
    // Each dataset's Distributed Map ran one child execution per object of its folder, its results where ResultWriter writes them.
    expect(r.states.find((s) => s.name === STATE.validate)!.type).toBe('Parallel');
    for (const dataset of datasets) {
      const map = r.states.find((s) => s.name === STATE.validateDataset(dataset))!;
      const files = g.files.filter((f) => f.dataset === dataset).length;
      expect([dataset, map.type, map.mapRun]).toMatchObject([dataset, 'Map', { executions: files, succeeded: files, failed: 0, aborted: 0 }]);
      expect(map.mapRun!.results).toMatch(new RegExp(`^s3://stedi-${env}-artifacts-\\d{12}/runs/validation/[0-9a-f-]{36}/manifest\\.json$`));
    }
    // The validator read landing and wrote validated records with credentials vended per table, as Lake Formation vends them.
    expect([...new Set(r.vendedCredentials.map((v) => `${v.table} ${v.permissions.join(',')}`))].sort()).toEqual(
      catalog.datasets.flatMap((d) => [`stedi_${env}_landing.${d.table.name} SELECT`, `stedi_${env}_staging.${d.table.name} INSERT`]).sort(),
    );
    expect(r.alerts).toEqual([]);
    expect(r.unsupportedCalls).toEqual([]);
  });

  it('through the CLI: stedi rehearse --json prints status, states and tables, and exits 0', async () => {
    const g = await landingSet(3);
    const m = await runPipeline({ landing: g.dir, lake: tempDir() });
    const work = tempDir('stedi-rehearsal-work-');
    const out = await runStedi(['rehearse', '--env', 'dev', '--landing', g.dir, '--work', work, '--out', synthOut(), '--json']);
    expect([out.code, out.stderr]).toEqual([0, '']);
    const json = JSON.parse(out.stdout) as { status: string; states: { name: string; status: string }[]; tables: Record<string, { rows: number }> };
    expect(json.status).toBe('SUCCEEDED');
    expect(json.states.map((s) => s.name)).toContain(STATE.validate);
    expect(Object.fromEntries(Object.entries(json.tables).map(([t, v]) => [t, v.rows]).sort())).toEqual(runRows(m, built));
    // The record of the execution and the Lambdas' logs stay in the work folder.
    const records = join(work, 'executions');
    expect(existsSync(records)).toBe(true);
    expect(readFileSync(join(work, 'logs', 'lambda', 'stedi-dev-validator.log'), 'utf8')).not.toMatch(/Runtime\.|Task timed out/);
  });
});
