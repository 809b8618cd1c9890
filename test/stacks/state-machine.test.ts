// The synthesized pipeline state machine: a valid ASL definition (asl-validator), and a graph in
// which the curated jobs and publish are reachable only through a passing gate.
import aslValidator from 'asl-validator';
import { allStates, edgesOf, gateGuardViolations, passEdges, reachableStates } from '../../stacks/orchestration/gate-guards';
import { STATE, type AslDefinition } from '../../stacks/orchestration/pipeline-definition';
import { AWS_RUN_ID_PATTERN } from '../../src/catalog/run-layout';
import { policyOf, resources } from '../../stacks/checks/terraform-json';
import { decide, roleModels } from './iam-model';
import { synthesize, type Synthesized } from './synthesized';

let synth: Synthesized;
const definitions: Record<string, AslDefinition> = {};

beforeAll(() => {
  synth = synthesize();
  for (const env of ['dev', 'prod']) {
    definitions[env] = JSON.parse(String(synth.resource(`stedi-${env}-lakehouse`, 'aws_sfn_state_machine').definition));
  }
});

// asl-validator fills in defaults (QueryLanguage) on the object it is given: hand it a copy.
const validate = (d: unknown) => aslValidator(structuredClone(d));

/** Every simple path from StartAt to `target` over top-level states, each as the edges it takes. */
function paths(def: AslDefinition, target: string): string[][] {
  const out: string[][] = [];
  const walk = (name: string, seen: Set<string>, taken: string[]) => {
    if (name === target) {
      out.push(taken);
      return;
    }
    for (const e of edgesOf(name, def.States[name])) {
      if (seen.has(e.to)) continue;
      walk(e.to, new Set([...seen, e.to]), [...taken, `${e.from} --${e.via}--> ${e.to}`]);
    }
  };
  walk(def.StartAt, new Set([def.StartAt]), []);
  return out;
}

