// The part of the catalog a pipeline Lambda needs (tables, record contracts, accounting SQL, rules,
// gate thresholds, the lineage of the rules' sample columns), computed at synth time from the
// repository's folders and embedded into each bundle by esbuild: a Lambda has no ddl/ or
// quality-rules/ folder to read, and no DuckDB to trace the lineage with.
import type { BuiltZone, Catalog, TableDef } from '../catalog/registry';
import type { GateConfig } from '../gates/gate-config';
import type { Rule } from '../gates/rule-file';
import type { SamplePrivacy } from '../gates/sample-privacy';

export interface LambdaDataset {
  readonly dataset: string;
  readonly table: TableDef;
  readonly schema: Record<string, unknown>;
  readonly accountingSql: string;
  /** The one trusted table built from this dataset's landing table, when there is exactly one. */
  readonly trustedTable?: string;
}

export interface LambdaCatalog {
  /** Every table, landing first, in the registry's order. */
  readonly tables: readonly TableDef[];
  readonly datasets: readonly LambdaDataset[];
  /** Tables built by transforms, by zone, in build order. */
  readonly built: Readonly<Record<BuiltZone, readonly string[]>>;
  readonly rules: readonly Rule[];
  readonly gateConfig: GateConfig;
  /** What each rule's failing rows may show. @default - none: the gate masks every sample value */
  readonly samplePrivacy?: SamplePrivacy;
}

export function lambdaCatalog(catalog: Catalog, rules: readonly Rule[], gateConfig: GateConfig, samplePrivacy?: SamplePrivacy): LambdaCatalog {
  return {
    tables: [...catalog.tables.values()],
    datasets: catalog.datasets.map((d) => {
      const built = catalog.transforms.filter((t) => t.zone === 'trusted' && t.inputs.includes(d.table.name));
      return {
        dataset: d.dataset,
        table: d.table,
        schema: d.schema,
        accountingSql: d.accountingSql,
        ...(built.length === 1 ? { trustedTable: built[0].table.name } : {}),
      };
    }),
    built: {
      trusted: catalog.transforms.filter((t) => t.zone === 'trusted').map((t) => t.table.name),
      curated: catalog.transforms.filter((t) => t.zone === 'curated').map((t) => t.table.name),
    },
    rules,
    gateConfig,
    ...(samplePrivacy ? { samplePrivacy } : {}),
  };
}

/** The name esbuild's `define` replaces with the catalog's JSON when it bundles a Lambda. */
export const EMBEDDED_CATALOG_NAME = 'STEDI_LAMBDA_CATALOG';

declare const STEDI_LAMBDA_CATALOG: LambdaCatalog | undefined;

/** The catalog embedded at bundle time. */
export function embeddedCatalog(): LambdaCatalog {
  if (typeof STEDI_LAMBDA_CATALOG === 'undefined') {
    throw new Error(`this Lambda was bundled without its catalog: esbuild must define ${EMBEDDED_CATALOG_NAME} (see stacks/orchestration/lambda-bundle.ts)`);
  }
  return STEDI_LAMBDA_CATALOG;
}

export function tableOf(catalog: LambdaCatalog, name: string): TableDef {
  const t = catalog.tables.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name} in the embedded catalog`);
  return t;
}
