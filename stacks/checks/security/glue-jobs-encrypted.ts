// Checklist #10: every Glue job has a security configuration encrypting S3, CloudWatch logs and bookmarks.
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { block, resolveString, resources, type SynthesizedApp } from '../terraform-json';

export const GlueJobsEncrypted: SecurityCheck = {
  id: 'GlueJobsEncrypted',
  ...checklistLine(10),
  asserts: 'every Glue job names a security configuration of its stack that encrypts S3 output (SSE-KMS), CloudWatch logs (SSE-KMS) and job bookmarks (CSE-KMS), each with a key',
  reason: 'Glue writes trusted and curated data, logs with record values, and bookmarks; unencrypted, they escape the environment key (CKV_AWS_99, CKV_AWS_195).',
  remedy: 'Create jobs through TransformJobs (stacks/processing/transform-jobs.ts), which attaches its security configuration.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const s of app.stacks) {
      const configs = new Map(resources(s, 'aws_glue_security_configuration').map((c) => [String(c.body.name), c]));
      for (const job of resources(s, 'aws_glue_job')) {
        applicable = true;
        const name = job.body.security_configuration === undefined ? undefined : resolveString(s, String(job.body.security_configuration));
        const config = name ? configs.get(name) : undefined;
        if (!config) {
          findings.push({ stack: s.name, resource: job.address, detail: name ? `names security configuration ${name}, which this stack does not define` : 'has no security configuration' });
          continue;
        }
        const enc = block(config.body.encryption_configuration) ?? {};
        const s3 = block(enc.s3_encryption);
        const cw = block(enc.cloudwatch_encryption);
        const bm = block(enc.job_bookmarks_encryption);
        if (s3?.s3_encryption_mode !== 'SSE-KMS' || !s3.kms_key_arn) findings.push({ stack: s.name, resource: config.address, detail: 'does not encrypt S3 output with SSE-KMS and a key' });
        if (cw?.cloudwatch_encryption_mode !== 'SSE-KMS' || !cw.kms_key_arn) findings.push({ stack: s.name, resource: config.address, detail: 'does not encrypt CloudWatch logs with a key' });
        if (bm?.job_bookmarks_encryption_mode !== 'CSE-KMS' || !bm.kms_key_arn) findings.push({ stack: s.name, resource: config.address, detail: 'does not encrypt job bookmarks with CSE-KMS and a key' });
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
