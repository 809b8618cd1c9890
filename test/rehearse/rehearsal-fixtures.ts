// Shared by the rehearsal tests: one synth of the real app per test file (never a developer's
// cdktf.out), generated landing sets, and the published state of a rehearsal's work folder.
import { join } from 'node:path';
import { generateLanding, type GenerateResult } from '../../src/generator/generator';
import type { GenerateOptions } from '../../src/generator/generate-options';
import { PRESETS } from '../../src/generator/presets';
import { parseLocation } from '../../src/rehearse/local-s3';
import type { RehearsalResult } from '../../src/rehearse/rehearsal';
import type { RunManifest } from '../../src/pipeline/manifest';
import { hashTree } from '../support/lake';
import { tempDir } from '../support/tmp';
import { synthesize } from '../stacks/synthesized';

let synthDir: string | undefined;

/** The synth output of the real app (both environments), made once per test file. */
export function synthOut(): string {
  synthDir ??= synthesize().outdir;
  return synthDir;
}

/** A small course-shaped landing set: the generator's `tiny` preset, two files per dataset. */
export function landingSet(seed: number, extra: GenerateOptions = {}): Promise<GenerateResult> {
  return generateLanding(join(tempDir('stedi-rehearsal-landing-'), 'landing'), { ...PRESETS.tiny, filesPerDataset: 2, seed, ...extra });
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
