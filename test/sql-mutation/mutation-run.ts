// Runs the SQL mutants (sql-mutants.ts) and decides which are killed. A transform or accounting
// mutant is a copy of the catalog folders with the one file changed, run by the pipeline on each
// landing set (landing-sets.ts) until what it reports differs from the independent reference
// (test/support/reference-model.ts): verdict, accounting, row counts, rows or any check's
// finding; a catalog the registry refuses, or a run that fails, kills it too. A rule mutant
// changes no table: the gate's evaluator runs it on the tables the unmutated pipeline built from
// each landing set, and on the rule cases (rule-cases.ts), against what the reference says the rule
// must find there.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { loadCatalog, PROJECT_ROOT, type Catalog } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { quoteIdent, quoteLiteral } from '../../src/engine/engine';
import { loadGateConfig } from '../../src/gates/gate-config';
import { parseRule } from '../../src/gates/rule-file';
import { TABLE_FILE } from '../../src/pipeline/lake-layout';
import type { RunManifest } from '../../src/pipeline/manifest';
import { runPipeline } from '../../src/pipeline/runner';
import { CATALOG_FOLDERS } from '../support/catalog-folders';
import { expectedOf, reportedOf, type Comparable } from '../support/pipeline-vs-reference';
import { referenceRun, type ReferenceRun } from '../support/reference-model';
import { LANDING_SETS, type LandingSet } from './landing-sets';
import { RULE_CASES } from './rule-cases';
import { expectedVerdict, ruleVerdict } from './rule-verdicts';
import { createTables } from '../support/tables';
import { mutantsOf, mutatedFiles, rendered, SqlTrees, type Mutant } from './sql-mutants';

export interface MutantResult {
  readonly mutant: Mutant;
  /** Why it is killed (the first difference, or the error), or undefined when it survived. */
  readonly killedBy?: string;
}

export interface MutationOptions {
  /** A new folder for the copies, landing sets and lakes. */
  readonly work: string;
  /** Only mutants whose id contains one of these. @default every mutant */
  readonly only?: readonly string[];
  /** Only these landing sets (by index into LANDING_SETS). @default all */
  readonly landingSets?: readonly number[];
  /** Pipeline runs at once. @default 2 */
  readonly concurrency?: number;
  readonly onResult?: (r: MutantResult, done: number, total: number) => void;
}

export interface MutationReport {
  readonly results: readonly MutantResult[];
  readonly landingSets: readonly string[];
  readonly ms: number;
}

const isRule = (m: Mutant) => m.file.startsWith('quality-rules/rules/');

