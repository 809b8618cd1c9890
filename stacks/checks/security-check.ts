// The shape of a security check over the synthesized Terraform (cdk-nag style): one property, one
// reason, one remedy; compliant, non-compliant with findings, or not applicable. A check that
// throws counts as a violation (fail closed).
import type { SynthesizedApp } from './terraform-json';

export type CheckStatus = 'compliant' | 'non-compliant' | 'not-applicable';

export interface Finding {
  readonly stack: string;
  /** The Terraform address of the offending resource (or what stands for it). */
  readonly resource: string;
  readonly problem: string;
}

export interface SecurityCheck {
  /** Named after what it asserts, like the file it lives in. */
  readonly id: string;
  /** The line of ../shared/SECURITY-CHECKLIST.md the check proves, when it proves one. */
  readonly checklist?: number;
  readonly asserts: string;
  /** Why the property matters. */
  readonly reason: string;
  /** What to change when the check fails. */
  readonly remedy: string;
  /** The problems found, or 'not-applicable' when the app has nothing this check is about. */
  evaluate(app: SynthesizedApp): readonly Finding[] | 'not-applicable';
}

export interface CheckResult {
  readonly check: SecurityCheck;
  readonly status: CheckStatus;
  readonly findings: readonly Finding[];
}

export function runCheck(check: SecurityCheck, app: SynthesizedApp): CheckResult {
  try {
    const out = check.evaluate(app);
    if (out === 'not-applicable') return { check, status: 'not-applicable', findings: [] };
    return { check, status: out.length ? 'non-compliant' : 'compliant', findings: out };
  } catch (e) {
    return { check, status: 'non-compliant', findings: [{ stack: '(app)', resource: '(check)', problem: `the check could not run: ${(e as Error).message}` }] };
  }
}

export function runChecks(checks: readonly SecurityCheck[], app: SynthesizedApp): CheckResult[] {
  return checks.map((c) => runCheck(c, app));
}

/** One line an operator can act on: what, where, why, how to fix. */
export function describeFinding(check: SecurityCheck, f: Finding): string {
  const line = check.checklist ? ` (checklist #${check.checklist})` : '';
  return `${check.id}${line}: ${f.stack} ${f.resource}: ${f.problem}. Why: ${check.reason} Fix: ${check.remedy}`;
}
