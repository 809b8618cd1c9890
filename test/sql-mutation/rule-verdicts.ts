// Evaluates a quality rule through the gate's own evaluator on the tables an engine holds, with
// its failing rows, and what the independent reference says it must find: the two sides of every
// rule case and of every rule mutant.
import type { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { evaluateGate } from '../../src/gates/evaluator';
import type { GateConfig } from '../../src/gates/gate-config';
import type { Rule } from '../../src/gates/rule-file';
import { RULES } from '../support/reference/rule-findings';
import type { Row } from '../support/reference/record-contract';
import type { StediTables } from '../support/reference/stedi-tables';

export interface Verdict {
  readonly status: string;
  readonly failing: number;
  /** The failing rows, each as sorted JSON of the columns compared, in sorted order. */
  readonly rows: readonly string[];
}

/** A row as JSON of the given columns (an absent column is NULL), in the order given. */
const rowText = (r: Record<string, unknown>, columns: readonly string[]) => JSON.stringify(columns.map((c) => [c, r[c] ?? null]));

/** The columns compared: those the reference knows, among those the rule returns. */
function compared(name: string, returned: readonly string[]): string[] {
  const shows = RULES[name]?.shows;
  return [...returned].filter((c) => !shows || shows.includes(c)).sort();
}

/** The rule's status and failing count from the gate, and its failing rows from its SQL (unmasked). */
export async function ruleVerdict(engine: DuckDbEngine, rule: Rule, config: GateConfig): Promise<Verdict & { readonly columns: readonly string[] }> {
  const [r] = (await evaluateGate({ engine, zone: rule.zone, rules: [rule], config })).rules;
  if (r.status === 'error') return { status: r.status, failing: r.failing, rows: [], columns: [] };
  const res = await engine.query(rule.sql);
  const columns = compared(rule.name, res.columns);
  return { status: r.status, failing: r.failing, rows: res.rows.map((row) => rowText(row, columns)).sort(), columns };
}

/** What the reference says the rule `name` must find on `tables` (missing tables are empty), in the columns given. */
export function expectedVerdict(tables: Readonly<Record<string, readonly Row[]>>, name: string, columns: readonly string[]): Verdict {
  const rule = RULES[name];
  if (!rule) return { status: 'the reference knows no such rule', failing: -1, rows: [] };
  const all = new Proxy(tables, { get: (t, k) => (t as Record<string | symbol, Row[]>)[k] ?? [] }) as unknown as StediTables;
  const rows = rule.failingRows(all);
  return { status: rows.length ? 'fail' : 'pass', failing: rows.length, rows: rows.map((r) => rowText(r, columns)).sort() };
}
