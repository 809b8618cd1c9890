// The Amazon States Language definition of the pipeline (write, audit, publish), built from the
// catalog's transforms: name the run, refuse to overlap another run, point the staging tables at
// the run's folders (what the validator and the Glue jobs then write through), validate every landing
// object (a Distributed Map per dataset, in parallel, each listing only its dataset's folder),
// build trusted, audit trusted, build curated (staged), audit curated, publish; a failing gate or
// step notifies the alert topic and fails the execution.
import type { BuiltZone, Transform } from '../../src/catalog/registry';
import { landingPrefix } from '../../src/catalog/run-layout';

export type AslState = Record<string, unknown> & { readonly Type: string };

export interface AslDefinition {
  readonly Comment: string;
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
}

export interface PipelineDefinitionProps {
  /** Environment name, shown in alert subjects. */
  readonly environment: string;
  readonly validatorArn: string;
  readonly gateArn: string;
  readonly publishArn: string;
  /** Transforms in build order (the registry's order). */
  readonly transforms: readonly Transform[];
  /** The Glue job of each transform, by table. */
  readonly jobNames: Readonly<Record<string, string>>;
  readonly landingBucket: string;
  /** The landing datasets: each is validated by its own Distributed Map over its folder. */
  readonly datasets: readonly string[];
  /** Where the Distributed Map writes its results. */
  readonly resultsBucket: string;
  readonly resultsPrefix: string;
  readonly alertTopicArn: string;
  /** Validator invocations at once, over all datasets (each dataset's Map gets its share). */
  readonly maxConcurrency: number;
}

/** State names the tests and the README refer to. */
export const STATE = {
  nameRunStart: 'Split start time',
  nameRun: 'Name the run',
  listRuns: 'List running executions',
  overlapping: 'Another run in progress?',
  refuseOverlap: 'Refuse to overlap',
  stage: "Stage the run's tables",
  validate: 'Validate landing objects',
  validateDataset: (dataset: string) => `Validate ${dataset}`,
  validateObject: (dataset: string) => `Validate one ${dataset} object`,
  audit: (zone: BuiltZone) => `Audit ${zone}`,
  gatePassed: (zone: BuiltZone) => `${zone[0].toUpperCase()}${zone.slice(1)} gate passed?`,
  notifyBlocked: (zone: BuiltZone) => `Notify blocked at ${zone}`,
  blocked: (zone: BuiltZone) => `Blocked at ${zone} gate`,
  build: (table: string) => `Build ${table}`,
  buildLevel: (zone: BuiltZone, level: number) => `Build ${zone} level ${level}`,
  publish: 'Publish',
  published: 'Published',
  notifyFailure: 'Notify failure',
  failed: 'Run failed',
} as const;

const LAMBDA_TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
const lambdaRetry = [{ ErrorEquals: LAMBDA_TRANSIENT, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 }];
const catchAll = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.notifyFailure }];

/**
 * The Label of a dataset's Distributed Map: Step Functions names the Map's child executions
 * `execution:<state machine>/<label>:<id>` (at most 40 characters, no spaces or special characters).
 */
export function mapLabel(dataset: string): string {
  const label = `validate-${dataset}`;
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(label)) throw new Error(`dataset ${dataset}: "${label}" is not a valid Distributed Map label (1-40 letters, digits, - or _)`);
  return label;
}

/**
 * The failure alert's text (an intrinsic function over the caught error and the context object):
 * the error's name and the execution to look it up in, nothing of the records.
 */
export function failureAlertMessage(environment: string): string {
  if (!/^[a-z0-9-]+$/.test(environment)) throw new Error(`environment ${JSON.stringify(environment)}: not usable in an alert template`);
  return `States.Format('The STEDI ${environment} run failed with {}; nothing of the run was published. The cause is in the history of execution {} (it is not sent here: it may quote records).', $.error.Error, $$.Execution.Id)`;
}

/** Groups a zone's transforms into levels: each level reads only earlier levels (or other zones). */
export function buildLevels(transforms: readonly Transform[], zone: BuiltZone): Transform[][] {
  const own = transforms.filter((t) => t.zone === zone);
  const levels: Transform[][] = [];
  const done = new Set<string>();
  let pending = own;
  while (pending.length) {
    const ready = pending.filter((t) => t.inputs.every((i) => done.has(i) || !own.some((o) => o.table.name === i)));
    if (!ready.length) throw new Error(`transforms of ${zone} read each other in a cycle: ${pending.map((t) => t.file).join(', ')}`);
    levels.push(ready);
    ready.forEach((t) => done.add(t.table.name));
    pending = pending.filter((t) => !ready.includes(t));
  }
  return levels;
}

