// `stedi tables`, `stedi query` and `stedi runs`: looking at a local lake.
import { Command } from 'commander';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog, ZONES } from '../catalog/registry';
import type * as LocalLakeCatalogModule from '../pipeline/local-lake-catalog';
import { LakeLayout } from '../pipeline/lake-layout';
import type { RunManifest } from '../pipeline/manifest';
import type { LockHolder } from '../pipeline/run-lock';
import { positiveInt } from './option-parsers';
import { escapeControls } from '../report/terminal-escape';
import { textTable } from './text-table';
import { waitNotice } from './catalog-wait-notice';
import { OperatorError } from '../errors/operator-error';
import { processAlive } from '../pipeline/process-alive';

/** A query the lake cannot answer (a typo, a write on the read-only catalog): the user's to fix. */
export class QueryError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}

/** The lake catalog's module (DuckDB), loaded when a command opens a lake. */
const lakeCatalog = () => require('../pipeline/local-lake-catalog') as typeof LocalLakeCatalogModule;

function requireLake(lake: string): LakeLayout {
  const layout = new LakeLayout(lake);
  if (!existsSync(layout.catalogFile)) throw new (lakeCatalog().LakeNotFoundError)(layout.catalogFile);
  return layout;
}

/** DuckDB's error as one line: its kind and reason, without the echo of the statement below it. */
export function queryErrorLine(message: string): string {
  const first = message.split('\n')[0].trim();
  if (/read-only mode/i.test(first)) return `${first} (stedi query reads the lake; runs, rollbacks and publishing change it)`;
  return first;
}

export interface RunRow {
  readonly runId: string;
  /** published, blocked, failed, rollback, running (another process is running it), interrupted (killed before it finished). */
  readonly status: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** True for the run whose tables are published now (after a rollback, the run it restored). */
  readonly current: boolean;
  /** For a rollback: the run it restored. */
  readonly restored?: string;
  /** What else a reader needs: the error of a failed run, what a killed run left. */
  readonly note?: string;
}

