// The section of the grants document that says which workload reaches which data by which
// mechanism: Lake Formation (its grants above), an IAM path to a zone with its reason, or IAM to a
// bucket that holds no Lake Formation table.
import type { EffectiveAccess, PrincipalAccess } from './effective-access';
import { WRITE_PERMISSIONS, personaOrder, zoneOrder } from './vocabulary';
import type { WorkloadAccess } from './workload-access';
import { zoneText } from './access-text';

const code = (s: string) => `\`${s}\``;
const esc = (s: string) => s.replace(/\|/g, '\\|');

function zones(p: PrincipalAccess | undefined, test: (perms: readonly string[]) => boolean): string[] {
  const out = new Set<string>();
  for (const t of p?.tables ?? []) if (t.columns.some((c) => test(c.permissions))) out.add(zoneText(t.zone));
  return [...out].sort((a, b) => zoneOrder(a) - zoneOrder(b));
}

/** `customer/*`, `accelerometer/*` of each resource: the key part a path reaches. */
const keys = (resources: readonly string[]) => resources.map((r) => code(r.replace(/^arn:aws:s3:::[^/]+\/?/, '') || '(the bucket)')).join(', ');

function lakeFormationCell(w: WorkloadAccess, access: EffectiveAccess): string {
  const p = access.principals.find((x) => x.principal === w.role);
  if (!w.lakeFormation) {
    // Publish: Lake Formation decides its catalog changes, but it may ask for no data credentials.
    const alters = zones(p, (perms) => perms.includes('ALTER'));
    return alters.length ? `metadata only: alters ${alters.join(', ')} tables (its grants above); asks for no data credentials` : '—';
  }
  const reads = zones(p, (perms) => perms.includes('SELECT'));
  const writes = zones(p, (perms) => perms.some((x) => (WRITE_PERMISSIONS as readonly string[]).includes(x)));
  const what = [reads.length ? `reads ${reads.join(', ')}` : '', writes.length ? `writes ${writes.join(', ')}` : ''].filter(Boolean).join('; ');
  return `yes: ${what || 'no table granted'} (its grants above)`;
}

function iamCell(w: WorkloadAccess): string {
  if (!w.iamZonePaths.length) return '—';
  return w.iamZonePaths
    .map((x) => `${x.zones.join(', ')} ${keys(x.resources)}: ${x.actions.join(', ')} (${x.use}) — ${x.reason !== undefined ? esc(x.reason) : '**not an allowed IAM path** (src/governance/iam-paths.ts)'}`)
    .join('<br>');
}

function otherCell(w: WorkloadAccess): string {
  if (!w.otherData.length) return '—';
  return w.otherData.map((o) => `${o.bucket} ${keys(o.resources)}: ${o.actions.join(', ')}`).join('<br>');
}

export function renderWorkloadAccessMarkdown(access: EffectiveAccess): string[] {
  if (!access.workloads.length) return [];
  const out: string[] = [];
  out.push('## How each workload reaches the data');
  out.push('');
  out.push(
    'Lake Formation decides what a workload reads and writes of the zones (landing, trusted, curated, staging): a role that may ask it for credentials (`lakeformation:GetDataAccess`: Athena for the gate, Glue full-table access for the transforms, vended table credentials for the validator) reaches what its grants above allow, and no more; a role that only changes tables (publish re-points the published tables) holds its ALTER grants and no data credentials. A workload reaches zone data through IAM alone only on the paths listed here, each with its reason (`src/governance/iam-paths.ts`; the check `WorkloadDataThroughLakeFormation` fails any other). Quarantine, artifacts (deployment assets, run records, Glue temporary files) and Athena results hold no Lake Formation table: their workloads reach them through IAM, by design.',
  );
  out.push(`Full-table access for external engines (data lake settings): ${access.fullTableAccessForExternalEngines ? 'on (Glue 5.0 jobs and table credentials for principals granted every column of a table)' : '**off**'}.`);
  out.push('');
  out.push('| workload | persona | zone data through Lake Formation | zone data through IAM, and why | buckets without Lake Formation tables (IAM) |');
  out.push('| --- | --- | --- | --- | --- |');
  const sorted = [...access.workloads].sort((a, b) => personaOrder(a.persona) - personaOrder(b.persona) || a.role.localeCompare(b.role));
  for (const w of sorted) out.push(`| ${code(w.role)} | ${w.persona ?? '—'} | ${lakeFormationCell(w, access)} | ${iamCell(w)} | ${otherCell(w)} |`);
  out.push('');
  return out;
}
