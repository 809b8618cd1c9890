// Translates the states the local interpreter lacks, and only those: a Map in Distributed mode
// (ItemReader, ItemBatcher, ResultWriter, tolerated failures; aws-local-stepfunctions'
// docs/feature-support.md lists them as not supported). Each becomes a Task of the same name whose
// Resource is the rehearsal's local Map Run (map-run.ts), keeping the Map's InputPath,
// ResultSelector, ResultPath, OutputPath, Retry, Catch and transition; the Map's own fields go to
// the Map Run, which lists the items, runs each as a child execution of the ItemProcessor in the
// interpreter and writes the results where ResultWriter says. Every other state is left exactly as
// synthesized (a test compares them), and a field the rehearsal cannot carry out faithfully stops
// the rehearsal before it starts instead of being dropped.
import type { AslDefinition, AslState } from './synthesized-lakehouse';
import { RehearsalConfigError } from './rehearsal-config-error';

/** The Resource of a translated Distributed Map: the rehearsal starts a Map Run and waits for it. */
export const LOCAL_MAP_RUN_RESOURCE = 'arn:aws:states:::rehearsal:mapRun.sync';

/**
 * The timeout of a translated Map: a Map has none, but the interpreter gives every Task the States
 * Language's default of 60 seconds. This is the longest its timer holds (2^31 - 1 ms, 24.8 days).
 */
export const MAP_RUN_TIMEOUT_SECONDS = 2147483;

/** A Distributed Map as synthesized, and the processor its child executions run. */
export interface TranslatedMap {
  readonly name: string;
  /**
   * The states it runs inside, outermost first (a Parallel whose branch holds it, an enclosing
   * Map): when one of them fails, Step Functions stops what runs inside it, this Map Run included.
   */
  readonly within: readonly string[];
  readonly state: AslState;
  /** The ItemProcessor without ProcessorConfig (the Map's setting, not a field of a state machine), translated in turn. */
  readonly processor: AslDefinition;
}

export interface Translation {
  readonly definition: AslDefinition;
  readonly maps: readonly TranslatedMap[];
}

/** The fields of a Map state that stay on the translated Task, with the meaning they had. */
const KEPT_ON_TASK = ['Comment', 'InputPath', 'ResultSelector', 'ResultPath', 'OutputPath', 'Retry', 'Catch', 'Next', 'End'] as const;
/** The fields the local Map Run carries out. */
const MAP_RUN_FIELDS = [
  'Type', 'ItemProcessor', 'Iterator', 'ItemReader', 'ItemSelector', 'Parameters', 'ItemsPath', 'ItemBatcher', 'ResultWriter',
  'MaxConcurrency', 'MaxConcurrencyPath', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath',
  'ToleratedFailureCount', 'ToleratedFailureCountPath', 'Label',
] as const;

/** Fields of the JSONata query language and of variables, which the interpreter does not implement. */
const UNSUPPORTED_ANYWHERE = ['QueryLanguage', 'Assign', 'Arguments', 'Output', 'Items', 'HeartbeatSeconds', 'HeartbeatSecondsPath', 'Credentials'] as const;

