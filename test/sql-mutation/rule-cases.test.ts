// Every quality rule finds on the rule cases (tables the transforms must never build, and tables at
// the rules' boundaries) exactly what the independent reference says it must, failing rows and
// all: the fixtures that kill the rule mutants a run on sound data cannot reach (npm run mutate:sql).
import { loadCatalog } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadRules } from '../../src/gates/rule-file';
import { RULES } from '../support/reference/rule-findings';
import { createTables } from '../support/tables';
import { RULE_CASES } from './rule-cases';
import { expectedVerdict, ruleVerdict } from './rule-verdicts';

const catalog = loadCatalog();
const rules = loadRules(catalog);
const config = loadGateConfig(catalog);

describe('the quality rules on their cases', () => {
  it('the reference knows every rule, with its severity', () => {
    expect(Object.fromEntries(rules.map((r) => [r.name, r.severity]))).toEqual(Object.fromEntries(Object.entries(RULES).map(([n, r]) => [n, r.severity])));
  });

  it.each(RULE_CASES.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const engine = await DuckDbEngine.open();
    try {
      await createTables(engine, catalog, c.tables as Record<string, Record<string, string | number | null>[]>);
      const got: Record<string, unknown> = {};
      const want: Record<string, unknown> = {};
      for (const r of rules) {
        const { columns, ...verdict } = await ruleVerdict(engine, r, config);
        got[r.name] = verdict;
        want[r.name] = expectedVerdict(c.tables, r.name, columns);
      }
      expect(got).toEqual(want);
    } finally {
      await engine.close();
    }
  });

  it('every rule fails on some case and passes on the clean tables', () => {
    const fails = (c: (typeof RULE_CASES)[number]) => Object.keys(RULES).filter((n) => expectedVerdict(c.tables, n, []).failing > 0);
    expect([...new Set(RULE_CASES.flatMap(fails))].sort()).toEqual(Object.keys(RULES).sort());
    expect(fails(RULE_CASES[0])).toEqual([]);
  });
});
