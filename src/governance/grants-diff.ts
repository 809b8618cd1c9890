// What access a change grants and revokes: the difference of two effective-access computations.
import type { EffectiveAccess } from './effective-access';
import { cell } from './render-grants';
import { personaOrder, zoneOrder } from './vocabulary';
import { defaultPermissionTexts, registrationRoleText, zonesText, zoneText } from './access-text';

/** Access that appeared or disappeared, grouped by principal, permission and resource. */
export interface AccessChange {
  readonly principal: string;
  readonly persona?: string;
  /** e.g. `SELECT`, or `SELECT (grant option)`. */
  readonly permission: string;
  readonly zone: string;
  /** `database`, `database.table`, a location ARN, or another resource. */
  readonly resource: string;
  /** For table access: the columns concerned (PII ones marked). */
  readonly columns?: readonly { name: string; pii: boolean }[];
}

export interface StackGrantsDiff {
  readonly stack: string;
  readonly environment?: string;
  readonly granted: readonly AccessChange[];
  readonly revoked: readonly AccessChange[];
  /** Changes of settings, registrations and PII classification, one sentence each. */
  readonly other: readonly string[];
}

interface Atom extends Omit<AccessChange, 'columns'> {
  readonly column?: { name: string; pii: boolean };
  /** The zone the change sorts by: the resource's zone, a location's first zone. */
  readonly firstZone: string | undefined;
}

function atoms(access: EffectiveAccess | undefined): Map<string, Atom> {
  const out = new Map<string, Atom>();
  if (!access) return out;
  const add = (a: Atom) => out.set(JSON.stringify([a.principal, a.permission, a.zone, a.resource, a.column?.name ?? '']), a);
  for (const p of access.principals) {
    const perms = (permissions: readonly string[], grantable: readonly string[]) => [...permissions, ...grantable.map((g) => `${g} (grant option)`)];
    for (const d of p.databases) for (const permission of perms(d.permissions, d.grantable)) add({ principal: p.principal, persona: p.persona, permission, zone: zoneText(d.zone), firstZone: d.zone, resource: d.database });
    for (const t of p.tables) {
      for (const c of t.columns) {
        for (const permission of perms(c.permissions, c.grantable)) {
          add({ principal: p.principal, persona: p.persona, permission, zone: zoneText(t.zone), firstZone: t.zone, resource: `${t.database}.${t.table}`, column: { name: c.name, pii: c.pii } });
        }
      }
    }
    for (const l of p.locations) for (const permission of perms(l.permissions, l.grantable)) add({ principal: p.principal, persona: p.persona, permission, zone: zonesText(l.zones), firstZone: l.zones[0], resource: l.location });
    for (const o of p.other) for (const permission of perms(o.permissions, o.grantable)) add({ principal: p.principal, persona: p.persona, permission, zone: '—', firstZone: undefined, resource: o.resource });
  }
  return out;
}

function group(list: Atom[]): AccessChange[] {
  const groups = new Map<string, { change: AccessChange & { columns?: { name: string; pii: boolean }[] }; zoneRank: number }>();
  for (const a of list) {
    const k = JSON.stringify([a.principal, a.permission, a.zone, a.resource]);
    const g = groups.get(k) ?? {
      change: { principal: a.principal, persona: a.persona, permission: a.permission, zone: a.zone, resource: a.resource, ...(a.column ? { columns: [] } : {}) },
      zoneRank: zoneOrder(a.firstZone),
    };
    if (a.column) g.change.columns!.push(a.column);
    groups.set(k, g);
  }
  return [...groups.values()]
    .sort(
      ({ change: x, zoneRank: xz }, { change: y, zoneRank: yz }) =>
        personaOrder(x.persona) - personaOrder(y.persona) || x.principal.localeCompare(y.principal) || xz - yz || x.resource.localeCompare(y.resource) || x.permission.localeCompare(y.permission),
    )
    .map((g) => g.change);
}

const added = <T>(base: readonly T[], head: readonly T[]) => head.filter((x) => !base.includes(x));

