// Renders effective access for people (markdown, read in pull requests) and machines (JSON).
import type { ColumnAccess, EffectiveAccess, PrincipalAccess, TableAccess } from './effective-access';
import type { GrantsPolicy } from './grants-policy';
import { renderWorkloadAccessMarkdown } from './render-workload-access';
import { DATA_LOCATION_ACCESS, WRITE_PERMISSIONS, zoneOrder, type Persona } from './vocabulary';
import type { GrantsFormat } from './grants-formats';
import { defaultPermissionTexts, registrationRoleText, zoneLabels, zonesText, zoneText } from './access-text';

export type { GrantsFormat } from './grants-formats';

/** What a reviewer needs beside the effective access: why each persona has it, and who deploys. */
export interface GrantsPresentation {
  /** The environment's policy (config/grants/<env>.json): its purposes and notes are shown with the access. @default - none shown */
  readonly policy?: GrantsPolicy;
  /** Where the policy was read from, as a reviewer finds it. @default 'config/grants/<env>.json' */
  readonly policyFile?: string;
  /** The deploy role (the governance record's first admin): flagged when it is an admin in prod. @default - not flagged */
  readonly deployRole?: string;
}

/** Table cells: pipes escaped, never empty. */
export function cell(text: string): string {
  return text === '' ? '—' : text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

const code = (s: string) => `\`${s}\``;
const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : '—');

/** What a principal can do, without who it is or which resources granted it: equal for equal access. */
function accessSignature(p: PrincipalAccess): string {
  const strip = <T extends { via: readonly string[] }>(xs: readonly T[]) => xs.map(({ via: _via, ...rest }) => rest);
  return JSON.stringify([p.persona, p.isAdmin, strip(p.databases), strip(p.tables), strip(p.locations), strip(p.other)]);
}