export function isDistributedMap(state: AslState): boolean {
  if (state.Type !== 'Map') return false;
  const processor = (state.ItemProcessor ?? state.Iterator) as { ProcessorConfig?: { Mode?: string } } | undefined;
  return processor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** The definition the interpreter runs, and the Distributed Maps it stands for. */
export function translateDefinition(definition: AslDefinition): Translation {
  const problems = unsupportedFeatures(definition);
  if (problems.length) {
    throw new RehearsalConfigError(`the synthesized state machine uses what the rehearsal cannot run faithfully:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  const maps: TranslatedMap[] = [];
  return { definition: translateStates(definition, maps, []), maps };
}

function translateStates(definition: AslDefinition, maps: TranslatedMap[], within: readonly string[]): AslDefinition {
  const states: Record<string, AslState> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (isDistributedMap(state)) {
      const { ProcessorConfig: _mode, ...processor } = (state.ItemProcessor ?? state.Iterator) as AslDefinition & { ProcessorConfig?: unknown };
      maps.push({ name, within, state, processor: translateStates(processor as AslDefinition, maps, [...within, name]) });
      const task: Record<string, unknown> = { Type: 'Task', Resource: LOCAL_MAP_RUN_RESOURCE, TimeoutSeconds: MAP_RUN_TIMEOUT_SECONDS };
      for (const field of KEPT_ON_TASK) if (field in state) task[field] = state[field];
      states[name] = task as AslState;
    } else if (state.Type === 'Parallel') {
      states[name] = { ...state, Branches: (state.Branches as AslDefinition[]).map((b) => translateStates(b, maps, [...within, name])) };
    } else if (state.Type === 'Map') {
      const key = state.ItemProcessor ? 'ItemProcessor' : 'Iterator';
      states[name] = { ...state, [key]: translateStates(state[key] as AslDefinition, maps, [...within, name]) };
    } else {
      states[name] = state;
    }
  }
  return { ...definition, States: states };
}

/** What the rehearsal cannot carry out faithfully, one line per state and field. */
export function unsupportedFeatures(definition: AslDefinition, where = ''): string[] {
  const out: string[] = [];
  for (const field of UNSUPPORTED_ANYWHERE) if (field in definition) out.push(`${where || 'the definition'}: ${field}`);
  for (const [name, state] of Object.entries(definition.States)) {
    const at = `${where}${name}`;
    for (const field of UNSUPPORTED_ANYWHERE) if (field in state) out.push(`${at}: ${field} (the interpreter implements JSONPath states without variables, heartbeats or credentials)`);
    if (state.Type === 'Parallel') for (const [i, b] of (state.Branches as AslDefinition[]).entries()) out.push(...unsupportedFeatures(b, `${at} > branch ${i + 1} > `));
    if (state.Type !== 'Map') continue;
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (processor) out.push(...unsupportedFeatures(processor, `${at} > `));
    if (!isDistributedMap(state)) {
      for (const field of ['ItemReader', 'ItemBatcher', 'ResultWriter', 'ToleratedFailurePercentage', 'ToleratedFailureCount', 'Label']) {
        if (field in state) out.push(`${at}: ${field} on a Map that is not DISTRIBUTED (Step Functions rejects it)`);
      }
      continue;
    }
    for (const field of Object.keys(state)) {
      if (!(KEPT_ON_TASK as readonly string[]).includes(field) && !(MAP_RUN_FIELDS as readonly string[]).includes(field)) out.push(`${at}: ${field} on a Distributed Map`);
    }
    const reader = state.ItemReader as { Resource?: string; ReaderConfig?: Record<string, unknown> } | undefined;
    if (reader && reader.Resource !== 'arn:aws:states:::s3:listObjectsV2') out.push(`${at}: ItemReader ${reader.Resource} (the local Map Run lists objects with s3:listObjectsV2 only)`);
    for (const k of Object.keys(reader?.ReaderConfig ?? {})) if (k !== 'MaxItems') out.push(`${at}: ItemReader.ReaderConfig.${k}`);
    const writer = state.ResultWriter as { Resource?: string; WriterConfig?: Record<string, unknown> } | undefined;
    if (writer && writer.Resource !== undefined && writer.Resource !== 'arn:aws:states:::s3:putObject') out.push(`${at}: ResultWriter ${writer.Resource}`);
    for (const k of Object.keys(state.ItemBatcher ?? {})) if (k !== 'MaxItemsPerBatch' && k !== 'BatchInput') out.push(`${at}: ItemBatcher.${k}`);
    // On a Task, States.TaskFailed would match the Map Run's own failure, which it does not on a Map.
    for (const field of ['Retry', 'Catch'] as const) {
      for (const r of (state[field] as { ErrorEquals?: string[] }[] | undefined) ?? []) {
        if (r.ErrorEquals?.includes('States.TaskFailed')) out.push(`${at}: ${field} on States.TaskFailed (it would match differently once the Map runs as a Task)`);
      }
    }
    const selector = JSON.stringify(state.ItemSelector ?? state.Parameters ?? null);
    if (/\$\$\.Execution\.(Input|StartTime)\b/.test(selector)) out.push(`${at}: ItemSelector refers to $$.Execution.Input or $$.Execution.StartTime`);
  }
  return out;
}

/** Every state of a definition by its path (`Outer > branch 1 > Inner`), nested ones included. */
export function statesByPath(definition: AslDefinition, where = ''): Map<string, AslState> {
  const out = new Map<string, AslState>();
  for (const [name, state] of Object.entries(definition.States)) {
    out.set(`${where}${name}`, state);
    if (state.Type === 'Parallel') {
      (state.Branches as AslDefinition[]).forEach((b, i) => statesByPath(b, `${where}${name} > branch ${i + 1} > `).forEach((s, p) => out.set(p, s)));
    }
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (state.Type === 'Map' && processor) statesByPath(processor, `${where}${name} > `).forEach((s, p) => out.set(p, s));
  }
  return out;
}
