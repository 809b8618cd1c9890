// Where a local lake keeps its catalog, run-scoped table data, quarantine and run records.
import { isAbsolute, join, posix, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Zone } from '../catalog/registry';
import { quarantinePrefix, runFolder, tableRunFolder } from '../catalog/run-layout';

export class LakeLayout {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The DuckDB file whose schemas (one per zone) hold the published views. */
  get catalogFile(): string {
    return join(this.root, 'catalog.duckdb');
  }

  get lockFile(): string {
    return join(this.root, 'run.lock');
  }

  /** Run-scoped folder of one table: never written by another run. */
  tableRunDir(zone: Zone, table: string, runId: string): string {
    return join(this.root, relativeTableRunDir(zone, table, runId));
  }

  /** A path the catalog stores (relative to the lake, so that a copied or moved lake reads its own files) as a path on disk. */
  resolve(stored: string): string {
    return isAbsolute(stored) ? stored : join(this.root, stored);
  }

  quarantineFile(dataset: string, runId: string): string {
    return join(this.root, 'quarantine', `${quarantinePrefix(dataset)}${runFolder(runId)}`, 'records.jsonl');
  }

  runDir(runId: string): string {
    return join(this.root, 'runs', runId);
  }

  get runsDir(): string {
    return join(this.root, 'runs');
  }

  /** Scratch space of a run (validated records, DuckDB spill); removed when the run ends. */
  workDir(runId: string): string {
    return join(this.root, 'work', runId);
  }
}

/**
 * A table's run-scoped folder relative to the lake root, as the catalog stores it ('/' on every
 * platform, no trailing '/'): the run folder both lakes share (tableRunFolder) under `data/<zone>/`.
 */
export function relativeTableRunDir(zone: Zone, table: string, runId: string): string {
  return posix.join('data', zone, tableRunFolder(table, runId)).replace(/\/$/, '');
}

/** The one file a run writes per table, in its run-scoped folder. */
export const TABLE_FILE = 'part-0.parquet';

/** A sortable, time-based run id: UTC time to the millisecond, then random bits against clashes. */
export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('.', '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export const RUN_ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-f]{6}$/;
