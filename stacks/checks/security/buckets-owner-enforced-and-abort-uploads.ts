// Checklist #9: BucketOwnerEnforced; lifecycle aborts incomplete multipart uploads.
import { bucketParts } from './bucket-parts';
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { block, type JsonObject, type SynthesizedApp } from '../terraform-json';

export const BucketsOwnerEnforcedAndAbortUploads: SecurityCheck = {
  id: 'BucketsOwnerEnforcedAndAbortUploads',
  ...checklistLine(9),
  asserts: "every bucket disables ACLs (BucketOwnerEnforced) and has an enabled whole-bucket lifecycle rule that aborts incomplete multipart uploads",
  reason: 'ACLs are a second, easily missed way to grant access; abandoned multipart uploads keep invisible, billed and unencrypted-at-rest-by-policy parts forever.',
  remedy: 'Create buckets with SecureBucket (stacks/storage/secure-bucket.ts).',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    const buckets = app.stacks.flatMap((s) => bucketParts(s).map((b) => ({ s, b })));
    if (!buckets.length) return 'not-applicable';
    for (const { s, b } of buckets) {
      const ownership = block(b.ownership?.body.rule)?.object_ownership;
      if (ownership !== 'BucketOwnerEnforced') findings.push({ stack: s.name, resource: b.bucket.address, detail: `object ownership is ${ownership ?? 'not configured'}` });
      const rules = (b.lifecycle?.body.rule as JsonObject[] | undefined) ?? [];
      const aborts = rules.some(
        (r) =>
          r.status === 'Enabled' &&
          Number(block(r.abort_incomplete_multipart_upload)?.days_after_initiation) > 0 &&
          (block(r.filter)?.prefix ?? '') === '' &&
          !block(r.filter)?.and &&
          !block(r.filter)?.tag,
      );
      if (!aborts) findings.push({ stack: s.name, resource: b.bucket.address, detail: 'no enabled whole-bucket rule aborts incomplete multipart uploads' });
    }
    return findings;
  },
};
