// Checklist #14: Lambdas have tracing, a dead-letter target, reserved concurrency, a current runtime, source_arn-scoped invoke permissions.
import type { Finding, SecurityCheck } from '../security-check';
import { one, resources, type SynthesizedApp } from '../terraform-json';

/** Runtimes AWS supports without a deprecation date announced at the time of writing. */
export const CURRENT_RUNTIMES = ['nodejs22.x', 'nodejs24.x', 'python3.12', 'python3.13'] as const;

export const LambdasHardened: SecurityCheck = {
  id: 'LambdasHardened',
  checklist: 14,
  asserts: 'every Lambda traces actively, has a dead-letter target, reserves concurrency and runs a current runtime; every invoke permission is scoped by source_arn',
  reason: 'Without traces a failed run cannot be followed; without a dead-letter target failed async events vanish; unreserved concurrency lets one function starve the others; old runtimes stop getting patches; an unscoped permission lets any resource of the service invoke (CKV_AWS_50/116/115/363/364).',
  remedy: 'Create functions with PipelineFunction (stacks/orchestration/pipeline-function.ts); give aws_lambda_permission a source_arn.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const s of app.stacks) {
      for (const r of resources(s, 'aws_lambda_function')) {
        applicable = true;
        if (one(r.body.tracing_config)?.mode !== 'Active') findings.push({ stack: s.name, resource: r.address, problem: 'does not trace actively' });
        if (!one(r.body.dead_letter_config)?.target_arn) findings.push({ stack: s.name, resource: r.address, problem: 'has no dead-letter target' });
        if (!(Number(r.body.reserved_concurrent_executions) >= 1)) findings.push({ stack: s.name, resource: r.address, problem: `reserves no concurrency (${r.body.reserved_concurrent_executions ?? 'unset'})` });
        if (!(CURRENT_RUNTIMES as readonly string[]).includes(String(r.body.runtime))) findings.push({ stack: s.name, resource: r.address, problem: `runtime ${r.body.runtime} is not current (${CURRENT_RUNTIMES.join(', ')})` });
      }
      for (const p of resources(s, 'aws_lambda_permission')) {
        applicable = true;
        if (!p.body.source_arn) findings.push({ stack: s.name, resource: p.address, problem: `lets ${p.body.principal} invoke without a source_arn` });
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
