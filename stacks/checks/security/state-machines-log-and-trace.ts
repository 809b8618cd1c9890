// Checklist #15: state machines log (ALL or ERROR) and trace.
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { block, resources, type SynthesizedApp } from '../terraform-json';

export const StateMachinesLogAndTrace: SecurityCheck = {
  id: 'StateMachinesLogAndTrace',
  ...checklistLine(15),
  asserts: 'every state machine logs at level ALL or ERROR to a log group and has X-Ray tracing on',
  reason: 'Without execution logs and traces nobody can tell why a run failed or was blocked (CKV_AWS_285, CKV_AWS_284).',
  remedy: 'Create state machines with PipelineStateMachine (stacks/orchestration/pipeline-state-machine.ts).',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    const machines = app.stacks.flatMap((s) => resources(s, 'aws_sfn_state_machine').map((r) => ({ s, r })));
    if (!machines.length) return 'not-applicable';
    for (const { s, r } of machines) {
      const log = block(r.body.logging_configuration);
      if (!log || !['ALL', 'ERROR'].includes(String(log.level)) || !log.log_destination) findings.push({ stack: s.name, resource: r.address, detail: `logs at level ${log?.level ?? 'OFF'}${log?.log_destination ? '' : ' without a destination'}` });
      if (block(r.body.tracing_configuration)?.enabled !== true) findings.push({ stack: s.name, resource: r.address, detail: 'does not trace' });
    }
    return findings;
  },
};
