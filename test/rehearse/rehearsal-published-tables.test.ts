// What the catalog publishes across rehearsals in one work folder (one account), run after run:
// a rehearsal a gate blocks ends FAILED at that gate, after the alert, with every published table
// exactly as before (locations, versions, runs and the bytes under them), as `stedi run` blocks on
// the same files; a failure injected into publish half-way moves the moved tables back; and the
// next publish marks the run folders those runs left behind for lifecycle to expire, never the live
// run's or its rollback target's.
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { EXPIRY_TAG, runRecordKey, tablePrefix } from '../../src/catalog/run-layout';
import type { RunManifest } from '../../src/pipeline/manifest';
import { runPipeline } from '../../src/pipeline/runner';
import { LocalS3 } from '../../src/rehearse/local-s3';
import { rehearse, type RehearsalResult } from '../../src/rehearse/rehearsal';
import { STATE } from '../../stacks/orchestration/pipeline-definition';
import { tempDir } from '../support/tmp';
import { entered, landingSet, publishedState, synthOut } from './rehearsal-fixtures';

const catalog = loadCatalog();
const trusted = catalog.transforms.filter((t) => t.zone === 'trusted').map((t) => t.table.name);
const curated = catalog.transforms.filter((t) => t.zone === 'curated').map((t) => t.table.name);

const work = tempDir('stedi-rehearsal-work-');
const lake = tempDir('stedi-rehearsal-lake-');
/** Each rehearsal of this work folder, in order. */
const runs: RehearsalResult[] = [];
const rehearsal = async (landing: string, faults?: Parameters<typeof rehearse>[0]['faults']) => {
  const r = await rehearse({ environment: 'dev', landing, work, outDir: synthOut(), ...(faults ? { faults } : {}) });
  runs.push(r);
  return r;
};
let first: RehearsalResult;

beforeAll(async () => {
  const clean = await landingSet(7);
  expect((await runPipeline({ landing: clean.dir, lake })).status).toBe('published');
  first = await rehearsal(clean.dir);
  expect(first.status).toBe('SUCCEEDED');
}, 180_000);

/** The gates `stedi run` evaluated (a gate after the one that blocked is recorded as skipped). */
const evaluatedGates = (m: RunManifest) => Object.entries(m.gates).filter(([, g]) => !g.skipped).map(([zone]) => zone);

/** The blocked-gate shape: the gate's Choice took its default, the alert went out, the Fail state ended the execution. */
function expectBlockedAt(r: RehearsalResult, zone: 'trusted' | 'curated') {
  expect([r.status, r.error]).toEqual(['FAILED', 'GateBlocked']);
  const names = entered(r);
  expect(names.slice(-3)).toEqual([STATE.gatePassed(zone), STATE.notifyBlocked(zone), STATE.blocked(zone)]);
  expect(r.states.find((s) => s.name === STATE.notifyBlocked(zone))!.status).toBe('succeeded');
  expect(names).not.toContain(STATE.publish);
  expect(r.alerts.map((a) => a.subject)).toEqual([`STEDI dev: run blocked at the ${zone} gate`]);
  // The alert carries the gate's outcome as the state machine passed it on.
  const message = JSON.parse(r.alerts[0].message) as { passed: boolean; blocking: string[] };
  expect(message.passed).toBe(false);
  return message.blocking;
}

describe('a blocked rehearsal changes nothing that was published', () => {
  it('a serial number shared by two consenting customers: FAILED at the trusted gate, where stedi run blocks it too', async () => {
    const bad = await landingSet(7, { defects: { sharedSerials: 1 } });
    const m = await runPipeline({ landing: bad.dir, lake });
    expect([m.status, evaluatedGates(m)]).toEqual(['blocked', ['trusted']]);
    const before = publishedState(first);
    const r = await rehearsal(bad.dir);
    const blocking = expectBlockedAt(r, 'trusted');
    // The rule that blocks is a landing rule, so the trusted audit runs it: the curated jobs never start.
    expect(blocking).toEqual(m.problems);
    expect(blocking).toEqual([expect.stringMatching(/^FAIL serial_number_shared_by_customers: found 1 row \(0 allowed\)/)]);
    expect(entered(r)).not.toContain(STATE.build('customer_curated'));
    expect(publishedState(r)).toEqual(before);
  });

  it('a landing set whose curated audit fails (curated tables shrink by more than half): FAILED at the curated gate', async () => {
    const small = await landingSet(7, { customers: 5 });
    const m = await runPipeline({ landing: small.dir, lake });
    expect([m.status, evaluatedGates(m)]).toEqual(['blocked', ['trusted', 'curated']]);
    const before = publishedState(first);
    const r = await rehearsal(small.dir);
    const blocking = expectBlockedAt(r, 'curated');
    expect(blocking).toEqual(m.problems);
    expect(entered(r)).toContain(STATE.build('machine_learning_curated'));
    expect(publishedState(r)).toEqual(before);
  });
});

describe('a failure injected into publish half-way', () => {
  it('leaves every table where it was: the moved ones are moved back, the run fails through the failure alert', async () => {
    const before = publishedState(first);
    const refused = curated[0];
    const r = await rehearsal((await landingSet(8)).dir, { updateTable: [{ database: first.tables[refused].database, table: refused }] });
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

describe('the next publish', () => {
  it('marks the run folders and records of the runs that did not publish for expiry, never the live run\'s or its rollback target\'s', async () => {
    const [published, ...unpublished] = runs;
    expect(unpublished.map((r) => r.status)).toEqual(['FAILED', 'FAILED', 'FAILED']);
    const r = await rehearsal((await landingSet(9)).dir);
    expect(r.status).toBe('SUCCEEDED');
    expect(Object.values(r.tables).map((t) => t.runId)).toEqual(Object.values(r.tables).map(() => r.runId));

    const s3 = new LocalS3(join(work, 's3'));
    const expiring = (bucket: string, key: string) => s3.tags(bucket, key)[EXPIRY_TAG.key] === EXPIRY_TAG.value;
    // Every run folder of a built table, by run: marked or not.
    const folders: Record<string, boolean[]> = {};
    for (const t of catalog.transforms) {
      const bucket = `stedi-dev-${t.zone}-111111111111`;
      for (const o of s3.list(bucket, tablePrefix(t.table.name))) {
        const run = /run_id=([^/]+)\//.exec(o.key)?.[1];
        if (run) (folders[run] ??= []).push(expiring(bucket, o.key));
      }
    }
    const marked = (runId: string | undefined) => [...new Set(folders[runId!] ?? [])];
    // Live and rollback target: nothing marked. Every run that never published: everything it wrote marked.
    expect([marked(r.runId), marked(published.runId)]).toEqual([[false], [false]]);
    for (const u of unpublished) expect([u.runId, marked(u.runId)]).toEqual([u.runId, [true]]);
    expect(Object.keys(folders).sort()).toEqual(runs.map((x) => x.runId!).sort());

    // Publish records: the failed publish's marked, the live one's and the rollback target's kept; gate reports are written marked.
    const artifacts = 'stedi-dev-artifacts-111111111111';
    const failedPublish = unpublished[2];
    expect([r, published, failedPublish].map((x) => expiring(artifacts, runRecordKey(x.runId!, 'publish.json')))).toEqual([false, false, true]);
    for (const x of runs) expect([x.runId, expiring(artifacts, runRecordKey(x.runId!, 'gate-trusted.json'))]).toEqual([x.runId, true]);
  });
});
