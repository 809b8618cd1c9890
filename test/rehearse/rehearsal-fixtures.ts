// Shared by the rehearsal tests: one synth of the real app for every rehearsal test file (never a
// developer's cdktf.out), generated landing sets, and the published state of a rehearsal's work folder.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../src/catalog/registry';
import { generateLanding, type GenerateResult } from '../../src/generator/generator';
import type { GenerateOptions } from '../../src/generator/generate-options';
import { PRESETS } from '../../src/generator/presets';
import { parseLocation } from '../../src/rehearse/local-s3';
import type { RehearsalResult } from '../../src/rehearse/rehearsal';
import type { RunManifest } from '../../src/pipeline/manifest';
import { hashTree } from '../support/lake';
import { tempDir } from '../support/tmp';
import { synthesize } from '../stacks/synthesized';
import { processAlive } from '../../src/pipeline/process-alive';

let synthDir: string | undefined;

/** What a synth reads: a change to any of it makes a new synth output. */
const SYNTH_SOURCES = ['cdktf.json', 'main.ts', 'package-lock.json', 'stacks', 'src', 'glue', 'ddl', 'quality-rules', 'config'];

/** A digest of every file a synth reads (paths and bytes). */
function sourcesDigest(): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== 'node_modules' && !name.startsWith('.')) walk(join(path, name));
    } else hash.update(`${relative(PROJECT_ROOT, path)}\0`).update(readFileSync(path)).update('\0');
  };
  for (const s of SYNTH_SOURCES) if (existsSync(join(PROJECT_ROOT, s))) walk(join(PROJECT_ROOT, s));
  return hash.digest('hex').slice(0, 16);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The synth output of the real app (both environments). One synth serves every rehearsal test
 * file that runs on the same sources (Jest runs the files in parallel workers, and CI runs the
 * suite twice): it is kept in the OS temp folder under a digest of the sources, made by the first
 * file that needs it while the others wait (a lock folder holding its pid), and never edited
 * (tests that break a definition edit a copy).
 */
export function synthOut(): string {
  if (synthDir) return synthDir;
  const dir = join(tmpdir(), `stedi-rehearsal-synth-${sourcesDigest()}`);
  const lock = `${dir}.lock`;
  for (const deadline = Date.now() + 10 * 60_000; !existsSync(dir); ) {
    try {
      mkdirSync(lock);
    } catch {
      const holder = Number(existsSync(join(lock, 'pid')) ? readFileSync(join(lock, 'pid'), 'utf8') : NaN);
      // A holder that died (or died before it wrote its pid, a minute ago) leaves the lock to the next.
      const stale = Number.isInteger(holder) ? !processAlive(holder) : existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 60_000;
      if (stale) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lock}: another test process has been synthesizing for 10 minutes; remove the folder if it is stale`);
      else sleep(200);
      continue;
    }
    try {
      writeFileSync(join(lock, 'pid'), String(process.pid));
      // Synthesized elsewhere, then moved into place whole: a reader never sees half a synth.
      if (!existsSync(dir)) renameSync(synthesize().outdir, dir);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  synthDir = dir;
  return dir;
}

/**
 * A small course-shaped landing set: the generator's `tiny` preset, one file per dataset unless
 * told (each landing object is a validator invocation, and each one running at once a Lambda
 * execution environment to start).
 */
export function landingSet(seed: number, extra: GenerateOptions = {}): Promise<GenerateResult> {
  return generateLanding(join(tempDir('stedi-rehearsal-landing-'), 'landing'), { ...PRESETS.tiny, filesPerDataset: 1, seed, ...extra });
}

/** Rows per table of a rehearsal (the tables it publishes). */
export function rehearsedRows(r: RehearsalResult): Record<string, number> {
  return Object.fromEntries(Object.entries(r.tables).map(([t, p]) => [t, p.rows]).sort());
}

/** Rows per table `stedi run` published, for the tables the rehearsal reports. */
export function runRows(m: RunManifest, tables: readonly string[]): Record<string, number> {
  return Object.fromEntries(tables.map((t) => [t, m.tables[t]?.rows ?? -1]).sort());
}

/** What the local catalog publishes and the bytes under each published location, to prove nothing moved. */
export function publishedState(r: RehearsalResult): { tables: RehearsalResult['tables']; bytes: Record<string, Record<string, string>> } {
  const bytes: Record<string, Record<string, string>> = {};
  for (const [t, p] of Object.entries(r.tables)) {
    const { bucket, prefix } = parseLocation(p.location);
    bytes[t] = p.runId ? hashTree(join(r.work, 's3', bucket, prefix)) : {};
  }
  return { tables: r.tables, bytes };
}

/** The names of the states entered, in order. */
export const entered = (r: RehearsalResult) => r.states.map((s) => s.name);
