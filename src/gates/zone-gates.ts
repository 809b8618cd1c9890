// Every zone's gate on one engine, each with the facts its built-in checks judge: what `stedi gate`
// evaluates on a local lake and on Athena alike.
import { BUILT_ZONES, type BuiltZone, type Catalog } from '../catalog/registry';
import type { QueryEngine, TableResolver } from '../engine/engine';
import type { GateSetup } from './auditor';
import { evaluateGate, type GateResult, type RunFacts } from './evaluator';
import type { FactsDataset } from './run-facts';
import { maskSamples, type SampleMask } from './sample-privacy';

/** Evaluates the rules of every zone on one engine, zone by zone, with the facts each zone's built-in checks judge. */
export async function gateAll(
  engine: QueryEngine,
  setup: GateSetup,
  resolve: TableResolver,
  options: { readonly samples?: SampleMask; readonly facts?: (zone: BuiltZone) => Promise<RunFacts | undefined> } = {},
): Promise<GateResult[]> {
  const samples = options.samples ?? maskSamples(setup.privacy);
  const results: GateResult[] = [];
  for (const zone of BUILT_ZONES) {
    const facts = await options.facts?.(zone);
    results.push(await evaluateGate({ engine, zone, rules: setup.rules, config: setup.config, resolve, samples, ...(facts ? { facts } : {}) }));
  }
  return results;
}

/** The datasets as the built-in checks need them, with the one trusted table built from each. */
export function factsDatasets(catalog: Catalog): FactsDataset[] {
  return catalog.datasets.map((d) => {
    const built = catalog.transforms.filter((t) => t.zone === 'trusted' && t.inputs.includes(d.table.name));
    return { dataset: d.dataset, landingTable: d.table.name, accountingSql: d.accountingSql, ...(built.length === 1 ? { trustedTable: built[0].table.name } : {}) };
  });
}

