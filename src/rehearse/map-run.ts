// The rehearsal's Map Run: what Step Functions does for a Distributed Map state, carried out
// locally. It reads the items (ItemReader s3:listObjectsV2 on the S3 stand-in, or ItemsPath),
// evaluates ItemSelector per item and batches them (ItemBatcher) with the interpreter, runs each
// item as a child execution of the ItemProcessor in the interpreter (at most MaxConcurrency at
// once, each with its own $$.Execution as Distributed mode gives it), fails with
// States.ExceedToleratedFailureThreshold past the tolerated failures, and writes the results as
// ResultWriter does: SUCCEEDED_0.json, FAILED_0.json, PENDING_0.json and a manifest.json under
// <Prefix>/<map run id>/, returning { MapRunArn, ResultWriterDetails: { Bucket, Key } }. When a
// state it runs inside fails (a Parallel whose other branch failed), the Map Run is stopped as
// Step Functions stops it: no child starts, running ones are aborted, no results are written.
import { randomUUID } from 'node:crypto';
import type { RunOptions } from 'aws-local-stepfunctions';
import type { TranslatedMap } from './distributed-map-translation';
import type { LocalS3 } from './local-s3';
import { evaluatePath, evaluateTemplate, executionFailure, stateMachine, StatesError, type ExecutionContext, type InterpreterEvent, type Json } from './state-machine-interpreter';

/** One child execution as ResultWriter exports it. */
export interface ChildExecution {
  readonly ExecutionArn: string;
  readonly StateMachineArn: string;
  readonly Name: string;
  Status: 'SUCCEEDED' | 'FAILED' | 'PENDING' | 'ABORTED';
  readonly Input: string;
  readonly InputDetails: { readonly Included: true };
  Output?: string;
  OutputDetails?: { readonly Included: true };
  Error?: string;
  Cause?: string;
  StartDate: number;
  StopDate?: number;
  readonly RedriveCount: 0;
  RedriveStatus?: string;
}

/** What a Map Run did, for the rehearsal's summary. */
export interface MapRunRecord {
  readonly state: string;
  readonly mapRunArn: string;
  readonly items: number;
  readonly executions: readonly ChildExecution[];
  /** Per state of the child executions: how often it was entered and how often it failed. */
  readonly childStates: Readonly<Record<string, { entered: number; failed: number }>>;
  readonly resultWriter?: { readonly bucket: string; readonly key: string };
  /** Set when the Map Run was stopped before it finished (a state it runs inside failed). */
  readonly aborted?: boolean;
}

/** A Map Run in progress. */
interface RunningMapRun {
  readonly state: string;
  readonly within: readonly string[];
  abort(): void;
}

/**
 * The Map Runs of one rehearsal in progress: Step Functions stops a Map Run when a state it runs
 * inside fails, or the execution ends; the interpreter cannot tell a Task handler, so the
 * rehearsal does (`stopWithin`, `stopAll`), and waits for every Map Run to end before it shuts the
 * stand-ins down.
 */
export class MapRuns {
  private readonly running = new Set<RunningMapRun>();
  private readonly ending = new Set<Promise<unknown>>();

  /** Stops every Map Run that runs inside `state` (a Parallel or Map that failed, a Map Run that was stopped). */
  stopWithin(state: string): void {
    for (const r of [...this.running]) if (r.within.includes(state)) r.abort();
  }

  stopAll(): void {
    for (const r of [...this.running]) r.abort();
  }

  /** Resolves once no Map Run is running. */
  async ended(): Promise<void> {
    while (this.ending.size) await Promise.allSettled([...this.ending]);
  }

  /** @internal (createMapRun) */
  track(run: RunningMapRun, done: Promise<unknown>): void {
    this.running.add(run);
    const end = done.finally(() => {
      this.running.delete(run);
      this.ending.delete(end);
    });
    end.catch(() => undefined);
    this.ending.add(end);
  }
}

