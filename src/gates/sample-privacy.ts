// Failing rows without personal data: every value of a sample column that may be personal data
// (see src/catalog/column-lineage.ts) is replaced by a keyed hash token before it leaves the
// evaluator, so the run manifest, report.json, report.md, junit.xml, `stedi gate` and the gate
// Lambda's report never hold it.
//
// The key: random for each report (one run, one `stedi gate`, one gate Lambda invocation), held
// in memory only, never written or logged. The same value gets the same token within the report,
// so rows stay comparable (the email of one failing row is the email of another), while nobody can
// reverse a token by hashing guessed emails: without the key a token is a random string. A key
// kept somewhere (a repository secret, an environment variable) would make tokens comparable
// across runs, but anyone who read it could test candidates (emails of a known domain, every
// phone number of an area code) in seconds; the reports have no use for that comparability. The
// Lambda does the same with node:crypto, which needs no dependency and no DuckDB.
import { createHmac, randomBytes } from 'node:crypto';
import { isPersonal, traceQueries, type CatalogLineage, type ParseTreesOf, type QueryLineage } from '../catalog/column-lineage';
import type { SqlValue } from '../engine/engine';
import type { Rule } from './rule-file';

/** The lineage of each SQL rule's output columns: derived where DuckDB runs, embedded where it does not (Lambdas). */
export interface SamplePrivacy {
  readonly rules: Readonly<Record<string, QueryLineage>>;
}

/** Traces every rule's output columns; a rule the tracer cannot follow has every sample value masked. */
export async function deriveSamplePrivacy(rules: readonly Rule[], lineage: CatalogLineage, parseTrees: ParseTreesOf): Promise<SamplePrivacy> {
  const traced = await traceQueries(rules.map((r) => r.sql), lineage, parseTrees);
  return { rules: Object.fromEntries(rules.map((r, i) => [r.name, traced[i]])) };
}

export interface MaskedSample {
  readonly rows: readonly Record<string, SqlValue>[];
  /** Columns whose values were replaced by tokens. */
  readonly masked: readonly string[];
}

export interface SampleMask {
  /** False only for `--show-pii` on a local terminal. */
  readonly masks: boolean;
  apply(rule: string, columns: readonly string[], rows: readonly Record<string, SqlValue>[]): MaskedSample;
}

/** What a masked value starts with: a reader knows it for a token, not data. */
export const TOKEN_PREFIX = 'pii:';
/** Hex digits of the HMAC kept: 40 bits, no collision among the few hundred values of a report. */
const TOKEN_HEX = 10;

/** The token of one value under a report's key: type and value are hashed, so 1 and '1' differ. */
export function maskToken(key: Uint8Array, value: Exclude<SqlValue, null>): string {
  const mac = createHmac('sha256', key).update(`${typeof value}\u0000${String(value)}`).digest('hex');
  return TOKEN_PREFIX + mac.slice(0, TOKEN_HEX);
}

/** Which sample columns (by position) must be masked; all of them when the lineage does not fit the sample. */
function personalColumns(lineage: QueryLineage | undefined, columns: readonly string[]): boolean[] {
  if (!lineage || 'unknown' in lineage || lineage.columns.length !== columns.length) return columns.map(() => true);
  return lineage.columns.map((c, i) => {
    // A name the tracer knows must be the one the engine returned; anything else is not the same query.
    if (c.name !== null && c.name.toLowerCase() !== columns[i].toLowerCase()) return true;
    return isPersonal(c);
  });
}

/**
 * Masks the personal values of rule samples with tokens under `key`.
 * @param privacy the rules' lineage; without it (or for a rule it lacks) every value is masked.
 * @param key @default 32 random bytes, for this mask only
 */
export function maskSamples(privacy: SamplePrivacy | undefined, key: Uint8Array = randomBytes(32)): SampleMask {
  return {
    masks: true,
    apply(rule, columns, rows) {
      if (!rows.length) return { rows, masked: [] };
      const personal = personalColumns(privacy?.rules[rule], columns);
      const masked = columns.filter((_, i) => personal[i]);
      if (!masked.length) return { rows, masked };
      return {
        masked,
        rows: rows.map((row) => {
          const out: Record<string, SqlValue> = { ...row };
          columns.forEach((c, i) => {
            const v = row[c];
            // A missing value is not personal data, and rules about missing values must show it.
            if (personal[i] && v !== null && v !== undefined) out[c] = maskToken(key, v);
          });
          return out;
        }),
      };
    },
  };
}

/** Shows samples as the engine returned them: `stedi gate --show-pii` on a local terminal only. */
export const REVEAL_SAMPLES: SampleMask = {
  masks: false,
  apply: (_rule, _columns, rows) => ({ rows, masked: [] }),
};
