// The functions behind `stedi grants`: render, diff and check the grants of synthesized stacks (cdktf.out folders).
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { PROJECT_ROOT, type Catalog } from '../catalog/registry';
import { grantsPolicyFile, loadGrantsPolicy } from './grants-policy';
import { checkGovernedStacks, type GovernanceChecksResult } from '../../stacks/checks/governance-checks';
import { computeEffectiveAccess, type EffectiveAccess } from './effective-access';
import { diffGrants, renderGrantsDiffJson, renderGrantsDiffMarkdown, type StackGrantsDiff } from './grants-diff';
import { buildLakeFormationModel, hasLakeFormation, type LakeFormationModel } from './lake-formation-model';
import { renderGrants, type GrantsFormat, type GrantsPresentation } from './render-grants';
import { readSynthesizedStack, readSynthesizedStacks } from '../../stacks/checks/terraform-json';
import { synthFailure } from '../../stacks/checks/synth-failure';
import { OperatorError } from '../errors/operator-error';

/** A problem the operator fixes: wrong folder, unknown environment, no synth output. */
export class GrantsCommandError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'GrantsCommandError';
  }
}

export { GRANTS_FORMATS } from './grants-formats';

export interface GovernedStack {
  readonly stack: string;
  readonly file: string;
  readonly environment?: string;
  readonly model: LakeFormationModel;
}

/** `cdktf.out/stacks/<stack>/cdk.tf.json`, whatever folder it was read from: documents must not depend on a temp path. */
export function displayPath(file: string): string {
  return `cdktf.out/stacks/${basename(dirname(file))}/cdk.tf.json`;
}

function stackOf(file: string): string {
  return basename(dirname(file));
}

/** The effective access of one synthesized stack. */
export function effectiveAccessForStack(synthJsonPath: string): EffectiveAccess {
  return computeEffectiveAccess(buildLakeFormationModel(readSynthesizedStack(synthJsonPath), stackOf(synthJsonPath)));
}

/** The policy's purposes and notes and the deploy role, for the document of a stack; an environment without a policy file shows none. */
function presentationFor(model: LakeFormationModel): GrantsPresentation {
  const environment = model.record?.environment;
  const file = environment ? grantsPolicyFile(environment) : undefined;
  const policy = environment && file && existsSync(file) ? loadGrantsPolicy(environment) : undefined;
  return {
    ...(policy && file ? { policy, policyFile: relative(PROJECT_ROOT, file) } : {}),
    ...(model.record?.admins[0] ? { deployRole: model.record.admins[0] } : {}),
  };
}

/** `stedi grants --format md|json` for one stack file: the effective access per principal. */
export function renderGrantsForStack(synthJsonPath: string, format: GrantsFormat = 'md'): string {
  const model = buildLakeFormationModel(readSynthesizedStack(synthJsonPath), stackOf(synthJsonPath));
  return renderGrants(computeEffectiveAccess(model), format, displayPath(synthJsonPath), presentationFor(model));
}

/**
 * Every stack of a cdktf.out folder that holds Lake Formation resources, in name order: the stacks
 * cdktf's manifest lists, read by the one reader (a listed stack whose file is missing or broken is
 * an error, never left out).
 */
export function governedStacks(outDir: string): GovernedStack[] {
  const stacksDir = join(outDir, 'stacks');
  const failed = synthFailure(outDir);
  if (failed) throw new GrantsCommandError(failed);
  if (!existsSync(stacksDir)) throw new GrantsCommandError(`${stacksDir}: no synthesized stacks; run \`npm run synth\` first`);
  const out: GovernedStack[] = [];
  for (const { name, json, file } of readSynthesizedStacks(outDir).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!hasLakeFormation(json)) continue;
    const model = buildLakeFormationModel(json, name);
    out.push({ stack: name, file: file!, environment: model.record?.environment, model });
  }
  return out;
}

/** The governed stack of an environment (as LakeGovernance recorded it). */
export function stackForEnvironment(outDir: string, environment: string): GovernedStack {
  const stacks = governedStacks(outDir);
  const hit = stacks.filter((s) => s.environment === environment);
  if (hit.length === 1) return hit[0];
  const known = stacks.map((s) => `${s.environment ?? '?'} (${s.stack})`).join(', ') || 'none';
  throw new GrantsCommandError(
    hit.length
      ? `${outDir}: ${hit.length} stacks govern environment ${environment} (${hit.map((s) => s.stack).join(', ')}); expected one`
      : `${outDir}: no synthesized stack governs environment ${environment}; governed: ${known}`,
  );
}

/** `stedi grants --env E --format md|json`. */
export function renderGrantsForEnvironment(outDir: string, environment: string, format: GrantsFormat = 'md'): string {
  const s = stackForEnvironment(outDir, environment);
  return renderGrants(computeEffectiveAccess(s.model), format, displayPath(s.file), presentationFor(s.model));
}

/** The per-stack differences between two cdktf.out folders (a stack on one side only counts as all granted or all revoked). */
export function diffGrantsOfDirs(baseDir: string, headDir: string): StackGrantsDiff[] {
  const base = new Map(governedStacks(baseDir).map((s) => [s.stack, computeEffectiveAccess(s.model)]));
  const head = new Map(governedStacks(headDir).map((s) => [s.stack, computeEffectiveAccess(s.model)]));
  const names = [...new Set([...base.keys(), ...head.keys()])].sort();
  return names.map((n) => diffGrants(base.get(n), head.get(n)));
}

/** `stedi grants diff BASE HEAD`: access granted and revoked between two synth outputs. */
export function diffGrantsBetween(baseDir: string, headDir: string, format: GrantsFormat = 'md'): string {
  const diffs = diffGrantsOfDirs(baseDir, headDir);
  return format === 'json' ? renderGrantsDiffJson(diffs) : renderGrantsDiffMarkdown(diffs);
}

/**
 * `stedi grants check`: the governance pack (stacks/checks/governance-checks.ts) over every
 * governed stack of a cdktf.out folder. A stack folder without its cdk.tf.json is an error, not
 * a stack to skip.
 */
export function checkGrantsIn(outDir: string, catalog?: Catalog): GovernanceChecksResult {
  return checkGovernedStacks(governedStacks(outDir).map((s) => s.model), catalog);
}
