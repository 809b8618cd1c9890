// The write-audit-publish invariant of DESIGN.md, over the synthesized state machine: curated jobs
// and publish run only after the trusted gate passed, publish only after the curated gate passed.
import { allStates, gateGuardViolations } from '../../orchestration/gate-guards';
import type { Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { resolveString, resources, type SynthesizedApp } from '../terraform-json';

export const PublishOnlyThroughPassingGates: SecurityCheck = {
  id: 'PublishOnlyThroughPassingGates',
  source: 'DESIGN.md: write-audit-publish',
  asserts: 'in every state machine, curated Glue jobs and the publish step are unreachable unless the trusted gate passed, and publish unless the curated gate passed',
  reason: 'A path around a gate would publish data no rule has audited: the published tables must change only after every error rule passed.',
  remedy: 'Build the definition with pipelineDefinition (stacks/orchestration/pipeline-definition.ts); every path to a curated job or Publish must go through the gate Choice.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const s of app.stacks) {
      const curatedDbs = resources(s, 'aws_glue_catalog_database').map((d) => String(d.body.name)).filter((n) => n.endsWith('_curated'));
      const curatedTables = new Set(
        resources(s, 'aws_glue_catalog_table')
          .filter((t) => curatedDbs.some((db) => resolveString(s, String(t.body.database_name)) === db))
          .map((t) => String(t.body.name)),
      );
      const curatedJobs = new Set(
        resources(s, 'aws_glue_job')
          .filter((j) => curatedTables.has(String((j.body.default_arguments as Record<string, string> | undefined)?.['--table'])))
          .map((j) => String(j.body.name)),
      );
      for (const m of resources(s, 'aws_sfn_state_machine')) {
        applicable = true;
        const def = JSON.parse(resolveString(s, String(m.body.definition)));
        const states = allStates(def);
        const params = (name: string) => (states[name].Parameters ?? {}) as Record<string, unknown>;
        const publish = Object.keys(states).filter((n) => states[n].Type === 'Task' && /:function:[^:]+-publish(:.*)?$/.test(String(params(n).FunctionName ?? '')));
        const jobs = Object.keys(states).filter((n) => states[n].Type === 'Task' && curatedJobs.has(String(params(n).JobName ?? '')));
        if (!publish.length) findings.push({ stack: s.name, resource: m.address, detail: 'has no publish step' });
        for (const v of gateGuardViolations(def, { trusted: [...jobs, ...publish], curated: publish })) findings.push({ stack: s.name, resource: m.address, detail: v.problem });
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
