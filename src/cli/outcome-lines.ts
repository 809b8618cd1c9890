// The rule outcomes as `stedi run` and `stedi gate` print them: the same words, the same tally,
// the same one line per rule that needs attention.
import type { RuleResult } from '../gates/evaluator';
import { findingOf, outcomeLine, ruleWord, tallyLine, tallyRules } from '../gates/outcome-text';
import { textTable } from './text-table';
import { escapeControls } from '../report/terminal-escape';

/** `PASS=24 WARN=2 ERROR=0 SKIP=0 TOTAL=26` */
export function tallyOf(rules: readonly RuleResult[]): string {
  return tallyLine(tallyRules(rules));
}

/** Every rule with its word, failing and allowed rows. */
export function rulesTable(rules: readonly RuleResult[]): string {
  return textTable(
    ['gate', 'rule', 'status', 'failing', 'allowed'],
    rules.map((r) => [r.zone, r.name, ruleWord(r), r.status === 'skip' || r.status === 'error' ? null : r.failing, r.status === 'skip' ? null : r.allowed]),
  );
}

/**
 * What blocked, what warned, what did not run: a heading and one line each, empty when there is
 * nothing to say. Each line is terminal-safe: a rule's message quotes data (file names, values).
 */
export function attentionLines(rules: readonly RuleResult[]): string[] {
  return attentionText(rules).map(escapeControls);
}

function attentionText(rules: readonly RuleResult[]): string[] {
  const out: string[] = [];
  const blocking = rules.filter((r) => r.blocking);
  const warned = rules.filter((r) => ruleWord(r) === 'WARN');
  if (blocking.length) out.push('', 'blocking:', ...blocking.map((r) => `  ${outcomeLine(findingOf(r))}`));
  if (warned.length) out.push('', 'warnings:', ...warned.map((r) => `  ${outcomeLine(findingOf(r))}`));
  const skipped = new Map<string, string[]>();
  for (const r of rules.filter((x) => x.status === 'skip')) {
    const why = r.skipReason ?? 'not run';
    skipped.set(why, [...(skipped.get(why) ?? []), r.name]);
  }
  if (skipped.size) {
    out.push('', 'skipped:');
    for (const [why, names] of skipped) out.push(`  ${names.length} rule${names.length === 1 ? '' : 's'} (${why}): ${names.join(', ')}`);
  }
  return out;
}