/** The time a run id carries (20261201T120000123Z-abcdef), as ISO text; undefined when it carries none. */
export function runIdTime(runId: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z/.exec(runId);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z` : undefined;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/**
 * Every run the lake knows of, oldest first: those the catalog recorded (published, blocked,
 * rollbacks) and those only their run folder knows (killed, crashed, or running now).
 */
export async function listRuns(layout: LakeLayout): Promise<RunRow[]> {
  const lake = new (lakeCatalog().LocalLakeCatalog)(layout, { onWait: waitNotice });
  const recorded = await lake.runs();
  const published = new Set((await lake.published()).map((t) => t.runId));
  const rows = new Map<string, RunRow>();
  for (const r of recorded) {
    const manifest = (() => {
      try {
        return JSON.parse(r.manifest) as Partial<RunManifest> & { rollbackTo?: string };
      } catch {
        return {};
      }
    })();
    if (r.status === 'rollback') {
      rows.set(r.runId, { runId: r.runId, status: 'rollback', startedAt: r.finishedAt, finishedAt: r.finishedAt, current: false, ...(manifest.rollbackTo ? { restored: manifest.rollbackTo, note: `restored run ${manifest.rollbackTo}` } : {}) });
      continue;
    }
    rows.set(r.runId, {
      runId: r.runId,
      status: r.status,
      ...(manifest.startedAt ? { startedAt: manifest.startedAt } : {}),
      finishedAt: r.finishedAt,
      current: false,
      ...(manifest.error ? { note: manifest.error.split('\n')[0] } : {}),
    });
  }
  const holder = readJson<LockHolder>(layout.lockFile);
  if (existsSync(layout.runsDir)) {
    for (const runId of readdirSync(layout.runsDir)) {
      const m = readJson<RunManifest>(join(layout.runDir(runId), 'manifest.json'));
      const known = rows.get(runId);
      if (known) {
        // The run folder's manifest is the one written last: a failed run is recorded only there.
        if (m?.status === 'failed' && known.status !== 'failed') rows.set(runId, { ...known, status: 'failed', ...(m.error ? { note: m.error.split('\n')[0] } : {}) });
        continue;
      }
      const running = m?.status === 'running' || m === undefined;
      const live = running && holder?.runId === runId && processAlive(holder.pid);
      const status = live ? 'running' : running ? 'interrupted' : (m?.status ?? 'interrupted');
      rows.set(runId, {
        runId,
        status,
        ...(m?.startedAt ? { startedAt: m.startedAt } : {}),
        ...(m?.finishedAt ? { finishedAt: m.finishedAt } : {}),
        current: false,
        ...(status === 'interrupted'
          ? { note: 'stopped before it finished (killed or crashed); nothing of it was published, and the next run removes what it left' }
          : m?.error
            ? { note: m.error.split('\n')[0] }
            : {}),
      });
    }
  }
  const when = (r: RunRow) => r.startedAt ?? runIdTime(r.runId) ?? r.finishedAt ?? '';
  const sorted = [...rows.values()].sort((a, b) => (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : a.runId < b.runId ? -1 : 1));
  // The run whose tables are published now (a rollback re-publishes an earlier run's tables).
  return sorted.map((r) => (r.status === 'published' && published.has(r.runId) ? { ...r, current: true } : r));
}

export function registerLakeCommands(program: Command, defaults: { readonly lake: string }): void {
  program
    .command('tables')
    .description('list the published tables, in pipeline order')
    .option('--lake <dir>', 'lake folder', defaults.lake)
    .option('--json', 'print JSON')
    .action(async (o) => {
      const layout = requireLake(o.lake);
      const catalog = loadCatalog();
      // Zones in promotion order, and within a zone the order the pipeline builds the tables in.
      const order = [...catalog.datasets.map((d) => d.table.name), ...catalog.transforms.map((t) => t.table.name)];
      const rank = (t: { zone: string; table: string }) => [ZONES.indexOf(t.zone as (typeof ZONES)[number]), order.indexOf(t.table) < 0 ? order.length : order.indexOf(t.table)];
      const tables = (await new (lakeCatalog().LocalLakeCatalog)(layout, { onWait: waitNotice }).published()).sort((a, b) => {
        const [za, ta] = rank(a);
        const [zb, tb] = rank(b);
        return za - zb || ta - tb || (a.table < b.table ? -1 : 1);
      });
      if (o.json) process.stdout.write(JSON.stringify(tables, null, 2) + '\n');
      else {
        process.stdout.write(
          textTable(
            ['zone', 'table', 'rows', 'run', 'published'],
            tables.map((t) => [t.zone, t.table, t.rows, t.runId, t.publishedAt]),
          ) + `\n\nquery them: stedi query "SELECT ... FROM curated.machine_learning_curated" --lake ${escapeControls(o.lake)}\n`,
        );
      }
    });

  program
    .command('query')
    .description('run SQL over the published lake (zones are schemas: landing, trusted, curated, staging); read-only')
    .argument('<sql>', 'a SQL query, e.g. "SELECT count(*) FROM curated.machine_learning_curated"')
    .option('--lake <dir>', 'lake folder', defaults.lake)
    .option('--json', 'print rows as JSON')
    .option('--max-rows <n>', 'rows to print at most', (v) => positiveInt(v), 200)
    .action(async (sql: string, o) => {
      const layout = requireLake(o.lake);
      const engine = await lakeCatalog().openLakeEngine(layout, { doing: 'run the query', onWait: waitNotice });
      try {
        let r;
        try {
          r = await engine.query(sql);
        } catch (e) {
          throw new QueryError(`query failed: ${queryErrorLine((e as Error).message)}`);
        }
        const shown = r.rows.slice(0, o.maxRows);
        if (o.json) process.stdout.write(JSON.stringify(shown, null, 2) + '\n');
        // Numbers as they are: epoch milliseconds and ids are copied back into queries.
        else process.stdout.write(textTable(r.columns, shown.map((row) => r.columns.map((c) => row[c])), { plainNumbers: true }) + '\n');
        if (r.rows.length > shown.length) process.stderr.write(`(${r.rows.length - shown.length} more rows not shown; --max-rows)\n`);
      } finally {
        await engine.close();
      }
    });

  program
    .command('runs')
    .description('list the runs of the lake, oldest first: the published one marked, rollbacks with the run they restored, killed runs too')
    .option('--lake <dir>', 'lake folder', defaults.lake)
    .option('--json', 'print JSON')
    .action(async (o) => {
      const runs = await listRuns(requireLake(o.lake));
      if (o.json) {
        process.stdout.write(JSON.stringify(runs, null, 2) + '\n');
        return;
      }
      process.stdout.write(
        textTable(
          ['', 'run', 'status', 'started', 'finished', 'note'],
          runs.map((r) => [r.current ? '*' : '', r.runId, r.status, r.startedAt, r.finishedAt, r.note]),
        ) + (runs.some((r) => r.current) ? '\n\n* the run whose tables are published now\n' : '\n'),
      );
    });
}
