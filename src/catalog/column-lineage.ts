// Which values of a query are personal data: each output column traced, through DuckDB's own parse
// tree (json_serialize_sql), back to the columns that ddl/ annotates `pii`. Derived once per loaded
// catalog for every table (through the transforms), then for any query over those tables (rules).
//
// Fail closed: a value is free of personal data only when every column it is computed from is
// resolved to a table column that is free of it. A name that cannot be resolved, a table function,
// `*` inside an expression, a recursive CTE or any construct this module does not trace makes the
// value "unknown", and unknown values are treated as personal. Counting (COUNT, COUNT(*)) is the one
// computation whose result never discloses its arguments; every other function, CASE, comparison or
// subquery passes on the personal data of everything it reads (a CASE on an email tells something
// about the email).
//
// This module is engine-neutral: it reads the JSON of a parse tree. The DuckDB adapter that makes
// those trees is src/engine/duckdb-parse-tree.ts; code that may not load DuckDB (the Lambdas) gets
// the derived lineage embedded instead.
import type { Catalog } from './registry';

/** Where a value comes from, for personal data. */
export interface ColumnTaint {
  /** The `pii` columns of ddl/ the value is computed from, as `table.column`. */
  readonly sources: readonly string[];
  /** Why the value cannot be proven free of personal data; empty when it can. */
  readonly unknown: readonly string[];
}

export interface TracedColumn extends ColumnTaint {
  /** The output column's name when the SQL gives one (an alias or a column name); null otherwise. */
  readonly name: string | null;
}

/** The output columns of a query, in order; or why they cannot be listed (then every value is personal). */
export type QueryLineage = { readonly columns: readonly TracedColumn[] } | { readonly unknown: string };

export interface CatalogLineage {
  /** Every table's columns (in DDL order) with their effective taint: annotated `pii`, or derived from such columns. */
  readonly tables: Readonly<Record<string, readonly TracedColumn[]>>;
  /** Columns a transform derives from personal data that ddl/ does not annotate `pii`: a DDL defect. */
  readonly unannotated: readonly { readonly table: string; readonly column: string; readonly sources: readonly string[]; readonly unknown: readonly string[] }[];
}

/** The parse trees of SELECTs, in order, as DuckDB's json_serialize_sql returns them (parsed JSON). */
export type ParseTreesOf = (sqls: readonly string[]) => Promise<unknown[]>;

/** True when a value may be personal data: derived from a `pii` column, or not provably free of one. */
export function isPersonal(t: ColumnTaint): boolean {
  return t.sources.length > 0 || t.unknown.length > 0;
}

export class LineageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LineageError';
  }
}

type Json = Record<string, unknown>;
const CLEAR: ColumnTaint = { sources: [], unknown: [] };
const unknownTaint = (why: string): ColumnTaint => ({ sources: [], unknown: [why] });
const named = (name: string | null, t: ColumnTaint): TracedColumn => ({ name, sources: t.sources, unknown: t.unknown });

function union(taints: readonly ColumnTaint[]): ColumnTaint {
  if (taints.length === 1) return taints[0];
  const sources = new Set<string>();
  const unknown = new Set<string>();
  for (const t of taints) {
    for (const s of t.sources) sources.add(s);
    for (const u of t.unknown) unknown.add(u);
  }
  return { sources: [...sources].sort(), unknown: [...unknown] };
}

/** Aggregates whose result is a count: it discloses nothing of the values counted. */
const COUNTING = new Set(['count', 'count_star']);

interface Relation {
  /** Lower-case name a column reference qualifies with. */
  readonly alias: string;
  /** Null when the columns cannot be listed (a table function, an unknown table). */
  readonly columns: readonly TracedColumn[] | null;
  /** Why columns is null. */
  readonly why?: string;
}

interface Scope {
  /** The catalog's tables, as traced so far. */
  readonly tables: CatalogLineage['tables'];
  readonly relations: readonly Relation[];
  /** Select-list aliases defined so far (DuckDB lets later items and clauses refer to them). */
  readonly aliases: Map<string, ColumnTaint>;
  readonly ctes: ReadonlyMap<string, QueryLineage>;
  readonly outer?: Scope;
}

