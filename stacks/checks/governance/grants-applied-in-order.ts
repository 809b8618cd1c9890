// Provider traps: tags are assigned before the grants that use them, and no two grants run in parallel.
import { type Finding, NOT_APPLICABLE } from '../check';
import type { GovernanceCheck } from './governance-check';
import { arnWithin } from '../../../src/governance/effective-access';

export const GrantsAppliedInOrder: GovernanceCheck = {
  id: 'GrantsAppliedInOrder',
  source: 'issue 5; SECURITY-CHECKLIST provider traps (ConcurrentModificationException)',
  reason:
    'A grant applied before its tags exist matches nothing (or fails), one applied before the settings runs without admin rights, and grants applied in parallel fail with ConcurrentModificationException.',
  remedy: 'Create grants through LakeGovernance, which applies settings, tags, registrations and grants in one depends_on chain.',
  evaluate({ model }) {
    if (!model.grants.length) return NOT_APPLICABLE;
    const memo = new Map<string, Set<string>>();
    const reach = (address: string): Set<string> => {
      const known = memo.get(address);
      if (known) return known;
      const seen = new Set<string>();
      memo.set(address, seen);
      const stack = [...(model.dependencies.get(address) ?? [])];
      while (stack.length) {
        const next = stack.pop()!;
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(...(model.dependencies.get(next) ?? []));
      }
      return seen;
    };
    const findings: Finding[] = [];
    const prerequisites = [...model.settings.map((s) => s.address), ...model.assignments.map((a) => a.address)];
    for (const g of model.grants) {
      const missing = prerequisites.filter((p) => !reach(g.address).has(p));
      if (missing.length) findings.push({ resource: g.address, detail: `does not wait for ${missing.length} of the settings and tag assignments, e.g. ${missing[0]}` });
      if (g.target.kind === 'data-location') {
        const arn = g.target.arn;
        const registration = model.registrations.find((r) => arnWithin(arn, r.arn));
        if (registration && !reach(g.address).has(registration.address)) findings.push({ resource: g.address, detail: `does not wait for the registration ${registration.address} of its location` });
      }
    }
    for (let i = 0; i < model.grants.length; i++) {
      for (let j = i + 1; j < model.grants.length; j++) {
        const a = model.grants[i].address;
        const b = model.grants[j].address;
        if (!reach(a).has(b) && !reach(b).has(a)) findings.push({ resource: a, detail: `may run in parallel with ${b}: neither depends on the other` });
      }
    }
    return findings;
  },
};
