// Prints what a run read, quarantined, excluded and published, for a person at a terminal: the
// verdict with the rule tally first, then the accounting, the tables, what needs attention and
// where the reports and quarantined records are.
import { join, relative } from 'node:path';
import type { RunManifest } from '../pipeline/manifest';
import { REPORT_FILES } from '../report/write-reports';
import { attentionLines, tallyOf } from './outcome-lines';
import { textTable } from './text-table';
import { escapeControls } from '../report/terminal-escape';

/** A path as the person typed it: relative to where they are when it is below, absolute otherwise. */
function shown(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith('..') ? rel : path;
}

export function runSummary(m: RunManifest, cwd: string = process.cwd()): string {
  const rules = [...(m.gates.trusted?.rules ?? []), ...(m.gates.curated?.rules ?? [])];
  const word = m.status === 'published' ? 'published' : m.status === 'blocked' ? 'BLOCKED: nothing was published' : `${m.status.toUpperCase()}: nothing was published`;
  const verdict = `run ${m.runId} ${word} · ${tallyOf(rules)}`;
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
  const parts = [verdict];
  if (m.error) parts.push(`error: ${m.error.split('\n')[0]}`);
  if (Object.keys(m.datasets).length) parts.push('', landing);
  if (excluded) parts.push(`excluded by policy: ${excluded}`);
  parts.push(...ignored);
  if (Object.keys(m.tables).length) parts.push('', tables);
  parts.push(...attentionLines(rules));
  // Problems that are not a rule's (a failed run's error) are already said above.
  const runDir = join(m.lake, 'runs', m.runId);
  const quarantine = Object.entries(m.datasets)
    .filter(([, d]) => d.quarantined > 0)
    .map(([name, d]) => `${shown(d.quarantineLocation, cwd)} (${d.quarantined.toLocaleString('en-US')} ${name} records)`);
  parts.push(
    '',
    `report:     ${shown(join(runDir, REPORT_FILES.md), cwd)}`,
    `junit:      ${shown(join(runDir, REPORT_FILES.junit), cwd)}`,
    ...quarantine.map((q, i) => `${i === 0 ? 'quarantine: ' : '            '}${q}`),
    `manifest:   ${shown(join(runDir, 'manifest.json'), cwd)}`,
  );
  // Tables escape their cells; every other line holds data (file names, paths, messages) made terminal-safe here.
  return parts.map((p) => (p === landing || p === tables ? p : escapeControls(p))).join('\n');
}
