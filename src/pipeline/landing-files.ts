// Finds the landing files of each dataset: files at any depth under <landing>/<dataset>/.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** File name endings read as NDJSON; `.gz` of each is read through gunzip. */
export const RECORD_FILE_ENDINGS = ['.json', '.jsonl', '.ndjson'] as const;

export interface LandingFile {
  /** Absolute path. */
  readonly path: string;
  /** Path relative to the landing root, as reports and quarantine records name it. */
  readonly name: string;
  readonly bytes: number;
}

export interface IgnoredFile {
  readonly name: string;
  readonly reason: string;
}

export interface DatasetFiles {
  readonly files: readonly LandingFile[];
  /** Files that are in the dataset's folder but not record files: reported, never read. */
  readonly ignored: readonly IgnoredFile[];
}

export function isRecordFile(name: string): boolean {
  const lower = name.toLowerCase().replace(/\.gz$/, '');
  return RECORD_FILE_ENDINGS.some((e) => lower.endsWith(e));
}

/** Lists a dataset's files in a stable order (sorted by relative path). */
export function listDatasetFiles(landingRoot: string, dataset: string): DatasetFiles {
  const files: LandingFile[] = [];
  const ignored: IgnoredFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = relative(landingRoot, path);
      if (entry.isDirectory()) walk(path);
      else if (!entry.isFile()) ignored.push({ name, reason: 'not a regular file' });
      else if (!isRecordFile(entry.name)) {
        ignored.push({ name, reason: `not a record file (expected ${RECORD_FILE_ENDINGS.join(', ')}, optionally .gz)` });
      } else files.push({ path, name, bytes: statSync(path).size });
    }
  };
  walk(join(landingRoot, dataset));
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { files: files.sort(byName), ignored: ignored.sort(byName) };
}