export function pipelineDefinition(p: PipelineDefinitionProps): AslDefinition {
  const states: Record<string, AslState> = {};
  const jobTask = (t: Transform, next: string | undefined): AslState => ({
    Type: 'Task',
    Comment: `${t.file} -> ${t.table.name}, run-scoped`,
    Resource: 'arn:aws:states:::glue:startJobRun.sync',
    Parameters: { JobName: p.jobNames[t.table.name], Arguments: { '--run_id.$': '$.runId' } },
    ResultPath: null,
    Retry: [{ ErrorEquals: ['Glue.ConcurrentRunsExceededException', 'Glue.ThrottlingException'], IntervalSeconds: 30, MaxAttempts: 4, BackoffRate: 2 }],
    ...(next ? { Catch: catchAll, Next: next } : { End: true }),
  });

  /** Adds a zone's build states; returns the name of the first. */
  const addBuild = (zone: BuiltZone, after: string): string => {
    const levels = buildLevels(p.transforms, zone);
    if (!levels.length) return after;
    const names = levels.map((level, i) => (level.length === 1 ? STATE.build(level[0].table.name) : STATE.buildLevel(zone, i + 1)));
    levels.forEach((level, i) => {
      const next = i + 1 < levels.length ? names[i + 1] : after;
      states[names[i]] =
        level.length === 1
          ? jobTask(level[0], next)
          : {
              Type: 'Parallel',
              Branches: level.map((t) => ({ StartAt: STATE.build(t.table.name), States: { [STATE.build(t.table.name)]: jobTask(t, undefined) } })),
              ResultPath: null,
              Catch: catchAll,
              Next: next,
            };
    });
    return names[0];
  };

  const addGate = (zone: BuiltZone, onPass: string) => {
    states[STATE.audit(zone)] = {
      Type: 'Task',
      Comment: `Quality rules of the ${zone} zone on Athena (quality-rules/)`,
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: p.gateArn,
        Payload: { 'runId.$': '$.runId', zone, ...(zone === 'trusted' ? { 'validation.$': '$.validation' } : {}) },
      },
      ResultSelector: { 'passed.$': '$.Payload.passed', 'blocking.$': '$.Payload.blocking', 'report.$': '$.Payload.report' },
      ResultPath: `$.gates.${zone}`,
      Retry: lambdaRetry,
      Catch: catchAll,
      Next: STATE.gatePassed(zone),
    };
    states[STATE.gatePassed(zone)] = {
      Type: 'Choice',
      Choices: [{ Variable: `$.gates.${zone}.passed`, BooleanEquals: true, Next: onPass }],
      Default: STATE.notifyBlocked(zone),
    };
    states[STATE.notifyBlocked(zone)] = {
      Type: 'Task',
      Resource: 'arn:aws:states:::sns:publish',
      Parameters: {
        TopicArn: p.alertTopicArn,
        Subject: `STEDI ${p.environment}: run blocked at the ${zone} gate`,
        'Message.$': `States.JsonToString($.gates.${zone})`,
      },
      ResultPath: null,
      Next: STATE.blocked(zone),
    };
    states[STATE.blocked(zone)] = {
      Type: 'Fail',
      Error: 'GateBlocked',
      Cause: `A rule of the ${zone} gate failed; nothing of the run was published (see the gate report in the run's records).`,
    };
  };

  // Publish, then the curated side, then the trusted side: each part needs the name of the next.
  states[STATE.publish] = {
    Type: 'Task',
    Comment: 'Moves every trusted and curated table to the run, or none',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: p.publishArn, Payload: { 'runId.$': '$.runId' } },
    ResultSelector: { 'status.$': '$.Payload.status', 'record.$': '$.Payload.record' },
    ResultPath: '$.publish',
    Retry: lambdaRetry,
    Catch: catchAll,
    Next: STATE.published,
  };
  states[STATE.published] = { Type: 'Succeed' };
  addGate('curated', STATE.publish);
  const firstCurated = addBuild('curated', STATE.audit('curated'));
  addGate('trusted', firstCurated);
  const firstTrusted = addBuild('trusted', STATE.audit('trusted'));

  // Each dataset's Map lists its own folder only (ListObjectsV2 with Prefix): nothing outside the
  // datasets (Firehose's _errors/, stray uploads) is listed, paid for or validated. Child executions
  // are named after the Map's Label (execution:<machine>/<label>:<id>), which the orchestrator's
  // role names to describe and stop them.
  const perMap = Math.max(1, Math.floor(p.maxConcurrency / Math.max(1, p.datasets.length)));
  states[STATE.validate] = {
    Type: 'Parallel',
    Comment: 'Every landing object of every dataset through its record contract (ajv); valid records and quarantine go to run folders',
    Branches: p.datasets.map((dataset) => ({
      StartAt: STATE.validateDataset(dataset),
      States: {
        [STATE.validateDataset(dataset)]: {
          Type: 'Map',
          Label: mapLabel(dataset),
          ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: p.landingBucket, Prefix: landingPrefix(dataset) } },
          ItemSelector: { bucket: p.landingBucket, 'key.$': '$$.Map.Item.Value.Key', 'runId.$': '$.runId' },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: STATE.validateObject(dataset),
            States: {
              [STATE.validateObject(dataset)]: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Parameters: { FunctionName: p.validatorArn, 'Payload.$': '$' },
                OutputPath: '$.Payload',
                Retry: lambdaRetry,
                End: true,
              },
            },
          },
          MaxConcurrency: perMap,
          // Any object that cannot be validated fails the run: its records would be unaccounted for.
          ToleratedFailurePercentage: 0,
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: p.resultsBucket, Prefix: p.resultsPrefix } },
          // The branch's result is where its Map wrote the results: the gate reads every manifest.
          ResultSelector: { 'Bucket.$': '$.ResultWriterDetails.Bucket', 'Key.$': '$.ResultWriterDetails.Key' },
          End: true,
        },
      },
    })),
    ResultPath: '$.validation',
    Catch: catchAll,
    Next: firstTrusted,
  };

  // The alert names the error and the execution, never its cause or the run's state: a cause is a
  // step's error message (a Lambda's, a Glue job's), which may quote a record, and alert topics
  // reach mailboxes that Lake Formation does not govern. The execution history keeps the cause.
  states[STATE.notifyFailure] = {
    Type: 'Task',
    Resource: 'arn:aws:states:::sns:publish',
    Parameters: { TopicArn: p.alertTopicArn, Subject: `STEDI ${p.environment}: run failed`, 'Message.$': failureAlertMessage(p.environment) },
    ResultPath: null,
    Next: STATE.failed,
  };
  states[STATE.failed] = { Type: 'Fail', Error: 'RunFailed', Cause: 'A step of the run failed; nothing of the run was published.' };

  // The run id: the execution's start time to the millisecond (sortable), then random hex.
  states[STATE.nameRunStart] = {
    Type: 'Pass',
    Parameters: {
      'parts.$': "States.StringSplit($$.Execution.StartTime, '-:.')",
      'random.$': "States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0)",
    },
    ResultPath: '$.naming',
    Next: STATE.nameRun,
  };
  states[STATE.nameRun] = {
    Type: 'Pass',
    Parameters: {
      'runId.$':
        "States.Format('{}{}{}{}{}{}-{}', $.naming.parts[0], $.naming.parts[1], $.naming.parts[2], $.naming.parts[3], $.naming.parts[4], $.naming.parts[5], $.naming.random)",
    },
    Next: STATE.listRuns,
  };
  states[STATE.listRuns] = {
    Type: 'Task',
    Comment: 'Runs share the staging tables: only one may run at a time',
    Resource: 'arn:aws:states:::aws-sdk:sfn:listExecutions',
    Parameters: { 'StateMachineArn.$': '$$.StateMachine.Id', StatusFilter: 'RUNNING', MaxResults: 2 },
    ResultSelector: { 'running.$': '$.Executions' },
    ResultPath: '$.concurrency',
    Catch: catchAll,
    Next: STATE.overlapping,
  };
  states[STATE.overlapping] = {
    Type: 'Choice',
    Choices: [{ Variable: '$.concurrency.running[1]', IsPresent: true, Next: STATE.refuseOverlap }],
    Default: STATE.stage,
  };
  // Every staging table at the run's folders before the first write: the validator and the Glue
  // jobs read and write the run's data through these tables, so that Lake Formation decides.
  states[STATE.stage] = {
    Type: 'Task',
    Comment: 'Points every staging table (landing, trusted, curated) at the run\'s folders',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: p.gateArn, Payload: { 'runId.$': '$.runId', action: 'stage' } },
    ResultPath: null,
    Retry: lambdaRetry,
    Catch: catchAll,
    Next: STATE.validate,
  };
  states[STATE.refuseOverlap] = { Type: 'Fail', Error: 'RunInProgress', Cause: 'Another execution of the pipeline is running; this one did nothing.' };

  return {
    Comment: `STEDI ${p.environment}: validate, build trusted, audit, build curated (staged), audit, publish`,
    StartAt: STATE.nameRunStart,
    States: inReachOrder(STATE.nameRunStart, states),
  };
}

/** The states in the order a reader meets them from StartAt (the JSON reads top to bottom). */
function inReachOrder(start: string, states: Record<string, AslState>): Record<string, AslState> {
  const order: string[] = [];
  const queue = [start];
  while (queue.length) {
    const name = queue.shift()!;
    if (order.includes(name) || !states[name]) continue;
    order.push(name);
    queue.push(...nextStates(states[name]));
  }
  for (const name of Object.keys(states)) if (!order.includes(name)) order.push(name);
  return Object.fromEntries(order.map((n) => [n, states[n]]));
}

/** Every state a state can hand over to: Next, Default, each Choice's Next, each Catch's Next. */
export function nextStates(state: AslState): string[] {
  const out: string[] = [];
  if (typeof state.Next === 'string') out.push(state.Next);
  if (typeof state.Default === 'string') out.push(state.Default);
  for (const c of (state.Choices as { Next: string }[] | undefined) ?? []) out.push(c.Next);
  for (const c of (state.Catch as { Next: string }[] | undefined) ?? []) out.push(c.Next);
  return out;
}
