import { compileGrants, type GrantIntent } from '../../src/governance/compile-grants';
import { loadGrantsPolicy, type GrantsPolicy } from '../../src/governance/grants-policy';

const prod = loadGrantsPolicy('prod');
const of = (intents: GrantIntent[], persona: string) => intents.filter((i) => i.persona === persona);

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
    expect(of(intents, 'etl').map((i) => i.id)).toEqual([
      'etl-databases',
      'etl-tables-landing',
      'etl-tables-trusted-curated',
      'etl-tables-staging',
      'etl-location-trusted',
      'etl-location-curated',
      'etl-location-staging',
    ]);
  });

  it('merges rules with the same expression into one grant with the union of permissions', () => {
    const p: GrantsPolicy = JSON.parse(JSON.stringify(prod));
    (p.personas.ml.tables as unknown[]).push({ zones: ['curated'], permissions: ['ALTER'], includePii: false, grantable: false });
    expect(of(compileGrants(p), 'ml').filter((i) => i.kind === 'tag-expression' && i.resourceType === 'TABLE').map((i) => [i.id, i.permissions])).toEqual([
      ['ml-tables-curated-without-pii', ['ALTER', 'DESCRIBE', 'SELECT']],
    ]);
  });

  it('never grants ALL and never grants on named tables', () => {
    for (const i of compileGrants(loadGrantsPolicy('dev'))) {
      expect(i.permissions).not.toContain('ALL');
      expect(['tag-expression', 'data-location']).toContain(i.kind);
    }
  });
});