/** The first place where two values differ, as `path: got … expected …`. */
export function firstDifference(got: unknown, want: unknown, path = ''): string | undefined {
  if (isDeepStrictEqual(got, want)) return undefined;
  if (typeof got === 'object' && got !== null && typeof want === 'object' && want !== null && !Array.isArray(got) && !Array.isArray(want)) {
    const keys = [...new Set([...Object.keys(got), ...Object.keys(want)])].sort();
    for (const k of keys) {
      const d = firstDifference((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      if (d) return d;
    }
  }
  if (Array.isArray(got) && Array.isArray(want) && got.length !== want.length) return `${path}: ${got.length} rows, the reference ${want.length}`;
  const text = (v: unknown) => {
    const s = JSON.stringify(v) ?? 'absent';
    return s.length > 120 ? `${s.slice(0, 117)}...` : s;
  };
  return `${path}: ${text(got)}, the reference ${text(want)}`;
}

/** Runs the tasks, at most `limit` at once. */
async function inLanes<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}

interface Prepared {
  readonly set: LandingSet;
  readonly landing: string;
  /** What the reference says a run must report, and the tables it builds. */
  readonly expected: Comparable;
  readonly reference: ReferenceRun;
  /** The run of the unmutated catalog: its tables are the rule mutants' input. */
  readonly baseline: RunManifest;
}

/** Views named after each table a run built, over its files: what a rule reads. */
async function tablesOf(manifest: RunManifest): Promise<DuckDbEngine> {
  const engine = await DuckDbEngine.open();
  for (const [name, t] of Object.entries(manifest.tables)) {
    await engine.run(`CREATE VIEW ${quoteIdent(name)} AS SELECT * FROM read_parquet(${quoteLiteral(join(t.location, TABLE_FILE))}, hive_partitioning = false)`);
  }
  return engine;
}

export async function runMutations(options: MutationOptions): Promise<MutationReport> {
  const t0 = performance.now();
  const { work } = options;
  const sets = (options.landingSets ?? LANDING_SETS.map((_, i) => i)).map((i) => LANDING_SETS[i]);
  const parser = await DuckDbEngine.open();
  const trees = new SqlTrees(parser);
  const engines: DuckDbEngine[] = [];
  try {
    // The catalog as the mutants see it: every mutated file written back from its parse tree, so
    // that a mutant differs from it in its one change only. The baseline proves the writing changes nothing.
    const base = join(work, 'catalog');
    for (const dir of CATALOG_FOLDERS) cpSync(join(PROJECT_ROOT, dir), join(base, dir), { recursive: true });
    const files = mutatedFiles(PROJECT_ROOT);
    for (const f of files) writeFileSync(join(base, f), await rendered(trees, readFileSync(join(PROJECT_ROOT, f), 'utf8')));
    const catalog = loadCatalog(base);
    const config = loadGateConfig(catalog);

    let mutants = (await Promise.all(files.map((f) => mutantsOf(trees, PROJECT_ROOT, f)))).flat();
    if (options.only) mutants = mutants.filter((m) => options.only!.some((o) => m.id.includes(o)));

    const prepared: Prepared[] = [];
    for (const [i, set] of sets.entries()) {
      const landing = join(work, `landing-${i}`);
      mkdirSync(landing, { recursive: true });
      await set.write(landing);
      const reference = referenceRun(landing);
      const expected = expectedOf(reference, true);
      const baseline = await runPipeline({ landing, lake: join(work, `lake-${i}-baseline`), catalog });
      const diff = firstDifference(await reportedOf(baseline, true), expected);
      if (diff) throw new Error(`the unmutated catalog disagrees with the reference on "${set.name}" (${diff}): the harness cannot judge mutants`);
      prepared.push({ set, landing, expected, reference, baseline });
    }

    const results: MutantResult[] = [];
    const record = (r: MutantResult) => {
      results.push(r);
      options.onResult?.(r, results.length, mutants.length);
    };

    // Rule mutants: on each landing set's tables, then on the rule cases.
    const ruleMutants = mutants.filter(isRule);
    if (ruleMutants.length) {
      const landed = await Promise.all(prepared.map(async (p) => ({ p, engine: await tablesOf(p.baseline) })));
      const cases = await Promise.all(
        RULE_CASES.map(async (c) => {
          const engine = await DuckDbEngine.open();
          await createTables(engine, catalog, c.tables as Record<string, Record<string, string | number | null>[]>);
          return { c, engine };
        }),
      );
      engines.push(...landed.map((l) => l.engine), ...cases.map((c) => c.engine));
      for (const m of ruleMutants) {
        let killedBy: string | undefined;
        try {
          const rule = parseRule(m.text, m.file, catalog);
          const tried = [
            ...landed.filter(({ p }) => p.expected.findings[rule.name]?.status !== 'skip').map(({ p, engine }) => ({ on: p.set.name, engine, tables: p.reference.rows })),
            ...cases.map(({ c, engine }) => ({ on: `rule case "${c.name}"`, engine, tables: c.tables })),
          ];
          for (const { on, engine, tables } of tried) {
            const { columns, ...got } = await ruleVerdict(engine, rule, config);
            const diff = firstDifference(got, expectedVerdict(tables, rule.name, columns));
            if (diff) {
              killedBy = `${on}: ${diff}`;
              break;
            }
          }
        } catch (e) {
          killedBy = `the rule file is refused: ${(e as Error).message.split('\n')[0]}`;
        }
        record({ mutant: m, killedBy });
      }
    }

    // Transform and accounting mutants: whole pipeline runs.
    await inLanes(
      mutants.filter((m) => !isRule(m)),
      options.concurrency ?? 2,
      async (m) => {
        const n = results.length + 1;
        const root = join(work, `mutant-${n}-${Math.random().toString(36).slice(2, 8)}`);
        for (const dir of CATALOG_FOLDERS) cpSync(join(base, dir), join(root, dir), { recursive: true });
        writeFileSync(join(root, m.file), m.text);
        let killedBy: string | undefined;
        let mutated: Catalog | undefined;
        try {
          mutated = loadCatalog(root);
        } catch (e) {
          killedBy = `the catalog refuses it: ${(e as Error).message}`;
        }
        for (const [i, p] of prepared.entries()) {
          if (killedBy || !mutated) break;
          try {
            const manifest = await runPipeline({ landing: p.landing, lake: join(root, `lake-${i}`), catalog: mutated });
            const diff = firstDifference(await reportedOf(manifest, true), p.expected);
            if (diff) killedBy = `${p.set.name}: ${diff}`;
          } catch (e) {
            killedBy = `${p.set.name}: the run fails: ${(e as Error).message.split('\n')[0]}`;
          }
        }
        record({ mutant: m, killedBy });
      },
    );

    const order = new Map(mutants.map((m, i) => [m.id, i]));
    results.sort((a, b) => order.get(a.mutant.id)! - order.get(b.mutant.id)!);
    return { results, landingSets: sets.map((s) => s.name), ms: performance.now() - t0 };
  } finally {
    await Promise.all(engines.map((e) => e.close()));
    await parser.close();
  }
}

/** A mutant that survives because no input can tell it from the original, with why. */
export interface EquivalentMutant {
  readonly id: string;
  readonly reason: string;
  /** It may be killed or survive from run to run (an order the engine is free to choose). */
  readonly nondeterministic?: boolean;
}

export const EQUIVALENTS_FILE = join(__dirname, 'equivalent-mutants.json');

export function loadEquivalents(file: string = EQUIVALENTS_FILE): EquivalentMutant[] {
  return (JSON.parse(readFileSync(file, 'utf8')) as { mutants: EquivalentMutant[] }).mutants;
}

export interface Judgement {
  /** Survivors not listed as equivalent: a test or fixture must kill them. */
  readonly unexplained: readonly MutantResult[];
  /** Listed as equivalent but killed, or no longer derived: the list must be brought up to date. */
  readonly stale: readonly string[];
}

/** Holds the results to the committed list of equivalent mutants. */
export function judge(results: readonly MutantResult[], equivalents: readonly EquivalentMutant[], complete: boolean): Judgement {
  const listed = new Map(equivalents.map((e) => [e.id, e]));
  const unexplained = results.filter((r) => !r.killedBy && !listed.has(r.mutant.id));
  const byId = new Map(results.map((r) => [r.mutant.id, r]));
  const stale = equivalents
    .filter((e) => {
      const r = byId.get(e.id);
      return r ? r.killedBy !== undefined && !e.nondeterministic : complete;
    })
    .map((e) => e.id);
  return { unexplained, stale };
}
