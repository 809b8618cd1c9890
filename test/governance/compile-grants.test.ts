import { compileGrants, type GrantIntent } from '../../src/governance/compile-grants';
import { loadGrantsPolicy, type GrantsPolicy } from '../../src/governance/grants-policy';

const prod = loadGrantsPolicy('prod');
const of = (intents: GrantIntent[], persona: string) => intents.filter((i) => i.persona === persona);
/** A persona's rules of a copied policy, to edit. */
const rules = (p: GrantsPolicy, persona: keyof GrantsPolicy['personas']) => p.personas[persona] as unknown as { tables: unknown[]; dataLocations: unknown[] };

describe('compileGrants', () => {
  const intents = compileGrants(prod);

  it('gives analysts DESCRIBE on the trusted and curated databases and SELECT on their non-PII columns', () => {
    expect(of(intents, 'analyst')).toEqual([
      { kind: 'tag-expression', id: 'analyst-databases', persona: 'analyst', resourceType: 'DATABASE', expression: [{ key: 'zone', values: ['trusted', 'curated'] }], permissions: ['DESCRIBE'], grantable: false },
      {
        kind: 'tag-expression',
        id: 'analyst-tables-trusted-curated-without-pii',
        persona: 'analyst',
        resourceType: 'TABLE',
        expression: [
          { key: 'zone', values: ['trusted', 'curated'] },
          { key: 'pii', values: ['no'] },
        ],
        permissions: ['DESCRIBE', 'SELECT'],
        grantable: false,
      },
    ]);
  });

  it('gives ingestion INSERT on landing tables and data location access on landing only', () => {
    expect(of(intents, 'ingestion').map((i) => [i.id, i.kind === 'tag-expression' ? i.expression : i.zone, i.permissions])).toEqual([
      ['ingestion-databases', [{ key: 'zone', values: ['landing'] }], ['DESCRIBE']],
      ['ingestion-tables-landing', [{ key: 'zone', values: ['landing'] }, { key: 'pii', values: ['no', 'yes'] }], ['DESCRIBE', 'INSERT']],
      ['ingestion-location-landing', 'landing', ['DATA_LOCATION_ACCESS']],
    ]);
  });

  it('keeps one grant per distinct zones and PII expression, in zone order', () => {
    expect(of(intents, 'gate').map((i) => i.id)).toEqual(['gate-databases', 'gate-tables-curated', 'gate-tables-staging', 'gate-location-staging']);
    expect(of(intents, 'publish').map((i) => i.id)).toEqual(['publish-databases', 'publish-tables-trusted-curated', 'publish-location-trusted', 'publish-location-curated']);
  });

  it('compiles each workload persona to exactly the grants its code needs', () => {
    const summary = (persona: string) =>
      of(intents, persona).map((i) => (i.kind === 'tag-expression' ? `${i.resourceType} ${i.expression.map((e) => `${e.key}=${e.values.join('|')}`).join(' ')}: ${i.permissions.join(', ')}` : `LOCATION ${i.zone}`));
    expect(summary('validator')).toEqual(['DATABASE zone=landing|staging: DESCRIBE', 'TABLE zone=landing pii=no|yes: DESCRIBE, SELECT', 'TABLE zone=staging staged_from=landing pii=no|yes: DESCRIBE, INSERT']);
    expect(summary('transform')).toEqual([
      'DATABASE zone=staging: DESCRIBE',
      'TABLE zone=staging staged_from=landing pii=no|yes: DESCRIBE, SELECT',
      'TABLE zone=staging staged_from=trusted|curated pii=no|yes: ALTER, DELETE, DESCRIBE, INSERT, SELECT',
    ]);
    expect(summary('publish')).toEqual(['DATABASE zone=trusted|curated: DESCRIBE', 'TABLE zone=trusted|curated pii=no|yes: ALTER, DESCRIBE', 'LOCATION trusted', 'LOCATION curated']);
  });

  it('names a staging grant by the zones whose staged copies it reaches, in zone order', () => {
    const p: GrantsPolicy = JSON.parse(JSON.stringify(prod));
    (p.personas.auditor.tables as unknown[]).push({ zones: ['staging'], stagedFrom: ['curated', 'landing'], permissions: ['SELECT'], includePii: false, grantable: false });
    const grant = of(compileGrants(p), 'auditor').find((i) => i.id === 'auditor-tables-staging-copies-of-landing-curated-without-pii');
    expect(grant).toMatchObject({ expression: [{ key: 'zone', values: ['staging'] }, { key: 'staged_from', values: ['landing', 'curated'] }, { key: 'pii', values: ['no'] }], permissions: ['SELECT'] });
  });

  it('merges rules with the same expression into one grant with the union of permissions', () => {
    const p: GrantsPolicy = JSON.parse(JSON.stringify(prod));
    (p.personas.ml.tables as unknown[]).push({ zones: ['curated'], permissions: ['ALTER'], includePii: false, grantable: false });
    expect(of(compileGrants(p), 'ml').filter((i) => i.kind === 'tag-expression' && i.resourceType === 'TABLE').map((i) => [i.id, i.permissions])).toEqual([
      ['ml-tables-curated-without-pii', ['ALTER', 'DESCRIBE', 'SELECT']],
    ]);
  });

  it('gives a persona without table rules no database grant, only its locations', () => {
    const p: GrantsPolicy = JSON.parse(JSON.stringify(prod));
    rules(p, 'auditor').tables = [];
    rules(p, 'auditor').dataLocations = [{ zones: ['curated'], grantable: false }];
    expect(of(compileGrants(p), 'auditor').map((i) => i.id)).toEqual(['auditor-location-curated']);
  });

  it('keeps a grantable rule apart from a plain one over the same expression', () => {
    const p: GrantsPolicy = JSON.parse(JSON.stringify(prod));
    (p.personas.ml.tables as unknown[]).push({ zones: ['curated'], permissions: ['SELECT'], includePii: false, grantable: true });
    expect(of(compileGrants(p), 'ml').filter((i) => i.kind === 'tag-expression' && i.resourceType === 'TABLE').map((i) => [i.id, i.permissions, i.grantable])).toEqual([
      ['ml-tables-curated-without-pii', ['DESCRIBE', 'SELECT'], false],
      ['ml-tables-curated-without-pii-grantable', ['SELECT'], true],
    ]);
  });

  it('makes a location grant grantable when any rule for its zone is, and only then', () => {
    const p: GrantsPolicy = JSON.parse(JSON.stringify(prod));
    // The grantable rule for curated comes before a plain one: a later plain rule must not undo it.
    rules(p, 'auditor').dataLocations = [
      { zones: ['curated'], grantable: true },
      { zones: ['trusted', 'curated'], grantable: false },
      { zones: ['trusted'], grantable: false },
    ];
    expect(of(compileGrants(p), 'auditor').filter((i) => i.kind === 'data-location').map((i) => [i.id, i.grantable])).toEqual([
      ['auditor-location-trusted', false],
      ['auditor-location-curated', true],
    ]);
  });

  it('never grants ALL and never grants on named tables', () => {
    for (const i of compileGrants(loadGrantsPolicy('dev'))) {
      expect(i.permissions).not.toContain('ALL');
      expect(['tag-expression', 'data-location']).toContain(i.kind);
    }
  });
});
