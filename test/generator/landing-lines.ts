// Reads generated landing files back for assertions: every line of a dataset with its file.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { generateLanding, type GenerateResult } from '../../src/generator/generator';
import type { GenerateOptions, LandingDatasetName } from '../../src/generator/generate-options';
import { PRESETS } from '../../src/generator/presets';
import { tempDir } from '../support/tmp';

export interface LandingLine {
  /** Relative to the landing folder, `/`-separated. */
  readonly file: string;
  readonly text: string;
}

export function filesOf(root: string, dataset: LandingDatasetName): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(root, p).split(sep).join('/'));
    }
  };
  walk(join(root, dataset));
  return out.sort();
}

/** Every line of a dataset's files (the empty piece after the final newline is no line). */
export function linesOf(root: string, dataset: LandingDatasetName): LandingLine[] {
  return filesOf(root, dataset).flatMap((file) => {
    const text = readFileSync(join(root, file), 'latin1');
    return text
      .slice(0, text.endsWith('\n') ? -1 : undefined)
      .split('\n')
      .map((t) => ({ file, text: t }));
  });
}

/** Non-blank lines parsed as JSON objects (lines that are no JSON are left out). */
export function recordsOf(root: string, dataset: LandingDatasetName): Record<string, unknown>[] {
  return linesOf(root, dataset).flatMap((l) => {
    if (l.text.trim() === '') return [];
    try {
      return [JSON.parse(l.text) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** Generates the tiny preset (plus `options`) into a fresh temporary folder. */
export function generateTiny(options: GenerateOptions = {}): Promise<GenerateResult> {
  return generateLanding(join(tempDir('stedi-gen-'), 'landing'), { ...PRESETS.tiny, ...options });
}

export function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const i of items) m.set(key(i), (m.get(key(i)) ?? 0) + 1);
  return m;
}
