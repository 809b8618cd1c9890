// Derives SQL mutants of the catalog's transforms, accounting queries and rules from DuckDB's own
// parse trees (json_serialize_sql): every join, condition, comparison, NULL test, IN, DISTINCT,
// window partition and order key, GROUP BY key and CASE branch found there is a mutation site, so
// nothing is listed by hand. A mutant is the file with one site changed, written back as SQL by
// json_deserialize_sql (a rule keeps its header). Mutants that parse to the original tree, or to
// the tree of another mutant, are dropped.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDbEngine } from '../../src/engine/duckdb-engine';

/** What a mutation operator does, one kind per family the issue names. */
export type MutationKind =
  | 'join-kind'
  | 'join-condition-dropped'
  | 'condition-dropped'
  | 'and-or-swapped'
  | 'comparison'
  | 'boundary-constant'
  | 'null-test-negated'
  | 'in-negated'
  | 'exists-negated'
  | 'distinct-removed'
  | 'partition-key-dropped'
  | 'partition-key-added'
  | 'order-direction'
  | 'nulls-order'
  | 'order-key-dropped'
  | 'group-key-dropped'
  | 'case-branches-swapped';

export interface Mutant {
  /** Stable name: the file, the kind and what changed, e.g. `glue/sql/trusted/customer_trusted.sql partition-key-added c.serialNumber`. */
  readonly id: string;
  /** Relative to the project root. */
  readonly file: string;
  readonly kind: MutationKind;
  /** Line of the site in the file. */
  readonly line: number;
  /** What changed, in SQL words. */
  readonly change: string;
  /** The mutated file. */
  readonly text: string;
}

/** The folders whose SQL is mutated, relative to the project root. */
export const MUTATED_FOLDERS = [join('glue', 'sql', 'trusted'), join('glue', 'sql', 'curated'), join('quality-rules', 'accounting'), join('quality-rules', 'rules')];

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Short SQL-like text of an expression, for the change and the id. */
export function exprText(e: unknown): string {
  if (!isNode(e)) return '?';
  switch (e.class) {
    case 'COLUMN_REF':
      return (e.column_names as string[]).join('.');
    case 'CONSTANT': {
      const v = e.value as { is_null: boolean; value: unknown };
      return v.is_null ? 'NULL' : typeof v.value === 'string' ? `'${v.value}'` : String(v.value);
    }
    case 'COMPARISON':
      return `${exprText(e.left)} ${COMPARISON_SQL[e.type as string] ?? e.type} ${exprText(e.right)}`;
    case 'CONJUNCTION':
      return (e.children as unknown[]).map(exprText).join(e.type === 'CONJUNCTION_AND' ? ' AND ' : ' OR ');
    case 'OPERATOR': {
      const [c] = e.children as unknown[];
      if (e.type === 'OPERATOR_IS_NULL') return `${exprText(c)} IS NULL`;
      if (e.type === 'OPERATOR_IS_NOT_NULL') return `${exprText(c)} IS NOT NULL`;
      if (e.type === 'OPERATOR_NOT') return `NOT ${exprText(c)}`;
      return String(e.type);
    }
    case 'SUBQUERY':
      return e.subquery_type === 'EXISTS' ? 'EXISTS (...)' : `${exprText(e.child)} IN (${subqueryText(e.subquery)})`;
    case 'FUNCTION': {
      const name = e.function_name === 'count_star' ? 'COUNT' : String(e.function_name).toUpperCase();
      const args = (e.children as unknown[]).map(exprText).join(', ') || '*';
      return `${name}(${e.distinct ? 'DISTINCT ' : ''}${args})`;
    }
    default:
      return String(e.class ?? e.type).toLowerCase();
  }
}

/** `SELECT x FROM t`, for an IN's subquery. */
function subqueryText(s: unknown): string {
  const node = isNode(s) && isNode(s.node) ? s.node : undefined;
  if (!node) return '...';
  const from = isNode(node.from_table) && node.from_table.type === 'BASE_TABLE' ? ` FROM ${node.from_table.table_name}` : '';
  return `SELECT ${(node.select_list as unknown[]).map(exprText).join(', ')}${from}`;
}

const COMPARISON_SQL: Record<string, string> = {
  COMPARE_EQUAL: '=',
  COMPARE_NOTEQUAL: '<>',
  COMPARE_LESSTHAN: '<',
  COMPARE_LESSTHANOREQUALTO: '<=',
  COMPARE_GREATERTHAN: '>',
  COMPARE_GREATERTHANOREQUALTO: '>=',
};

