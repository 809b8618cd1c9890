// Checklist #8: access logs to a dedicated log bucket.
import { bucketParts, logTargets } from './bucket-parts';
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { resolveString, type SynthesizedApp } from '../terraform-json';

export const BucketsLogToDedicatedBucket: SecurityCheck = {
  id: 'BucketsLogToDedicatedBucket',
  ...checklistLine(8),
  asserts: 'every bucket but the log bucket sends server access logs to a bucket that only receives logs (it logs nowhere itself)',
  reason: 'Access logs are the record of who read personal data; logging into a data bucket mixes them with data and lets data readers alter them.',
  remedy: 'Create data buckets with SecureBucket and pass accessLogBucket: the access-logs bucket of DataLakeStorage.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const s of app.stacks) {
      const parts = bucketParts(s);
      const targets = logTargets(s);
      for (const b of parts) {
        applicable = true;
        if (targets.has(b.name)) {
          if (b.logging) findings.push({ stack: s.name, resource: b.bucket.address, detail: 'is a log bucket but logs into another bucket itself' });
          continue;
        }
        if (!b.logging) {
          findings.push({ stack: s.name, resource: b.bucket.address, detail: 'sends no server access logs' });
          continue;
        }
        const target = resolveString(s, String(b.logging.body.target_bucket));
        const t = parts.find((p) => p.name === target);
        if (!t) findings.push({ stack: s.name, resource: b.logging.address, detail: `logs to ${target}, which is not a bucket of this stack` });
        else if (t.logging) findings.push({ stack: s.name, resource: b.logging.address, detail: `logs to ${target}, which is not a dedicated log bucket` });
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
