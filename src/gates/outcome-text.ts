// The words for rule outcomes that every output shares (stedi run, stedi gate, report.md,
// junit.xml, the gate Lambda): one status word per rule, the dbt-style tally, and one line that
// says what a rule found in the reader's terms.
import type { SqlValue } from '../engine/engine';
import { count, sharePercent, signedPercent } from '../report/number-text';
import type { RuleKind, RuleResult, RuleStatus } from './evaluator';
import type { Tolerance } from './rule-file';

/**
 * PASS; WARN: a warn rule failed (reported, does not block); FAIL: an error rule failed (blocks);
 * ERROR: the rule could not be evaluated (blocks); SKIP: the rule did not run.
 */
export type RuleWord = 'PASS' | 'WARN' | 'FAIL' | 'ERROR' | 'SKIP';

export function ruleWord(r: { readonly status: RuleStatus; readonly blocking: boolean }): RuleWord {
  switch (r.status) {
    case 'pass':
      return 'PASS';
    case 'fail':
      return r.blocking ? 'FAIL' : 'WARN';
    case 'error':
      return 'ERROR';
    case 'skip':
      return 'SKIP';
  }
}

/** As dbt counts: ERROR is every rule that blocks (failed error rules and rules that could not be evaluated). */
export interface RuleTally {
  readonly pass: number;
  readonly warn: number;
  readonly error: number;
  readonly skip: number;
  readonly total: number;
}

export function tallyRules(rules: readonly { readonly status: RuleStatus; readonly blocking: boolean }[]): RuleTally {
  const words = rules.map(ruleWord);
  const n = (...w: RuleWord[]) => words.filter((x) => w.includes(x)).length;
  return { pass: n('PASS'), warn: n('WARN'), error: n('FAIL', 'ERROR'), skip: n('SKIP'), total: words.length };
}

/** `PASS=24 WARN=2 ERROR=0 SKIP=0 TOTAL=26` */
export function tallyLine(t: RuleTally): string {
  return `PASS=${t.pass} WARN=${t.warn} ERROR=${t.error} SKIP=${t.skip} TOTAL=${t.total}`;
}

/** What a finding needs of a rule result (RuleResult and the report's ReportRule both have it). */
export interface Finding {
  readonly name: string;
  readonly kind: RuleKind;
  readonly status: RuleStatus;
  readonly blocking: boolean;
  readonly failing: number;
  readonly allowed: number;
  readonly tolerance: Tolerance;
  readonly checked?: number;
  readonly tables: readonly string[];
  readonly description: string;
  readonly file?: string;
  readonly error?: string;
  readonly skipReason?: string;
  readonly columns: readonly string[];
  readonly rows: readonly Readonly<Record<string, SqlValue>>[];
}

/** A rule result as a finding: its failing rows are its sample. */
export function findingOf(r: RuleResult): Finding {
  return { ...r, rows: r.sample };
}

const rows = (n: number) => `${count(n)} row${n === 1 ? '' : 's'}`;
const firstLine = (text: string) => text.split(/\r\n|\r|\n/)[0];
const num = (v: SqlValue | undefined) => (typeof v === 'number' ? v : Number(v ?? 0));
/** A short value for a one-line message: long ones are cut. */
const shortValue = (v: SqlValue | undefined) => {
  const s = v === null || v === undefined ? 'null' : String(v);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
};

/** What the rule found, in the reader's terms: "customer_curated went from 95 to 40 rows (−57.89%, allowed −50%)". */
export function findingText(r: Finding): string {
  if (r.status === 'error') return `could not be evaluated: ${firstLine(r.error ?? 'no message')}`;
  if (r.status === 'skip') return `not run: ${r.skipReason ?? 'no reason was recorded'}`;
  const first = r.rows[0];
  switch (r.kind) {
    case 'volume': {
      const before = num(first?.previous_rows);
      const after = num(first?.rows ?? r.checked);
      if (!first) return `${r.tables[0]} has ${count(r.checked ?? 0)} rows (may shrink by at most ${sharePercent(r.tolerance.share ?? 0)})`;
      const change = before === 0 ? null : ((after - before) / before) * 100;
      return `${r.tables[0]} went from ${count(before)} to ${count(after)} rows (${signedPercent(change)}, allowed −${sharePercent(r.tolerance.share ?? 0)})`;
    }
    case 'quarantine': {
      const read = r.checked ?? 0;
      const top = r.rows.length ? `; most often: ${shortValue(r.rows[0].reason)}` : '';
      const share = read ? r.failing / read : 0;
      return `${count(r.failing)} of ${count(read)} ${r.tables[0] ? `${r.tables[0]} ` : ''}records quarantined (${sharePercent(share)}, allowed ${sharePercent(r.tolerance.share ?? 0)})${top}`;
    }
    case 'quarantine-bytes': {
      const total = r.checked ?? 0;
      const share = total ? r.failing / total : 0;
      const records = first ? ` in ${count(num(first.quarantined_records))} quarantined record${num(first.quarantined_records) === 1 ? '' : 's'}` : '';
      return `${count(r.failing)} of ${count(total)} ${r.tables[0] ? `${r.tables[0]} ` : ''}bytes quarantined${records} (${sharePercent(share)}, allowed ${sharePercent(r.tolerance.share ?? 0)})`;
    }
    case 'accounting': {
      if (!first) return `every valid record accounted for`;
      return (
        `${count(num(first.valid))} valid records, ${count(num(first.accounted))} accounted for; ` +
        `${count(num(first.counted_trusted))} counted trusted, ${first.trusted_rows === null ? 'unknown' : count(num(first.trusted_rows))} rows in ${r.tables[1] ?? 'the trusted table'}`
      );
    }
    default: {
      const allowed =
        r.tolerance.share !== undefined ? `${count(r.allowed)} allowed: ${sharePercent(r.tolerance.share)} of ${count(r.checked ?? 0)} rows` : `${count(r.allowed)} allowed`;
      // One row of a few columns says it best itself (customer_curated_not_empty: customers=0).
      if (r.failing === 1 && first && r.columns.length <= 2) {
        return `found ${r.columns.map((c) => `${c}=${shortValue(first[c])}`).join(', ')} (${allowed})`;
      }
      return `found ${rows(r.failing)} (${allowed})`;
    }
  }
}

/**
 * One line per rule outcome: `FAIL customer_curated_not_empty: found customers=0 (0 allowed);
 * expected: customer_curated is not empty [quality-rules/rules/customer_curated_not_empty.sql]`.
 * Built-in checks say what they measured without restating their description.
 */
export function outcomeLine(r: Finding): string {
  const expected = r.status !== 'pass' && (r.kind === 'predicate' || r.kind === 'set') && r.status !== 'skip' ? `; expected: ${r.description}` : '';
  const where = r.file ? ` [${r.file}]` : '';
  return `${ruleWord(r)} ${r.name}: ${r.status === 'pass' ? 'passed' : findingText(r)}${expected}${where}`;
}
