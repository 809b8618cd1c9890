// The cdktf app: loads and validates the environment configs, then creates every stack.
// `npm run synth` (bin/synth.js) and `cdktf synth|deploy` (cdktf.json) both run this file.
import { App } from 'cdktf';
import { EnvironmentConfigError, loadEnvironments } from './config/environments/load-environment';
import { CatalogError, loadCatalog } from './src/catalog/registry';
import { synthesizedApp, writePinnedAddresses } from './stacks/checks/synthesized-app';
import { checkSynthesized } from './stacks/checks/synth-checks';
import { buildLakehouseApp } from './stacks/lakehouse-app';
import { synthLambdaCatalog } from './stacks/orchestration/synth-lambda-catalog';
import { markSynthFailed, clearSynthFailed } from './stacks/checks/synth-failure';

async function main(): Promise<void> {
  let catalog;
  let environments;
  try {
    catalog = loadCatalog();
    environments = loadEnvironments(catalog.datasets.map((d) => d.dataset));
  } catch (e) {
    if (e instanceof EnvironmentConfigError || e instanceof CatalogError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  // The gate Lambda's catalog carries the lineage of the rules' sample columns, traced here with DuckDB.
  const lambdaCatalog = await synthLambdaCatalog(catalog);
  const app = new App();
  // An earlier failed synth's marker must not outlive this synth's checks.
  clearSynthFailed(app.outdir);
  buildLakehouseApp(app, { environments, catalog, lambdaCatalog });
  app.synth();

  // Both check packs (stacks/checks) run on what was just written; a violation fails synth (and so deploy).
  if (process.env.STEDI_PIN_ADDRESSES === '1') writePinnedAddresses(synthesizedApp(app.outdir, environments, null).stacks);
  const checks = checkSynthesized(app.outdir, environments, catalog);
  for (const line of [...checks.violations, ...checks.summary]) process.stderr.write(`${line}\n`);
  if (checks.violations.length) {
    // What was written must not pass for a good synth: `cdktf deploy --skip-synth`, `stedi grants`
    // and the CI scripts refuse an output marked failed.
    markSynthFailed(app.outdir, checks.violations);
    process.stderr.write(`synth failed: ${app.outdir} is marked failed (${app.outdir}/SYNTH-FAILED.txt) until a synth passes its checks\n`);
    process.exit(1);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(70);
});