/** Each comparison's boundary shift and its negation (the usual relational operator replacement). */
const COMPARISON_MUTANTS: Record<string, readonly string[]> = {
  COMPARE_EQUAL: ['COMPARE_NOTEQUAL'],
  COMPARE_NOTEQUAL: ['COMPARE_EQUAL'],
  COMPARE_LESSTHAN: ['COMPARE_LESSTHANOREQUALTO', 'COMPARE_GREATERTHANOREQUALTO'],
  COMPARE_LESSTHANOREQUALTO: ['COMPARE_LESSTHAN', 'COMPARE_GREATERTHAN'],
  COMPARE_GREATERTHAN: ['COMPARE_GREATERTHANOREQUALTO', 'COMPARE_LESSTHANOREQUALTO'],
  COMPARE_GREATERTHANOREQUALTO: ['COMPARE_GREATERTHAN', 'COMPARE_LESSTHAN'],
};

const TRUE: Node = { class: 'CONSTANT', type: 'VALUE_CONSTANT', alias: '', query_location: 0, value: { type: { id: 'BOOLEAN', type_info: null }, is_null: false, value: true } };

/** One change at one place of a tree: applied to a copy. */
interface Site {
  readonly kind: MutationKind;
  readonly change: string;
  /** Where in the file, as DuckDB reports it (characters from the start of the SQL). */
  readonly location?: number;
  readonly apply: (copy: Node) => void;
}

type Path = readonly (string | number)[];

function at(root: Node, path: Path): Node {
  let cur: unknown = root;
  for (const p of path) cur = (cur as Record<string | number, unknown>)[p];
  return cur as Node;
}

/** The smallest query_location inside a node: where its text begins. */
function locationOf(v: unknown): number | undefined {
  let best: number | undefined;
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (isNode(x)) {
      if (typeof x.query_location === 'number' && x.query_location < 2 ** 32 && (best === undefined || x.query_location < best)) best = x.query_location;
      for (const [k, c] of Object.entries(x)) if (k !== 'subquery') walk(c);
    }
  };
  walk(v);
  return best;
}

/** Sites of a boolean condition held at `path` in its parent (a WHERE, HAVING or ON): drop or swap its parts. */
function conditionSites(root: Node, path: Path, where: string, sites: Site[]): void {
  const cond = at(root, path);
  if (!isNode(cond)) return;
  const parent = path.slice(0, -1);
  const key = path[path.length - 1];
  if (cond.class === 'CONJUNCTION') {
    const children = cond.children as unknown[];
    children.forEach((c, i) => {
      sites.push({
        kind: where === 'ON' ? 'join-condition-dropped' : 'condition-dropped',
        change: `${where} ${exprText(c)} dropped`,
        location: locationOf(c),
        apply: (copy) => {
          const n = at(copy, path);
          const rest = (n.children as unknown[]).filter((_, j) => j !== i);
          if (rest.length === 1) at(copy, parent)[key] = rest[0];
          else n.children = rest;
        },
      });
    });
    const other = cond.type === 'CONJUNCTION_AND' ? 'CONJUNCTION_OR' : 'CONJUNCTION_AND';
    sites.push({
      kind: 'and-or-swapped',
      change: `${where} ${exprText(cond)}: ${cond.type === 'CONJUNCTION_AND' ? 'AND -> OR' : 'OR -> AND'}`,
      location: locationOf(cond),
      apply: (copy) => {
        at(copy, path).type = other;
      },
    });
  } else if (where === 'ON') {
    sites.push({ kind: 'join-condition-dropped', change: `ON ${exprText(cond)} dropped (ON TRUE)`, location: locationOf(cond), apply: (copy) => void (at(copy, parent)[key] = TRUE) });
  } else {
    sites.push({ kind: 'condition-dropped', change: `${where} ${exprText(cond)} dropped`, location: locationOf(cond), apply: (copy) => void (at(copy, parent)[key] = null) });
  }
}

