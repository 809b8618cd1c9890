// `stedi gate` on a local lake: evaluates every rule on the published (or staged) tables.
import { existsSync } from 'node:fs';
import { BUILT_ZONES, type Catalog } from '../catalog/registry';
import { quoteIdent, type QueryEngine, type TableResolver } from '../engine/engine';
import { LakeNotFoundError, openLakeEngine, STAGING_SCHEMA } from '../pipeline/lake-catalog';
import type { LakeLayout } from '../pipeline/lake-layout';
import { evaluateGate, type GateResult } from './evaluator';
import type { GateSetup } from './auditor';

/** Evaluates the rules of every zone on one engine, zone by zone. */
export async function gateAll(engine: QueryEngine, setup: GateSetup, resolve: TableResolver): Promise<GateResult[]> {
  const results: GateResult[] = [];
  for (const zone of BUILT_ZONES) {
    results.push(await evaluateGate({ engine, zone, rules: setup.rules, config: setup.config, resolve }));
  }
  return results;
}

export interface LakeGateResult {
  readonly gates: GateResult[];
  /** Rules not evaluated because a table they read is not in the lake (e.g. curated tables of a run blocked at trusted). */
  readonly skipped: readonly string[];
}

export async function gateLocalLake(layout: LakeLayout, catalog: Catalog, setup: GateSetup, staged: boolean): Promise<LakeGateResult> {
  if (!existsSync(layout.catalogFile)) throw new LakeNotFoundError(layout.catalogFile);
  const engine = await openLakeEngine(layout, { doing: 'evaluate the rules' });
  try {
    const schemaOf = (t: string) => (staged ? STAGING_SCHEMA : catalog.tables.get(t)!.zone);
    const present = new Set(
      (await engine.query('SELECT table_schema, table_name FROM information_schema.tables')).rows.map((r) => `${r.table_schema}.${r.table_name}`),
    );
    const available = (t: string) => present.has(`${schemaOf(t)}.${t}`);
    if (![...catalog.tables.keys()].some(available)) {
      throw new LakeNotFoundError(`${layout.catalogFile} (no ${staged ? 'staged' : 'published'} tables yet)`);
    }
    const rules = setup.rules.filter((r) => r.tables.every(available));
    const skipped = setup.rules.filter((r) => !rules.includes(r)).map((r) => r.name);
    const resolve: TableResolver = (t) => (catalog.tables.has(t) ? `${quoteIdent(schemaOf(t))}.${quoteIdent(t)}` : undefined);
    return { gates: await gateAll(engine, { ...setup, rules }, resolve), skipped };
  } finally {
    await engine.close();
  }
}
