// What the graph test (test/stacks/state-machine.test.ts) cannot see, a rehearsal does: payload
// paths between states. Each definition here is the synthesized one with one slip a reviewer could
// miss; asl-validator and the gate-guard walk find nothing wrong with it, the rehearsal fails where
// Step Functions would, and nothing is published.
import aslValidator from 'asl-validator';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { rehearse } from '../../src/rehearse/rehearsal';
import { gateGuardViolations, passEdges } from '../../stacks/orchestration/gate-guards';
import { STATE, type AslDefinition } from '../../stacks/orchestration/pipeline-definition';
import { tempDir } from '../support/tmp';
import { entered, landingSet, synthOut } from './rehearsal-fixtures';

const STACK = 'stedi-dev-lakehouse';
const catalog = loadCatalog();

/** A copy of the synth output whose dev stack `change` edited (as parsed JSON). */
function editedSynth(change: (stack: any) => void): string {
  const out = join(tempDir('stedi-broken-synth-'), 'cdktf.out');
  cpSync(synthOut(), out, { recursive: true });
  const file = join(out, 'stacks', STACK, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  change(json);
  writeFileSync(file, JSON.stringify(json, null, 2));
  return out;
}

/** A copy of the synth output whose dev state machine definition `change` edited. */
function brokenSynth(change: (d: AslDefinition) => void): { out: string; definition: AslDefinition } {
  let definition!: AslDefinition;
  const out = editedSynth((json) => {
    const machines = json.resource.aws_sfn_state_machine;
    const name = Object.keys(machines)[0];
    definition = JSON.parse(machines[name].definition) as AslDefinition;
    change(definition);
    machines[name].definition = JSON.stringify(definition, null, 2);
  });
  return { out, definition };
}

/** Everything the graph test asserts about a definition, as one verdict. */
function graphTestFindings(d: AslDefinition): string[] {
  const result = aslValidator(structuredClone(d));
  const findings = [...(result.errors ?? []).map((e: { message?: string }) => `asl-validator: ${e.message}`)];
  findings.push(
    ...gateGuardViolations(d, {
      trusted: [STATE.build('customer_curated'), STATE.build('machine_learning_curated'), STATE.publish],
      curated: [STATE.publish],
    }).map((v) => v.problem),
  );
  for (const zone of ['trusted', 'curated'] as const) if (passEdges(d, zone).length !== 1) findings.push(`${zone}: ${passEdges(d, zone).length} pass edges`);
  return findings;
}

describe('a rehearsal catches what the graph test cannot', () => {
  it('the curated gate\'s result written where the trusted gate\'s goes: its Choice reads a path nobody wrote', async () => {
    const { out, definition } = brokenSynth((d) => {
      d.States[STATE.audit('curated')].ResultPath = '$.gates.trusted';
    });
    expect(graphTestFindings(definition)).toEqual([]);
    const r = await rehearse({ environment: 'dev', landing: (await landingSet(4)).dir, work: tempDir('stedi-rehearsal-work-'), outDir: out });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Runtime']);
    const last = r.states[r.states.length - 1];
    expect([last.name, last.status, last.cause]).toEqual([STATE.gatePassed('curated'), 'failed', "Path expression '$.gates.curated.passed' does not point to a value"]);
    expect(entered(r)).not.toContain(STATE.publish);
    expect(Object.values(r.tables).map((t) => t.runId)).toEqual(Object.values(r.tables).map(() => undefined));
  });

  it('the trusted gate still reads one Map\'s ResultWriterDetails, where validation is now a Parallel of Maps: the Audit state cannot build its payload', async () => {
    const { out, definition } = brokenSynth((d) => {
      const payload = (d.States[STATE.audit('trusted')].Parameters as { Payload: Record<string, string> }).Payload;
      payload['validation.$'] = '$.validation.ResultWriterDetails';
    });
    expect(graphTestFindings(definition)).toEqual([]);
    const r = await rehearse({ environment: 'dev', landing: (await landingSet(4)).dir, work: tempDir('stedi-rehearsal-work-'), outDir: out });
    expect([r.status, r.error]).toEqual(['FAILED', 'States.Runtime']);
    const last = r.states[r.states.length - 1];
    expect([last.name, last.status, last.cause]).toEqual([STATE.audit('trusted'), 'failed', "Path expression '$.validation.ResultWriterDetails' does not point to a value"]);
    // The gate ran once, for the Stage step; the audit never started (no report of it).
    expect(r.lambdaInvocations['stedi-dev-gate']).toBe(1);
    expect(existsSync(join(r.work, 's3', 'stedi-dev-artifacts-111111111111', 'runs', r.runId!, 'gate-trusted.json'))).toBe(false);
    expect(entered(r)).not.toContain(STATE.build('customer_curated'));
  });

  it('one dataset\'s Map lists the other environment\'s landing bucket: ItemReaderFailed, the other datasets\' Map Runs are stopped, nothing is built', async () => {
    let dataset = '';
    const { out, definition } = brokenSynth((d) => {
      const branch = (d.States[STATE.validate].Branches as AslDefinition[])[0];
      const map = branch.States[branch.StartAt] as unknown as { ItemReader: { Parameters: { Bucket: string } } };
      dataset = branch.StartAt.slice('Validate '.length);
      map.ItemReader.Parameters.Bucket = map.ItemReader.Parameters.Bucket.replace('stedi-dev-', 'stedi-prod-');
    });
    expect(graphTestFindings(definition)).toEqual([]);
    const g = await landingSet(4);
    const r = await rehearse({ environment: 'dev', landing: g.dir, work: tempDir('stedi-rehearsal-work-'), outDir: out });
    expect([r.status, r.error]).toEqual(['FAILED', 'RunFailed']);
    const failed = r.states.find((s) => s.name === STATE.validateDataset(dataset))!;
    expect([failed.status, failed.error, failed.cause]).toEqual(['failed', 'States.ItemReaderFailed', expect.stringMatching(/^Unable to list objects of s3:\/\/stedi-prod-landing-\d{12}\/\w+\/: The specified bucket does not exist/)]);
    expect(r.states.find((s) => s.name === STATE.validate)!.status).toBe('caught');
    // Step Functions stops the Parallel's other branches: their Map Runs end, their child executions aborted.
    for (const other of catalog.datasets.map((d) => d.dataset).filter((d) => d !== dataset)) {
      const map = r.states.find((s) => s.name === STATE.validateDataset(other))!;
      expect([other, map.status, map.mapRun?.succeeded, map.mapRun?.aborted]).toEqual([other, 'aborted', 0, g.files.filter((f) => f.dataset === other).length]);
    }
    expect(entered(r).slice(-2)).toEqual([STATE.notifyFailure, STATE.failed]);
    expect(r.glueJobRuns).toEqual([]);
  });

  it('a gate Lambda whose environment names a staging database the stack does not create: the wiring is rehearsed too', async () => {
    const out = editedSynth((json) => {
      const gate = Object.values(json.resource.aws_lambda_function as Record<string, any>).find((f) => f.function_name === 'stedi-dev-gate');
      const databases = JSON.parse(gate.environment.variables.STEDI_DATABASES);
      gate.environment.variables.STEDI_DATABASES = JSON.stringify({ ...databases, staging: `${databases.staging}_old` });
    });
    const r = await rehearse({ environment: 'dev', landing: (await landingSet(4)).dir, work: tempDir('stedi-rehearsal-work-'), outDir: out });
    expect([r.status, r.error]).toEqual(['FAILED', 'RunFailed']);
    // The first call that needs it is the Stage step's: nothing is validated into tables that were never staged.
    const stage = r.states.find((s) => s.name === STATE.stage)!;
    expect([stage.status, stage.error, JSON.parse(stage.cause!).errorMessage]).toEqual(['caught', 'EntityNotFoundException', 'Database stedi_dev_staging_old not found.']);
    expect(entered(r).slice(-2)).toEqual([STATE.notifyFailure, STATE.failed]);
    expect(entered(r)).not.toContain(STATE.validate);
  });
});