describe('the pipeline state machine', () => {
  it.each(['dev', 'prod'])('the %s definition passes asl-validator', (env) => {
    const result = validate(definitions[env]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('asl-validator rejects a definition with a dangling transition (the validator is really checking)', () => {
    const broken = structuredClone(definitions.dev);
    (broken.States[STATE.publish] as Record<string, unknown>).Next = 'Nowhere';
    expect(validate(broken).isValid).toBe(false);
  });

  it('runs the steps in the write-audit-publish order, the transforms in build order', () => {
    const d = definitions.dev;
    const startup: string[] = [];
    for (let name: string | undefined = d.StartAt; name && d.States[name].Type !== 'Choice'; name = d.States[name].Next as string | undefined) startup.push(name);
    expect(startup).toEqual(['Split start time', 'Name the run', 'List running executions']);
    // A second running execution (the list holds this one and another) refuses; otherwise validation starts.
    expect(d.States['Another run in progress?']).toEqual({
      Type: 'Choice',
      Choices: [{ Variable: '$.concurrency.running[1]', IsPresent: true, Next: 'Refuse to overlap' }],
      Default: "Stage the run's tables",
    });
    expect(d.States["Stage the run's tables"]).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'arn:aws:lambda:eu-west-1:111111111111:function:stedi-dev-gate', Payload: { 'runId.$': '$.runId', action: 'stage' } },
      ResultPath: null,
      Next: 'Validate landing objects',
    });
    const happy: string[] = [];
    for (let name: string | undefined = STATE.validate; name; ) {
      happy.push(name);
      const s: Record<string, unknown> = d.States[name];
      name = s.Type === 'Choice' ? (passEdges(d, name === STATE.gatePassed('trusted') ? 'trusted' : 'curated')[0]?.to as string) : (s.Next as string | undefined);
    }
    expect(happy).toEqual([
      'Validate landing objects',
      'Build customer_trusted',
      'Build accelerometer_trusted',
      'Build step_trainer_trusted',
      'Audit trusted',
      'Trusted gate passed?',
      'Build customer_curated',
      'Build machine_learning_curated',
      'Audit curated',
      'Curated gate passed?',
      'Publish',
      'Published',
    ]);
  });

  it('every path from the start to Publish passes both gates on "passed" (walking every simple path of the graph)', () => {
    for (const env of ['dev', 'prod']) {
      const d = definitions[env];
      const toPublish = paths(d, STATE.publish);
      // The one way there: both gates passed, after the curated tables were built.
      expect(toPublish).toHaveLength(1);
      for (const p of toPublish) {
        expect(p).toContain('Trusted gate passed? --Choices[0]--> Build customer_curated');
        expect(p).toContain('Curated gate passed? --Choices[0]--> Publish');
      }
      for (const job of ['Build customer_curated', 'Build machine_learning_curated']) {
        for (const p of paths(d, job)) expect(p).toContain('Trusted gate passed? --Choices[0]--> Build customer_curated');
      }
    }
  });

  it('cutting a gate\'s "passed" edge leaves the curated jobs and Publish unreachable', () => {
    const d = definitions.dev;
    const withoutTrusted = reachableStates(d, passEdges(d, 'trusted'));
    expect(['Build customer_curated', 'Build machine_learning_curated', 'Audit curated', 'Publish'].filter((s) => withoutTrusted.has(s))).toEqual([]);
    const withoutCurated = reachableStates(d, passEdges(d, 'curated'));
    expect(withoutCurated.has('Build machine_learning_curated')).toBe(true);
    expect(withoutCurated.has('Publish')).toBe(false);
    expect(gateGuardViolations(d, { trusted: ['Build customer_curated', 'Build machine_learning_curated', 'Publish'], curated: ['Publish'] })).toEqual([]);
  });

  it('a gate whose default continues would be caught by the same walk', () => {
    const d = structuredClone(definitions.dev);
    d.States[STATE.gatePassed('curated')].Default = STATE.publish;
    expect(gateGuardViolations(d, { curated: [STATE.publish] })).toEqual([{ problem: 'Publish is reachable without passing the curated gate' }]);
  });

  it('a blocked gate notifies the alert topic and fails the execution; any failing step notifies and fails', () => {
    const d = definitions.dev;
    for (const zone of ['trusted', 'curated'] as const) {
      expect(d.States[STATE.gatePassed(zone)].Default).toBe(STATE.notifyBlocked(zone));
      expect(d.States[STATE.notifyBlocked(zone)]).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::sns:publish',
        Parameters: { TopicArn: 'arn:aws:sns:eu-west-1:111111111111:stedi-dev-pipeline-alerts', Subject: `STEDI dev: run blocked at the ${zone} gate` },
        Next: STATE.blocked(zone),
      });
      expect(d.States[STATE.blocked(zone)]).toMatchObject({ Type: 'Fail', Error: 'GateBlocked' });
    }
    const tasks = Object.entries(d.States).filter(([n, s]) => ['Task', 'Map', 'Parallel'].includes(s.Type) && !n.startsWith('Notify'));
    for (const [name, s] of tasks) expect(`${name}: ${JSON.stringify(s.Catch)}`).toBe(`${name}: ${JSON.stringify([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.notifyFailure }])}`);
    expect(d.States[STATE.failed]).toEqual({ Type: 'Fail', Error: 'RunFailed', Cause: 'A step of the run failed; nothing of the run was published.' });
    // The failure alert sends the error's name and the execution, never the cause (a step's error
    // message, which may quote a record) nor the run's state (validation reasons, gate results).
    for (const env of ['dev', 'prod'] as const) {
      const message = (definitions[env].States[STATE.notifyFailure].Parameters as Record<string, unknown>)['Message.$'];
      expect(message).toBe(
        `States.Format('The STEDI ${env} run failed with {}; nothing of the run was published. The cause is in the history of execution {} (it is not sent here: it may quote records).', $.error.Error, $$.Execution.Id)`,
      );
    }
  });

  it('validates landing with one Distributed Map per dataset, each listing only its folder, failing on any lost object', () => {
    const validate = definitions.prod.States[STATE.validate] as Record<string, any>;
    expect(validate).toMatchObject({ Type: 'Parallel', ResultPath: '$.validation' });
    expect(validate.Branches.map((b: any) => b.StartAt)).toEqual(['Validate accelerometer', 'Validate customer', 'Validate step_trainer']);
    for (const dataset of ['customer', 'accelerometer', 'step_trainer']) {
      const branch = validate.Branches.find((b: any) => b.StartAt === STATE.validateDataset(dataset));
      expect(branch.States[STATE.validateDataset(dataset)]).toMatchObject({
        Type: 'Map',
        Label: `validate-${dataset}`,
        ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'stedi-prod-landing-222222222222', Prefix: `${dataset}/` } },
        ItemSelector: { bucket: 'stedi-prod-landing-222222222222', 'key.$': '$$.Map.Item.Value.Key', 'runId.$': '$.runId' },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
        // The validator's 50 concurrent invocations, shared among three datasets.
        MaxConcurrency: 16,
        ToleratedFailurePercentage: 0,
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'stedi-prod-artifacts-222222222222', Prefix: 'runs/validation' } },
        ResultSelector: { 'Bucket.$': '$.ResultWriterDetails.Bucket', 'Key.$': '$.ResultWriterDetails.Key' },
        End: true,
      });
      expect(allStates(definitions.prod)[STATE.validateObject(dataset)].Parameters).toEqual({ FunctionName: 'arn:aws:lambda:eu-west-1:222222222222:function:stedi-prod-validator', 'Payload.$': '$' });
    }
    // The trusted gate gets every Map's result location.
    expect((definitions.prod.States[STATE.audit('trusted')].Parameters as any).Payload['validation.$']).toBe('$.validation');
  });

  it('lets the orchestrator list only the dataset folders and describe and stop each Map\'s child executions (execution:<machine>/<label>:<id>)', async () => {
    const role = synth.app.stacks.find((s) => s.name === 'stedi-prod-lakehouse')!;
    const policy = resources(role, 'aws_iam_role_policy').find((r) => r.name.startsWith('pipeline_role'))!;
    const statements = policyOf(role, policy.body.policy).Statement;
    expect(statements.find((s) => s.Sid === 'WatchMapChildren')!.Resource).toEqual(
      ['accelerometer', 'customer', 'step_trainer'].map((d) => `arn:aws:states:eu-west-1:222222222222:execution:stedi-prod-pipeline/validate-${d}:*`),
    );
    expect(statements.find((s) => s.Sid === 'ListLandingObjects')!.Condition).toEqual({ StringEquals: { 's3:prefix': ['accelerometer/', 'customer/', 'step_trainer/'] } });
    const orchestrator = roleModels(synth.app).find((r) => r.name === 'stedi-prod-lake-orchestrator')!;
    const child = 'arn:aws:states:eu-west-1:222222222222:execution:stedi-prod-pipeline/validate-accelerometer:0f1e2d3c-aaaa-bbbb-cccc-123456789012';
    expect(await decide(orchestrator, { action: 'states:StopExecution', resource: child })).toBe('Allowed');
    expect(await decide(orchestrator, { action: 'states:DescribeExecution', resource: child })).toBe('Allowed');
    expect(await decide(orchestrator, { action: 's3:ListBucket', resource: 'arn:aws:s3:::stedi-prod-landing-222222222222', context: { 's3:prefix': '_errors/' } })).toBe('ImplicitlyDenied');
    expect(await decide(orchestrator, { action: 's3:ListBucket', resource: 'arn:aws:s3:::stedi-prod-landing-222222222222', context: { 's3:prefix': 'customer/' } })).toBe('Allowed');
  });

  it('runs each Glue job with the run id, synchronously', () => {
    expect(definitions.dev.States['Build step_trainer_trusted']).toMatchObject({
      Resource: 'arn:aws:states:::glue:startJobRun.sync',
      Parameters: { JobName: 'stedi-dev-step-trainer-trusted', Arguments: { '--run_id.$': '$.runId' } },
      ResultPath: null,
    });
  });

  it('names each run after its start time, sortable, in the shape the run-layout contract expects', () => {
    const d = definitions.dev;
    expect(d.States[STATE.nameRunStart].Parameters).toEqual({
      'parts.$': "States.StringSplit($$.Execution.StartTime, '-:.')",
      'random.$': "States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0)",
    });
    // What the intrinsics compute for a start time and a UUID, done by hand:
    const parts = '2024-01-02T03:04:05.123Z'.split(/[-:.]/);
    const random = '0a1b2c3d-1111-4222-8333-444455556666'.split('-')[0];
    const format = String((d.States[STATE.nameRun].Parameters as Record<string, string>)['runId.$']);
    expect(format.startsWith("States.Format('{}{}{}{}{}{}-{}'")).toBe(true);
    const runId = `${parts.join('')}-${random}`;
    expect(runId).toBe('20240102T030405123Z-0a1b2c3d');
    expect(runId).toMatch(AWS_RUN_ID_PATTERN);
  });

  it('is configured to log ALL with execution data to its encrypted log group, and to trace', () => {
    const m = synth.resource('stedi-dev-lakehouse', 'aws_sfn_state_machine');
    expect(m.logging_configuration).toEqual({ include_execution_data: true, level: 'ALL', log_destination: '${aws_cloudwatch_log_group.pipeline_logs_group_27847369.arn}:*' });
    expect(m.tracing_configuration).toEqual({ enabled: true });
    expect(m.name).toBe('stedi-dev-pipeline');
    expect(m.type).toBe('STANDARD');
  });
});
