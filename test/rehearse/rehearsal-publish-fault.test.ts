// Publish moves every trusted and curated table or none: a rehearsal whose publish fails half-way
// (Glue refuses the update of one curated table, after the trusted ones moved) ends FAILED through
// the failure alert, and the catalog points at the tables exactly as before.
import { loadCatalog } from '../../src/catalog/registry';
import { rehearse, type RehearsalResult } from '../../src/rehearse/rehearsal';
import { STATE } from '../../stacks/orchestration/pipeline-definition';
import { tempDir } from '../support/tmp';
import { entered, landingSet, publishedState, synthOut } from './rehearsal-fixtures';

const catalog = loadCatalog();
const trusted = catalog.transforms.filter((t) => t.zone === 'trusted').map((t) => t.table.name);
const curated = catalog.transforms.filter((t) => t.zone === 'curated').map((t) => t.table.name);

describe('a failure injected into publish half-way', () => {
  const work = tempDir('stedi-rehearsal-work-');
  let first: RehearsalResult;

  beforeAll(async () => {
    first = await rehearse({ environment: 'dev', landing: (await landingSet(7)).dir, work, outDir: synthOut() });
    expect(first.status).toBe('SUCCEEDED');
  }, 180_000);

  it('leaves every table where it was: the moved ones are moved back, the run fails through the failure alert', async () => {
    const before = publishedState(first);
    const refused = curated[0];
    const r = await rehearse({
      environment: 'dev',
      landing: (await landingSet(8)).dir,
      work,
      outDir: synthOut(),
      faults: { updateTable: [{ database: first.tables[refused].database, table: refused }] },
    });
    expect([r.status, r.error]).toEqual(['FAILED', 'RunFailed']);
    const publish = r.states.find((s) => s.name === STATE.publish)!;
    expect([publish.status, publish.error]).toEqual(['caught', 'PublishError']);
    expect(JSON.parse(publish.cause!).errorMessage).toMatch(new RegExp(`^run ${r.runId} was not published: publish failed at stedi_dev_curated\\.${refused}: .*Every table is back where it was`));
    expect(entered(r).slice(-3)).toEqual([STATE.publish, STATE.notifyFailure, STATE.failed]);
    expect(r.alerts.map((a) => a.subject)).toEqual(['STEDI dev: run failed']);
    // The error and the execution, not the cause (it may quote records) nor the run's state.
    expect(r.alerts[0].message).toBe(
      `The STEDI dev run failed with PublishError; nothing of the run was published. The cause is in the history of execution ${r.execution} (it is not sent here: it may quote records).`,
    );
    // Half-way: each trusted table moved to the run and back; the refused one never moved.
    const moves = r.catalogUpdates.filter((u) => u.database !== 'stedi_dev_staging').map((u) => `${u.table} -> ${u.location?.includes(`run_id=${r.runId}`) ? 'run' : 'back'}`);
    expect(moves).toEqual([...trusted.map((t) => `${t} -> run`), ...[...trusted].reverse().map((t) => `${t} -> back`)]);
    expect(publishedState(r)).toEqual({ ...before, tables: Object.fromEntries(Object.entries(before.tables).map(([t, p]) => [t, { ...p, version: trusted.includes(t) ? String(Number(p.version) + 2) : p.version }])) });
  });
});
