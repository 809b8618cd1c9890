// The bad-input corpus: each folder under test/corpus/ holds landing files added to the
// stedi-small fixture and the outcome they must have. Every case ends published or blocked with a
// named rule, never a crash, and its accounting adds up.
import { cpSync, readdirSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/runner';
import type { RunManifest } from '../../src/pipeline/manifest';
import { runSummary } from '../../src/cli/run-summary';
import { tempDir } from '../support/tmp';
import { referenceRun } from '../support/reference-model';
import { expectedOf, reportedOf } from '../support/pipeline-vs-reference';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');

interface Expected {
  description: string;
  status: 'published' | 'blocked';
  blocking: string[];
  warnings?: string[];
  /** Failing rows or records of named rules. */
  failing?: Record<string, number>;
  datasets?: Record<string, { files: number; read: number; valid: number; quarantined: number; blankLines: number; reasons: Record<string, number>; outcomes: Record<string, number> }>;
  tables?: Record<string, number>;
  quarantine?: { file: string; line: number }[];
  ignored?: string[];
  /** Entries beside the dataset folders, with why they were not read. */
  ignoredLanding?: { name: string; reason: string }[];
}

async function runCase(extra: (landing: string) => void) {
  const landing = tempDir();
  const lake = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  // The fixture's README describes it; it is no landing data (a run would list it as not read).
  rmSync(join(landing, 'README.md'));
  extra(landing);
  const manifest = await runPipeline({ landing, lake });
  return { manifest, lake, landing };
}

/** Invariants every run holds, whatever its input. */
function expectAccountingAddsUp(m: RunManifest) {
  for (const [, d] of Object.entries(m.datasets)) {
    expect(d.read).toBe(d.valid + d.quarantined);
    expect(d.valid).toBe(Object.values(d.outcomes).reduce((a, b) => a + b, 0));
    expect(d.excludedByPolicy).toBe(d.valid - (d.outcomes.trusted ?? 0) - (d.outcomes.duplicate ?? 0));
  }
}

function quarantined(m: RunManifest): { file: string; line: number; reasons: string[] }[] {
  return Object.values(m.datasets).flatMap((d) =>
    readFileSync(d.quarantineLocation, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l)),
  );
}

const cases = readdirSync(__dirname, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(__dirname, e.name, 'expected.json')))
  .map((e) => e.name)
  .sort();

describe('bad-input corpus', () => {
  it('holds the cases the issue lists', () => {
    expect(cases.length).toBe(27);
  });

  for (const name of cases) {
    const expected: Expected = JSON.parse(readFileSync(join(__dirname, name, 'expected.json'), 'utf8'));
    it(`${name}: ${expected.description}`, async () => {
      const { manifest, landing } = await runCase((landing) => cpSync(join(__dirname, name, 'landing'), landing, { recursive: true }));
      expect(manifest.status).toBe(expected.status);
      // The independent reference (sharing no code with src/) reads the same files to the same verdict, accounting, rows and findings.
      expect(await reportedOf(manifest, true)).toEqual(expectedOf(referenceRun(landing), true));
      const rules = Object.values(manifest.gates).flatMap((g) => g!.rules);
      expect(rules.filter((r) => r.blocking).map((r) => r.name)).toEqual(expected.blocking);
      if (expected.warnings) expect(rules.filter((r) => r.severity === 'warn' && r.status !== 'pass').map((r) => r.name)).toEqual(expected.warnings);
      for (const [name, n] of Object.entries(expected.failing ?? {})) expect([name, rules.find((r) => r.name === name)?.failing]).toEqual([name, n]);
      for (const [ds, want] of Object.entries(expected.datasets ?? {})) {
        const got = manifest.datasets[ds];
        expect({ ds, files: got.files, read: got.read, valid: got.valid, quarantined: got.quarantined, blankLines: got.blankLines, reasons: got.quarantineReasons, outcomes: got.outcomes }).toEqual({ ds, ...want });
      }
      if (expected.tables) {
        const rows = Object.fromEntries(Object.entries(manifest.tables).filter(([, t]) => t.zone !== 'landing').map(([t, r]) => [t, r.rows]));
        expect(rows).toEqual(expected.tables);
      }
      if (expected.quarantine) expect(quarantined(manifest).map((q) => ({ file: q.file, line: q.line }))).toEqual(expected.quarantine);
      if (expected.ignored) expect(Object.values(manifest.datasets).flatMap((d) => d.ignoredFiles.map((f) => f.name)).sort()).toEqual(expected.ignored);
      expect(manifest.ignoredLanding).toEqual(expected.ignoredLanding ?? []);
      expectAccountingAddsUp(manifest);
    });
  }

  it('unknown-folder: what was not read is listed in the run summary, report.json and report.md too', async () => {
    const { manifest, lake } = await runCase((landing) => cpSync(join(__dirname, 'unknown-folder', 'landing'), landing, { recursive: true }));
    const summary = runSummary(manifest);
    expect(summary).toContain('  ignored step_trainers/: not a dataset folder (expected accelerometer/, customer/, step_trainer/): 2 files, ');
    expect(summary).toContain('  ignored README.txt: not in a dataset folder');
    const dir = join(lake, 'runs', manifest.runId);
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    expect(report.ignoredLanding.map((e: { name: string }) => e.name)).toEqual(['README.txt', 'step_trainers/']);
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('### Not read');
    expect(md).toMatch(/\| step\\_trainers\/ \| not a dataset folder \(expected accelerometer\/, customer\/, step\\_trainer\/\): 2 files, [\d,]+ bytes, not read \|/);
  });

  it('huge-line: a single line of 20 MB is quarantined by size without being held, and the run goes on', async () => {
    const line = `{"user":"Santosh.Clayton@test.com","timestamp":1655564444300,"x":1.0,"y":1.0,"z":1.0,"pad":"${'x'.repeat(20 * 1024 * 1024)}"}`;
    const bytes = Buffer.byteLength(line);
    const { manifest } = await runCase((landing) => writeFileSync(join(landing, 'accelerometer', 'accelerometer-huge.json'), line + '\n'));
    const acc = manifest.datasets.accelerometer;
    expect([manifest.status, acc.read, acc.valid, acc.quarantined]).toEqual(['blocked', 11, 10, 1]);
    expect(acc.quarantineReasons).toEqual({ 'line is N bytes, over the limit of 16777216 bytes': 1 });
    const [q] = quarantined(manifest);
    // The line is not kept; its first kilobyte is, to recognise it by.
    expect(q).toEqual({ dataset: 'accelerometer', file: 'accelerometer/accelerometer-huge.json', line: 1, reasons: [`line is ${bytes} bytes, over the limit of 16777216 bytes`], preview: line.slice(0, 1024), bytes });
    expect(manifest.datasets.accelerometer).toMatchObject({ quarantinedBytes: bytes });
    expect(manifest.gates.trusted!.rules.filter((r) => r.blocking).map((r) => r.name)).toEqual(['quarantine_share_accelerometer', 'quarantine_bytes_accelerometer']);
    expectAccountingAddsUp(manifest);
  });
});