const lower = (s: string) => s.toLowerCase();
const str = (v: unknown) => (typeof v === 'string' ? v : '');
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function lookupCte(scope: Scope | undefined, name: string): QueryLineage | undefined {
  for (let s = scope; s; s = s.outer) {
    const q = s.ctes.get(name);
    if (q) return q;
  }
  return undefined;
}

function columnOf(rel: Relation, name: string): ColumnTaint | undefined {
  if (rel.columns === null) return unknownTaint(rel.why ?? `the columns of ${rel.alias} cannot be listed`);
  const hits = rel.columns.filter((c) => c.name !== null && lower(c.name) === name);
  return hits.length ? union(hits) : undefined;
}

/** Resolves a column reference (`col`, `rel.col`, `rel.col.field`, `schema.rel.col`) in the scope chain. */
function resolveColumn(names: readonly string[], scope: Scope): ColumnTaint {
  const ns = names.map(lower);
  const shown = names.join('.');
  for (let s: Scope | undefined = scope; s; s = s.outer) {
    // Qualified: the relation, then its column (a struct field below a column has the column's taint).
    for (const [r, c] of ns.length >= 2 ? [[ns[0], ns[1]], [ns[ns.length - 2], ns[ns.length - 1]]] : []) {
      const rel = s.relations.find((x) => x.alias === r);
      if (rel) {
        const hit = columnOf(rel, c);
        if (hit) return hit;
      }
    }
    // Unqualified (or a struct field of an unqualified column): the one relation that has it.
    const hits = s.relations.map((rel) => columnOf(rel, ns[0])).filter((x): x is ColumnTaint => x !== undefined);
    if (hits.length > 1 && hits.some((h) => h.unknown.length === 0)) return union([...hits, unknownTaint(`column ${shown} is ambiguous`)]);
    if (hits.length) return union(hits);
    const alias = s.aliases.get(ns[0]);
    if (alias && ns.length === 1) return alias;
  }
  return unknownTaint(`column ${shown} cannot be resolved`);
}

/** The taint of an expression: the union of everything it reads, counting aside. */
function exprTaint(expr: unknown, scope: Scope): ColumnTaint {
  if (Array.isArray(expr)) return union(expr.map((e) => exprTaint(e, scope)).concat(CLEAR));
  if (!isObject(expr)) return CLEAR;
  const cls = str(expr.class);
  if (cls === 'COLUMN_REF') {
    const names = expr.column_names;
    if (!Array.isArray(names) || !names.length || !names.every((n) => typeof n === 'string')) return unknownTaint('a column reference without a name');
    return resolveColumn(names as string[], scope);
  }
  if ((cls === 'FUNCTION' || cls === 'WINDOW') && COUNTING.has(lower(str(expr.function_name))) && !str(expr.schema)) return CLEAR;
  if (cls === 'SUBQUERY') {
    // A subquery inside an expression passes on everything it reads, its filters included
    // (EXISTS and IN answer a question about the values they compare).
    return union([queryTaint(expr.subquery, scope), exprTaint(expr.child, scope)]);
  }
  if (cls === 'STAR') return unknownTaint('* or COLUMNS(...) inside an expression');
  if (cls === 'POSITIONAL_REFERENCE') return unknownTaint('a positional column reference');
  if (cls === 'LAMBDA') return unknownTaint('a lambda expression');
  return union(Object.values(expr).map((v) => exprTaint(v, scope)).concat(CLEAR));
}

