// Issue 16, finding 5: the grants documents give a security reviewer what they act on: why each
// persona has its access, what reads no data, where access is wider than the policy asks, and the
// deploy role's admin rights in prod.
import { renderGrantDocuments } from '../../stacks/governance/grant-documents';
import { loadGrantsPolicy } from '../../src/governance/grants-policy';

let docs: Map<string, string>;
beforeAll(() => {
  docs = renderGrantDocuments();
}, 120_000);

/** The lines of one persona's section ("### gate: ..."), up to the next. */
function section(doc: string, persona: string): string[] {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`### ${persona}: `));
  const end = lines.findIndex((l, i) => i > start && l.startsWith('### '));
  return lines.slice(start, end < 0 ? undefined : end);
}

describe.each(['dev', 'prod'])('docs/grants/%s.md', (env) => {
  it('shows every persona\'s purpose and every note of config/grants, under that persona', () => {
    const doc = docs.get(env)!;
    const policy = loadGrantsPolicy(env);
    for (const [persona, p] of Object.entries(policy.personas)) {
      const lines = section(doc, persona);
      expect(lines).toContain(`Purpose (\`config/grants/${env}.json\`): ${p.purpose}`);
      for (const note of [...p.tables, ...p.dataLocations].map((r) => r.note).filter(Boolean)) expect(lines.some((l) => l.endsWith(`: ${note}`))).toBe(true);
    }
  });

  it('shows describe-only grants as metadata, never as PII read', () => {
    const auditor = section(docs.get(env)!, 'auditor').filter((l) => /^\| \w+ \| \w+ \| \w+ \| DESCRIBE \|/.test(l));
    expect(auditor.length).toBeGreaterThan(0);
    for (const row of auditor) expect(row).toMatch(/\| metadata only \(DESCRIBE\), no data · all \d+ columns \|$/);
  });

  it('says where the gate\'s data-location grant is wider than the policy (staging shares the trusted and curated buckets)', () => {
    const doc = docs.get(env)!;
    const wider = doc.split('\n').filter((l) => l.startsWith('- **gate**: DATA_LOCATION_ACCESS on '));
    expect(wider.map((l) => /reaches \*\*(\w+)\*\* as well as staging/.exec(l)?.[1])).toEqual(['trusted', 'curated']);
    expect(doc.indexOf('### Wider than the policy')).toBeLessThan(doc.indexOf('## Data lake settings'));
  });

  it(env === 'prod' ? 'flags the deploy role as a data lake admin in prod' : 'does not flag the deploy role in dev', () => {
    const flagged = docs.get(env)!.split('\n').filter((l) => l.startsWith('- **Review:** the deploy role '));
    expect(flagged.length).toBe(env === 'prod' ? 1 : 0);
    if (env === 'prod') expect(flagged[0]).toMatch(/^- \*\*Review:\*\* the deploy role `arn:aws:iam::\d{12}:role\/stedi-prod-deploy` is a data lake admin in \*\*prod\*\*/);
  });
});
