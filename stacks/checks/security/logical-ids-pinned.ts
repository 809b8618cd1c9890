// Checklist #24: logical IDs pinned (a refactor cannot replace a bucket or grant silently).
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { allResources, type SynthesizedApp } from '../terraform-json';

export const LogicalIdsPinned: SecurityCheck = {
  id: 'LogicalIdsPinned',
  ...checklistLine(24),
  asserts: "every stack's resource addresses equal the committed list in stacks/pinned-addresses/<stack>.txt",
  reason: 'Terraform destroys and recreates a resource whose address changes: a renamed construct would empty a bucket or drop a grant without anyone asking for it.',
  remedy: 'Keep construct ids stable (or move the state with a moved block); when a change of address is intended, review it and rewrite the list with STEDI_PIN_ADDRESSES=1 npm run synth.',
  evaluate(app: SynthesizedApp) {
    const pinned = app.pinnedAddresses;
    if (!pinned) return 'not-applicable';
    const findings: Finding[] = [];
    for (const s of app.stacks) {
      const want = pinned[s.name];
      if (!want) {
        findings.push({ stack: s.name, resource: '(stack)', detail: 'has no pinned address list' });
        continue;
      }
      const got = new Set(allResources(s).map((r) => r.address));
      for (const a of want) if (!got.has(a)) findings.push({ stack: s.name, resource: a, detail: 'is pinned but no longer synthesized (Terraform would destroy it)' });
      const wanted = new Set(want);
      for (const a of got) if (!wanted.has(a)) findings.push({ stack: s.name, resource: a, detail: 'is synthesized but not pinned (new, or a pinned resource under a new address)' });
    }
    return findings;
  },
};