/** The access `head` grants that `base` does not, the access it revokes, and other governance changes. */
export function diffGrants(base: EffectiveAccess | undefined, head: EffectiveAccess | undefined): StackGrantsDiff {
  const b = atoms(base);
  const h = atoms(head);
  const other: string[] = [];
  const bAdmins = base?.admins ?? [];
  const hAdmins = head?.admins ?? [];
  for (const a of added(bAdmins, hAdmins)) other.push(`data lake admin added: \`${a}\``);
  for (const a of added(hAdmins, bAdmins)) other.push(`data lake admin removed: \`${a}\``);
  for (const a of added(base?.readOnlyAdmins ?? [], head?.readOnlyAdmins ?? [])) other.push(`read-only admin added: \`${a}\``);
  for (const a of added(head?.readOnlyAdmins ?? [], base?.readOnlyAdmins ?? [])) other.push(`read-only admin removed: \`${a}\``);
  const defaults = (a: EffectiveAccess | undefined) => defaultPermissionTexts(a?.defaultPermissions ?? []);
  for (const d of added(defaults(base), defaults(head))) other.push(`default permission on new databases or tables added: ${d}`);
  for (const d of added(defaults(head), defaults(base))) other.push(`default permission on new databases or tables removed: ${d}`);
  const reg = (a: EffectiveAccess | undefined) => (a?.registrations ?? []).map((r) => `\`${r.location}\` (${zonesText(r.zones)}) with role \`${registrationRoleText(r.roleArn)}\`${r.serviceLinkedRole ? ', service-linked role' : ''}${r.hybridAccess ? ', hybrid access on' : ''}`);
  for (const r of added(reg(base), reg(head))) other.push(`location registered: ${r}`);
  for (const r of added(reg(head), reg(base))) other.push(`location no longer registered: ${r}`);
  const pii = (a: EffectiveAccess | undefined) => new Map((a?.classification ?? []).flatMap((t) => t.columns.map((c): [string, boolean] => [`${t.database}.${t.table}.${c.name}`, c.pii])));
  const bp = pii(base);
  for (const [col, isPii] of pii(head)) {
    const was = bp.get(col);
    if (was !== undefined && was !== isPii) other.push(isPii ? `column ${col} is now classified PII` : `column ${col} is **no longer classified PII**`);
  }
  return {
    stack: head?.stack ?? base?.stack ?? '',
    environment: head?.environment ?? base?.environment,
    granted: group([...h].filter(([k]) => !b.has(k)).map(([, a]) => a)),
    revoked: group([...b].filter(([k]) => !h.has(k)).map(([, a]) => a)),
    other,
  };
}

export function isEmptyDiff(d: StackGrantsDiff): boolean {
  return !d.granted.length && !d.revoked.length && !d.other.length;
}

function columnsText(c: AccessChange): string {
  if (!c.columns) return '—';
  return c.columns.map((x) => (x.pii ? `**${x.name} (PII)**` : x.name)).join(', ');
}

function changesTable(title: string, changes: readonly AccessChange[]): string[] {
  if (!changes.length) return [];
  const out = [`### ${title} (${changes.length})`, '', '| persona | principal | permission | zone | resource | columns |', '| --- | --- | --- | --- | --- | --- |'];
  for (const c of changes) out.push(`| ${cell(c.persona ?? '—')} | \`${c.principal}\` | ${cell(c.permission)} | ${cell(c.zone)} | ${cell(c.resource)} | ${cell(columnsText(c))} |`);
  out.push('');
  return out;
}

/** The first line of a diff without changes: the pull-request workflow posts no comment for it. */
export const NO_ACCESS_CHANGES = 'No access changes.';

export function renderGrantsDiffMarkdown(diffs: readonly StackGrantsDiff[]): string {
  const changed = diffs.filter((d) => !isEmptyDiff(d));
  if (!changed.length) {
    return `${NO_ACCESS_CHANGES}\n\nNo change of access in ${diffs.length ? diffs.map((d) => `\`${d.stack}\``).join(', ') : 'any governed stack'}.\n`;
  }
  const out: string[] = ['# Lake Formation grants: changes', ''];
  for (const d of changed) {
    const piiGranted = d.granted.reduce((n, c) => n + (c.columns ?? []).filter((x) => x.pii).length, 0);
    out.push(`## ${d.environment ?? d.stack} (\`${d.stack}\`)`, '');
    out.push(`${d.granted.length} granted, ${d.revoked.length} revoked${piiGranted ? `; **${piiGranted} PII column grants added**` : ''}.`, '');
    out.push(...changesTable('Granted', d.granted));
    out.push(...changesTable('Revoked', d.revoked));
    if (d.other.length) out.push('### Settings and classification', '', ...d.other.map((o) => `- ${o}`), '');
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}

export function renderGrantsDiffJson(diffs: readonly StackGrantsDiff[]): string {
  return `${JSON.stringify({ stacks: diffs }, null, 2)}\n`;
}
