// Checklist #7: bucket policies deny aws:SecureTransport = false.
import { bucketParts } from './bucket-parts';
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { coversAction, coversResource, policyOf, type SynthesizedApp } from '../terraform-json';

export const BucketsDenyInsecureTransport: SecurityCheck = {
  id: 'BucketsDenyInsecureTransport',
  ...checklistLine(7),
  asserts: "every bucket's policy denies all S3 actions on the bucket and its objects to everyone when aws:SecureTransport is false",
  reason: 'Requests over plain HTTP expose data and credentials-derived signatures in transit (AWS Config s3-bucket-ssl-requests-only).',
  remedy: 'Create buckets with SecureBucket (stacks/storage/secure-bucket.ts), whose policy starts with DenyRequestsWithoutTls.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    const buckets = app.stacks.flatMap((s) => bucketParts(s).map((b) => ({ s, b })));
    if (!buckets.length) return 'not-applicable';
    for (const { s, b } of buckets) {
      if (!b.policy) {
        findings.push({ stack: s.name, resource: b.bucket.address, detail: 'has no bucket policy' });
        continue;
      }
      const arn = `arn:aws:s3:::${b.name}`;
      const ok = policyOf(s, b.policy.body.policy).Statement.some(
        (st) =>
          st.Effect === 'Deny' &&
          st.Principal === '*' &&
          coversAction(st, 's3:GetObject') &&
          coversAction(st, 's3:PutObject') &&
          coversAction(st, 's3:ListBucket') &&
          coversResource(st, arn) &&
          coversResource(st, `${arn}/any/object`) &&
          (st.Condition?.Bool?.['aws:SecureTransport'] ?? []).includes('false'),
      );
      if (!ok) findings.push({ stack: s.name, resource: b.policy.address, detail: 'does not deny every request without TLS' });
    }
    return findings;
  },
};
