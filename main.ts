// The cdktf app: loads and validates the environment configs, then creates every stack.
// `npm run synth` (bin/synth.js) and `cdktf synth|deploy` (cdktf.json) both run this file.
import { App } from 'cdktf';
import { EnvironmentConfigError, loadEnvironments } from './config/environments/load-environment';
import { CatalogError, loadCatalog } from './src/catalog/registry';
import { describeFinding } from './stacks/checks/security-check';
import { checkApp, synthesizedApp, writePinnedAddresses } from './stacks/checks/synthesized-app';
import { buildLakehouseApp } from './stacks/lakehouse-app';
import { synthLambdaCatalog } from './stacks/orchestration/synth-lambda-catalog';
import { markSynthFailed, clearSynthFailed } from './stacks/checks/synth-failure';
import { checkGrantsIn } from './src/governance/grants-command';

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

  // The security checks run on what was just written; a violation fails synth (and so deploy).
  if (process.env.STEDI_PIN_ADDRESSES === '1') writePinnedAddresses(synthesizedApp(app.outdir, environments, null).stacks);
  const results = checkApp(synthesizedApp(app.outdir, environments));
  const failed = results.filter((r) => r.status === 'non-compliant');
  for (const r of failed) for (const f of r.findings) process.stderr.write(`${describeFinding(r.check, f)}\n`);
  const count = (status: string) => results.filter((r) => r.status === status).length;
  process.stderr.write(
    `security checks: ${count('compliant')} compliant, ${count('non-compliant')} non-compliant, ${count('not-applicable')} not applicable (stacks/checks/security-checks.ts)\n`,
  );
  // The Lake Formation invariants (src/governance/checks) over the same output, like `stedi grants check`.
  const governance = checkGrantsIn(app.outdir, catalog);
  if (governance.violations) process.stderr.write(`${governance.message}\n`);
  const outcomes = governance.outcomes.flatMap((s) => s.outcomes);
  const governed = (status: string) => outcomes.filter((o) => o.status === status).length;
  process.stderr.write(
    `governance checks: ${governed('compliant')} compliant, ${governed('non-compliant')} non-compliant, ${governed('not-applicable')} not applicable in ${governance.outcomes.length} stacks (src/governance/checks)\n`,
  );
  if (failed.length || governance.violations) {
    // What was written must not pass for a good synth: `cdktf deploy --skip-synth`, `stedi grants`
    // and the CI scripts refuse an output marked failed.
    markSynthFailed(app.outdir, [...failed.flatMap((r) => r.findings.map((f) => describeFinding(r.check, f))), ...(governance.violations ? [governance.message] : [])]);
    process.stderr.write(`synth failed: ${app.outdir} is marked failed (${app.outdir}/SYNTH-FAILED.txt) until a synth passes its checks\n`);
    process.exit(1);
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(70);
});
