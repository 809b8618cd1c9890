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
  /** Every column name ddl/ declares: a sample column of such a name was named by ddl/, not by the data. @default - none */
  readonly names?: readonly string[];
}

/** Traces every rule's output columns; a rule the tracer cannot follow has every sample value masked. */
export async function deriveSamplePrivacy(rules: readonly Rule[], lineage: CatalogLineage, parseTrees: ParseTreesOf): Promise<SamplePrivacy> {
  const traced = await traceQueries(rules.map((r) => r.sql), lineage, parseTrees);
  const names = [...new Set(Object.values(lineage.tables).flatMap((cols) => cols.flatMap((c) => (c.name === null ? [] : [c.name]))))].sort();
  return { rules: Object.fromEntries(rules.map((r, i) => [r.name, traced[i]])), names };
}

export interface MaskedSample {
  /** The sample's column names as they may be shown: a name that may come from the data (PIVOT) is a token. */
  readonly columns: readonly string[];
  /** The rows, keyed by those names. */
  readonly rows: readonly Record<string, SqlValue>[];
  /** Columns (by their shown names) whose values were replaced by tokens. */
  readonly masked: readonly string[];
}

export interface SampleMask {
  /** False only for `--show-pii` on a local terminal. */
  readonly masks: boolean;
  /**
   * @param sql the rule's SQL: a column name it does not spell (nor the lineage) may be a value
   *   turned into a name (PIVOT ... ON email), and is shown as a token. @default - no name is known: every name the lineage does not give is a token
   */
  apply(rule: string, columns: readonly string[], rows: readonly Record<string, SqlValue>[], sql?: string): MaskedSample;
  /**
   * An engine's message about a rule (a cast that failed at runtime quotes the value it could not
   * cast) with every quoted part and every number that `sql` does not itself hold replaced by its token.
   */
  text(message: string, sql: string): string;
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
    apply(rule, columns, rows, sql) {
      const lineage = privacy?.rules[rule];
      const named = shownNames(lineage, privacy?.names ?? [], columns, sql, (c) => maskToken(key, c));
      if (!rows.length) return { columns: named, rows, masked: [] };
      const personal = personalColumns(lineage, columns).map((p, i) => p || named[i] !== columns[i]);
      const masked = named.filter((_, i) => personal[i]);
      if (!masked.length) return { columns: named, rows, masked };
      return {
        columns: named,
        masked,
        rows: rows.map((row) => {
          const out: Record<string, SqlValue> = {};
          columns.forEach((c, i) => {
            const v = row[c];
            // A missing value is not personal data, and rules about missing values must show it.
            out[named[i]] = personal[i] && v !== null && v !== undefined ? maskToken(key, v) : v;
          });
          return out;
        }),
      };
    },
    text: (message, sql) => maskText(message, sql, (v) => maskToken(key, v)),
  };
}

/**
 * The names a sample's columns may be shown under: a name the lineage gives or the rule's SQL
 * spells was written by someone; any other (PIVOT turns values into names) is replaced by `token`.
 */
function shownNames(lineage: QueryLineage | undefined, ddlNames: readonly string[], columns: readonly string[], sql: string | undefined, token: (name: string) => string): string[] {
  const known = new Set<string>(ddlNames.map((n) => n.toLowerCase()));
  if (lineage && !('unknown' in lineage)) for (const c of lineage.columns) if (c.name !== null) known.add(c.name.toLowerCase());
  const text = (sql ?? '').toLowerCase();
  return columns.map((c) => (known.has(c.toLowerCase()) || (c !== '' && text.includes(c.toLowerCase())) ? c : token(c)));
}

/**
 * Where an engine message holds a value it failed on: quoted parts ('...' or "..."), email-like
 * words outside quotes, the input DuckDB's JSON functions append after "Input: ", and numbers of
 * 4 digits or more (dates and times among them).
 */
const QUOTED_OR_NUMBER = /'((?:[^']|'')*)'|"((?:[^"]|"")*)"|(?<=\bInput: )(.+)$|([^\s'"(),;]+@[^\s'"(),;]+)|(?<![\w.])(\d[\d.:\-+T]*\d)(?![\w])/gm;

/** `message` with each quoted part, email, JSON input or long number that `sql` does not hold replaced by `token` of it. */
export function maskText(message: string, sql: string, token: (value: string) => string): string {
  return message.replace(QUOTED_OR_NUMBER, (whole, single: string | undefined, double: string | undefined, input: string | undefined, email: string | undefined, number: string | undefined) => {
    const value = single ?? double ?? input ?? email ?? number!;
    if (number !== undefined && number.replace(/\D/g, '').length < 4) return whole;
    if (value === '' || sql.includes(value)) return whole;
    const t = token(value);
    return single !== undefined ? `'${t}'` : double !== undefined ? `"${t}"` : t;
  });
}

/** Shows samples as the engine returned them: `stedi gate --show-pii` on a local terminal only. */
export const REVEAL_SAMPLES: SampleMask = {
  masks: false,
  apply: (_rule, columns, rows) => ({ columns, rows, masked: [] }),
  text: (message) => message,
};