/** Every mutation site of one parse tree. */
export function mutationSites(tree: Node): Site[] {
  const sites: Site[] = [];
  const walk = (v: unknown, path: Path) => {
    if (Array.isArray(v)) {
      v.forEach((c, i) => walk(c, [...path, i]));
      return;
    }
    if (!isNode(v)) return;
    const node = v;
    // Query nodes: DISTINCT, WHERE, HAVING, GROUP BY.
    if (node.type === 'SELECT_NODE') {
      const modifiers = (node.modifiers as Node[]) ?? [];
      modifiers.forEach((m, i) => {
        if (m.type === 'DISTINCT_MODIFIER') {
          sites.push({
            kind: 'distinct-removed',
            change: 'SELECT DISTINCT -> SELECT',
            location: locationOf(node.select_list),
            apply: (copy) => void (at(copy, path).modifiers = (at(copy, path).modifiers as Node[]).filter((_, j) => j !== i)),
          });
        }
      });
      if (node.where_clause) conditionSites(tree, [...path, 'where_clause'], 'WHERE', sites);
      if (node.having) conditionSites(tree, [...path, 'having'], 'HAVING', sites);
      const groups = (node.group_expressions as unknown[]) ?? [];
      const sets = node.group_sets as number[][];
      if (groups.length > 1 && sets.length === 1 && sets[0].length === groups.length) {
        groups.forEach((g, i) =>
          sites.push({
            kind: 'group-key-dropped',
            change: `GROUP BY ${exprText(g)} dropped`,
            location: locationOf(g),
            apply: (copy) => {
              const n = at(copy, path);
              n.group_expressions = (n.group_expressions as unknown[]).filter((_, j) => j !== i);
              n.group_sets = [groups.slice(1).map((_, j) => j)];
            },
          }),
        );
      }
    }
    // Joins: kind and conditions.
    if (node.type === 'JOIN' && node.ref_type === 'REGULAR' && node.condition) {
      const right = node.right as Node;
      const name = right.type === 'BASE_TABLE' ? `${right.table_name}${right.alias ? ` ${right.alias}` : ''}` : 'subquery';
      const to = node.join_type === 'INNER' ? 'LEFT' : 'INNER';
      sites.push({
        kind: 'join-kind',
        change: `${node.join_type === 'INNER' ? '' : `${node.join_type} `}JOIN ${name} -> ${to === 'INNER' ? '' : `${to} `}JOIN ${name}`,
        location: typeof node.query_location === 'number' ? node.query_location : locationOf(right),
        apply: (copy) => void (at(copy, path).join_type = to),
      });
      conditionSites(tree, [...path, 'condition'], 'ON', sites);
    }
    // Expressions.
    if (node.class === 'COMPARISON') {
      for (const to of COMPARISON_MUTANTS[node.type as string] ?? []) {
        sites.push({
          kind: 'comparison',
          change: `${exprText(node)} -> ${exprText({ ...node, type: to })}`,
          location: node.query_location as number,
          apply: (copy) => void (at(copy, path).type = to),
        });
      }
      // An integer bound one either side: `COUNT(*) > 1` against `> 2` and `> 0`.
      for (const side of ['left', 'right'] as const) {
        const c = node[side] as Node;
        const value = isNode(c) && c.class === 'CONSTANT' ? (c.value as { type: { id: string }; is_null: boolean; value: unknown }) : undefined;
        if (!value || value.is_null || !['INTEGER', 'BIGINT'].includes(value.type.id)) continue;
        for (const delta of [-1, 1]) {
          const shifted = Number(value.value) + delta;
          sites.push({
            kind: 'boundary-constant',
            change: `${exprText(node)} -> ${exprText({ ...node, [side]: { ...c, value: { ...value, value: shifted } } })}`,
            location: c.query_location as number,
            apply: (copy) => {
              const k = at(copy, [...path, side]);
              k.value = { ...(k.value as object), value: shifted };
            },
          });
        }
      }
    }
    if (node.class === 'OPERATOR' && (node.type === 'OPERATOR_IS_NULL' || node.type === 'OPERATOR_IS_NOT_NULL')) {
      const to = node.type === 'OPERATOR_IS_NULL' ? 'OPERATOR_IS_NOT_NULL' : 'OPERATOR_IS_NULL';
      sites.push({ kind: 'null-test-negated', change: `${exprText(node)} -> ${exprText({ ...node, type: to })}`, location: locationOf(node), apply: (copy) => void (at(copy, path).type = to) });
    }
    // NOT IN / NOT EXISTS lose their NOT; IN / EXISTS gain one.
    if (node.class === 'OPERATOR' && node.type === 'OPERATOR_NOT') {
      const [child] = node.children as Node[];
      if (isNode(child) && child.class === 'SUBQUERY') {
        const parentPath = path.slice(0, -1);
        const key = path[path.length - 1];
        sites.push({
          kind: child.subquery_type === 'EXISTS' ? 'exists-negated' : 'in-negated',
          change: `${exprText(node)} -> ${exprText(child)}`,
          location: locationOf(node),
          apply: (copy) => void (at(copy, parentPath)[key] = at(copy, [...path, 'children', 0])),
        });
      }
    }
    if (node.class === 'SUBQUERY' && (node.subquery_type === 'ANY' || node.subquery_type === 'EXISTS')) {
      const parent = path.length > 1 ? at(tree, path.slice(0, -2)) : undefined;
      const negated = isNode(parent) && parent.class === 'OPERATOR' && parent.type === 'OPERATOR_NOT';
      if (!negated) {
        const parentPath = path.slice(0, -1);
        const key = path[path.length - 1];
        sites.push({
          kind: node.subquery_type === 'EXISTS' ? 'exists-negated' : 'in-negated',
          change: `${exprText(node)} -> NOT ${exprText(node)}`,
          location: locationOf(node),
          apply: (copy) => {
            const inner = at(copy, path);
            at(copy, parentPath)[key] = { class: 'OPERATOR', type: 'OPERATOR_NOT', alias: '', query_location: inner.query_location, children: [inner] };
          },
        });
      }
    }
    if (node.class === 'FUNCTION' && node.distinct === true) {
      sites.push({ kind: 'distinct-removed', change: `${exprText(node)} -> ${exprText({ ...node, distinct: false })}`, location: locationOf(node), apply: (copy) => void (at(copy, path).distinct = false) });
    }
    if (node.class === 'WINDOW') windowSites(node, path, sites);
    if (node.class === 'CASE') {
      const checks = node.case_checks as Node[];
      for (let i = 0; i + 1 < checks.length; i++) {
        sites.push({
          kind: 'case-branches-swapped',
          change: `CASE WHEN ${exprText(checks[i].when_expr)} ... WHEN ${exprText(checks[i + 1].when_expr)}: the two branches swapped`,
          location: locationOf(checks[i].when_expr),
          apply: (copy) => {
            const c = at(copy, [...path, 'case_checks']) as unknown as Node[];
            [c[i], c[i + 1]] = [c[i + 1], c[i]];
          },
        });
      }
    }
    for (const [k, c] of Object.entries(node)) walk(c, [...path, k]);
  };
  walk(tree, []);
  return sites;
}

