// Checklist #22: no role can delete or overwrite landing objects except lifecycle; only ingestion writes landing.
import { bucketParts } from './bucket-parts';
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { coversAction, coversAnyUnder, coversResource, block, policyOf, stackPolicies, stackAccount, type JsonObject, type IamStatement, type SynthesizedApp } from '../terraform-json';

const DELETES = ['s3:DeleteObject', 's3:DeleteObjectVersion'];

export const LandingNeverDeletedOnlyIngestionWrites: SecurityCheck = {
  id: 'LandingNeverDeletedOnlyIngestionWrites',
  ...checklistLine(22),
  asserts: "the landing bucket's policy denies every delete to everyone and every put to all but the ingestion roles; no role's policy allows a landing delete; every role allowed to put landing objects is an ingestion role; landing objects never expire",
  reason: 'Landing is the only copy of what producers sent: every record must stay accounted for, so nothing may remove it and nothing but the ingestion path may add to it.',
  remedy: 'Keep landing in DataLakeStorage (its policy comes from landingProtection) and give put access to landing only through LandingIngestion.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const env of app.environments) {
      const stacks = app.stacks.filter((s) => env.stacks.includes(s.name));
      const prefix = `arn:aws:s3:::${env.landingBucket}/`;
      const object = `${prefix}*`;
      const home = stacks.find((s) => bucketParts(s).some((b) => b.name === env.landingBucket));
      if (!stacks.length) continue;
      applicable = true;
      if (!home) {
        // The environment declares a landing bucket its stacks do not hold: nothing proves it protected.
        findings.push({ stack: stacks.map((s) => s.name).join(', '), resource: `aws_s3_bucket ${env.landingBucket}`, detail: `no stack of ${env.name} declares its landing bucket, so its protection cannot be checked` });
        continue;
      }
      const landing = bucketParts(home).find((b) => b.name === env.landingBucket)!;
      const policy = landing.policy ? policyOf(home, landing.policy.body.policy) : undefined;
      const denies = (policy?.Statement ?? []).filter((st) => st.Effect === 'Deny' && st.Principal === '*' && coversResource(st, object));
      for (const a of DELETES) {
        if (!denies.some((st) => coversAction(st, a) && !st.Condition)) findings.push({ stack: home.name, resource: landing.bucket.address, detail: `the bucket policy does not deny ${a} to everyone` });
      }
      const putDeny = denies.find((st) => coversAction(st, 's3:PutObject') && (st.Condition?.StringNotEquals?.['aws:PrincipalArn'] ?? st.Condition?.ArnNotEquals?.['aws:PrincipalArn']));
      const writers = new Set(putDeny?.Condition?.StringNotEquals?.['aws:PrincipalArn'] ?? putDeny?.Condition?.ArnNotEquals?.['aws:PrincipalArn'] ?? []);
      if (!putDeny) findings.push({ stack: home.name, resource: landing.bucket.address, detail: 'the bucket policy does not deny s3:PutObject to all but the ingestion roles' });
      const rules = (landing.lifecycle?.body.rule as JsonObject[] | undefined) ?? [];
      for (const r of rules) {
        if (r.status === 'Enabled' && (block(r.expiration) || block(r.noncurrent_version_expiration))) {
          findings.push({ stack: home.name, resource: landing.lifecycle!.address, detail: `rule ${r.id} expires landing objects` });
        }
      }
      for (const s of stacks) {
        const { account } = stackAccount(s);
        for (const p of stackPolicies(s).filter((x) => x.kind === 'identity')) {
          const allows = p.policy.Statement.filter((st: IamStatement) => st.Effect === 'Allow' && coversAnyUnder(st, prefix));
          for (const role of p.roles) {
            const arn = `arn:aws:iam::${account}:role/${role}`;
            for (const a of DELETES) if (allows.some((st) => coversAction(st, a))) findings.push({ stack: s.name, resource: p.address, detail: `role ${role} may ${a} landing objects` });
            if (allows.some((st) => coversAction(st, 's3:PutObject')) && !writers.has(arn)) findings.push({ stack: s.name, resource: p.address, detail: `role ${role} may put landing objects but is not an ingestion role` });
          }
        }
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
