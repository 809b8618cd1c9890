// The lineage of the rules' sample columns, derived the way the runner derives it (DuckDB's parser).
import type { Catalog } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { duckDbParseTree } from '../../src/engine/duckdb-parse-tree';
import { withSamplePrivacy } from '../../src/gates/auditor';
import { loadGateConfig } from '../../src/gates/gate-config';
import type { Rule } from '../../src/gates/rule-file';
import type { SamplePrivacy } from '../../src/gates/sample-privacy';

export async function samplePrivacyOf(catalog: Catalog, rules: readonly Rule[]): Promise<SamplePrivacy> {
  const parser = await DuckDbEngine.open();
  try {
    return (await withSamplePrivacy({ rules, config: loadGateConfig(catalog) }, catalog, duckDbParseTree(parser))).privacy!;
  } finally {
    await parser.close();
  }
}
