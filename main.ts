// The cdktf app: loads and validates the environment configs, then creates every stack.
// `npm run synth` (bin/synth.js) and `cdktf synth|deploy` (cdktf.json) both run this file.
import { App } from 'cdktf';
import { EnvironmentConfigError, loadEnvironments } from './config/environments/load-environment';
import { CatalogError, loadCatalog } from './src/catalog/registry';
import { buildLakehouseApp } from './stacks/lakehouse-app';

function main(): void {
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
  const app = new App();
  buildLakehouseApp(app, { environments, catalog });
  app.synth();
}

main();
