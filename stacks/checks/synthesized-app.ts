// Reads a synthesized app for the checks: the stacks cdktf wrote, the facts of each environment
// (from the validated configs) and the committed address lists.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EnvironmentConfig } from '../../config/environments/environment-config';
import { ResourceNames, STACK_KINDS } from '../environment/resource-names';
import { allResources, readSynthesizedStacks, type EnvironmentFacts, type SynthesizedApp, type SynthesizedStack } from './terraform-json';

/** Where the committed resource addresses of each stack live (checklist #24). */
export const PINNED_ADDRESSES_DIR = resolve(__dirname, '..', 'pinned-addresses');

export function environmentFacts(env: EnvironmentConfig): EnvironmentFacts {
  const names = new ResourceNames(env);
  return {
    name: env.name,
    account: env.account.id,
    region: env.account.region,
    landingBucket: names.bucket('landing'),
    stacks: STACK_KINDS.map((k) => names.stack(k)),
    prefix: names.prefix,
    deployRole: env.deploy.roleName,
  };
}

export function readPinnedAddresses(dir: string = PINNED_ADDRESSES_DIR): Record<string, string[]> | undefined {
  if (!existsSync(dir)) return undefined;
  const out: Record<string, string[]> = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.txt'))) {
    out[f.slice(0, -4)] = readFileSync(join(dir, f), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  }
  return out;
}

export function writePinnedAddresses(stacks: readonly SynthesizedStack[], dir: string = PINNED_ADDRESSES_DIR): void {
  mkdirSync(dir, { recursive: true });
  for (const s of stacks) {
    const addresses = allResources(s).map((r) => r.address).sort();
    const header = `# Resource addresses of ${s.name}. A change here replaces resources in Terraform: review it.\n# Rewrite with STEDI_PIN_ADDRESSES=1 npm run synth (checklist #24).\n`;
    writeFileSync(join(dir, `${s.name}.txt`), header + addresses.join('\n') + '\n');
  }
}

export function synthesizedApp(outdir: string, environments: readonly EnvironmentConfig[], pinnedDir: string | null = PINNED_ADDRESSES_DIR): SynthesizedApp {
  const pinned = pinnedDir === null ? undefined : readPinnedAddresses(pinnedDir);
  return { stacks: readSynthesizedStacks(outdir), environments: environments.map(environmentFacts), ...(pinned ? { pinnedAddresses: pinned } : {}) };
}
