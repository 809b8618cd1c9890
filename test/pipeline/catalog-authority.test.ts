// Recovery removes only what the lake catalog says was never published; a catalog that is gone,
// emptied, damaged or older than the runs beside it decides nothing: the run stops with an
// operator's error (exit 2) naming the lake and what was found, and every byte stays.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { runPipeline } from '../../src/pipeline/runner';
import { CatalogAuthorityError } from '../../src/pipeline/catalog-authority';
import { CatalogDamagedError } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { tempDir } from '../support/tmp';
import { hashTree } from '../support/lake';
import { runStedi } from '../support/child-run';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');

async function lakeWithPublishedRun() {
  const landing = tempDir();
  const lake = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  const first = await runPipeline({ landing, lake });
  expect(first.status).toBe('published');
  return { landing, lake, first, layout: new LakeLayout(lake) };
}

/** Every file of the lake but its catalog, with its bytes. */
const lakeBytes = (lake: string) => Object.fromEntries(Object.entries(hashTree(lake)).filter(([f]) => !f.startsWith('catalog.duckdb')));

describe('a lake whose catalog cannot decide: nothing is removed', () => {
  it('catalog.duckdb deleted beside a published run: the run stops (exit 2) naming the lake and the run, and the published data stays', async () => {
    const { landing, lake, first, layout } = await lakeWithPublishedRun();
    rmSync(layout.catalogFile);
    const before = lakeBytes(lake);
    const run = runPipeline({ landing, lake });
    await expect(run).rejects.toThrow(CatalogAuthorityError);
    await expect(run).rejects.toThrow(`lake ${layout.root}: its catalog ${layout.catalogFile} is missing, but the lake holds 1 run (${first.runId})`);
    expect(lakeBytes(lake)).toEqual(before);
    expect(existsSync(layout.catalogFile)).toBe(false);
    expect(existsSync(layout.lockFile)).toBe(false);

    const cli = await runStedi(['run', '--landing', landing, '--lake', lake, '--no-progress']);
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/^stedi: lake .*: its catalog .* is missing, but the lake holds 1 run .*nothing was removed and no run started/);
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    expect(lakeBytes(lake)).toEqual(before);
    expect(readdirSync(layout.runsDir)).toEqual([first.runId]);
  });

  it('catalog.duckdb replaced by an empty DuckDB file (a `duckdb catalog.duckdb` after it was lost): the run stops, nothing is removed', async () => {
    const { landing, lake, first, layout } = await lakeWithPublishedRun();
    rmSync(layout.catalogFile);
    (await DuckDBInstance.create(layout.catalogFile)).closeSync();
    const before = lakeBytes(lake);
    await expect(runPipeline({ landing, lake })).rejects.toThrow(
      `its catalog ${layout.catalogFile} holds no run history (emptied, or a DuckDB file stedi did not write), but the lake holds 1 run (${first.runId})`,
    );
    expect(lakeBytes(lake)).toEqual(before);
  });

  it('a catalog put back from an older copy: the newer published run it does not know is kept, and named', async () => {
    const { landing, lake, layout } = await lakeWithPublishedRun();
    const older = readFileSync(layout.catalogFile);
    const second = await runPipeline({ landing, lake });
    expect(second.status).toBe('published');
    writeFileSync(layout.catalogFile, older);
    rmSync(`${layout.catalogFile}.wal`, { force: true });
    const before = lakeBytes(lake);
    await expect(runPipeline({ landing, lake })).rejects.toThrow(`run ${second.runId} says it was published, but the catalog ${layout.catalogFile} does not know it`);
    expect(lakeBytes(lake)).toEqual(before);
  });

  for (const damage of ['garbage bytes', 'cut short', 'empty file'] as const) {
    it(`catalog.duckdb holding ${damage}: run, query and runs exit 2 naming the file, no stack trace, nothing removed`, async () => {
      const { landing, lake, layout } = await lakeWithPublishedRun();
      const good = readFileSync(layout.catalogFile);
      writeFileSync(layout.catalogFile, damage === 'garbage bytes' ? Buffer.from('not a database\n'.repeat(400)) : damage === 'cut short' ? good.subarray(0, 5000) : '');
      const before = lakeBytes(lake);
      await expect(runPipeline({ landing, lake })).rejects.toThrow(CatalogDamagedError);
      for (const args of [['run', '--landing', landing, '--no-progress'], ['query', 'SELECT 1'], ['runs']]) {
        const cli = await runStedi([...args, '--lake', lake]);
        expect([args[0], cli.code]).toEqual([args[0], 2]);
        expect(cli.stderr).toContain(`stedi: the lake catalog ${layout.catalogFile} cannot be read (`);
        expect(cli.stderr).toContain('it is damaged or not a DuckDB database. Nothing was changed.');
        expect(cli.stderr).not.toMatch(/\n\s+at |--debug/);
      }
      expect(lakeBytes(lake)).toEqual(before);
      expect(existsSync(layout.lockFile)).toBe(false);
    });
  }

  it('a first run that fails on a new lake leaves a catalog, so the next run may remove its unpublished data', async () => {
    const landing = tempDir();
    const lake = tempDir();
    cpSync(FIXTURE, landing, { recursive: true });
    const failing = runPipeline({ landing, lake, audit: async () => Promise.reject(new Error('audit broke')) });
    await expect(failing).rejects.toThrow('audit broke');
    const layout = new LakeLayout(lake);
    const [failedId] = readdirSync(layout.runsDir);
    expect(existsSync(layout.catalogFile)).toBe(true);
    const notices: string[] = [];
    const next = await runPipeline({ landing, lake, onEvent: (e) => e.kind === 'notice' && notices.push(e.message) });
    expect(next.status).toBe('published');
    expect(notices).toEqual([`removed the unpublished data of the failed run ${failedId}`]);
  });
});
