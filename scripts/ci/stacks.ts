/** Which synthesized stacks the workflows plan and deploy, per environment, read from cdktf's manifest. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ENVIRONMENT_NAMES } from '../../config/environments/environment-config';
import { synthFailure } from '../../stacks/checks/synth-failure';

/** The environments the workflows deploy, in promotion order; each has a GitHub environment of the same name. */
export const DEPLOY_ENVIRONMENTS: readonly string[] = ENVIRONMENT_NAMES;
/** A stack whose name has this word creates what Terraform Cloud needs to deploy; an administrator applies it (docs/ci.md). */
export const BOOTSTRAP_WORD = 'bootstrap';

export interface StackEntry {
  readonly name: string;
  readonly environment: string;
  /** Applied once by an administrator, never by CI: it creates the role CI's runs assume. */
  readonly bootstrap: boolean;
  readonly dependencies: readonly string[];
}

interface ManifestStack {
  readonly name?: string;
  readonly dependencies?: readonly string[];
}

/** The stacks of `cdktf.out/manifest.json`, in the order cdktf wrote them. */
export function readManifestStacks(cdktfOut: string): { name: string; dependencies: string[] }[] {
  const failed = synthFailure(cdktfOut);
  if (failed) throw new Error(failed);
  const path = join(cdktfOut, 'manifest.json');
  let manifest: { stacks?: Record<string, ManifestStack> };
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: cannot read the cdktf manifest (${(error as Error).message}); run \`npm run synth\` first`);
  }
  if (!manifest.stacks || typeof manifest.stacks !== 'object') throw new Error(`${path}: no "stacks" object`);
  return Object.entries(manifest.stacks).map(([key, stack]) => ({
    name: stack.name ?? key,
    dependencies: [...(stack.dependencies ?? [])],
  }));
}

/** Lower-case words of a stack name: `StediDev-bootstrap` -> stedi, dev, bootstrap. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.toLowerCase());
}

/**
 * Each stack with the one environment its name spells. A stack naming none or several is an error,
 * never a guess: deploying a stack to the wrong account's workspace is the mistake this prevents.
 */
export function classifyStacks(
  stacks: readonly { name: string; dependencies: readonly string[] }[],
  environments: readonly string[] = DEPLOY_ENVIRONMENTS,
): StackEntry[] {
  const entries = stacks.map((stack) => {
    const words = nameWords(stack.name);
    const named = environments.filter((environment) => words.includes(environment));
    if (named.length !== 1) {
      throw new Error(
        `stack "${stack.name}" names ${named.length === 0 ? 'no environment' : `several environments (${named.join(', ')})`}: ` +
          `its name must contain exactly one of ${environments.join(', ')} as a word, so the workflows know which account it deploys to`,
      );
    }
    return { name: stack.name, environment: named[0]!, bootstrap: words.includes(BOOTSTRAP_WORD), dependencies: [...stack.dependencies] };
  });
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  for (const entry of entries) {
    for (const dependency of entry.dependencies) {
      const target = byName.get(dependency);
      if (target && target.environment !== entry.environment) {
        throw new Error(`stack "${entry.name}" (${entry.environment}) depends on "${dependency}" (${target.environment}): environments must not share state`);
      }
      if (target?.bootstrap && !entry.bootstrap) {
        throw new Error(`stack "${entry.name}" depends on the bootstrap stack "${dependency}", which CI never deploys: pass the value through the environment config instead`);
      }
    }
  }
  return entries;
}

/** The stacks CI plans and deploys for `environment` (all environments when undefined), bootstrap stacks left out. */
export function deployableStacks(entries: readonly StackEntry[], environment?: string): string[] {
  return entries.filter((entry) => !entry.bootstrap && (environment === undefined || entry.environment === environment)).map((entry) => entry.name);
}

const USAGE = 'usage: stacks.ts CDKTF_OUT [--env ENV]   prints a JSON array of the stacks CI deploys (all environments without --env)';

/** CLI: exit 0 with the JSON array on stdout; 2 when the manifest is missing or a stack cannot be classified. */
export function main(argv: readonly string[]): number {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: { env: { type: 'string' } }, strict: true, allowPositionals: true });
    if (positionals.length !== 1) throw new Error(USAGE);
    if (values.env !== undefined && !DEPLOY_ENVIRONMENTS.includes(values.env)) {
      throw new Error(`--env ${values.env}: expected one of ${DEPLOY_ENVIRONMENTS.join(', ')}`);
    }
    const entries = classifyStacks(readManifestStacks(positionals[0]!));
    console.log(JSON.stringify(deployableStacks(entries, values.env)));
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
