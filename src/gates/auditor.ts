// Plugs the quality gate into the local runner: evaluates the rules of each audit on the run's
// tables and records the outcome in the manifest; the audits a run never reached are recorded as
// skipped, rule by rule, so every report lists every rule.
import type { Auditor } from '../pipeline/runner';
import { BUILT_ZONES, type Catalog } from '../catalog/registry';
import { deriveCatalogLineage, type ParseTreesOf } from '../catalog/column-lineage';
import type { RunManifest } from '../pipeline/manifest';
import { evaluateGate, skippedGate, type RuleResult } from './evaluator';
import { loadGateConfig, type GateConfig } from './gate-config';
import { findingOf, outcomeLine } from './outcome-text';
import { loadRules, type Rule } from './rule-file';
import { deriveSamplePrivacy, maskSamples, type SampleMask, type SamplePrivacy } from './sample-privacy';

/** A rule result as the shared outcome words read it. */
export { findingOf } from './outcome-text';

/** One line naming a blocking rule, what it found and where it is defined. */
export function blockingMessage(r: RuleResult): string {
  return outcomeLine(findingOf(r));
}

export interface GateSetup {
  readonly rules: readonly Rule[];
  readonly config: GateConfig;
  /** The lineage of each rule's output columns. @default - none: every sample value is masked */
  readonly privacy?: SamplePrivacy;
}

/** Loads rules and thresholds up front, so a broken rule file stops the run before any work. */
export function loadGateSetup(catalog: Catalog): GateSetup {
  return { rules: loadRules(catalog), config: loadGateConfig(catalog) };
}

/** The setup with the lineage of every rule's sample columns, traced through the parser given. */
export async function withSamplePrivacy(setup: GateSetup, catalog: Catalog, parseTrees: ParseTreesOf): Promise<GateSetup> {
  const lineage = await deriveCatalogLineage(catalog, parseTrees);
  return { ...setup, privacy: await deriveSamplePrivacy(setup.rules, lineage, parseTrees) };
}

/**
 * The audits of one run. One mask (one key) for the whole run: a value has the same token in the
 * trusted and the curated gate, and in every report of the run.
 */
export function gateAuditor(setup: GateSetup, samples: SampleMask = maskSamples(setup.privacy)): Auditor {
  return async (ctx) => {
    const gate = await evaluateGate({
      engine: ctx.engine,
      zone: ctx.zone,
      rules: setup.rules,
      config: setup.config,
      facts: ctx.manifest,
      parallel: ctx.engine.parallel,
      samples,
    });
    ctx.manifest.gates[ctx.zone] = gate;
    return { passed: gate.passed, problems: gate.rules.filter((r) => r.blocking).map(blockingMessage) };
  };
}

/** Why a gate of a finished run did not run. */
function skipReason(manifest: RunManifest, zone: (typeof BUILT_ZONES)[number]): string {
  const blockedAt = BUILT_ZONES.find((z) => manifest.gates[z] && !manifest.gates[z]!.passed && !manifest.gates[z]!.skipped);
  if (manifest.status === 'blocked' && blockedAt) return `the ${blockedAt} gate blocked the run, so the ${zone} gate did not run`;
  const error = (manifest.error ?? 'the run did not finish').split('\n')[0];
  return `the run failed before the ${zone} gate: ${error}`;
}

/** Records every gate a blocked or failed run did not reach, with each of its checks skipped and why. */
export function recordSkippedGates(setup: GateSetup, catalog: Catalog, manifest: RunManifest): void {
  if (manifest.status === 'published') return;
  const datasets = Object.keys(manifest.datasets).length ? Object.keys(manifest.datasets) : catalog.datasets.map((d) => d.dataset);
  // A volume check exists only against a published run.
  const curated = manifest.previousRunId ? catalog.transforms.filter((t) => t.zone === 'curated').map((t) => t.table.name) : [];
  for (const zone of BUILT_ZONES) {
    if (manifest.gates[zone]) continue;
    manifest.gates[zone] = skippedGate(zone, setup.rules, setup.config, skipReason(manifest, zone), datasets, curated);
  }
}