/** A window's partition keys (dropped, or one of its order keys added, the issue's example) and order keys (direction, NULLs, dropped). */
function windowSites(node: Node, path: Path, sites: Site[]): void {
  const partitions = node.partitions as Node[];
  const orders = node.orders as { type: string; null_order: string; expression: Node }[];
  const keys = partitions.map(exprText).join(', ');
  partitions.forEach((p, i) =>
    sites.push({
      kind: 'partition-key-dropped',
      change: `PARTITION BY ${keys}: ${exprText(p)} dropped`,
      location: locationOf(p),
      apply: (copy) => void (at(copy, path).partitions = (at(copy, path).partitions as Node[]).filter((_, j) => j !== i)),
    }),
  );
  const partitioned = new Set(partitions.map(exprText));
  for (const o of orders) {
    if (partitioned.has(exprText(o.expression))) continue;
    sites.push({
      kind: 'partition-key-added',
      change: `PARTITION BY ${keys} -> PARTITION BY ${keys}, ${exprText(o.expression)}`,
      location: locationOf(partitions),
      apply: (copy) => void (at(copy, path).partitions = [...(at(copy, path).partitions as Node[]), o.expression]),
    });
  }
  orders.forEach((o, i) => {
    const key = exprText(o.expression);
    const dir = o.type === 'DESCENDING' ? 'DESC' : 'ASC';
    const edit = (f: (x: { type: string; null_order: string }) => void) => (copy: Node) => f((at(copy, path).orders as { type: string; null_order: string }[])[i]);
    sites.push({
      kind: 'order-direction',
      change: `ORDER BY ${key} ${dir} -> ${dir === 'DESC' ? 'ASC' : 'DESC'}`,
      location: locationOf(o.expression),
      apply: edit((x) => void (x.type = x.type === 'DESCENDING' ? 'ASCENDING' : 'DESCENDING')),
    });
    sites.push({
      kind: 'nulls-order',
      change: `ORDER BY ${key} ${o.null_order} -> ${o.null_order === 'NULLS FIRST' ? 'NULLS LAST' : 'NULLS FIRST'}`,
      location: locationOf(o.expression),
      apply: edit((x) => void (x.null_order = x.null_order === 'NULLS FIRST' ? 'NULLS LAST' : 'NULLS FIRST')),
    });
    sites.push({
      kind: 'order-key-dropped',
      change: `ORDER BY ${key} dropped`,
      location: locationOf(o.expression),
      apply: (copy) => void (at(copy, path).orders = (at(copy, path).orders as unknown[]).filter((_, j) => j !== i)),
    });
  });
}

