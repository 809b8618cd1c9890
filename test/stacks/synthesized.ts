// Synthesizes the real app (both environments, the committed configs) into a temp folder once per
// test file, and gives tests the parsed stacks and ways to derive broken variants of them.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import { loadEnvironments } from '../../config/environments/load-environment';
import type { EnvironmentConfig } from '../../config/environments/environment-config';
import { loadCatalog } from '../../src/catalog/registry';
import { synthesizedApp } from '../../stacks/checks/synthesized-app';
import { resources, type JsonObject, type SynthesizedApp, type SynthesizedStack, type TerraformJson } from '../../stacks/checks/terraform-json';
import { buildLakehouseApp } from '../../stacks/lakehouse-app';

process.env.CHECKPOINT_DISABLE = '1';

export interface Synthesized {
  readonly outdir: string;
  readonly environments: readonly EnvironmentConfig[];
  readonly app: SynthesizedApp;
  stack(name: string): SynthesizedStack;
  /** The body of the one resource of `type` whose address contains `fragment`. */
  resource(stack: string, type: string, fragment?: string): JsonObject;
}

/**
 * A folder in which `npm run mutate` keeps the app it synthesized once (scripts/mutate.mjs sets it
 * for the groups marked synthCache: the security and governance checks): every mutant's test run
 * reads that Terraform instead of synthesizing again for 20 s. Sound only while the mutated modules
 * (stacks/checks) read the synthesized JSON and take no part in making it. Unset in `npm test`: each test file synthesizes its own.
 */
const SYNTH_CACHE = process.env.STEDI_SYNTH_CACHE;

export function synthesize(): Synthesized {
  const catalog = loadCatalog();
  const environments = loadEnvironments(catalog.datasets.map((d) => d.dataset));
  const cached = SYNTH_CACHE !== undefined && existsSync(join(SYNTH_CACHE, 'manifest.json'));
  const outdir = cached ? SYNTH_CACHE! : SYNTH_CACHE ?? mkdtempSync(join(tmpdir(), 'stedi-synth-'));
  if (!cached) {
    const app = new App({ outdir });
    buildLakehouseApp(app, { environments, catalog, bundleDir: join(outdir, '.bundles') });
    app.synth();
  }
  const parsed = synthesizedApp(outdir, environments);
  const stack = (name: string) => {
    const s = parsed.stacks.find((x) => x.name === name);
    if (!s) throw new Error(`no stack ${name}`);
    return s;
  };
  return {
    outdir,
    environments,
    app: parsed,
    stack,
    resource: (name, type, fragment = '') => {
      const found = resources(stack(name), type).filter((r) => r.name.includes(fragment));
      if (found.length !== 1) throw new Error(`${found.length} ${type} in ${name} match "${fragment}": ${found.map((r) => r.name).join(', ')}`);
      return found[0].body;
    },
  };
}

/** A copy of the app in which `change` edited one stack's JSON. */
// Tests edit the synthesized JSON freely, hence `any`.
export function variant(app: SynthesizedApp, stack: string, change: (json: any) => void): SynthesizedApp {
  return {
    ...app,
    stacks: app.stacks.map((s) => {
      if (s.name !== stack) return s;
      const json = structuredClone(s.json) as TerraformJson;
      change(json);
      return { name: s.name, json };
    }),
  };
}

/** A copy of the app in which `change` edited every stack's JSON. */
export function everyStack(app: SynthesizedApp, change: (json: any) => void): SynthesizedApp {
  return app.stacks.reduce((a, s) => variant(a, s.name, change), app);
}

/** The name of the one resource of `type` in a JSON whose name contains `fragment`. */
function resourceName(json: TerraformJson, type: string, fragment: string): string {
  const names = Object.keys(json.resource?.[type] ?? {}).filter((n) => n.includes(fragment));
  if (names.length !== 1) throw new Error(`${names.length} ${type} match "${fragment}"`);
  return names[0];
}

/** The one resource body of `type` in a JSON whose name contains `fragment`, for editing. */
export function pick(json: TerraformJson, type: string, fragment: string): Record<string, any> {
  return json.resource![type][resourceName(json, type, fragment)] as Record<string, any>;
}

/** Removes the one resource of `type` whose name contains `fragment`. */
export function drop(json: TerraformJson, type: string, fragment: string): void {
  delete json.resource![type][resourceName(json, type, fragment)];
}

/** The one data source body of `type` whose name contains `fragment`, for editing. */
export function pickData(json: TerraformJson, type: string, fragment: string): Record<string, any> {
  const names = Object.keys(json.data?.[type] ?? {}).filter((n) => n.includes(fragment));
  if (names.length !== 1) throw new Error(`${names.length} data ${type} match "${fragment}": ${names.join(', ')}`);
  return json.data![type][names[0]] as Record<string, any>;
}
