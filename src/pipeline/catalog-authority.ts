// Whether the lake catalog can say which runs recovery may remove. Recovery deletes what the catalog
// does not know; a catalog that is gone, emptied or older than the runs beside it knows nothing of
// runs that were published, so in those cases recovery stops and removes nothing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_ZONES } from '../catalog/registry';
import { runIdOfFolder } from '../catalog/run-layout';
import { OperatorError } from '../errors/operator-error';
import type { CatalogReferences } from './local-lake-catalog';
import { RUN_ID_PATTERN, type LakeLayout } from './lake-layout';

/** The lake holds runs its catalog cannot account for: nothing is removed, the run does not start. */
export class CatalogAuthorityError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogAuthorityError';
  }
}

/** Entries of a folder (none when it does not exist or is no folder). */
function folderEntries(dir: string): { name: string; isDirectory: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
  } catch {
    return [];
  }
}

/**
 * Every run the lake holds something of, but `exceptRunId`: run folders under runs/ and work/,
 * and `run_id=` folders of table data and quarantine.
 */
export function runsOnDisk(layout: LakeLayout, exceptRunId?: string): string[] {
  const ids = new Set<string>();
  for (const dir of [layout.runsDir, join(layout.root, 'work')]) {
    for (const e of folderEntries(dir)) if (e.isDirectory && RUN_ID_PATTERN.test(e.name)) ids.add(e.name);
  }
  const parents = [...['landing', ...BUILT_ZONES].map((z) => join(layout.root, 'data', z)), join(layout.root, 'quarantine')];
  for (const parent of parents) {
    for (const table of folderEntries(parent).filter((e) => e.isDirectory)) {
      for (const e of folderEntries(join(parent, table.name))) {
        const id = runIdOfFolder(e.name);
        if (e.isDirectory && id !== undefined) ids.add(id);
      }
    }
  }
  ids.delete(exceptRunId ?? '');
  return [...ids].sort();
}

const listed = (ids: readonly string[]) => (ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', '));

/** The status a run's own manifest claims, when it can be read. */
function claimedStatus(layout: LakeLayout, runId: string): string | undefined {
  try {
    const status = (JSON.parse(readFileSync(join(layout.runDir(runId), 'manifest.json'), 'utf8')) as { status?: unknown }).status;
    return typeof status === 'string' ? status : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws CatalogAuthorityError unless the catalog can decide about every run on disk but
 * `currentRunId`: the catalog file exists and holds stedi's run history whenever the lake holds
 * runs, and no run it does not know claims (in its manifest) to have been published or blocked,
 * which only a run the catalog recorded can claim.
 */
export function assertCatalogDecides(layout: LakeLayout, catalog: CatalogReferences, currentRunId?: string): void {
  const onDisk = runsOnDisk(layout, currentRunId);
  if (!catalog.hasHistory && onDisk.length) {
    const what = existsSync(layout.catalogFile)
      ? `its catalog ${layout.catalogFile} holds no run history (emptied, or a DuckDB file stedi did not write)`
      : `its catalog ${layout.catalogFile} is missing`;
    throw new CatalogAuthorityError(
      `lake ${layout.root}: ${what}, but the lake holds ${onDisk.length} run${onDisk.length === 1 ? '' : 's'} (${listed(onDisk)}). ` +
        'Without the catalog nothing tells which of them were published, so nothing was removed and no run started. ' +
        'Put the catalog back (from a backup, or from where the lake was copied) or pass the --lake that holds it; to start afresh, pass a new --lake folder.',
    );
  }
  const unknown = onDisk.filter((id) => !catalog.runIds.has(id));
  const claimed = unknown.map((id) => ({ id, status: claimedStatus(layout, id) })).filter((r) => r.status === 'published' || r.status === 'blocked');
  if (claimed.length) {
    throw new CatalogAuthorityError(
      `lake ${layout.root}: ${claimed.map((r) => `run ${r.id} says it was ${r.status}`).join(', ')}, but the catalog ${layout.catalogFile} does not know ` +
        `${claimed.length === 1 ? 'it' : 'them'} (a catalog put back from an older copy?). Nothing was removed and no run started. ` +
        'Put back the catalog that recorded those runs; to drop them instead, move their folders (runs/<id>, data/*/*/run_id=<id>) out of the lake.',
    );
  }
}