/** Everything a whole statement reads, in any clause: the taint of a subquery used as a value. */
function queryTaint(statement: unknown, outer: Scope): ColumnTaint {
  const node = isObject(statement) && isObject(statement.node) ? statement.node : statement;
  if (!isObject(node)) return unknownTaint('a subquery without a query');
  if (node.type === 'SET_OPERATION_NODE') {
    const withCtes: Scope = { tables: outer.tables, relations: [], aliases: new Map(), ctes: ctesOf(node, outer), outer };
    const parts = Array.isArray(node.children) ? (node.children as unknown[]) : [node.left, node.right];
    return union([...parts.map((p) => queryTaint(p, withCtes)), exprTaint(node.modifiers, withCtes)]);
  }
  const { lineage, scope } = traceNode(node, outer);
  const out = 'unknown' in lineage ? unknownTaint(lineage.unknown) : union([...lineage.columns, CLEAR]);
  if (!scope) return out;
  // Filters, grouping and ordering decide which values a subquery answers with.
  const clauses = [node.where_clause, node.group_expressions, node.having, node.qualify, node.modifiers, joinConditions(node.from_table)];
  return union([out, ...clauses.map((c) => exprTaint(c, scope))]);
}

function joinConditions(from: unknown): unknown[] {
  if (!isObject(from) || from.type !== 'JOIN') return [];
  return [from.condition, ...joinConditions(from.left), ...joinConditions(from.right)];
}

function renamed(columns: readonly TracedColumn[], aliases: unknown): readonly TracedColumn[] {
  if (!Array.isArray(aliases) || !aliases.length) return columns;
  return columns.map((c, i) => (typeof aliases[i] === 'string' && aliases[i] ? { ...c, name: aliases[i] as string } : c));
}

/** The relations a FROM clause brings into scope, left to right. */
function fromRelations(from: unknown, scope: Scope, left: readonly Relation[] = []): Relation[] {
  if (!isObject(from)) return [];
  const alias = lower(str(from.alias));
  switch (from.type) {
    case 'EMPTY':
      return [];
    case 'BASE_TABLE': {
      const name = str(from.table_name);
      const cte = str(from.schema_name) ? undefined : lookupCte(scope, lower(name));
      const table = Object.entries(scope.tables).find(([t]) => lower(t) === lower(name))?.[1];
      const lineage: QueryLineage | undefined = cte ?? (table ? { columns: table } : undefined);
      const rel = alias || lower(name);
      if (!lineage) return [{ alias: rel, columns: null, why: `table ${name} is not in ddl/` }];
      if ('unknown' in lineage) return [{ alias: rel, columns: null, why: lineage.unknown }];
      return [{ alias: rel, columns: renamed(lineage.columns, from.column_name_alias) }];
    }
    case 'SUBQUERY': {
      // LATERAL subqueries may read the relations to their left.
      const lateral: Scope = { tables: scope.tables, relations: left, aliases: new Map(), ctes: new Map(), outer: scope };
      const q = isObject(from.subquery) ? from.subquery.node : undefined;
      const lineage = isObject(q) ? traceNode(q, lateral).lineage : { unknown: 'a subquery without a query' };
      if ('unknown' in lineage) return [{ alias, columns: null, why: lineage.unknown }];
      return [{ alias, columns: renamed(lineage.columns, from.column_name_alias) }];
    }
    case 'EXPRESSION_LIST': {
      const rows = Array.isArray(from.values) ? (from.values as unknown[][]) : [];
      const width = rows[0]?.length ?? 0;
      if (!rows.every((r) => Array.isArray(r) && r.length === width)) return [{ alias, columns: null, why: 'a VALUES list of uneven rows' }];
      const columns = Array.from({ length: width }, (_, i) => named(`col${i}`, union(rows.map((r) => exprTaint(r[i], scope)).concat(CLEAR))));
      return [{ alias, columns }];
    }
    case 'JOIN': {
      if ((Array.isArray(from.using_columns) && from.using_columns.length) || from.ref_type === 'NATURAL') {
        // USING and NATURAL merge columns of both sides: a * over them cannot be listed position by position.
        const both = [...fromRelations(from.left, scope, left), ...fromRelations(from.right, scope, left)];
        return [...both, { alias: '', columns: null, why: 'a JOIN ... USING or NATURAL JOIN' }];
      }
      const l = fromRelations(from.left, scope, left);
      const r = fromRelations(from.right, scope, [...left, ...l]);
      return [...l, ...r];
    }
    default:
      return [{ alias, columns: null, why: `a FROM item of type ${str(from.type) || 'unknown'} (table functions are not traced)` }];
  }
}

