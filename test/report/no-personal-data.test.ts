// Issue 16, finding 1: no report holds personal data. Every rule over a table with a `pii` column
// (derived from ddl/, not listed here) fails on hostile tables whose personal values are
// sentinels; none of them may reach report.json, report.md, junit.xml, the run manifest or any
// output of `stedi gate`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateLanding } from '../../src/generator/generator';
import { PRESETS } from '../../src/generator/presets';
import { loadCatalog } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { evaluateGate, type GateResult } from '../../src/gates/evaluator';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadRules } from '../../src/gates/rule-file';
import { maskSamples, REVEAL_SAMPLES, type SampleMask, type SamplePrivacy } from '../../src/gates/sample-privacy';
import type { RunManifest } from '../../src/pipeline/manifest';
import { writeReports } from '../../src/report/write-reports';
import { showPiiRefusal } from '../../src/cli/gate-command';
import { spawnSync } from 'node:child_process';
import { runStedi, STEDI_BIN } from '../support/child-run';
import { emptyCuratedTables, failingTables, hostileLake, sentinelIn } from '../support/hostile-tables';
import { samplePrivacyOf } from '../support/sample-privacy';
import { createTables } from '../support/tables';
import { tempDir } from '../support/tmp';

const catalog = loadCatalog();
const rules = loadRules(catalog);
const config = loadGateConfig(catalog);
/** Tables with a column ddl/ annotates `pii`, and the rules that read any of them. */
const personalTables = new Set([...catalog.tables.values()].filter((t) => t.columns.some((c) => c.pii)).map((t) => t.name));
const rulesOverPersonalData = rules.filter((r) => r.tables.some((t) => personalTables.has(t))).map((r) => r.name);

let privacy: SamplePrivacy;
let lake: string;

beforeAll(async () => {
  privacy = await samplePrivacyOf(catalog, rules);
  lake = await hostileLake(join(tempDir(), 'lake'), catalog);
});

async function gates(tables: ReturnType<typeof failingTables>, samples: SampleMask): Promise<GateResult[]> {
  const engine = await DuckDbEngine.open();
  try {
    await createTables(engine, catalog, tables);
    const out: GateResult[] = [];
    for (const zone of ['trusted', 'curated'] as const) out.push(await evaluateGate({ engine, zone, rules, config, samples }));
    return out;
  } finally {
    await engine.close();
  }
}

function manifestOf(g: GateResult[]): RunManifest {
  return {
    runId: '20260101T000000000Z-cccccc',
    status: 'blocked',
    landing: '/landing',
    lake: '/lake',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:01.000Z',
    datasets: {},
    tables: {},
    phases: [],
    gates: { trusted: g[0], curated: g[1] },
    problems: [],
  };
}

/** Every file a run writes for people and CI, as text. */
function reportTexts(manifest: RunManifest): Record<string, string> {
  const paths = writeReports(tempDir(), manifest);
  return { 'manifest.json': JSON.stringify(manifest), 'report.json': readFileSync(paths.json, 'utf8'), 'report.md': readFileSync(paths.md, 'utf8'), 'junit.xml': readFileSync(paths.junit, 'utf8') };
}

describe('reports hold no personal data, for every rule over tables with personal data', () => {
  it('every such rule fails on the hostile tables, so each one of their samples went through the mask', async () => {
    expect(rulesOverPersonalData.length).toBeGreaterThan(0);
    const failing = new Set<string>();
    for (const tables of [failingTables(), emptyCuratedTables()]) {
      for (const g of await gates(tables, maskSamples(privacy))) for (const r of g.rules) if (r.status === 'fail' && r.sample.length) failing.add(r.name);
    }
    expect(rulesOverPersonalData.filter((r) => !failing.has(r))).toEqual([]);
  });

  it.each([
    ['failing tables', failingTables],
    ['empty curated tables', emptyCuratedTables],
  ])('report.json, report.md, junit.xml and the manifest hold none of the personal values (%s)', async (_name, tables) => {
    const texts = reportTexts(manifestOf(await gates(tables(), maskSamples(privacy))));
    for (const [file, text] of Object.entries(texts)) expect([file, sentinelIn(text)]).toEqual([file, undefined]);
    // The rows are still there to compare: as tokens.
    if (tables === failingTables) for (const text of Object.values(texts)) expect(text).toMatch(/pii:[0-9a-f]{10}/);
  });

  it('the same reports without the mask would hold them (the check above can fail)', async () => {
    const texts = reportTexts(manifestOf(await gates(failingTables(), REVEAL_SAMPLES)));
    for (const [file, text] of Object.entries(texts)) expect([file, sentinelIn(text) !== undefined]).toEqual([file, true]);
  });

  it('a rule the lineage does not know has every sample value masked (fail closed)', async () => {
    const g = await gates(failingTables(), maskSamples({ rules: {} }));
    const serial = g[0].rules.find((r) => r.name === 'serial_number_shared_by_customers')!;
    expect(serial.maskedColumns).toEqual(serial.columns);
    expect(serial.sample.every((row) => Object.values(row).every((v) => v === null || /^pii:/.test(String(v))))).toBe(true);
  });
});

