// The one check contract of both packs (stacks/checks/check.ts): how a check's result becomes an
// outcome, how an unreadable subject fails every check, and the message and summary formats.
import { checklistLine, countOutcomes, describeViolations, NOT_APPLICABLE, runCheck, unreadable, type Check, type CheckOutcome } from '../../stacks/checks/check';

type Subject = [value: number];
const base = { reason: 'because it matters', remedy: 'fix it like this' };
const positive: Check<Subject> = { id: 'Positive', source: 'issue 1', ...base, evaluate: (v) => (v > 0 ? [] : [{ resource: `value ${v}`, detail: 'is not positive' }]) };
const even: Check<Subject> = { id: 'Even', ...checklistLine(7, 'issue 2'), asserts: 'every value is even', ...base, evaluate: (v) => (v === 0 ? NOT_APPLICABLE : v % 2 ? [{ stack: 'stack-a', resource: 'the value', detail: `${v} is odd` }] : []) };
const broken: Check<Subject> = { id: 'Broken', source: 'issue 3', ...base, evaluate: () => { throw new Error('boom'); } };
const place = { stack: 'stack-b', resource: '(check)' };

describe('the check contract', () => {
  it('a checklist line is the source, with what else the check follows', () => {
    expect(checklistLine(7)).toEqual({ checklist: 7, source: 'SECURITY-CHECKLIST 7' });
    expect(checklistLine(7, 'issue 2')).toEqual({ checklist: 7, source: 'SECURITY-CHECKLIST 7; issue 2' });
  });

  it('findings make a check non-compliant, none compliant, not-applicable stays so, a throw is a violation where it ran', () => {
    expect(runCheck(positive, place, 1)).toEqual({ check: 'Positive', status: 'compliant', findings: [] });
    expect(runCheck(positive, place, -1)).toEqual({ check: 'Positive', status: 'non-compliant', findings: [{ resource: 'value -1', detail: 'is not positive' }] });
    expect(runCheck(even, place, 0)).toEqual({ check: 'Even', status: 'not-applicable', findings: [] });
    expect(runCheck(broken, place, 1)).toEqual({ check: 'Broken', status: 'non-compliant', findings: [{ stack: 'stack-b', resource: '(check)', detail: 'the check could not run: boom' }] });
  });

  it('a subject that cannot be read fails every check with the same detail', () => {
    expect(unreadable([positive, even] as Check<never>[], { resource: 'cdktf.out' }, 'no manifest')).toEqual([
      { check: 'Positive', status: 'non-compliant', findings: [{ resource: 'cdktf.out', detail: 'no manifest' }] },
      { check: 'Even', status: 'non-compliant', findings: [{ resource: 'cdktf.out', detail: 'no manifest' }] },
    ]);
  });

  it('the message names each violated check, its source and what it asserts, every finding, why and how to fix; compliant checks say nothing', () => {
    const outcomes: CheckOutcome[] = [runCheck(positive, place, -1), runCheck(even, place, 3), runCheck(positive, place, 1)];
    expect(describeViolations([positive, even] as Check<never>[], outcomes)).toBe(
      [
        'Positive (issue 1):',
        '  - value -1: is not positive',
        '  why: because it matters',
        '  fix: fix it like this',
        'Even (SECURITY-CHECKLIST 7; issue 2): every value is even',
        '  - stack-a the value: 3 is odd',
        '  why: because it matters',
        '  fix: fix it like this',
      ].join('\n'),
    );
    expect(describeViolations([positive] as Check<never>[], [runCheck(positive, place, 1)])).toBe('');
  });

  it('the summary counts each status', () => {
    const outcomes = [runCheck(positive, place, 1), runCheck(positive, place, 2), runCheck(positive, place, -1), runCheck(even, place, 0)];
    expect(countOutcomes(outcomes)).toBe('2 compliant, 1 non-compliant, 1 not applicable');
    expect(countOutcomes([])).toBe('0 compliant, 0 non-compliant, 0 not applicable');
  });
});