function ctesOf(node: Json, outer: Scope): Map<string, QueryLineage> {
  const ctes = new Map<string, QueryLineage>();
  const map = isObject(node.cte_map) && Array.isArray(node.cte_map.map) ? (node.cte_map.map as unknown[]) : [];
  for (const entry of map) {
    if (!isObject(entry) || !isObject(entry.value)) continue;
    const name = lower(str(entry.key));
    // A CTE sees the CTEs before it.
    const scope: Scope = { tables: outer.tables, relations: [], aliases: new Map(), ctes, outer };
    const q = isObject(entry.value.query) ? entry.value.query.node : undefined;
    let lineage: QueryLineage = isObject(q) ? traceNode(q, scope).lineage : { unknown: `CTE ${name} has no query` };
    if ('columns' in lineage) lineage = { columns: renamed(lineage.columns, entry.value.aliases) };
    ctes.set(name, lineage);
  }
  return ctes;
}

function traceNode(node: Json, outer: Scope): { lineage: QueryLineage; scope?: Scope } {
  const withCtes: Scope = { tables: outer.tables, relations: [], aliases: new Map(), ctes: ctesOf(node, outer), outer };
  switch (node.type) {
    case 'SELECT_NODE':
      return traceSelect(node, withCtes);
    case 'SET_OPERATION_NODE': {
      const parts = Array.isArray(node.children) ? (node.children as unknown[]) : [node.left, node.right];
      const traced = parts.map((p) => (isObject(p) ? traceNode(p, withCtes).lineage : ({ unknown: 'a set operation without a side' } as QueryLineage)));
      const bad = traced.find((t): t is { unknown: string } => 'unknown' in t);
      if (bad) return { lineage: bad };
      const lists = traced.map((t) => (t as { columns: readonly TracedColumn[] }).columns);
      if (!lists.every((l) => l.length === lists[0].length)) return { lineage: { unknown: 'a set operation whose sides differ in width' } };
      return { lineage: { columns: lists[0].map((c, i) => named(c.name, union(lists.map((l) => l[i])))) } };
    }
    default:
      return { lineage: { unknown: `a query of type ${str(node.type) || 'unknown'} (recursive CTEs are not traced)` } };
  }
}

function outputName(item: Json): string | null {
  if (str(item.alias)) return str(item.alias);
  if (item.class === 'COLUMN_REF' && Array.isArray(item.column_names) && item.column_names.length) {
    const last = item.column_names[item.column_names.length - 1];
    return typeof last === 'string' ? last : null;
  }
  return null;
}

function traceSelect(node: Json, outer: Scope): { lineage: QueryLineage; scope: Scope } {
  const relations = fromRelations(node.from_table, outer);
  const scope: Scope = { tables: outer.tables, relations, aliases: new Map(), ctes: new Map(), outer };
  const columns: TracedColumn[] = [];
  const list = Array.isArray(node.select_list) ? (node.select_list as unknown[]) : [];
  for (const item of list) {
    if (!isObject(item)) return { lineage: { unknown: 'a select list item that is not an expression' }, scope };
    if (item.class === 'STAR') {
      const other = (['replace_list', 'qualified_exclude_list', 'rename_list'] as const).some((k) => Array.isArray(item[k]) && (item[k] as unknown[]).length);
      if (item.columns || item.expr || other) return { lineage: { unknown: 'COLUMNS(...) or * REPLACE/RENAME in the select list' }, scope };
      const excluded = new Set(Array.isArray(item.exclude_list) ? (item.exclude_list as unknown[]).map((e) => (typeof e === 'string' ? lower(e) : '\u0000')) : []);
      if (excluded.has('\u0000')) return { lineage: { unknown: '* EXCLUDE of qualified names' }, scope };
      const rel = lower(str(item.relation_name));
      const from = rel ? relations.filter((r) => r.alias === rel) : relations;
      if (rel && !from.length) return { lineage: { unknown: `${item.relation_name}.* names no relation` }, scope };
      for (const r of from) {
        if (r.columns === null) return { lineage: { unknown: `* over ${r.why ?? r.alias}` }, scope };
        columns.push(...r.columns.filter((c) => c.name === null || !excluded.has(lower(c.name))));
      }
      continue;
    }
    const taint = exprTaint(item, scope);
    const name = outputName(item);
    columns.push(named(name, taint));
    if (str(item.alias)) scope.aliases.set(lower(str(item.alias)), taint);
  }
  return { lineage: { columns }, scope };
}