export interface MapRunOptions {
  readonly map: TranslatedMap;
  readonly s3: LocalS3;
  readonly region: string;
  readonly account: string;
  readonly stateMachine: { readonly arn: string; readonly name: string };
  readonly roleArn: string;
  /** The parent execution's context object. */
  readonly context: ExecutionContext;
  /** The Task handlers (by state name) the child executions run with. */
  readonly overrides: () => NonNullable<RunOptions['overrides']>;
  readonly onRecord: (record: MapRunRecord) => void;
  /** The rehearsal's Map Runs in progress, which stops this one when a state it runs inside fails. */
  readonly runs: MapRuns;
}

/** Step Functions' concurrency for a Distributed Map whose MaxConcurrency is 0 (unlimited), capped for one machine. */
const UNLIMITED_LOCAL_CONCURRENCY = 40;

export function createMapRun(options: MapRunOptions): (input: Json) => Promise<Json> {
  const { map } = options;
  const state = map.state as Record<string, any>;
  const processor = stateMachine(map.processor, false);
  const label = String(state.Label ?? map.name).replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40);

  return (input) => {
    let abort = () => {};
    const run: RunningMapRun = { state: map.name, within: map.within, abort: () => abort() };
    const done = execute(input, (stop) => (abort = stop));
    options.runs.track(run, done);
    return done;
  };

  async function execute(input: Json, onAbort: (stop: () => void) => void): Promise<Json> {
    const ctx = options.context;
    let aborted = false;
    const runningChildren = new Set<() => void>();
    onAbort(() => {
      if (aborted) return;
      aborted = true;
      for (const stop of runningChildren) stop();
      // What runs inside this Map (a nested Map Run in a child execution) stops with it.
      options.runs.stopWithin(map.name);
    });
    const id = randomUUID();
    const mapRunArn = `arn:aws:states:${options.region}:${options.account}:mapRun:${options.stateMachine.name}/${label}:${id}`;
    const items = await readItems(state, input, ctx, options.s3);
    const selector = state.ItemSelector ?? state.Parameters;
    const selected: Json[] = [];
    for (const [index, value] of items.entries()) {
      selected.push(selector === undefined ? value : await evaluateTemplate(selector, input, { ...ctx, Map: { Item: { Index: index, Value: value } } }));
    }
    const units = state.ItemBatcher ? await batches(state.ItemBatcher, selected, input, ctx) : selected;

    const number = async (field: string, pathField: string): Promise<number | undefined> =>
      state[pathField] !== undefined ? Number(await evaluatePath(state[pathField], input, ctx)) : state[field] !== undefined ? Number(state[field]) : undefined;
    const maxConcurrency = (await number('MaxConcurrency', 'MaxConcurrencyPath')) || UNLIMITED_LOCAL_CONCURRENCY;
    const toleratedCount = await number('ToleratedFailureCount', 'ToleratedFailureCountPath');
    const toleratedPercent = await number('ToleratedFailurePercentage', 'ToleratedFailurePercentagePath');
    const exceeded = (failed: number) =>
      (toleratedCount === undefined && toleratedPercent === undefined && failed > 0) ||
      (toleratedCount !== undefined && failed > toleratedCount) ||
      (toleratedPercent !== undefined && units.length > 0 && (failed / units.length) * 100 > toleratedPercent);

    const executions: ChildExecution[] = units.map((unit, i) => {
      const name = `${id.slice(0, 8)}-${String(i).padStart(6, '0')}`;
      return {
        ExecutionArn: `arn:aws:states:${options.region}:${options.account}:execution:${options.stateMachine.name}/${label}:${name}`,
        StateMachineArn: `${options.stateMachine.arn}/${label}`,
        Name: name,
        Status: 'PENDING',
        Input: JSON.stringify(unit),
        InputDetails: { Included: true },
        StartDate: Date.now(),
        RedriveCount: 0,
      };
    });
    const childStates: Record<string, { entered: number; failed: number }> = {};
    const outputs: Json[] = new Array(units.length).fill(null);
    let failed = 0;
    let next = 0;
    const worker = async () => {
      // A Map Run past its tolerated failures starts no more children.
      while (next < units.length && !exceeded(failed) && !aborted) {
        const i = next++;
        const child = executions[i];
        child.StartDate = Date.now();
        const run = processor.run(units[i] as never, {
          overrides: options.overrides(),
          context: { Execution: { Id: child.ExecutionArn, Name: child.Name, RoleArn: options.roleArn, RedriveCount: 0 }, StateMachine: { Id: child.StateMachineArn, Name: `${options.stateMachine.name}/${label}` } },
        });
        runningChildren.add(run.abort);
        const events = (async () => {
          for await (const e of run.eventLogs as AsyncGenerator<InterpreterEvent>) {
            if (e.type === 'StateEntered' && e.state) (childStates[e.state.name] ??= { entered: 0, failed: 0 }).entered++;
            if (e.type === 'StateFailed' && e.state) (childStates[e.state.name] ??= { entered: 0, failed: 0 }).failed++;
          }
        })();
        try {
          const output = (await run.result) as Json;
          outputs[i] = output;
          child.Status = 'SUCCEEDED';
          child.Output = JSON.stringify(output);
          child.OutputDetails = { Included: true };
          child.RedriveStatus = 'NOT_REDRIVABLE';
        } catch (e) {
          if (aborted) child.Status = 'ABORTED';
          else {
            const f = executionFailure(e);
            failed++;
            child.Status = 'FAILED';
            child.Error = f.error;
            child.Cause = f.cause;
            child.RedriveStatus = 'REDRIVABLE_BY_MAP_RUN';
          }
        }
        runningChildren.delete(run.abort);
        child.StopDate = Date.now();
        await events;
      }
    };
    await Promise.all(Array.from({ length: Math.min(maxConcurrency, Math.max(units.length, 1)) }, worker));

    const record: { -readonly [K in keyof MapRunRecord]: MapRunRecord[K] } = { state: map.name, mapRunArn, items: items.length, executions, childStates };
    if (aborted) {
      for (const child of executions) if (child.Status === 'PENDING') child.Status = 'ABORTED';
      options.onRecord({ ...record, aborted: true });
      throw new StatesError('States.Aborted', `the Map Run ${mapRunArn} of ${map.name} was stopped: a state it runs inside failed`);
    }
    let result: Json = outputs;
    if (state.ResultWriter?.Resource !== undefined) {
      const written = await writeResults(state.ResultWriter, input, ctx, options.s3, mapRunArn, id, executions);
      record.resultWriter = { bucket: written.Bucket, key: written.Key };
      result = { MapRunArn: mapRunArn, ResultWriterDetails: written };
    } else if (state.ResultWriter?.WriterConfig) {
      result = transform(executions, state.ResultWriter.WriterConfig.Transformation ?? 'COMPACT');
    }
    options.onRecord(record);
    if (exceeded(failed)) {
      throw new StatesError('States.ExceedToleratedFailureThreshold', `The specified tolerated failure threshold was exceeded: ${failed} of ${units.length} child executions of ${map.name} failed (${mapRunArn})`);
    }
    return result;
  }
}

