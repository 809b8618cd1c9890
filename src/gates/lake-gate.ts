// `stedi gate` on a local lake: the evaluation `stedi run` makes, on the published (or staged)
// tables: every rule, and the built-in checks (quarantine share from the run's validation counts,
// accounting and volume recomputed on the lake's tables). Rules whose tables are not there are
// listed as skipped, with why.
import { existsSync } from 'node:fs';
import type { BuiltZone, Catalog } from '../catalog/registry';
import { quoteIdent, type TableResolver } from '../engine/engine';
import { LocalLakeCatalog, LakeNotFoundError, openLakeEngine, STAGING_SCHEMA } from '../pipeline/local-lake-catalog';
import type { LakeLayout } from '../pipeline/lake-layout';
import type { RunManifest } from '../pipeline/manifest';
import { ruleInfo, skippedCheck, type GateResult, type RunFacts } from './evaluator';
import type { GateSetup } from './auditor';
import { curatedFacts, trustedFacts } from './run-facts';
import type { SampleMask } from './sample-privacy';
import { factsDatasets, gateAll } from './zone-gates';

export interface LakeGateResult {
  readonly gates: GateResult[];
  /** The run whose tables were audited (staged: the last blocked run; published: the run of the landing tables). */
  readonly runId?: string;
}

const parseManifest = (text: string): RunManifest | undefined => {
  try {
    return JSON.parse(text) as RunManifest;
  } catch {
    return undefined;
  }
};

export async function gateLocalLake(layout: LakeLayout, catalog: Catalog, setup: GateSetup, staged: boolean, samples?: SampleMask): Promise<LakeGateResult> {
  if (!existsSync(layout.catalogFile)) throw new LakeNotFoundError(layout.catalogFile);
  const lake = new LocalLakeCatalog(layout);
  const runs = await lake.runs();
  const published = await lake.published();
  const manifests = new Map(runs.map((r) => [r.runId, r.manifest] as const));
  const manifestOf = (runId: string | undefined) => (runId ? parseManifest(manifests.get(runId) ?? '') : undefined);
  // Staged tables are those of the last run that was blocked (each blocked run re-stages its tables).
  const stagedRun = staged ? [...runs].reverse().find((r) => r.status === 'blocked')?.runId : undefined;
  const runOf = (t: string) => (staged ? stagedRun : published.find((p) => p.table === t)?.runId);

  const engine = await openLakeEngine(layout, { doing: 'evaluate the rules' });
  try {
    const schemaOf = (t: string) => (staged ? STAGING_SCHEMA : catalog.tables.get(t)!.zone);
    const views = (await engine.query('SELECT schema_name, view_name, sql FROM duckdb_views() WHERE NOT internal')).rows;
    const present = new Map(views.map((r) => [`${r.schema_name}.${r.view_name}`, String(r.sql)]));
    // A staged view left by an earlier blocked run (one that got further) is not the last run's table.
    const available = (t: string) => {
      const sql = catalog.tables.has(t) ? present.get(`${schemaOf(t)}.${t}`) : undefined;
      return sql !== undefined && (!staged || (stagedRun !== undefined && sql.includes(`run_id=${stagedRun}`)));
    };
    if (![...catalog.tables.keys()].some(available)) {
      throw new LakeNotFoundError(`${layout.catalogFile} (no ${staged ? 'staged' : 'published'} tables yet)`);
    }
    const rules = setup.rules.filter((r) => r.tables.every(available));
    const resolve: TableResolver = (t) => (catalog.tables.has(t) ? `${quoteIdent(schemaOf(t))}.${quoteIdent(t)}` : undefined);
    const facts = async (zone: BuiltZone): Promise<RunFacts> => {
      if (zone === 'trusted') {
        return trustedFacts(
          engine,
          factsDatasets(catalog),
          (dataset) => {
            const landing = catalog.datasets.find((d) => d.dataset === dataset)!.table.name;
            const runId = runOf(landing);
            const d = manifestOf(runId)?.datasets[dataset];
            if (!d) return { unknown: runId ? `run ${runId} recorded no validation counts for ${dataset}` : `${landing} is not in the lake` };
            return { read: d.read, quarantined: d.quarantined, reasons: d.quarantineReasons, recordBytes: d.recordBytes, quarantinedBytes: d.quarantinedBytes };
          },
          resolve,
          available,
        );
      }
      const curated = catalog.transforms.filter((t) => t.zone === 'curated' && available(t.table.name)).map((t) => t.table.name);
      // Against the run published before the one audited, as that run's own volume check did.
      return curatedFacts(engine, curated, resolve, async (t) => manifestOf(runOf(t))?.tables[t]?.previousRows);
    };
    const gates = await gateAll(engine, { ...setup, rules }, resolve, { samples, facts });
    // Rules that read a table the lake does not hold are listed, skipped, where their gate lists its rules.
    const withSkipped = gates.map((g) => {
      const missing = setup.rules.filter((r) => r.zone === g.zone && !rules.includes(r));
      const skipped = missing.map((r) =>
        skippedCheck(ruleInfo(r), `${r.tables.filter((t) => catalog.tables.has(t) && !available(t)).join(', ')} not in the lake's ${staged ? 'staged' : 'published'} tables`),
      );
      return skipped.length ? { ...g, rules: [...g.rules, ...skipped] } : g;
    });
    const runId = staged ? stagedRun : catalog.datasets.map((d) => runOf(d.table.name)).find((r) => r !== undefined);
    return { gates: withSkipped, ...(runId ? { runId } : {}) };
  } finally {
    await engine.close();
  }
}
