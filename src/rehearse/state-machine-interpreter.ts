// The local Amazon States Language interpreter: aws-local-stepfunctions (MIT, pinned in
// package.json), which runs Pass, Task, Choice, Wait, Parallel, inline Map, Succeed and Fail states
// with their paths, payload templates, intrinsic functions, Retry and Catch (its
// docs/feature-support.md). Everything here that evaluates a path or a payload template asks the
// interpreter, so that the rehearsal re-implements none of the language.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunOptions, StateMachine as InterpreterMachine, StateMachineDefinition } from 'aws-local-stepfunctions';

type Interpreter = typeof import('aws-local-stepfunctions');
let loaded: Interpreter | undefined;

/** The version whose source the correction below was checked against (package.json pins it). */
export const INTERPRETER_VERSION = '3.0.0';

/** The interpreter's States.StringSplit, as it ships: it splits on the whole second argument. */
const SHIPPED_STRING_SPLIT = '  execute(str, separator) {\n    return str.split(separator);\n  }';

/**
 * States.StringSplit as Step Functions computes it: the second argument is a set of delimiter
 * characters, and runs of them or one at either end yield no empty member. AWS documents
 * `States.StringSplit("This.is+a,test=string", ".+,=")` as ["This","is","a","test","string"];
 * LocalStack (localstack#9749, #11995) and MiniStack (#1509) measured the same against AWS.
 */
export function awsStringSplit(text: string, delimiters: string): string[] {
  const set = new Set([...delimiters]);
  const out: string[] = [];
  let part = '';
  for (const ch of text) {
    if (set.has(ch)) {
      if (part) out.push(part);
      part = '';
    } else part += ch;
  }
  if (part) out.push(part);
  return out;
}

/**
 * The interpreter module. Two things are supplied as it loads, each checked against the pinned
 * version's source so that an upgrade fails loudly instead of drifting:
 * - Promise.withResolvers (ES2024), which it uses and Node 20 lacks, as the standard specifies it;
 * - States.StringSplit with Step Functions' semantics (awsStringSplit): the shipped one splits on
 *   the whole delimiter string, so the pipeline's run name, split on '-:.', would fail here and
 *   work in AWS. Nothing else of the interpreter is changed.
 */
export function interpreter(): Interpreter {
  if (loaded) return loaded;
  const P = Promise as unknown as { withResolvers?: unknown };
  if (typeof P.withResolvers !== 'function') {
    Object.defineProperty(Promise, 'withResolvers', {
      configurable: true,
      writable: true,
      value: function withResolvers<T>(this: PromiseConstructor) {
        let resolve!: (v: T) => void;
        let reject!: (e: unknown) => void;
        const promise = new this<T>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        return { promise, resolve, reject };
      },
    });
  }
  const file = require.resolve('aws-local-stepfunctions');
  const source = readFileSync(file, 'utf8');
  const version = (JSON.parse(readFileSync(join(dirname(file), '..', 'package.json'), 'utf8')) as { version: string }).version;
  if (version !== INTERPRETER_VERSION || !source.includes(SHIPPED_STRING_SPLIT)) {
    throw new Error(
      `aws-local-stepfunctions ${version} is not the version ${INTERPRETER_VERSION} whose States.StringSplit src/rehearse/state-machine-interpreter.ts corrects; ` +
        'check the new version against Step Functions and update the correction (or drop it if upstream fixed it)',
    );
  }
  const patched = source.replace(SHIPPED_STRING_SPLIT, '  execute(str, separator) {\n    return __awsStringSplit(str, separator);\n  }');
  // Its own dependencies resolve from its folder (it pins asl-validator 3, the project uses 4).
  const requireFromPackage = (id: string) => require(require.resolve(id, { paths: [dirname(file)] }));
  const mod = { exports: {} as Interpreter };
  new Function('exports', 'require', 'module', '__filename', '__dirname', '__awsStringSplit', patched)(mod.exports, requireFromPackage, mod, file, dirname(file), awsStringSplit);
  loaded = mod.exports;
  return loaded;
}

/** One entry of an execution's event log (docs/execution-event-logs.md of the interpreter). */
export interface InterpreterEvent {
  readonly type: string;
  /** Milliseconds since the epoch. */
  readonly timestamp: number;
  readonly state?: { readonly name: string; readonly type: string };
  /** Set on the events of a Map iteration the interpreter forwards to its parent. */
  readonly index?: number;
  readonly Error?: string;
  readonly Cause?: unknown;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The context object ($$) of an execution, beyond what the interpreter fills in (Execution.Input, Execution.StartTime). */
export interface ExecutionContext {
  readonly Execution: { readonly Id: string; readonly Name: string; readonly RoleArn: string; readonly RedriveCount: number };
  readonly StateMachine: { readonly Id: string; readonly Name: string };
  readonly Map?: { readonly Item: { readonly Index: number; readonly Value: Json } };
}

/** Builds a machine; with `validate`, the interpreter's own asl-validator checks the definition first. */
export function stateMachine(definition: unknown, validate: boolean): InterpreterMachine {
  const { StateMachine } = interpreter();
  return new StateMachine(definition as StateMachineDefinition, { validationOptions: validate ? { checkArn: true, checkPaths: true } : { noValidate: true } });
}

/** A failure the interpreter raised: the error name and cause a Catch would see. */
export class StatesError extends Error {
  constructor(
    name: string,
    message: string,
    /** Whether a Retry or Catch may match it (States.Runtime and States.DataLimitExceeded may not). */
    readonly isCatchable = true,
    readonly isRetryable = true,
  ) {
    super(message);
    this.name = name;
  }
}

/** The error a rejected execution result stands for (its cause, as a Catch would see it). */
export function executionFailure(e: unknown): { error: string; cause: string } {
  const cause = (e as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause : e instanceof Error ? e : new Error(String(e));
  return { error: inner.name, cause: inner.message };
}

const evaluator = new Map<string, InterpreterMachine>();

/** Runs a one-state machine (a Pass with `field` set) on `input`: the interpreter's evaluation of a template or a path. */
async function evaluate(field: 'Parameters' | 'InputPath', value: unknown, input: Json, context: ExecutionContext): Promise<Json> {
  const text = JSON.stringify(value);
  // The interpreter sets $$.Execution.Input and StartTime to the evaluating run's own, not the rehearsed execution's.
  if (/\$\$\.Execution\.(Input|StartTime)\b/.test(text)) {
    throw new StatesError('States.Runtime', `the rehearsal cannot evaluate ${text} outside a state: it refers to $$.Execution.Input or $$.Execution.StartTime`, false, false);
  }
  let machine = evaluator.get(`${field}\0${text}`);
  if (!machine) {
    machine = stateMachine({ StartAt: 'evaluate', States: { evaluate: { Type: 'Pass', [field]: value, End: true } } }, false);
    evaluator.set(`${field}\0${text}`, machine);
  }
  try {
    return (await machine.run(input as never, { context: context as unknown as RunOptions['context'] }).result) as Json;
  } catch (e) {
    const { error, cause } = executionFailure(e);
    throw new StatesError(error, cause, false, false);
  }
}

/** A payload template (`"key.$": "$.path"`, intrinsic functions) evaluated on `input`. */
export function evaluateTemplate(template: unknown, input: Json, context: ExecutionContext): Promise<Json> {
  return evaluate('Parameters', template, input, context);
}

/** A reference path evaluated on `input`. */
export function evaluatePath(path: string, input: Json, context: ExecutionContext): Promise<Json> {
  return evaluate('InputPath', path, input, context);
}