describe('stedi gate holds no personal data in any format, on published and staged tables', () => {
  it.each([
    ['text', []],
    ['--json', ['--json']],
    ['--format md', ['--format', 'md']],
    ['--staged --json', ['--staged', '--json']],
    ['--staged --format md', ['--staged', '--format', 'md']],
  ])('%s: blocked (exit 1), and no personal value in its output', async (_name, args) => {
    const r = await runStedi(['gate', '--lake', lake, ...args]);
    expect([r.code, sentinelIn(r.stdout), sentinelIn(r.stderr)]).toEqual([1, undefined, undefined]);
    expect(r.stdout).toMatch(/pii:[0-9a-f]{10}/);
  });
});

describe('stedi gate --show-pii: a local terminal only', () => {
  it('is refused in CI, whatever the terminal', () => {
    expect(showPiiRefusal({ CI: 'true' }, true)).toBe('--show-pii prints personal data and is refused in CI (CI is set); the masked tokens are what CI may show');
    expect(showPiiRefusal({ GITHUB_ACTIONS: 'true' }, true)).toMatch(/refused in CI \(GITHUB_ACTIONS is set\)/);
  });

  it('is refused when the output is not a terminal, and allowed on one outside CI', () => {
    expect(showPiiRefusal({}, false)).toBe('--show-pii prints personal data to a terminal only, not to a pipe or a file');
    expect(showPiiRefusal({ CI: 'false' }, true)).toBeUndefined();
  });

  it('on a terminal outside CI it shows the values, and warns that it does (script(1) gives the run a terminal)', () => {
    const { CI: _ci, GITHUB_ACTIONS: _gha, ...env } = process.env;
    const r = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(STEDI_BIN)} gate --lake ${JSON.stringify(lake)} --show-pii`, '/dev/null'], {
      env: env as NodeJS.ProcessEnv,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Blocked, as without --show-pii: showing the values changes nothing of the verdict.
    expect(r.status).toBe(1);
    const out = r.stdout;
    expect(out).toContain('stedi: --show-pii: failing rows below hold personal data; do not paste them anywhere');
    expect(sentinelIn(out)).toBeDefined();
  });

  it('stedi gate --show-pii into a pipe exits 2 with that one line, and prints no row', async () => {
    const { CI: _ci, GITHUB_ACTIONS: _gha, ...env } = process.env;
    const r = await runStedi(['gate', '--lake', lake, '--show-pii'], { ...(env as Record<string, string>), CI: '' });
    expect([r.code, r.stdout, r.stderr]).toEqual([2, '', 'stedi: --show-pii prints personal data to a terminal only, not to a pipe or a file\n']);
    const ci = await runStedi(['gate', '--lake', lake, '--show-pii'], { CI: 'true' });
    expect([ci.code, ci.stdout]).toEqual([2, '']);
    expect(ci.stderr).toMatch(/^stedi: --show-pii prints personal data and is refused in CI/);
  });
});

describe('a real run: no landing value of a pii column reaches its outputs', () => {
  /** Every value the landing files hold in a column ddl/ annotates pii (strings of 5 characters or more). */
  function personalValues(landing: string): Set<string> {
    const values = new Set<string>();
    for (const d of catalog.datasets) {
      const pii = d.table.columns.filter((c) => c.pii).map((c) => c.name);
      const walk = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));
      for (const file of walk(join(landing, d.dataset))) {
        for (const line of readFileSync(file, 'utf8').split('\n')) {
          if (!line.trim()) continue;
          const record = JSON.parse(line) as Record<string, unknown>;
          for (const c of pii) if (typeof record[c] === 'string' && (record[c] as string).length >= 5) values.add(record[c] as string);
        }
      }
    }
    return values;
  }

  it('stedi run --json (the manifest), report.json, report.md and junit.xml of a blocked run with shared serial numbers', async () => {
    const g = await generateLanding(join(tempDir(), 'landing'), { ...PRESETS.tiny, seed: 4, defects: { sharedSerials: 2 } });
    const out = tempDir();
    const r = await runStedi(['run', '--landing', g.dir, '--lake', join(tempDir(), 'lake'), '--json', '--report-dir', out]);
    expect(r.code).toBe(1);
    const manifest = JSON.parse(r.stdout) as RunManifest;
    // The rule that shows emails (MIN and MAX of the shared serial's emails) failed, with rows.
    expect(manifest.gates.trusted!.rules.find((x) => x.name === 'serial_number_shared_by_customers')!.maskedColumns).toEqual(['first_email', 'last_email']);
    const texts = { stdout: r.stdout, stderr: r.stderr, ...Object.fromEntries(['report.json', 'report.md', 'junit.xml'].map((f) => [f, readFileSync(join(out, f), 'utf8')])) };
    const values = personalValues(g.dir);
    expect(values.size).toBeGreaterThan(50);
    for (const [file, text] of Object.entries(texts)) expect([file, [...values].filter((v) => text.includes(v))]).toEqual([file, []]);
  });
});
