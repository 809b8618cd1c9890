// Prints what a run read, quarantined, excluded and published, for a person at a terminal.
import type { RunManifest } from '../pipeline/manifest';
import { textTable } from './text-table';

export function runSummary(m: RunManifest): string {
  const verdict =
    m.status === 'published'
      ? `run ${m.runId} published`
      : m.status === 'blocked'
        ? `run ${m.runId} BLOCKED: nothing was published`
        : `run ${m.runId} ${m.status.toUpperCase()}`;
  const landing = textTable(
    ['dataset', 'files', 'read', 'valid', 'quarantined', 'trusted', 'duplicate', 'excluded by policy'],
    Object.entries(m.datasets).map(([name, d]) => [
      name,
      d.files,
      d.read,
      d.valid,
      d.quarantined,
      d.outcomes.trusted ?? 0,
      d.outcomes.duplicate ?? 0,
      d.excludedByPolicy,
    ]),
  );
  const excluded = Object.entries(m.datasets)
    .flatMap(([name, d]) =>
      Object.entries(d.outcomes)
        .filter(([o]) => o !== 'trusted' && o !== 'duplicate')
        .map(([o, n]) => `${name}: ${n.toLocaleString('en-US')} ${o.replace(/_/g, ' ')}`),
    )
    .join('; ');
  const ignored = [...(m.ignoredLanding ?? []), ...Object.values(m.datasets).flatMap((d) => d.ignoredFiles)].map((f) => `  ignored ${f.name}: ${f.reason}`);
  const tables = textTable(
    ['zone', 'table', 'rows', 'previous'],
    Object.entries(m.tables).map(([name, t]) => [t.zone, name, t.rows, t.previousRows]),
  );
  const parts = [verdict, '', landing];
  if (excluded) parts.push(`excluded by policy: ${excluded}`);
  parts.push(...ignored, '', tables);
  if (m.problems.length) parts.push('', 'blocking problems:', ...m.problems.map((p) => `  - ${p}`));
  parts.push('', `lake: ${m.lake}`, `manifest: ${m.lake}/runs/${m.runId}/manifest.json`);
  return parts.join('\n');
}
