// `npm run mutate:sql [-- --only TEXT ...] [--concurrency N] [--json]`: applies every SQL mutant
// of glue/sql/ and quality-rules/ (sql-mutants.ts) one at a time and requires each to be killed
// (mutation-run.ts) or listed, with its reason, in equivalent-mutants.json. Exit 0 when so, 1
// when a mutant survives unexplained or the list names a mutant that is killed or gone.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judge, loadEquivalents, runMutations, type MutantResult } from './mutation-run';

function args(argv: readonly string[]): { only?: string[]; concurrency?: number; json: boolean } {
  const only: string[] = [];
  let concurrency: number | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only') only.push(argv[++i]);
    else if (argv[i] === '--concurrency') concurrency = Number(argv[++i]);
    else if (argv[i] === '--json') json = true;
    else {
      process.stderr.write(`mutate:sql: unknown argument ${argv[i]}; expected --only TEXT, --concurrency N, --json\n`);
      process.exit(2);
    }
  }
  return { ...(only.length ? { only } : {}), ...(concurrency ? { concurrency } : {}), json };
}

/** Killed and surviving mutants per file, for the summary. */
function tally(results: readonly MutantResult[]): string {
  const files = new Map<string, { total: number; killed: number }>();
  for (const r of results) {
    const f = files.get(r.mutant.file) ?? { total: 0, killed: 0 };
    f.total++;
    if (r.killedBy) f.killed++;
    files.set(r.mutant.file, f);
  }
  const width = Math.max(...[...files.keys()].map((f) => f.length));
  return [...files].map(([f, n]) => `  ${f.padEnd(width)}  ${String(n.killed).padStart(3)} of ${String(n.total).padStart(3)} killed`).join('\n');
}

async function main(): Promise<number> {
  const o = args(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'stedi-mutate-sql-'));
  const equivalents = loadEquivalents();
  const listed = new Set(equivalents.map((e) => e.id));
  try {
    const report = await runMutations({
      work,
      only: o.only,
      concurrency: o.concurrency,
      onResult: (r, done, total) => {
        if (o.json) return;
        if (process.stderr.isTTY) process.stderr.write(`\r${done}/${total} mutants`);
        if (!r.killedBy && !listed.has(r.mutant.id)) process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}survived: ${r.mutant.id} (line ${r.mutant.line})\n`);
      },
    });
    const { unexplained, stale } = judge(report.results, equivalents, !o.only);
    const killed = report.results.filter((r) => r.killedBy).length;
    if (o.json) {
      process.stdout.write(JSON.stringify({ ...report, unexplained: unexplained.map((r) => r.mutant.id), stale }, null, 2) + '\n');
    } else {
      const survived = report.results.length - killed;
      process.stdout.write(
        [
          `${process.stderr.isTTY ? '\n' : ''}${report.results.length} SQL mutants, ${killed} killed, ${survived} survived (${survived - unexplained.length} listed as equivalent) in ${(report.ms / 1000).toFixed(1)} s`,
          `landing sets: ${report.landingSets.join('; ')}`,
          tally(report.results),
          ...unexplained.map((r) => `SURVIVED ${r.mutant.id} [${r.mutant.file}:${r.mutant.line}]: kill it with a test or fixture, or list it with its reason in test/sql-mutation/equivalent-mutants.json`),
          ...stale.map((id) => `STALE ${id}: listed in test/sql-mutation/equivalent-mutants.json but killed or no longer derived; remove it`),
        ].join('\n') + '\n',
      );
    }
    return unexplained.length || stale.length ? 1 : 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`mutate:sql: ${(e as Error).stack ?? e}\n`);
    process.exit(70);
  },
);