/** Principals of the same persona with exactly the same access render as one (e.g. two analyst roles). */
function principalGroups(principals: readonly PrincipalAccess[]): PrincipalAccess[][] {
  const groups = new Map<string, PrincipalAccess[]>();
  for (const p of principals) {
    const k = accessSignature(p);
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  return [...groups.values()];
}

/** Column groups of a table: columns that hold exactly the same permissions render as one row. */
function columnGroups(t: TableAccess): { permissions: readonly string[]; grantable: readonly string[]; columns: ColumnAccess[] }[] {
  const groups = new Map<string, { permissions: readonly string[]; grantable: readonly string[]; columns: ColumnAccess[] }>();
  for (const c of t.columns) {
    const k = `${c.permissions.join(',')}|${c.grantable.join(',')}`;
    const g = groups.get(k) ?? { permissions: c.permissions, grantable: c.grantable, columns: [] };
    g.columns.push(c);
    groups.set(k, g);
  }
  return [...groups.values()];
}

/**
 * `all 10 · PII: email, phone` or `6 of 10 · no PII · without: email, phone`; a grant that reads
 * no data (DESCRIBE only, or nothing but writes) says so: `metadata only (DESCRIBE), no data`.
 */
export function describeColumns(
  columns: readonly ColumnAccess[],
  t: Pick<TableAccess, 'columnCount'> & { allColumns?: readonly { name: string; pii: boolean }[] },
  permissions: readonly string[] = ['SELECT'],
): string {
  const pii = columns.filter((c) => c.pii).map((c) => c.name);
  const reach = columns.length === t.columnCount ? `all ${t.columnCount}` : `${columns.length} of ${t.columnCount}`;
  if (!permissions.includes('SELECT')) {
    if (permissions.every((p) => p === 'DESCRIBE')) return `metadata only (DESCRIBE), no data · ${reach} columns`;
    return `writes, reads no data (no SELECT) · ${reach} · ${pii.length ? `PII: ${pii.join(', ')}` : 'no PII'}`;
  }
  const parts = [reach, pii.length ? `PII: ${pii.join(', ')}` : 'no PII'];
  if (columns.length !== t.columnCount && t.allColumns) {
    const granted = new Set(columns.map((c) => c.name));
    parts.push(`without: ${t.allColumns.filter((c) => !granted.has(c.name)).map((c) => c.name).join(', ')}`);
  }
  return parts.join(' · ');
}

function zonesWhere(p: PrincipalAccess, test: (perms: readonly string[]) => boolean): string[] {
  const zones = new Set<string>();
  for (const t of p.tables) if (t.columns.some((c) => test(c.permissions))) zones.add(zoneText(t.zone));
  return [...zones].sort((a, b) => zoneOrder(a) - zoneOrder(b));
}

function hasGrantOption(p: PrincipalAccess): boolean {
  return [...p.databases, ...p.locations, ...p.other].some((x) => x.grantable.length > 0) || p.tables.some((t) => t.columns.some((c) => c.grantable.length > 0));
}

/** Zones a persona's data-location grants reach beyond those its policy asks for (a bucket shared by zones). */
function widerLocations(p: PrincipalAccess, policy: GrantsPolicy | undefined): { location: string; asked: string[]; extra: string[] }[] {
  const rules = p.persona ? policy?.personas[p.persona as Persona]?.dataLocations : undefined;
  if (!rules) return [];
  const asked = new Set(rules.flatMap((r) => r.zones as readonly string[]));
  return p.locations
    .filter((l) => l.permissions.includes(DATA_LOCATION_ACCESS))
    .map((l) => {
      const zones = zoneLabels(l.zones);
      return { location: l.location, asked: zones.filter((z) => asked.has(z)), extra: zones.filter((z) => !asked.has(z)) };
    })
    .filter((x) => x.asked.length > 0 && x.extra.length > 0);
}

/** The policy's purpose and notes of a persona, as lines under its heading. */
function justification(persona: string | undefined, policy: GrantsPolicy | undefined, policyFile: string): string[] {
  const pp = persona ? policy?.personas[persona as Persona] : undefined;
  if (!pp) return [];
  const notes = [
    ...pp.tables.filter((r) => r.note).map((r) => `- tables of ${r.zones.join(', ')}${r.stagedFrom ? ` (the staged copies of ${r.stagedFrom.join(', ')})` : ''} (${r.permissions.join(', ')}): ${r.note}`),
    ...pp.dataLocations.filter((r) => r.note).map((r) => `- data locations of ${r.zones.join(', ')}: ${r.note}`),
  ];
  return [`Purpose (${code(policyFile)}): ${pp.purpose}`, '', ...(notes.length ? ['Notes of the policy:', '', ...notes, ''] : [])];
}

export function renderGrantsMarkdown(access: EffectiveAccess, source?: string, presentation: GrantsPresentation = {}): string {
  const env = access.environment ?? access.stack;
  const { policy } = presentation;
  const policyFile = presentation.policyFile ?? `config/grants/${env}.json`;
  const out: string[] = [];
  out.push(`# Lake Formation grants: ${env}`);
  out.push('');
  out.push(`<!-- Generated from the synthesized Terraform by \`stedi grants --env ${env}\`; do not edit by hand. See docs/grants/README.md. -->`);
  out.push('');
  out.push(
    `Effective access in stack ${code(access.stack)}${access.accountId ? `, account ${code(access.accountId)}` : ''}, computed from the Lake Formation resources of the synthesized Terraform${source ? ` (${code(source)})` : ''}: what would be applied, not what the policy file intends.`,
  );
  out.push('Columns marked PII carry the LF-tag `pii=yes` (or no `pii` tag at all, which counts as PII).');
  out.push('');

  out.push('## Summary');
  out.push('');
  out.push('| persona | principal | reads (SELECT) | writes tables | data location access | PII columns read | can grant |');
  out.push('| --- | --- | --- | --- | --- | --- | --- |');
  for (const group of principalGroups(access.principals)) {
    const p = group[0];
    const reads = zonesWhere(p, (perms) => perms.includes('SELECT'));
    const writes = zonesWhere(p, (perms) => perms.some((x) => (WRITE_PERMISSIONS as readonly string[]).includes(x)));
    const locations = new Set(p.locations.filter((l) => l.permissions.includes(DATA_LOCATION_ACCESS)).flatMap((l) => zoneLabels(l.zones)));
    const piiRead = p.tables.reduce((n, t) => n + t.columns.filter((c) => c.pii && c.permissions.includes('SELECT')).length, 0);
    out.push(
      `| ${cell(p.persona ?? (p.isAdmin ? 'data lake admin' : 'no persona'))} | ${group.map((x) => code(x.principal)).join('<br>')} | ${cell(list(reads))} | ${cell(list(writes))} | ${cell(list([...locations].sort((a, b) => zoneOrder(a) - zoneOrder(b))))} | ${piiRead ? `${piiRead} columns` : 'none'} | ${hasGrantOption(p) ? '**yes**' : 'no'} |`,
    );
  }
  out.push('');

  // Where effective access is wider than the policy asks for: the reviewer must see it, not infer it.
  const wider = principalGroups(access.principals).flatMap((group) =>
    widerLocations(group[0], policy).map(
      (w) =>
        `- **${cell(group[0].persona ?? 'no persona')}**: DATA_LOCATION_ACCESS on ${code(w.location)} reaches **${w.extra.join(', ')}** as well as ${w.asked.join(', ')}, ` +
        `because ${w.asked.join(', ')} shares that registered location; the policy asks for ${w.asked.join(', ')} only. ` +
        `Whoever holds it may create or point tables anywhere in that bucket.`,
    ),
  );
  if (wider.length) {
    out.push('### Wider than the policy');
    out.push('');
    out.push(...wider);
    out.push('');
  }

  out.push('## Data lake settings');
  out.push('');
  out.push(`- Admins (implicit access to everything; they receive no explicit grants): ${access.admins.length ? access.admins.map(code).join(', ') : '**none**'}`);
  if (presentation.deployRole && access.admins.includes(presentation.deployRole) && access.environment === 'prod') {
    out.push(
      `- **Review:** the deploy role ${code(presentation.deployRole)} is a data lake admin in **prod**: every apply run that assumes it holds every permission on every table, personal data included, and can grant them. ` +
        'It is admin so that Terraform can manage the grants; keep its trust to prod apply runs behind the protected environment\'s approval.',
    );
  }
  out.push(`- Read-only admins: ${access.readOnlyAdmins.length ? access.readOnlyAdmins.map(code).join(', ') : 'none'}`);
  out.push(
    `- Default permissions on new databases and tables: ${access.defaultPermissions.length ? `**${defaultPermissionTexts(access.defaultPermissions).join('; ')}**` : 'none (IAMAllowedPrincipals gets nothing; Lake Formation grants decide)'}`,
  );
  out.push('');

  out.push('## Registered locations');
  out.push('');
  if (!access.registrations.length) out.push('None.');
  else {
    out.push('| zone | location | role | service-linked role | hybrid access |');
    out.push('| --- | --- | --- | --- | --- |');
    for (const r of access.registrations) {
      out.push(`| ${cell(zonesText(r.zones))} | ${code(r.location)} | ${code(registrationRoleText(r.roleArn))} | ${r.serviceLinkedRole ? '**yes**' : 'no'} | ${r.hybridAccess ? '**on**' : 'off'} |`);
    }
  }
  out.push('');

  out.push('## PII classification');
  out.push('');
  out.push('| zone | database | table | PII columns |');
  out.push('| --- | --- | --- | --- |');
  for (const t of access.classification) {
    const pii = t.columns.filter((c) => c.pii).map((c) => c.name);
    out.push(`| ${cell(zoneText(t.zone))} | ${cell(t.database)} | ${cell(t.table)} | ${pii.length ? `${pii.join(', ')} (${pii.length} of ${t.columns.length})` : 'none'} |`);
  }
  out.push('');

  out.push('## Access per principal');
  out.push('');
  for (const group of principalGroups(access.principals)) {
    const p = group[0];
    if (out[out.length - 1] !== '') out.push('');
    out.push(`### ${p.persona ?? (p.isAdmin ? 'data lake admin' : 'no persona')}: ${group.map((x) => code(x.principal)).join(', ')}`);
    out.push('');
    out.push(...justification(p.persona, policy, policyFile));
    if (p.databases.length) {
      out.push('| zone | database | permissions | grantable |');
      out.push('| --- | --- | --- | --- |');
      for (const d of p.databases) out.push(`| ${cell(zoneText(d.zone))} | ${cell(d.database)} | ${list(d.permissions)} | ${d.grantable.length ? `**${d.grantable.join(', ')}**` : 'no'} |`);
      out.push('');
    }
    if (p.tables.length) {
      out.push('| zone | database | table | permissions | grantable | columns |');
      out.push('| --- | --- | --- | --- | --- | --- |');
      for (const t of p.tables) {
        const allColumns = access.classification.find((c) => c.database === t.database && c.table === t.table)?.columns;
        for (const g of columnGroups(t)) {
          out.push(
            `| ${cell(zoneText(t.zone))} | ${cell(t.database)} | ${cell(t.table)} | ${list(g.permissions)} | ${g.grantable.length ? `**${g.grantable.join(', ')}**` : 'no'} | ${cell(describeColumns(g.columns, { columnCount: t.columnCount, allColumns }, g.permissions))} |`,
          );
        }
      }
      out.push('');
    }
    if (p.locations.length) {
      out.push('| zone | data location | permissions | grantable |');
      out.push('| --- | --- | --- | --- |');
      for (const l of p.locations) {
        out.push(`| ${cell(zonesText(l.zones))} | ${code(l.location)}${l.registered ? '' : ' (**not registered**)'} | ${list(l.permissions)} | ${l.grantable.length ? `**${l.grantable.join(', ')}**` : 'no'} |`);
      }
      out.push('');
    }
    if (p.other.length) {
      out.push('| other resource | permissions | grantable |');
      out.push('| --- | --- | --- |');
      for (const o of p.other) out.push(`| ${cell(o.resource)} | ${list(o.permissions)} | ${o.grantable.length ? `**${o.grantable.join(', ')}**` : 'no'} |`);
      out.push('');
    }
    if (!p.databases.length && !p.tables.length && !p.locations.length && !p.other.length) {
      out.push('Grants that match no database, table or location of this stack.');
      out.push('');
    }
  }
  if (!access.principals.length) {
    if (out[out.length - 1] !== '') out.push('');
    out.push('No grants.');
    out.push('');
  }
  out.push(...renderWorkloadAccessMarkdown(access));
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

export function renderGrantsJson(access: EffectiveAccess): string {
  return `${JSON.stringify(access, null, 2)}\n`;
}

export function renderGrants(access: EffectiveAccess, format: GrantsFormat, source?: string, presentation: GrantsPresentation = {}): string {
  return format === 'json' ? renderGrantsJson(access) : renderGrantsMarkdown(access, source, presentation);
}
