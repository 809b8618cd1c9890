// Provider trap: LF-tags are assigned with the singular aws_lakeformation_resource_lf_tag.
import type { Finding } from '../check';
import type { GovernanceCheck } from './governance-check';

export const SingularTagAssignments: GovernanceCheck = {
  id: 'SingularTagAssignments',
  source: 'terraform-provider-aws#36539; SECURITY-CHECKLIST provider traps',
  reason: 'aws_lakeformation_resource_lf_tags owns every tag of its resource and removes tags it did not create, such as the pii tags that keep personal data out of reach.',
  remedy: 'Assign each tag with aws_lakeformation_resource_lf_tag (tagDatabase, tagTable, tagPiiColumns).',
  evaluate({ model }) {
    const findings: Finding[] = [];
    for (const a of model.assignments) if (a.type === 'aws_lakeformation_resource_lf_tags') findings.push({ resource: a.address, detail: 'uses the plural resource' });
    return findings;
  },
};
