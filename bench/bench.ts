// `npm run bench [-- --json] [--repeats N] [--scales 1,10] [--workers 0,2] [--suite]`: times the
// full `stedi run` against its floor (the same SQL straight on the raw files in DuckDB) at the
// course scale and beyond, phase by phase, each measurement in its own process; the whole `stedi run`
// process against the whole floor process; the CLI's start against `node -e 0`; plus synth time.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { generateLanding } from '../src/generator/generator';
import { PRESETS } from '../src/generator/presets';
import { textTable } from '../src/cli/text-table';

const ROOT = resolve(__dirname, '..');
const WORK = join(ROOT, '.stedi', 'bench');

interface Measurement {
  mode: string;
  ms: number;
  /** The whole process, from spawn to exit (start-up, imports, work, shutdown). */
  processMs: number;
  /** CPU time of the process over the same span (all threads). */
  cpuMs: number;
  phases: { phase: string; ms: number }[];
  peakRssMb: number;
  records?: number;
  status?: string;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * measure.ts compiled once, as the CLI is, so that no TypeScript loader runs inside a measured
 * process and the whole-process times compare like with like.
 */
function compileMeasure(): string {
  const out = join(WORK, 'measure.js');
  // The validation pool starts its worker from the file beside the bundle (join(__dirname, ...)), as in dist/.
  require('esbuild').buildSync({
    entryPoints: [
      { in: join(__dirname, 'measure.ts'), out: 'measure' },
      { in: join(ROOT, 'src', 'pipeline', 'validate-worker.ts'), out: 'validate-worker-entry' },
    ],
    outdir: WORK,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  return out;
}

function timedProcess(args: string[]): { ms: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, CI: 'true' } });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

function measure(script: string, args: string[]): Measurement {
  const { ms, stdout } = timedProcess([script, ...args]);
  return { ...JSON.parse(stdout.trim().split('\n').pop()!), processMs: ms };
}

/** `stedi run` as a user starts it: the whole process, timed from outside; phases from its manifest. */
function measureCli(landing: string, lake: string): Measurement {
  const { ms, stdout } = timedProcess([join(ROOT, 'bin', 'stedi.js'), 'run', '--landing', landing, '--lake', lake, '--json', '--no-progress']);
  const m = JSON.parse(stdout) as { status: string; startedAt: string; finishedAt: string; phases: { phase: string; ms: number }[] };
  // `ms` is the run as its manifest times it; `processMs` what the user waited for.
  const runMs = Date.parse(m.finishedAt) - Date.parse(m.startedAt);
  return { mode: 'stedi run', ms: runMs, processMs: ms, cpuMs: NaN, phases: m.phases, peakRssMb: NaN, status: m.status };
}

/** Best and median of whole processes: `node -e 0`, then the CLI's cheapest commands. */
function startup(repeats: number) {
  const commands: Record<string, string[]> = {
    'node -e 0': ['-e', '0'],
    'stedi --version': [join(ROOT, 'bin', 'stedi.js'), '--version'],
    'stedi --help': [join(ROOT, 'bin', 'stedi.js'), '--help'],
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  // Interleaved, like the modes below, after one warm-up round that fills the file cache.
  for (let r = -1; r < Math.max(5, repeats * 3); r++) {
    for (const [name, args] of Object.entries(commands)) {
      const { ms } = timedProcess(args);
      if (r >= 0) times[name].push(ms);
    }
  }
  const base = Math.min(...times['node -e 0']);
  return Object.entries(times).map(([command, ts]) => ({
    command,
    bestMs: Math.round(Math.min(...ts)),
    medianMs: Math.round(median(ts)),
    ratioToNode: Number((Math.min(...ts) / base).toFixed(2)),
  }));
}

/** Generates the landing data once per scale; a marker with the options lets later benches reuse it. */
async function landingFor(scale: number): Promise<{ dir: string; lines: number; bytes: number; generateMs?: number }> {
  const dir = join(WORK, `landing-course-x${scale}`);
  const marker = join(dir, 'generated.json');
  const options = { ...PRESETS.course, scale, seed: 1 };
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    if (JSON.stringify(m.options) === JSON.stringify(options)) return { dir, lines: m.lines, bytes: m.bytes };
  }
  rmSync(dir, { recursive: true, force: true });
  const g = await generateLanding(dir, { ...options, overwrite: true });
  const lines = Object.values(g.lines).reduce((a, b) => a + b, 0);
  const bytes = g.files.reduce((n, f) => n + f.bytes, 0);
  writeFileSync(marker, JSON.stringify({ options, lines, bytes }));
  return { dir, lines, bytes, generateMs: g.elapsedMs };
}

function synthTimes(repeats: number): number[] | undefined {
  if (!existsSync(join(ROOT, 'main.ts'))) return undefined;
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    execFileSync('npm', ['run', '--silent', 'synth'], { cwd: ROOT, stdio: 'ignore', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    times.push(performance.now() - t);
  }
  return times;
}

function suiteTime(): number {
  const t = performance.now();
  execFileSync('npx', ['jest', '--silent'], { cwd: ROOT, stdio: 'ignore' });
  return performance.now() - t;
}

async function main() {
  const o = new Command('bench')
    .option('--json', 'print the results as JSON')
    .option('--repeats <n>', 'measurements per mode and scale', (v) => Number(v), 3)
    .option('--scales <list>', 'course-scale multipliers', (v) => v.split(',').map(Number), [1, 10])
    .option('--workers <list>', 'validation worker threads to try for the full run', (v) => v.split(',').map(Number), [0, 2])
    .option('--suite', 'also time the whole test suite')
    .parse(process.argv)
    .opts();
  mkdirSync(WORK, { recursive: true });
  const results: Record<string, unknown>[] = [];
  const log = (m: string) => process.stderr.write(m + '\n');
  const script = compileMeasure();
  const start = startup(o.repeats);
  for (const c of start) log(`start: ${c.command}: best ${c.bestMs} ms, median ${c.medianMs} ms (${c.ratioToNode}x node -e 0)`);

  for (const scale of o.scales as number[]) {
    const landing = await landingFor(scale);
    log(`scale ${scale}: ${landing.lines.toLocaleString('en-US')} landing lines${landing.generateMs ? `, generated in ${(landing.generateMs / 1000).toFixed(1)} s` : ' (reused)'}`);
    const runs: Record<string, Measurement[]> = { floor: [] };
    for (const w of o.workers as number[]) runs[`full/${w}w`] = [];
    runs['stedi run'] = [];
    for (let r = 0; r < o.repeats; r++) {
      // Interleave the modes so that a noisy moment of the machine hits them alike.
      for (const mode of Object.keys(runs)) {
        const out = join(WORK, `out-x${scale}`);
        rmSync(out, { recursive: true, force: true });
        const m =
          mode === 'floor'
            ? measure(script, ['floor', landing.dir, out])
            : mode === 'stedi run'
              ? measureCli(landing.dir, out)
              : measure(script, ['full', landing.dir, out, mode.split('/')[1].replace('w', '')]);
        runs[mode].push(m);
        log(`  ${mode} #${r + 1}: ${(m.ms / 1000).toFixed(2)} s (process ${(m.processMs / 1000).toFixed(2)} s), ${Number.isNaN(m.cpuMs) ? 'CPU and peak RSS not measured (a process of its own, timed from outside)' : `CPU ${(m.cpuMs / 1000).toFixed(2)} s, peak RSS ${Math.round(m.peakRssMb)} MB`}`);
      }
    }
    const floorMs = median(runs.floor.map((m) => m.ms));
    const floorCpuMs = median(runs.floor.map((m) => m.cpuMs));
    const floorProcessMs = median(runs.floor.map((m) => m.processMs));
    for (const [mode, ms] of Object.entries(runs)) {
      const phaseNames = [...new Set(ms.flatMap((m) => m.phases.map((p) => p.phase)))];
      results.push({
        scale,
        mode,
        lines: landing.lines,
        medianMs: Math.round(median(ms.map((m) => m.ms))),
        minMs: Math.round(Math.min(...ms.map((m) => m.ms))),
        maxMs: Math.round(Math.max(...ms.map((m) => m.ms))),
        recordsPerSecond: Math.round(landing.lines / (median(ms.map((m) => m.ms)) / 1000)),
        peakRssMb: Math.round(Math.max(...ms.map((m) => m.peakRssMb))),
        ratioToFloor: Number((median(ms.map((m) => m.ms)) / floorMs).toFixed(2)),
        // Whole processes: what a user waits for, start-up and imports included.
        medianProcessMs: Math.round(median(ms.map((m) => m.processMs))),
        processRatioToFloor: Number((median(ms.map((m) => m.processMs)) / floorProcessMs).toFixed(2)),
        // Wall time cannot fall below CPU time over the cores: this ratio bounds what overlap can win.
        medianCpuMs: Math.round(median(ms.map((m) => m.cpuMs))),
        cpuRatioToFloor: Number((median(ms.map((m) => m.cpuMs)) / floorCpuMs).toFixed(2)),
        phases: phaseNames.map((p) => {
          const t = ms.map((m) => m.phases.find((x) => x.phase === p)?.ms ?? 0);
          return { phase: p, medianMs: Math.round(median(t)), minMs: Math.round(Math.min(...t)), maxMs: Math.round(Math.max(...t)), recordsPerSecond: Math.round(landing.lines / (median(t) / 1000 || 1e-9)) };
        }),
      });
    }
  }
  const synth = synthTimes(o.repeats);
  const suite = o.suite ? suiteTime() : undefined;
  const summary = {
    machine: { cpus: require('node:os').cpus().length, node: process.version },
    startup: start,
    results,
    synthMs: synth && { median: Math.round(median(synth)), min: Math.round(Math.min(...synth)), max: Math.round(Math.max(...synth)) },
    testSuiteMs: suite && Math.round(suite),
  };
  if (o.json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return;
  }
  process.stdout.write(textTable(['start-up (whole process)', 'best ms', 'median ms', 'x node -e 0'], start.map((c) => [c.command, c.bestMs, c.medianMs, c.ratioToNode])) + '\n\n');
  const orNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const rows = results.flatMap((r) => [
    [r.scale as number, r.mode as string, 'total', r.medianMs as number, `${r.minMs}-${r.maxMs}`, r.recordsPerSecond as number, orNull(r.peakRssMb), r.ratioToFloor as number, orNull(r.medianCpuMs), orNull(r.cpuRatioToFloor), r.medianProcessMs as number, r.processRatioToFloor as number],
    ...(r.phases as { phase: string; medianMs: number; minMs: number; maxMs: number; recordsPerSecond: number }[]).map((p) => [
      '',
      '',
      p.phase,
      p.medianMs,
      `${p.minMs}-${p.maxMs}`,
      p.recordsPerSecond,
      null,
      null,
      null,
      null,
      null,
      null,
    ]),
  ]);
  process.stdout.write(
    textTable(['scale', 'mode', 'phase', 'median ms', 'min-max ms', 'records/s', 'peak RSS MB', 'x floor', 'CPU ms', 'CPU x floor', 'process ms', 'process x floor'], rows) + '\n',
  );
  if (summary.synthMs) process.stdout.write(`\nnpm run synth (both environments): median ${summary.synthMs.median} ms (${summary.synthMs.min}-${summary.synthMs.max})\n`);
  if (suite) process.stdout.write(`test suite (npx jest): ${Math.round(suite / 1000)} s\n`);
}

main().catch((e) => {
  process.stderr.write(`bench: ${(e as Error).stack}\n`);
  process.exit(1);
});
