// Plugs the quality gate into the local runner: evaluates the rules of each audit on the run's
// tables and records the outcome in the manifest.
import type { Auditor } from '../pipeline/runner';
import type { Catalog } from '../catalog/registry';
import { evaluateGate, type RuleResult } from './evaluator';
import { loadGateConfig, type GateConfig } from './gate-config';
import { loadRules, type Rule } from './rule-file';

/** One line naming a blocking rule, what it found and where it is defined. */
export function blockingMessage(r: RuleResult): string {
  if (r.status === 'error') return `rule ${r.name} could not be evaluated: ${(r.error ?? '').split('\n')[0]}`;
  return `rule ${r.name} failed: ${r.failing.toLocaleString('en-US')} failing (allowed ${r.allowed.toLocaleString('en-US')}): ${r.description} [${r.file}]`;
}

export interface GateSetup {
  readonly rules: readonly Rule[];
  readonly config: GateConfig;
}

/** Loads rules and thresholds up front, so a broken rule file stops the run before any work. */
export function loadGateSetup(catalog: Catalog): GateSetup {
  return { rules: loadRules(catalog), config: loadGateConfig(catalog) };
}

export function gateAuditor(setup: GateSetup): Auditor {
  return async (ctx) => {
    const gate = await evaluateGate({
      engine: ctx.engine,
      zone: ctx.zone,
      rules: setup.rules,
      config: setup.config,
      facts: ctx.manifest,
      parallel: ctx.engine.parallel,
    });
    ctx.manifest.gates[ctx.zone] = gate;
    return { passed: gate.passed, problems: gate.rules.filter((r) => r.blocking).map(blockingMessage) };
  };
}
