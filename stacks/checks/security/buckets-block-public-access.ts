// Checklist #5: all four public-access-block flags true on every bucket.
import { bucketParts } from './bucket-parts';
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import type { SynthesizedApp } from '../terraform-json';

const FLAGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

export const BucketsBlockPublicAccess: SecurityCheck = {
  id: 'BucketsBlockPublicAccess',
  ...checklistLine(5),
  asserts: 'every bucket has a public access block with all four flags true',
  reason: 'One public ACL or policy statement would publish personal data of customers.',
  remedy: 'Create buckets with SecureBucket (stacks/storage/secure-bucket.ts), which sets all four flags.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    const buckets = app.stacks.flatMap((s) => bucketParts(s).map((b) => ({ s, b })));
    if (!buckets.length) return 'not-applicable';
    for (const { s, b } of buckets) {
      if (!b.publicAccessBlock) findings.push({ stack: s.name, resource: b.bucket.address, detail: 'has no public access block' });
      else for (const f of FLAGS) if (b.publicAccessBlock.body[f] !== true) findings.push({ stack: s.name, resource: b.bucket.address, detail: `${f} is not true` });
    }
    return findings;
  },
};
