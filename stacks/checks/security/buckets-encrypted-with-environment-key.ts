// Checklist #4: buckets encrypted with the environment's customer-managed KMS key.
import { bucketParts, logTargets } from './bucket-parts';
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { block, resolveString, resources, type SynthesizedApp } from '../terraform-json';

export const BucketsEncryptedWithEnvironmentKey: SecurityCheck = {
  id: 'BucketsEncryptedWithEnvironmentKey',
  ...checklistLine(4),
  asserts: "every bucket's default encryption is SSE-KMS with the stack's own customer-managed key (the server-access-log bucket SSE-S3, the only encryption S3 log delivery accepts)",
  reason: 'With an AWS-managed key anyone with S3 read in the account can read the data; a customer-managed key adds a second, auditable gate and lets the key be disabled.',
  remedy: 'Create buckets with SecureBucket and pass the environment\'s DataLakeKey (stacks/storage/secure-bucket.ts).',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const stack of app.stacks) {
      const keys = new Set(resources(stack, 'aws_kms_key').map((k) => resolveString(stack, `\${aws_kms_key.${k.name}.arn}`)));
      const targets = logTargets(stack);
      for (const b of bucketParts(stack)) {
        applicable = true;
        const rule = block(block(b.encryption?.body.rule)?.apply_server_side_encryption_by_default);
        if (!rule) {
          findings.push({ stack: stack.name, resource: b.bucket.address, detail: 'has no default encryption' });
          continue;
        }
        if (targets.has(b.name)) {
          if (rule.sse_algorithm !== 'AES256') findings.push({ stack: stack.name, resource: b.bucket.address, detail: `receives server access logs but is encrypted with ${rule.sse_algorithm}; S3 cannot deliver logs to it` });
          continue;
        }
        const key = rule.kms_master_key_id === undefined ? undefined : resolveString(stack, String(rule.kms_master_key_id));
        if (rule.sse_algorithm !== 'aws:kms' || !key || !keys.has(key)) {
          findings.push({ stack: stack.name, resource: b.bucket.address, detail: `is encrypted with ${rule.sse_algorithm}${key ? ` and ${key}` : ''}, not the stack's customer-managed key` });
        }
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
