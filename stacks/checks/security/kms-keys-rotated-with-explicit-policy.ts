// Checklist #13: KMS keys rotate and have an explicit key policy with no `*` principal.
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { policyOf, resources, type SynthesizedApp } from '../terraform-json';

export const KmsKeysRotatedWithExplicitPolicy: SecurityCheck = {
  id: 'KmsKeysRotatedWithExplicitPolicy',
  ...checklistLine(13),
  asserts: 'every KMS key rotates and has an explicit key policy in which no statement names the "*" principal',
  reason: 'A key without rotation keeps one key material forever (CKV_AWS_7); the default or a "*" policy hands the key to anyone the account trusts or beyond (CKV_AWS_33).',
  remedy: 'Create keys with DataLakeKey (stacks/storage/data-lake-key.ts); grant named principals or services, never "*".',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    const keys = app.stacks.flatMap((s) => resources(s, 'aws_kms_key').map((r) => ({ s, r })));
    if (!keys.length) return 'not-applicable';
    for (const { s, r } of keys) {
      if (r.body.enable_key_rotation !== true) findings.push({ stack: s.name, resource: r.address, detail: 'does not rotate' });
      if (r.body.policy === undefined) {
        findings.push({ stack: s.name, resource: r.address, detail: 'has no explicit key policy' });
        continue;
      }
      for (const st of policyOf(s, r.body.policy).Statement) {
        const principals = st.Principal === '*' ? ['*'] : Object.values(st.Principal ?? {}).flat();
        if (!st.Principal) findings.push({ stack: s.name, resource: r.address, detail: `statement ${st.Sid ?? '?'} names no principal` });
        if (principals.includes('*')) findings.push({ stack: s.name, resource: r.address, detail: `statement ${st.Sid ?? '?'} names the "*" principal` });
      }
    }
    return findings;
  },
};