async function readItems(state: Record<string, any>, input: Json, ctx: ExecutionContext, s3: LocalS3): Promise<Json[]> {
  if (!state.ItemReader) {
    const items = await evaluatePath(state.ItemsPath ?? '$', input, ctx);
    if (!Array.isArray(items)) throw new StatesError('States.Runtime', `ItemsPath ${state.ItemsPath ?? '$'} does not point to an array`, false, false);
    return items;
  }
  const params = (await evaluateTemplate(state.ItemReader.Parameters ?? {}, input, ctx)) as { Bucket?: string; Prefix?: string };
  if (!params.Bucket) throw new StatesError('States.ItemReaderFailed', 'ItemReader s3:listObjectsV2 needs a Bucket');
  let listed;
  try {
    listed = s3.list(params.Bucket, params.Prefix ?? '');
  } catch (e) {
    throw new StatesError('States.ItemReaderFailed', `Unable to list objects of s3://${params.Bucket}/${params.Prefix ?? ''}: ${(e as Error).message}`);
  }
  const max = state.ItemReader.ReaderConfig?.MaxItems;
  // The item Step Functions makes of each listed object (epoch seconds, as the service writes them).
  const items = listed.map((o) => ({ Etag: s3.etag(o), Key: o.key, LastModified: Math.floor(o.lastModified.getTime() / 1000), Size: o.size, StorageClass: 'STANDARD' }));
  return max === undefined ? items : items.slice(0, Number(max));
}

