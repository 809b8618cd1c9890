// Checklist #16: log groups KMS-encrypted with retention set.
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { block, resolveString, resources, type SynthesizedApp } from '../terraform-json';

export const LogGroupsEncryptedWithRetention: SecurityCheck = {
  id: 'LogGroupsEncryptedWithRetention',
  ...checklistLine(16),
  asserts: 'every log group is encrypted with a KMS key and expires its events; every Lambda and state machine writes to a log group the stack defines',
  reason: 'Logs carry record values and errors naming customers; a log group a service creates on its own is unencrypted and keeps events forever (CKV_AWS_158, CKV_AWS_66).',
  remedy: 'Create log groups with EncryptedLogGroup (stacks/observability/encrypted-log-group.ts) before the service writes, and point the service at them.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const s of app.stacks) {
      const groups = resources(s, 'aws_cloudwatch_log_group');
      const names = new Set(groups.map((g) => String(g.body.name)));
      for (const g of groups) {
        applicable = true;
        if (!g.body.kms_key_id) findings.push({ stack: s.name, resource: g.address, detail: 'is not encrypted with a KMS key' });
        if (!(Number(g.body.retention_in_days) > 0)) findings.push({ stack: s.name, resource: g.address, detail: 'keeps events forever' });
      }
      for (const f of resources(s, 'aws_lambda_function')) {
        applicable = true;
        const target = block(f.body.logging_config)?.log_group;
        const name = target === undefined ? `/aws/lambda/${f.body.function_name}` : resolveString(s, String(target));
        if (!names.has(name)) findings.push({ stack: s.name, resource: f.address, detail: `writes to log group ${name}, which the stack does not define` });
      }
      for (const m of resources(s, 'aws_sfn_state_machine')) {
        const dest = block(m.body.logging_configuration)?.log_destination;
        if (dest === undefined) continue;
        applicable = true;
        const arn = resolveString(s, String(dest)).replace(/:\*$/, '');
        if (!groups.some((g) => resolveString(s, `\${aws_cloudwatch_log_group.${g.name}.arn}`) === arn)) findings.push({ stack: s.name, resource: m.address, detail: `logs to ${arn}, which the stack does not define` });
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
