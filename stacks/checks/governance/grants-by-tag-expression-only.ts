// SECURITY-CHECKLIST 21: table access goes through LF-tag expressions, never named databases, tables or columns.
import type { Finding } from '../check';
import type { GovernanceCheck } from './governance-check';

export const GrantsByTagExpressionOnly: GovernanceCheck = {
  id: 'GrantsByTagExpressionOnly',
  source: 'SECURITY-CHECKLIST 21; terraform-provider-aws#49453',
  reason:
    'A grant on a named table or column bypasses the pii tags that keep personal data out of reach, and table grants of ALL or SELECT are destroyed and re-created on every apply.',
  remedy: 'Express the access in config/grants/<env>.json; it compiles to lf_tag_policy grants (grantByTagExpression). Writers get data_location grants, nothing else.',
  evaluate({ model }) {
    const findings: Finding[] = [];
    for (const g of model.grants) {
      const t = g.target;
      if (t.kind === 'tag-policy' || t.kind === 'data-location') continue;
      const what =
        t.kind === 'database' ? `database ${t.database}`
        : t.kind === 'table' ? `table ${t.database}.${t.wildcard ? '*' : t.table}`
        : t.kind === 'columns' ? `columns of ${t.database}.${t.table}`
        : t.kind === 'lf-tag' ? `the LF-tag ${t.key}`
        : t.kind === 'catalog' ? 'the Data Catalog'
        : `data cells filter ${t.name}`;
      findings.push({ resource: g.address, detail: `grants ${g.permissions.join(', ')} to ${g.principal} on ${what} by name` });
    }
    return findings;
  },
};
