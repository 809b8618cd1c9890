// The one contract of a check over synthesized Terraform (cdk-nag style), its runner and its message
// format, shared by the security pack (security-checks.ts) and the governance pack
// (governance-checks.ts). A check asserts one property, says why and how to fix it, and returns the
// findings, none (compliant) or 'not-applicable'; a check that throws is a violation (fail closed).

export const NOT_APPLICABLE = 'not-applicable' as const;

export type CheckStatus = 'compliant' | 'non-compliant' | typeof NOT_APPLICABLE;

export interface Finding {
  /** The stack concerned, when the check looks at the whole app rather than one stack. */
  readonly stack?: string;
  /** The Terraform address, principal, location or zone concerned. */
  readonly resource: string;
  /** What is wrong there, in words an operator can act on. */
  readonly detail: string;
}

export type CheckResult = readonly Finding[] | typeof NOT_APPLICABLE;

/**
 * One named invariant. `Subject` is what `evaluate` reads: the whole synthesized app for the
 * security pack, one governed stack and its environment's context for the governance pack.
 */
export interface Check<Subject extends readonly unknown[]> {
  /** Named after what it asserts, like the file it lives in, e.g. `BucketsVersioned`. */
  readonly id: string;
  /** Where the invariant comes from: a line of SECURITY-CHECKLIST.md, an issue, a provider issue. */
  readonly source: string;
  /** The line of ../shared/SECURITY-CHECKLIST.md the check proves, when it proves exactly one. */
  readonly checklist?: number;
  /** The property, in a few words. */
  readonly asserts?: string;
  /** Why the property matters, one sentence. */
  readonly reason: string;
  /** What to change when the check fails, one sentence. */
  readonly remedy: string;
  /** The findings, none when compliant, or 'not-applicable' when the subject has nothing this check is about. */
  evaluate(...subject: Subject): CheckResult;
}

export interface CheckOutcome {
  /** The check's id. */
  readonly check: string;
  readonly status: CheckStatus;
  readonly findings: readonly Finding[];
}

/** `source` and `checklist` of a check that proves one line of SECURITY-CHECKLIST.md, from the line alone. */
export function checklistLine(line: number, also?: string): { readonly checklist: number; readonly source: string } {
  return { checklist: line, source: `SECURITY-CHECKLIST ${line}${also ? `; ${also}` : ''}` };
}

/** Where a check that throws is reported: the stack (or app) and resource it was looking at. */
export type CrashPlace = Omit<Finding, 'detail'>;

/** Runs one check; a check that throws counts as a violation at `place` (fail closed). */
export function runCheck<S extends readonly unknown[]>(check: Check<S>, place: CrashPlace, ...subject: S): CheckOutcome {
  try {
    const result = check.evaluate(...subject);
    if (result === NOT_APPLICABLE) return { check: check.id, status: NOT_APPLICABLE, findings: [] };
    return { check: check.id, status: result.length ? 'non-compliant' : 'compliant', findings: result };
  } catch (e) {
    return { check: check.id, status: 'non-compliant', findings: [{ ...place, detail: `the check could not run: ${(e as Error).message}` }] };
  }
}

/** Every check a violation carrying `detail`: the subject itself could not be read, so nothing is compliant. */
export function unreadable(checks: readonly Check<never>[], place: CrashPlace, detail: string): CheckOutcome[] {
  return checks.map((c) => ({ check: c.id, status: 'non-compliant' as const, findings: [{ ...place, detail }] }));
}

/** Violations as a message for the developer: what is wrong, where, why it matters, how to fix it. */
export function describeViolations(checks: readonly Check<never>[], outcomes: readonly CheckOutcome[]): string {
  const lines: string[] = [];
  for (const o of outcomes.filter((x) => x.status === 'non-compliant')) {
    const c = checks.find((x) => x.id === o.check)!;
    lines.push(`${c.id} (${c.source}):${c.asserts ? ` ${c.asserts}` : ''}`);
    for (const f of o.findings) lines.push(`  - ${f.stack ? `${f.stack} ` : ''}${f.resource}: ${f.detail}`);
    lines.push(`  why: ${c.reason}`);
    lines.push(`  fix: ${c.remedy}`);
  }
  return lines.join('\n');
}

/** `N compliant, N non-compliant, N not applicable`, the counts of a summary line. */
export function countOutcomes(outcomes: readonly CheckOutcome[]): string {
  const count = (status: CheckStatus) => outcomes.filter((o) => o.status === status).length;
  return `${count('compliant')} compliant, ${count('non-compliant')} non-compliant, ${count(NOT_APPLICABLE)} not applicable`;
}
