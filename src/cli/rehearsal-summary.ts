// The human summary of a rehearsal: the states entered in order with their outcome, the tables as
// the local Glue catalog publishes them afterwards, the alerts sent, and what it cannot show.
import type { RehearsalResult, RehearsedState } from '../rehearse/rehearsal';
import { textTable } from './text-table';

const MARK: Record<RehearsedState['status'], string> = { succeeded: 'ok', caught: 'caught', failed: 'FAILED', entered: 'running', aborted: 'aborted' };

function detail(s: RehearsedState): string {
  if (s.mapRun) {
    const inner = Object.entries(s.mapRun.states).map(([n, c]) => `${n} x${c.entered}${c.failed ? ` (${c.failed} failed)` : ''}`);
    return `${s.mapRun.executions} child executions, ${s.mapRun.succeeded} succeeded, ${s.mapRun.failed} failed${s.mapRun.aborted ? `, ${s.mapRun.aborted} aborted` : ''}: ${inner.join(', ')}`;
  }
  if (s.error) return `${s.error}: ${short(s.cause ?? '')}`;
  return s.retries ? `${s.retries} retries` : '';
}

function short(text: string, max = 160): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 3)}...` : one;
}

export function rehearsalSummary(r: RehearsalResult): string {
  const lines: string[] = [];
  lines.push(`rehearsal of ${r.stateMachine} (${r.environment})`);
  lines.push(`definition: ${r.definition.file}${r.definition.origin === 'synthesized' ? ' (synthesized for this rehearsal)' : ''}`);
  if (r.definition.newerSources.length) {
    lines.push(`  note: ${r.definition.newerSources.length} source file(s) changed after this synth (${r.definition.newerSources.slice(0, 3).join(', ')}${r.definition.newerSources.length > 3 ? ', ...' : ''}); run \`npm run synth\` or rehearse with --synth`);
  }
  if (r.definition.translated.length) lines.push(`  run as local Map Runs (the interpreter has no Distributed mode): ${r.definition.translated.join(', ')}`);
  lines.push('');
  lines.push(textTable(['#', 'state', 'type', 'outcome', 'seconds', 'detail'], r.states.map((s, i) => [i + 1, s.name, s.type, MARK[s.status], s.ms === undefined ? undefined : (s.ms / 1000).toFixed(1), detail(s)])));
  lines.push('');
  lines.push(`execution ${r.status}${r.error ? `: ${r.error}: ${short(r.cause ?? '', 240)}` : ''}${r.runId ? ` (run ${r.runId})` : ''}`);
  lines.push('');
  lines.push('tables as the local Glue catalog publishes them now:');
  lines.push(textTable(['table', 'rows', 'run', 'version'], Object.entries(r.tables).map(([t, p]) => [t, p.rows, p.runId ?? '(never published)', p.version])));
  if (r.alerts.length) {
    lines.push('');
    lines.push('alerts published:');
    for (const a of r.alerts) lines.push(`  - ${a.subject ?? '(no subject)'}`);
  }
  if (r.unsupportedCalls.length) {
    lines.push('');
    lines.push(`calls no stand-in implements (answered with an error): ${r.unsupportedCalls.join(', ')}`);
  }
  lines.push('');
  lines.push(`work folder: ${r.work} (logs/, sns/, executions/ hold the logs, alerts and this record)`);
  lines.push('');
  lines.push('what a rehearsal cannot show:');
  for (const l of r.limits) lines.push(`  - ${l}`);
  return lines.join('\n');
}
