// Checklist #6: versioning on every bucket.
import { bucketParts } from './bucket-parts';
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { block, type SynthesizedApp } from '../terraform-json';

export const BucketsVersioned: SecurityCheck = {
  id: 'BucketsVersioned',
  ...checklistLine(6),
  asserts: 'every bucket has versioning enabled',
  reason: 'Without versions an overwrite or a delete loses data for good; landing in particular must keep everything.',
  remedy: 'Create buckets with SecureBucket (stacks/storage/secure-bucket.ts), which enables versioning.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    const buckets = app.stacks.flatMap((s) => bucketParts(s).map((b) => ({ s, b })));
    if (!buckets.length) return 'not-applicable';
    for (const { s, b } of buckets) {
      const status = block(b.versioning?.body.versioning_configuration)?.status;
      if (status !== 'Enabled') findings.push({ stack: s.name, resource: b.bucket.address, detail: `versioning is ${status ?? 'not configured'}` });
    }
    return findings;
  },
};
