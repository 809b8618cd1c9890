// The catalog embedded into the Lambda bundles, made at synth time where DuckDB may run: the
// lineage of each rule's sample columns is traced here with DuckDB's parser, so the gate Lambda
// masks personal data without DuckDB in its bundle (lambda-bundle.ts refuses one that has it).
import type { Catalog } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { duckDbParseTree } from '../../src/engine/duckdb-parse-tree';
import { loadGateSetup, withSamplePrivacy } from '../../src/gates/auditor';
import { lambdaCatalog, type LambdaCatalog } from '../../src/lambdas/lambda-catalog';

export async function synthLambdaCatalog(catalog: Catalog): Promise<LambdaCatalog> {
  const parser = await DuckDbEngine.open();
  try {
    const setup = await withSamplePrivacy(loadGateSetup(catalog), catalog, duckDbParseTree(parser));
    return lambdaCatalog(catalog, setup.rules, setup.config, setup.privacy);
  } finally {
    await parser.close();
  }
}