async function batches(batcher: Record<string, any>, items: Json[], input: Json, ctx: ExecutionContext): Promise<Json[]> {
  const size = Number(batcher.MaxItemsPerBatch ?? items.length);
  const batchInput = batcher.BatchInput === undefined ? undefined : await evaluateTemplate(batcher.BatchInput, input, ctx);
  const out: Json[] = [];
  for (let i = 0; i < items.length; i += size) out.push({ ...(batchInput === undefined ? {} : { BatchInput: batchInput }), Items: items.slice(i, i + size) });
  return out;
}

function transform(executions: readonly ChildExecution[], transformation: string): Json {
  const out: Json[] = [];
  for (const e of executions) {
    if (transformation === 'NONE' || e.Status !== 'SUCCEEDED') out.push(e as unknown as Json);
    else if (transformation === 'FLATTEN' && Array.isArray(JSON.parse(e.Output!))) out.push(...(JSON.parse(e.Output!) as Json[]));
    else out.push(JSON.parse(e.Output!) as Json);
  }
  return out;
}

async function writeResults(
  writer: Record<string, any>,
  input: Json,
  ctx: ExecutionContext,
  s3: LocalS3,
  mapRunArn: string,
  id: string,
  executions: readonly ChildExecution[],
): Promise<{ Bucket: string; Key: string }> {
  const params = (await evaluateTemplate(writer.Parameters ?? {}, input, ctx)) as { Bucket?: string; Prefix?: string };
  if (!params.Bucket) throw new StatesError('States.ResultWriterFailed', 'ResultWriter s3:putObject needs a Bucket');
  const prefix = params.Prefix ? (params.Prefix.endsWith('/') ? params.Prefix : `${params.Prefix}/`) : '';
  const config = writer.WriterConfig ?? {};
  const jsonl = config.OutputType === 'JSONL';
  const files: Record<'FAILED' | 'PENDING' | 'SUCCEEDED', { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  try {
    for (const status of ['SUCCEEDED', 'FAILED', 'PENDING'] as const) {
      const chosen = executions.filter((e) => e.Status === status);
      if (!chosen.length) continue;
      const results = transform(chosen, config.Transformation ?? 'NONE') as Json[];
      const body = jsonl ? results.map((r) => JSON.stringify(r)).join('\n') + '\n' : JSON.stringify(results);
      const key = `${prefix}${id}/${status}_0.${jsonl ? 'jsonl' : 'json'}`;
      s3.put(params.Bucket, key, body);
      files[status].push({ Key: key, Size: Buffer.byteLength(body) });
    }
    const manifestKey = `${prefix}${id}/manifest.json`;
    s3.put(params.Bucket, manifestKey, JSON.stringify({ DestinationBucket: params.Bucket, MapRunArn: mapRunArn, ResultFiles: files }));
    return { Bucket: params.Bucket, Key: manifestKey };
  } catch (e) {
    throw new StatesError('States.ResultWriterFailed', `could not write the Map Run's results to s3://${params.Bucket}/${prefix}: ${(e as Error).message}`);
  }
}