/** A file split into its leading comment lines (a rule's header) and its SQL. */
function splitHeader(text: string): { header: string; sql: string; sqlOffset: number } {
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length && (lines[i].trim() === '' || lines[i].trim().startsWith('--'))) i++;
  const header = lines.slice(0, i).join('\n');
  const sqlOffset = i ? header.length + 1 : 0;
  return { header, sql: text.slice(sqlOffset), sqlOffset };
}

/** Parse trees, and SQL from them, through the engine's own parser (values bound, never spliced). */
export class SqlTrees {
  constructor(private readonly engine: DuckDbEngine) {}

  async parse(sql: string): Promise<Node> {
    const r = await this.engine.connection.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS t', [sql]);
    const tree = JSON.parse(String(r.getRowObjectsJS()[0].t)) as Node;
    if (tree.error) throw new Error(`does not parse: ${String(tree.error_message)}`);
    return tree;
  }

  async render(tree: Node): Promise<string> {
    // A node without a position holds 2^64 - 1, which JSON.parse cannot keep exactly: positions do not change the SQL written.
    const json = JSON.stringify(tree, (k, v) => (k === 'query_location' ? (typeof v === 'number' && v < 2 ** 32 ? v : 0) : v));
    const r = await this.engine.connection.runAndReadAll('SELECT json_deserialize_sql($1::JSON) AS s', [json]);
    return String(r.getRowObjectsJS()[0].s);
  }
}

/** A tree without the positions DuckDB records: two trees of the same SQL compare equal. */
export const shape = (tree: unknown): string => JSON.stringify(tree, (k, v) => (k === 'query_location' ? undefined : v));

/** The SQL files that are mutated, relative to the project root. */
export function mutatedFiles(root: string): string[] {
  return MUTATED_FOLDERS.flatMap((d) =>
    readdirSync(join(root, d))
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .map((f) => join(d, f)),
  );
}

/** The file as the mutants are written: its header and the SQL DuckDB writes back from its tree. */
export async function rendered(trees: SqlTrees, text: string): Promise<string> {
  const { header, sql } = splitHeader(text);
  const back = await trees.render(await trees.parse(sql));
  return header ? `${header}\n${back}\n` : `${back}\n`;
}

/** Every mutant of one file. */
export async function mutantsOf(trees: SqlTrees, root: string, file: string): Promise<Mutant[]> {
  const text = readFileSync(join(root, file), 'utf8');
  const { header, sql, sqlOffset } = splitHeader(text);
  const tree = await trees.parse(sql);
  const original = shape(tree);
  const seen = new Set([original]);
  const ids = new Map<string, number>();
  const out: Mutant[] = [];
  for (const site of mutationSites(tree)) {
    const copy = structuredClone(tree);
    site.apply(copy);
    const rendering = await trees.render(copy);
    // Written back and read again: what the pipeline will parse.
    const reparsed = shape(await trees.parse(rendering));
    if (seen.has(reparsed)) continue;
    seen.add(reparsed);
    const base = `${file.split('\\').join('/')} ${site.kind} ${site.change}`;
    const n = (ids.get(base) ?? 0) + 1;
    ids.set(base, n);
    const line = site.location === undefined ? 0 : text.slice(0, sqlOffset + site.location).split('\n').length;
    out.push({ id: n > 1 ? `${base} #${n}` : base, file: file.split('\\').join('/'), kind: site.kind, line, change: site.change, text: header ? `${header}\n${rendering}\n` : `${rendering}\n` });
  }
  return out;
}
