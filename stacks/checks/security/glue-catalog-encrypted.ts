// Checklist #11: Glue Data Catalog encryption at rest.
import { checklistLine, type Finding } from '../check';
import type { SecurityCheck } from './security-check';
import { block, resources, type SynthesizedApp } from '../terraform-json';

export const GlueCatalogEncrypted: SecurityCheck = {
  id: 'GlueCatalogEncrypted',
  ...checklistLine(11),
  asserts: 'every stack with Glue databases encrypts the Data Catalog at rest with SSE-KMS and a key, and returns connection passwords encrypted',
  reason: 'Table metadata names columns of personal data and where the data lives (CKV_AWS_94).',
  remedy: 'Create the catalog with GlueCatalog (stacks/catalog/glue-catalog.ts), which sets the encryption settings.',
  evaluate(app: SynthesizedApp) {
    const findings: Finding[] = [];
    let applicable = false;
    for (const s of app.stacks) {
      if (!resources(s, 'aws_glue_catalog_database').length) continue;
      applicable = true;
      const settings = resources(s, 'aws_glue_data_catalog_encryption_settings');
      if (!settings.length) {
        findings.push({ stack: s.name, resource: 'aws_glue_data_catalog_encryption_settings', detail: 'the catalog is not encrypted' });
        continue;
      }
      for (const r of settings) {
        const dc = block(r.body.data_catalog_encryption_settings) ?? {};
        const rest = block(dc.encryption_at_rest);
        const pw = block(dc.connection_password_encryption);
        if (rest?.catalog_encryption_mode !== 'SSE-KMS' || !rest.sse_aws_kms_key_id) findings.push({ stack: s.name, resource: r.address, detail: 'does not encrypt the catalog at rest with SSE-KMS and a key' });
        if (pw?.return_connection_password_encrypted !== true || !pw.aws_kms_key_id) findings.push({ stack: s.name, resource: r.address, detail: 'does not encrypt connection passwords' });
      }
    }
    return applicable ? findings : 'not-applicable';
  },
};
