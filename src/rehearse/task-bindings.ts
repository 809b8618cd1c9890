// Binds every Task of the synthesized definition to what it calls, by its Resource and the
// parameters the interpreter evaluated, never by the state's name: lambda:invoke and Lambda ARNs
// to the stack's functions (their deployed packages), glue:startJobRun(.sync) to the stack's Glue
// jobs, sns:publish to its topics, aws-sdk:sfn:listExecutions to the executions of the work
// folder, and the translated Distributed Maps to local Map Runs. A Task whose Resource no binding
// knows stops the rehearsal before it starts. Errors reach the state machine with the names Step
// Functions gives them (`Lambda.ResourceNotFoundException`, the function's errorType,
// `States.TaskFailed` for a failed Glue run), so that Retry and Catch meet what AWS would send.
import { randomUUID } from 'node:crypto';
import type { AlertTopicsStandIn } from './alert-topics-stand-in';
import { LOCAL_MAP_RUN_RESOURCE, type TranslatedMap } from './distributed-map-translation';
import type { ExecutionsStandIn } from './executions-stand-in';
import type { GlueJobStandIn } from './glue-job-stand-in';
import type { LambdaSandboxes } from './lambda-sandboxes';
import { RehearsalConfigError } from './rehearsal-config-error';
import { StatesError, type Json } from './state-machine-interpreter';
import type { AslDefinition, AslState } from './synthesized-lakehouse';

export type TaskHandler = (input: Json) => Promise<Json>;

export interface BoundServices {
  readonly lambdas: LambdaSandboxes;
  readonly glueJobs: GlueJobStandIn;
  readonly topics: AlertTopicsStandIn;
  readonly executions: ExecutionsStandIn;
  /** The local Map Run of a translated Distributed Map, by state name. */
  readonly mapRun: (name: string) => TaskHandler;
}

/** Step Functions' quota on the input or output of a state. */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

/** One Task and what it is bound to, for the rehearsal's record. */
export interface TaskBinding {
  readonly state: string;
  readonly resource: string;
  readonly binding: string;
}

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

/** What each known Resource is bound to: a description and the handler. */
function bindingFor(resource: string, services: BoundServices, state: string): { binding: string; handler: TaskHandler } | undefined {
  if (resource === 'arn:aws:states:::lambda:invoke') {
    return { binding: 'Lambda Invoke (RequestResponse) of the stack\'s function', handler: (input) => invokeIntegration(services.lambdas, input as Record<string, Json>) };
  }
  if (LAMBDA_ARN.test(resource)) {
    return { binding: 'the stack\'s Lambda function, called directly', handler: async (input) => invokeDirect(services.lambdas, resource, input) };
  }
  if (resource === 'arn:aws:states:::glue:startJobRun.sync' || resource === 'arn:aws:states:::glue:startJobRun') {
    const sync = resource.endsWith('.sync');
    return { binding: `the stack's Glue job, on the local Glue job stand-in${sync ? ', waited for' : ''}`, handler: (input) => startJobRun(services.glueJobs, input as Record<string, Json>, sync) };
  }
  if (resource === 'arn:aws:states:::sns:publish') {
    return { binding: 'the stack\'s SNS topic, on the local topic stand-in', handler: async (input) => callService('SNS', () => services.topics.publish(input as Record<string, string>)) };
  }
  if (resource === 'arn:aws:states:::aws-sdk:sfn:listExecutions') {
    return { binding: 'the executions of this work folder', handler: async (input) => callService('Sfn', () => services.executions.listExecutions(input as Record<string, never>) as unknown as Json) };
  }
  if (resource === LOCAL_MAP_RUN_RESOURCE) return { binding: 'a local Map Run of the Distributed Map', handler: services.mapRun(state) };
  return undefined;
}

