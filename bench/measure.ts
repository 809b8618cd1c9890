// One measurement of the benchmark, in its own process so that its peak RSS is its own:
//   floor <landing> <out>  the transforms of glue/sql run straight in DuckDB on the raw files
//   full  <landing> <lake> the whole `stedi run` (validate, build, audit, publish)
// Prints one JSON object on stdout.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../src/catalog/registry';
import { DUCKDB_TYPE } from '../src/catalog/column-types';
import { DuckDbEngine } from '../src/engine/duckdb-engine';
import { quoteIdent, quoteLiteral } from '../src/engine/engine';
import { runPipeline } from '../src/pipeline/runner';

/** CPU time of the whole process (every thread: DuckDB's, workers') since `from`, in ms. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(from);
  return (c.user + c.system) / 1000;
};

async function floor(landing: string, out: string) {
  const cpu0 = process.cpuUsage();
  const catalog = loadCatalog();
  const engine = await DuckDbEngine.open({ tempDirectory: join(out, 'spill') });
  const phases: { phase: string; ms: number }[] = [];
  const t0 = performance.now();
  try {
    let t = performance.now();
    for (const d of catalog.datasets) {
      const columns = d.table.columns.map((c) => `${quoteIdent(c.name)}: ${quoteLiteral(DUCKDB_TYPE[c.type])}`).join(', ');
      const glob = join(landing, d.dataset, '**', '*.json');
      await engine.run(
        `CREATE VIEW ${quoteIdent(d.table.name)} AS SELECT * FROM read_json(${quoteLiteral(glob)}, format = 'newline_delimited', columns = {${columns}})`,
      );
    }
    for (const zone of ['trusted', 'curated'] as const) {
      t = performance.now();
      for (const tr of catalog.transforms.filter((x) => x.zone === zone)) {
        const dir = join(out, tr.table.name);
        mkdirSync(dir, { recursive: true });
        const file = join(dir, 'part-0.parquet');
        await engine.run(`COPY (${tr.sql.replace(/;\s*$/, '')}) TO ${quoteLiteral(file)} (FORMAT parquet, COMPRESSION zstd)`);
        await engine.run(`CREATE VIEW ${quoteIdent(tr.table.name)} AS SELECT * FROM read_parquet(${quoteLiteral(file)})`);
      }
      phases.push({ phase: `build ${zone}`, ms: performance.now() - t });
    }
  } finally {
    await engine.close();
  }
  return { ms: performance.now() - t0, cpuMs: cpuSince(cpu0), phases };
}

async function full(landing: string, lake: string, workers: number) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const m = await runPipeline({ landing, lake, validationWorkers: workers });
  return {
    ms: performance.now() - t0,
    cpuMs: cpuSince(cpu0),
    phases: m.phases,
    status: m.status,
    records: Object.values(m.datasets).reduce((n, d) => n + d.read, 0),
    rows: Object.fromEntries(Object.entries(m.tables).map(([t, r]) => [t, r.rows])),
  };
}

(async () => {
  const [mode, landing, out, workers] = process.argv.slice(2);
  const result = mode === 'floor' ? await floor(landing, out) : await full(landing, out, Number(workers ?? 0));
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ mode, ...result, peakRssMb }) + '\n');
})().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
