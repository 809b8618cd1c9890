// The run manifest: what a run read, where every landing record went, and what it produced.
import type { Zone } from '../catalog/registry';
import type { IgnoredFile } from './landing-files';
import type { GateResult } from '../gates/evaluator';

export type RunStatus = 'running' | 'published' | 'blocked' | 'failed';

export interface DatasetAccounting {
  readonly files: number;
  readonly bytes: number;
  readonly ignoredFiles: readonly IgnoredFile[];
  /** Non-blank landing lines. read = valid + quarantined. */
  readonly read: number;
  /** Bytes of those lines (decompressed, without line ends); absent in manifests of older runs. */
  readonly recordBytes?: number;
  readonly blankLines: number;
  readonly valid: number;
  readonly quarantined: number;
  /** Bytes of the quarantined lines: the quarantine's byte share is of recordBytes. */
  readonly quarantinedBytes?: number;
  readonly quarantineLocation: string;
  /** Quarantine reasons with their counts, most frequent first. */
  readonly quarantineReasons: Readonly<Record<string, number>>;
  /**
   * Where each valid record went (quality-rules/accounting/<dataset>.sql): `trusted` and
   * `duplicate`, or a policy exclusion (`no_consent`, `superseded`, ...). They add up to `valid`.
   */
  readonly outcomes: Readonly<Record<string, number>>;
  /** valid - trusted - duplicate: records excluded by policy. */
  readonly excludedByPolicy: number;
  /** The trusted table built from this dataset, and its rows: must equal `outcomes.trusted`. */
  readonly trustedTable?: string;
  readonly trustedRows?: number;
}

export interface TableResult {
  readonly zone: Zone;
  readonly rows: number;
  readonly location: string;
  /** Rows of the same table in the run published before this one (absent on the first run). */
  readonly previousRows?: number;
}

export interface PhaseTiming {
  readonly phase: string;
  readonly ms: number;
}

export interface RunManifest {
  readonly runId: string;
  status: RunStatus;
  readonly landing: string;
  readonly lake: string;
  readonly startedAt: string;
  finishedAt?: string;
  /** Run that was published before this one started. */
  readonly previousRunId?: string;
  /** Entries of the landing folder beside the dataset folders: never read (absent in manifests of older runs). */
  readonly ignoredLanding?: readonly IgnoredFile[];
  readonly datasets: Record<string, DatasetAccounting>;
  readonly tables: Record<string, TableResult>;
  readonly phases: PhaseTiming[];
  /** The audits that ran, by zone. */
  readonly gates: Partial<Record<'trusted' | 'curated', GateResult>>;
  /** Why a run was blocked or failed. */
  readonly problems: string[];
  /** Set when the run failed with an error. */
  error?: string;
}
