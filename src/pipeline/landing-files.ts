// Finds the landing files of each dataset: files at any depth under <landing>/<dataset>/.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { identityOf, type FileIdentity } from './landing-identity';

/** File name endings read as NDJSON; `.gz` of each is read through gunzip. */
export const RECORD_FILE_ENDINGS = ['.json', '.jsonl', '.ndjson'] as const;

export interface LandingFile {
  /** Absolute path. */
  readonly path: string;
  /** Path relative to the landing root, as reports and quarantine records name it. */
  readonly name: string;
  readonly bytes: number;
  /** The file as it was listed: every read of it must find it unchanged (landing-identity.ts). */
  readonly identity: FileIdentity;
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

/** Why a symbolic link in the landing tree is not read: no file outside the landing tree ever is. */
export const SYMLINK_REASON = 'a symbolic link: never followed';

/**
 * The dataset's folder when it is a symbolic link, as it is listed: never followed, as no symbolic
 * link below it is, so that no file outside the landing tree is read. Undefined for a real folder.
 */
export function linkedDatasetFolder(landingRoot: string, dataset: string): IgnoredFile | undefined {
  if (!lstatSync(join(landingRoot, dataset)).isSymbolicLink()) return undefined;
  return { name: `${dataset}/`, reason: `${SYMLINK_REASON}, so none of the dataset's files are read (move them into a real ${dataset}/ folder)` };
}

/** Lists a dataset's files in a stable order (sorted by relative path). */
export function listDatasetFiles(landingRoot: string, dataset: string): DatasetFiles {
  const linked = linkedDatasetFolder(landingRoot, dataset);
  if (linked) return { files: [], ignored: [linked] };
  const files: LandingFile[] = [];
  const ignored: IgnoredFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = relative(landingRoot, path);
      if (entry.isDirectory()) walk(path);
      else if (entry.isSymbolicLink()) ignored.push({ name, reason: SYMLINK_REASON });
      else if (!entry.isFile()) ignored.push({ name, reason: 'not a regular file' });
      else if (!isRecordFile(entry.name)) {
        ignored.push({ name, reason: `not a record file (expected ${RECORD_FILE_ENDINGS.join(', ')}, optionally .gz)` });
      } else {
        // lstat: the entry was listed as a regular file, and must be one when it is read.
        const stats = lstatSync(path, { bigint: true });
        files.push({ path, name, bytes: Number(stats.size), identity: identityOf(stats) });
      }
    }
  };
  walk(join(landingRoot, dataset));
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { files: files.sort(byName), ignored: ignored.sort(byName) };
}

/**
 * The entries of the landing root that are no dataset folder (a misspelt `step_trainers/`, a
 * README, a `.DS_Store`): never read, so listed with what they hold, in a stable order.
 */
export function listIgnoredLanding(landingRoot: string, datasets: readonly string[]): IgnoredFile[] {
  const expected = `expected ${datasets.map((d) => `${d}/`).join(', ')}`;
  const ignored: IgnoredFile[] = [];
  for (const entry of readdirSync(landingRoot, { withFileTypes: true })) {
    // A dataset's own entry is the dataset listing's to judge, whatever kind it is.
    if (datasets.includes(entry.name)) continue;
    if (entry.isDirectory()) {
      const { files, bytes } = folderContents(join(landingRoot, entry.name));
      const holds = `${files.toLocaleString('en-US')} file${files === 1 ? '' : 's'}, ${bytes.toLocaleString('en-US')} bytes, not read`;
      ignored.push({ name: `${entry.name}/`, reason: `not a dataset folder (${expected}): ${holds}` });
    } else if (entry.isFile()) ignored.push({ name: entry.name, reason: `not in a dataset folder (${expected})` });
    else if (entry.isSymbolicLink()) ignored.push({ name: entry.name, reason: `${SYMLINK_REASON} (${expected})` });
    else ignored.push({ name: entry.name, reason: `not a regular file or folder (${expected})` });
  }
  return ignored.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Regular files at any depth below a folder, and their bytes. */
function folderContents(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = folderContents(path);
      files += inner.files;
      bytes += inner.bytes;
    } else if (entry.isFile()) {
      files++;
      bytes += statSync(path).size;
    }
  }
  return { files, bytes };
}