/** The Task handlers of a translated definition and its Map processors, by state name. */
export function bindTasks(definition: AslDefinition, maps: readonly TranslatedMap[], services: BoundServices): { handlers: Record<string, TaskHandler>; bindings: TaskBinding[] } {
  const handlers: Record<string, TaskHandler> = {};
  const bindings: TaskBinding[] = [];
  const unbound: string[] = [];
  const visit = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === 'Parallel') for (const b of state.Branches as AslDefinition[]) visit(b.States);
      if (state.Type === 'Map') visit(((state.ItemProcessor ?? state.Iterator) as AslDefinition).States);
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      const bound = bindingFor(resource, services, name);
      if (!bound) {
        unbound.push(`${name}: ${resource}`);
        continue;
      }
      if (handlers[name] && bindings.find((b) => b.state === name)?.resource !== resource) unbound.push(`${name}: two Task states of this name call different resources`);
      handlers[name] = withPayloadLimit(name, bound.handler);
      bindings.push({ state: name, resource, binding: bound.binding });
    }
  };
  visit(definition.States);
  for (const m of maps) visit(m.processor.States);
  if (unbound.length) {
    throw new RehearsalConfigError(
      `the rehearsal has no local binding for these Task resources:\n${unbound.map((u) => `  - ${u}`).join('\n')}\n  bind them in src/rehearse/task-bindings.ts (and give them a stand-in), or say in the README why they cannot be rehearsed`,
    );
  }
  return { handlers, bindings };
}

function withPayloadLimit(state: string, handler: TaskHandler): TaskHandler {
  return async (input) => {
    const result = await handler(input);
    const size = Buffer.byteLength(JSON.stringify(result ?? null));
    if (size > STATE_PAYLOAD_LIMIT_BYTES) {
      throw new StatesError('States.DataLimitExceeded', `The state/task '${state}' returned a result with a size exceeding the maximum number of bytes service limit (${size} > ${STATE_PAYLOAD_LIMIT_BYTES}).`, false, false);
    }
    return result;
  };
}

async function callService(prefix: string, call: () => Json | Promise<Json>): Promise<Json> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof StatesError) throw e;
    throw new StatesError(`${prefix}.${(e as Error).name}`, (e as Error).message);
  }
}

/** arn:aws:states:::lambda:invoke: Invoke's response, the function's result in Payload. */
async function invokeIntegration(lambdas: LambdaSandboxes, input: Record<string, Json>): Promise<Json> {
  const name = input.FunctionName;
  if (typeof name !== 'string') throw new StatesError('States.TaskFailed', 'lambda:invoke needs a FunctionName');
  if (input.InvocationType !== undefined && input.InvocationType !== 'RequestResponse') {
    throw new StatesError('States.TaskFailed', `the rehearsal invokes Lambda functions synchronously only (InvocationType ${String(input.InvocationType)})`);
  }
  const payload = await invoke(lambdas, name, JSON.stringify(input.Payload ?? {}));
  const requestId = randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: { HttpHeaders: { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId }, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

async function invokeDirect(lambdas: LambdaSandboxes, resource: string, input: Json): Promise<Json> {
  return invoke(lambdas, resource, JSON.stringify(input));
}

async function invoke(lambdas: LambdaSandboxes, functionName: string, payload: string): Promise<Json> {
  let outcome;
  try {
    outcome = await lambdas.invoke(lambdas.resolve(functionName), payload);
  } catch (e) {
    throw new StatesError(`Lambda.${(e as Error).name}`, (e as Error).message);
  }
  if (outcome.ok) return JSON.parse(outcome.payload) as Json;
  if (outcome.errorType) throw new StatesError(outcome.errorType, outcome.payload);
  throw new StatesError('Lambda.Unknown', `The cause could not be determined because Lambda did not return an error type. Returned payload: ${outcome.payload}`);
}

/** arn:aws:states:::glue:startJobRun(.sync): the finished JobRun, or States.TaskFailed with it as the cause. */
async function startJobRun(glueJobs: GlueJobStandIn, input: Record<string, Json>, sync: boolean): Promise<Json> {
  if (typeof input.JobName !== 'string') throw new StatesError('States.TaskFailed', 'glue:startJobRun needs a JobName');
  const args = (input.Arguments ?? {}) as Record<string, Json>;
  for (const [k, v] of Object.entries(args)) if (typeof v !== 'string') throw new StatesError('Glue.InvalidInputException', `argument ${k} of ${input.JobName} must be a string (got ${JSON.stringify(v)})`);
  let run;
  try {
    run = await glueJobs.runJob(input.JobName, args as Record<string, string>);
  } catch (e) {
    throw new StatesError(`Glue.${(e as Error).name}`, (e as Error).message);
  }
  if (!sync) return { JobRunId: run.Id };
  if (run.JobRunState !== 'SUCCEEDED') throw new StatesError('States.TaskFailed', JSON.stringify(run));
  return run as unknown as Json;
}
