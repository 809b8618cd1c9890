// A rehearsal that a gate blocks ends FAILED at that gate, after the alert task, with every table
// the catalog publishes exactly as before (locations, versions, runs and the bytes under them):
// the same outcome `stedi run` has on the same files.
import type { RunManifest } from '../../src/pipeline/manifest';
import { runPipeline } from '../../src/pipeline/runner';
import { rehearse, type RehearsalResult } from '../../src/rehearse/rehearsal';
import { STATE } from '../../stacks/orchestration/pipeline-definition';
import { tempDir } from '../support/tmp';
import { entered, landingSet, publishedState, synthOut } from './rehearsal-fixtures';

const work = tempDir('stedi-rehearsal-work-');
const lake = tempDir('stedi-rehearsal-lake-');
let first: RehearsalResult;

beforeAll(async () => {
  const clean = await landingSet(7);
  expect((await runPipeline({ landing: clean.dir, lake })).status).toBe('published');
  first = await rehearse({ environment: 'dev', landing: clean.dir, work, outDir: synthOut() });
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
    const r = await rehearse({ environment: 'dev', landing: bad.dir, work, outDir: synthOut() });
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
    const r = await rehearse({ environment: 'dev', landing: small.dir, work, outDir: synthOut() });
    const blocking = expectBlockedAt(r, 'curated');
    expect(blocking).toEqual(m.problems);
    expect(entered(r)).toContain(STATE.build('machine_learning_curated'));
    expect(publishedState(r)).toEqual(before);
  });
});