/** The lineage of one statement's parse tree (json_serialize_sql output) over the catalog's tables. */
export function traceParseTree(tree: unknown, tables: CatalogLineage['tables']): QueryLineage {
  if (!isObject(tree)) return { unknown: 'no parse tree' };
  if (tree.error) return { unknown: `the SQL does not parse: ${str(tree.error_message)}` };
  const statements = Array.isArray(tree.statements) ? tree.statements : [];
  if (statements.length !== 1 || !isObject(statements[0]) || !isObject(statements[0].node)) return { unknown: 'not exactly one SELECT statement' };
  const root: Scope = { tables, relations: [], aliases: new Map(), ctes: new Map() };
  return traceNode(statements[0].node, root).lineage;
}

/** The lineage of SELECTs over the catalog's tables, in order. */
export async function traceQueries(sqls: readonly string[], lineage: CatalogLineage, parseTrees: ParseTreesOf): Promise<QueryLineage[]> {
  return (await parseTrees(sqls)).map((tree) => traceParseTree(tree, lineage.tables));
}

/** The lineage of one SELECT over the catalog's tables. */
export async function traceQuery(sql: string, lineage: CatalogLineage, parseTrees: ParseTreesOf): Promise<QueryLineage> {
  return (await traceQueries([sql], lineage, parseTrees))[0];
}

const derived = new WeakMap<Catalog, Promise<CatalogLineage>>();

/**
 * The effective taint of every table column of the catalog: landing columns as ddl/ annotates
 * them, each built table's columns traced through its transform (in build order) and joined with
 * its own annotations. Computed once per loaded catalog.
 */
export function deriveCatalogLineage(catalog: Catalog, parseTrees: ParseTreesOf): Promise<CatalogLineage> {
  let p = derived.get(catalog);
  if (!p) {
    p = derive(catalog, parseTrees);
    derived.set(catalog, p);
    // A failed derivation (the parser went away) is not cached.
    p.catch(() => derived.delete(catalog));
  }
  return p;
}

async function derive(catalog: Catalog, parseTrees: ParseTreesOf): Promise<CatalogLineage> {
  const tables: Record<string, TracedColumn[]> = {};
  const annotated = (table: string, c: { name: string; pii: boolean }): ColumnTaint => (c.pii ? { sources: [`${table}.${c.name}`], unknown: [] } : CLEAR);
  for (const t of catalog.tables.values()) {
    if (t.zone === 'landing') tables[t.name] = t.columns.map((c) => named(c.name, annotated(t.name, c)));
  }
  const unannotated: CatalogLineage['unannotated'][number][] = [];
  // Parsed at once; traced in build order, each transform over the tables traced before it.
  const trees = await parseTrees(catalog.transforms.map((tr) => tr.sql));
  for (const [i, tr] of catalog.transforms.entries()) {
    const traced = traceParseTree(trees[i], tables);
    tables[tr.table.name] = tr.table.columns.map((c) => {
      // The runner selects the transform's output by column name (runner.ts typedSelect).
      const hits = 'unknown' in traced ? [] : traced.columns.filter((x) => x.name !== null && lower(x.name) === lower(c.name));
      const flow: ColumnTaint =
        'unknown' in traced
          ? unknownTaint(`${tr.file}: ${traced.unknown}`)
          : hits.length
            ? union(hits)
            : unknownTaint(`${tr.file} returns no column ${c.name}`);
      if (!c.pii && isPersonal(flow)) unannotated.push({ table: tr.table.name, column: c.name, sources: flow.sources, unknown: flow.unknown });
      return named(c.name, union([annotated(tr.table.name, c), flow]));
    });
  }
  return { tables, unannotated };
}
