// Checklist #12: the Athena workgroup enforces its configuration, encrypts results with KMS, caps bytes scanned.
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { block, resources, type SynthesizedApp } from '../terraform-json';

export const AthenaWorkgroupEnforced: SecurityCheck = {
  id: 'AthenaWorkgroupEnforced',
  ...checklistLine(12),
  asserts: 'every Athena workgroup enforces its configuration over clients, encrypts results with SSE-KMS or CSE-KMS and a key, and cancels queries over a bytes-scanned cutoff',
  reason: 'Results hold query output (personal data); without enforcement a client can write them unencrypted anywhere; without a cutoff one bad query scans the lake (CKV_AWS_82, CKV_AWS_159).',
  remedy: 'Create workgroups with QueryWorkgroup (stacks/processing/query-workgroup.ts).',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    const groups = app.stacks.flatMap((s) => resources(s, 'aws_athena_workgroup').map((r) => ({ s, r })));
    if (!groups.length) return 'not-applicable';
    for (const { s, r } of groups) {
      const c = block(r.body.configuration) ?? {};
      const enc = block(block(c.result_configuration)?.encryption_configuration);
      if (c.enforce_workgroup_configuration !== true) findings.push({ stack: s.name, resource: r.address, detail: 'does not enforce its configuration' });
      if (!enc || !['SSE_KMS', 'CSE_KMS'].includes(String(enc.encryption_option)) || !enc.kms_key_arn) findings.push({ stack: s.name, resource: r.address, detail: 'does not encrypt results with KMS and a key' });
      if (!(Number(c.bytes_scanned_cutoff_per_query) > 0)) findings.push({ stack: s.name, resource: r.address, detail: 'has no bytes-scanned cutoff' });
    }
    return findings;
  },
};
