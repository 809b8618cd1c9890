// Checklist #14: Lambdas have tracing, reserved concurrency, a current runtime, source_arn-scoped
// invoke permissions, and a dead-letter target wherever something invokes them asynchronously.
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { block, resolveString, resources, type JsonObject, type SynthesizedApp, type SynthesizedStack } from '../terraform-json';

/** Runtimes AWS supports without a deprecation date announced at the time of writing. */
export const CURRENT_RUNTIMES = ['nodejs22.x', 'nodejs24.x', 'python3.12', 'python3.13'] as const;

/** Every Task state of an ASL definition, nested Parallel branches and Map processors included. */
function taskStates(states: Record<string, JsonObject>): JsonObject[] {
  const out: JsonObject[] = [];
  for (const state of Object.values(states)) {
    if (state.Type === 'Task') out.push(state);
    for (const b of (state.Branches as JsonObject[] | undefined) ?? []) out.push(...taskStates(b.States as Record<string, JsonObject>));
    const processor = (state.ItemProcessor ?? state.Iterator) as JsonObject | undefined;
    if (processor) out.push(...taskStates(processor.States as Record<string, JsonObject>));
  }
  return out;
}

/**
 * The functions something in the stack invokes asynchronously: a state machine Task with
 * InvocationType Event (without it, lambda:invoke is RequestResponse, synchronous), or a service
 * invoking through a permission (S3, SNS, EventBridge invoke asynchronously).
 */
function asyncallyInvoked(stack: SynthesizedStack): Map<string, string> {
  const out = new Map<string, string>();
  const resolve = (v: unknown) => {
    try {
      return resolveString(stack, String(v));
    } catch {
      return String(v);
    }
  };
  for (const m of resources(stack, 'aws_sfn_state_machine')) {
    const definition = JSON.parse(resolve(m.body.definition)) as { States: Record<string, JsonObject> };
    for (const t of taskStates(definition.States)) {
      const params = (t.Parameters ?? {}) as JsonObject;
      if (String(t.Resource).startsWith('arn:aws:states:::lambda:invoke') && params.InvocationType === 'Event') out.set(String(params.FunctionName), `${m.address} (InvocationType Event)`);
    }
  }
  for (const p of resources(stack, 'aws_lambda_permission')) out.set(resolve(p.body.function_name), `${p.address} (${p.body.principal})`);
  return out;
}

export const LambdasHardened: SecurityCheck = {
  id: 'LambdasHardened',
  ...checklistLine(14),
  asserts:
    'every Lambda traces actively, reserves concurrency and runs a current runtime; every Lambda something invokes asynchronously has a dead-letter target; every invoke permission is scoped by source_arn',
  reason:
    'Without traces a failed run cannot be followed; failed asynchronous events vanish without a dead-letter target (a synchronous caller, like the state machine, gets the error itself: Lambda sends only asynchronous failures to a dead-letter queue, API reference DeadLetterConfig); unreserved concurrency lets one function starve the others; old runtimes stop getting patches; an unscoped permission lets any resource of the service invoke (CKV_AWS_50/116/115/363/364).',
  remedy: 'Create functions with PipelineFunction (stacks/orchestration/pipeline-function.ts); invoke them from the state machine without InvocationType Event, or give them a dead-letter target; give aws_lambda_permission a source_arn.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const s of app.stacks) {
      const invokedAsync = asyncallyInvoked(s);
      for (const r of resources(s, 'aws_lambda_function')) {
        applicable = true;
        const name = String(r.body.function_name);
        const arn = [...invokedAsync.keys()].find((k) => k === name || k.endsWith(`:function:${name}`) || k.includes(`aws_lambda_function.${r.name}.`));
        if (block(r.body.tracing_config)?.mode !== 'Active') findings.push({ stack: s.name, resource: r.address, detail: 'does not trace actively' });
        if (arn && !block(r.body.dead_letter_config)?.target_arn) findings.push({ stack: s.name, resource: r.address, detail: `is invoked asynchronously by ${invokedAsync.get(arn)} but has no dead-letter target` });
        if (!(Number(r.body.reserved_concurrent_executions) >= 1)) findings.push({ stack: s.name, resource: r.address, detail: `reserves no concurrency (${r.body.reserved_concurrent_executions ?? 'unset'})` });
        if (!(CURRENT_RUNTIMES as readonly string[]).includes(String(r.body.runtime))) findings.push({ stack: s.name, resource: r.address, detail: `runtime ${r.body.runtime} is not current (${CURRENT_RUNTIMES.join(', ')})` });
      }
      for (const p of resources(s, 'aws_lambda_permission')) {
        applicable = true;
        if (!p.body.source_arn) findings.push({ stack: s.name, resource: p.address, detail: `lets ${p.body.principal} invoke without a source_arn` });
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
