// The verdict generated landing data must get from the gates, worked out from the generator's own
// model: which checks the injected defects make block the run.
import type { GenerateResult } from './generator';
import { LANDING_DATASETS } from './generate-options';

/** The rule that targets the shared serial number defect (a test holds it to quality-rules/rules/). */
export const SHARED_SERIAL_RULE = 'serial_number_shared_by_customers';

/** The built-in check of a dataset's quarantine share, as the evaluator names it. */
export const quarantineCheck = (dataset: string) => `quarantine_share_${dataset}`;
/** The same share, of the bytes of the records. */
export const quarantineBytesCheck = (dataset: string) => `quarantine_bytes_${dataset}`;

export interface ExpectedVerdict {
  /** published, or blocked at the trusted gate (no injected defect blocks at the curated gate). */
  readonly verdict: 'published' | 'blocked';
  /** The checks that block, in the order the trusted gate lists them (rules by name, then built-ins by dataset). */
  readonly blockingRules: readonly string[];
}

/**
 * @param quarantineShare the largest share of a dataset's records that may be quarantined
 *   (quality-rules/gate-config.json), per dataset
 */
export function expectedVerdict(result: Pick<GenerateResult, 'expected' | 'defects'>, quarantineShare: (dataset: string) => number): ExpectedVerdict {
  const blocking: string[] = [];
  // Rules run before the built-in checks, in file name order; one rule here.
  if (result.defects.sharedSerial) blocking.push(SHARED_SERIAL_RULE);
  // The evaluator lists the datasets in the run manifest's order: the catalog's (sorted by table name).
  for (const d of [...LANDING_DATASETS].sort()) {
    const { read, quarantined, recordBytes, quarantinedBytes } = result.expected.datasets[d];
    if (quarantined > Math.floor(quarantineShare(d) * read)) blocking.push(quarantineCheck(d));
    if (quarantinedBytes > Math.floor(quarantineShare(d) * recordBytes)) blocking.push(quarantineBytesCheck(d));
  }
  return { verdict: blocking.length ? 'blocked' : 'published', blockingRules: blocking };
}
