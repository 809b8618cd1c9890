// The committed grants documents (docs/grants/<env>.md): synthesizes the app and renders each environment's grants.
// Regenerate with `npx tsx stacks/governance/grant-documents.ts` (no AWS, no terraform needed).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App } from 'cdktf';
import { loadEnvironments } from '../../config/environments/load-environment';
import type { EnvironmentName } from '../../config/environments/environment-config';
import { PROJECT_ROOT, loadCatalog } from '../../src/catalog/registry';
import { renderGrantsForEnvironment } from '../../src/governance/grants-command';
import type { GrantsPolicy } from '../../src/governance/grants-policy';
import { buildLakehouseApp } from '../lakehouse-app';

export const GRANT_DOCUMENTS_DIR = join(PROJECT_ROOT, 'docs', 'grants');

/** The command that rewrites the committed documents; test failures name it. */
export const REGENERATE_GRANT_DOCUMENTS = 'npx tsx stacks/governance/grant-documents.ts';

export function grantDocumentFile(environment: string, dir: string = GRANT_DOCUMENTS_DIR): string {
  return join(dir, `${environment}.md`);
}

/**
 * Synthesizes every stack of every environment into `outdir`, as `npm run synth` does. A lakehouse
 * stack that does not govern itself yet gets `governLakehouse` here, so the documents show the
 * governance the environment is meant to have; once the app calls it, nothing is added twice.
 */
export function synthGovernedApp(
  outdir: string = mkdtempSync(join(tmpdir(), 'stedi-synth-')),
  /** Policies to use instead of config/grants/<env>.json (tests that widen a grant). */
  policies: Readonly<Partial<Record<EnvironmentName, GrantsPolicy>>> = {},
): { outdir: string; environments: string[] } {
  const catalog = loadCatalog();
  const environments = loadEnvironments(catalog.datasets.map((d) => d.dataset));
  const app = new App({ outdir, skipValidation: true });
  buildLakehouseApp(app, { environments, catalog, bundleDir: join(outdir, '.bundles'), grantsPolicies: policies });
  app.synth();
  return { outdir, environments: environments.map((e) => e.name) };
}

/** The document of each environment, freshly rendered from a synth of the app. */
export function renderGrantDocuments(): Map<string, string> {
  const { outdir, environments } = synthGovernedApp();
  return new Map(environments.map((env) => [env, renderGrantsForEnvironment(outdir, env, 'md')]));
}

/** Rewrites docs/grants/<env>.md for every environment; returns the files written. */
export function writeGrantDocuments(dir: string = GRANT_DOCUMENTS_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [env, text] of renderGrantDocuments()) {
    const file = grantDocumentFile(env, dir);
    writeFileSync(file, text);
    written.push(file);
  }
  return written;
}

if (require.main === module) {
  process.env.CHECKPOINT_DISABLE = '1';
  for (const f of writeGrantDocuments()) process.stdout.write(`wrote ${relative(process.cwd(), f)}\n`);
}
