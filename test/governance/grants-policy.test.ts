import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GrantsPolicyError,
  loadGrantsPolicy,
  loadGrantsPolicyFile,
  parseGrantsPolicy,
  rightsBeyond,
  type GrantsPolicy,
} from '../../src/governance/grants-policy';
import { PERSONAS } from '../../src/governance/vocabulary';

const dev = loadGrantsPolicy('dev');
const prod = loadGrantsPolicy('prod');
const clone = (p: GrantsPolicy): Record<string, any> => JSON.parse(JSON.stringify(p));

describe('grants policy files', () => {
  it('dev and prod load and name every persona', () => {
    expect(Object.keys(dev.personas).sort()).toEqual([...PERSONAS].sort());
    expect(Object.keys(prod.personas).sort()).toEqual([...PERSONAS].sort());
  });

  it('prod gives no persona a right that dev does not (dev may be broader, never narrower)', () => {
    expect(rightsBeyond(prod, dev)).toEqual([]);
  });

  it('where dev is broader than prod, each extra grant says why in a note', () => {
    const devOnly = rightsBeyond(dev, prod);
    expect(devOnly).toEqual([
      'ml holds DESCRIBE on trusted non-PII columns',
      'ml holds SELECT on trusted non-PII columns',
    ]);
    for (const persona of ['ml'] as const) {
      const extra = dev.personas[persona].tables.filter((t) => !prod.personas[persona].tables.some((p) => JSON.stringify(p) === JSON.stringify(t)));
      for (const t of extra) expect(t.note).toMatch(/^Dev only: /);
    }
  });

  it('a prod grant wider than dev is reported with persona, permission, zone and columns', () => {
    const wide = clone(prod);
    wide.personas.analyst.tables[0].includePii = true;
    wide.personas.ingestion.dataLocations[0].grantable = true;
    expect(rightsBeyond(wide as GrantsPolicy, dev)).toEqual([
      'ingestion may grant DATA_LOCATION_ACCESS on landing location',
      'analyst holds DESCRIBE on trusted PII columns',
      'analyst holds SELECT on trusted PII columns',
      'analyst holds DESCRIBE on curated PII columns',
      'analyst holds SELECT on curated PII columns',
    ]);
  });

  it('a staging grant widened from the staged landing copies to every staging table is reported per staged zone', () => {
    const wide = clone(prod);
    delete wide.personas.validator.tables[1].stagedFrom;
    expect(rightsBeyond(wide as GrantsPolicy, dev)).toEqual(
      ['trusted', 'curated'].flatMap((z) => ['DESCRIBE', 'INSERT'].flatMap((perm) => [`validator holds ${perm} on staging (copies of ${z}) non-PII columns`, `validator holds ${perm} on staging (copies of ${z}) PII columns`])),
    );
  });
});

describe('grants policy validation names the field', () => {
  const cases: { description: string; change: (p: Record<string, any>) => void; message: string }[] = [
    {
      description: 'an unknown permission',
      change: (p) => (p.personas.analyst.tables[0].permissions = ['DESCRIBE', 'ALL']),
      message: 'personas.analyst.tables[0].permissions[1]: "ALL" is not one of ALTER, DELETE, DESCRIBE, DROP, INSERT, SELECT',
    },
    {
      description: 'an unknown zone',
      change: (p) => (p.personas.ml.tables[0].zones = ['gold']),
      message: 'personas.ml.tables[0].zones[0]: "gold" is not one of landing, trusted, curated, staging',
    },
    {
      description: 'a missing grantable flag',
      change: (p) => delete p.personas.gate.tables[0].grantable,
      message: 'personas.gate.tables[0].grantable: is missing',
    },
    {
      description: 'a missing persona',
      change: (p) => delete p.personas.auditor,
      message: 'personas.auditor: is missing',
    },
    {
      description: 'a persona the model does not know',
      change: (p) => (p.personas.intern = p.personas.analyst),
      message: 'personas.intern: is not a known field',
    },
    {
      description: 'includePii written as a string',
      change: (p) => (p.personas.analyst.tables[0].includePii = 'no'),
      message: 'personas.analyst.tables[0].includePii: must be boolean',
    },
    {
      description: 'a zone listed twice',
      change: (p) => (p.personas.analyst.tables[0].zones = ['trusted', 'trusted']),
      message: 'personas.analyst.tables[0].zones: lists the same value twice (items 0 and 1)',
    },
    {
      description: 'stagedFrom on a grant outside staging (staged copies live in staging only)',
      change: (p) => (p.personas.validator.tables[0].stagedFrom = ['landing']),
      message: 'personas.validator.tables[0].zones: must be ["staging"] for a grant that names stagedFrom (staged copies live in staging only)',
    },
    {
      description: 'stagedFrom naming staging itself',
      change: (p) => (p.personas.validator.tables[1].stagedFrom = ['staging']),
      message: 'personas.validator.tables[1].stagedFrom[0]: "staging" is not one of landing, trusted, curated',
    },
    {
      description: 'the old shared etl persona',
      change: (p) => (p.personas.etl = p.personas.transform),
      message: 'personas.etl: is not a known field',
    },
    {
      description: 'an empty permission list',
      change: (p) => (p.personas.analyst.tables[0].permissions = []),
      message: 'personas.analyst.tables[0].permissions: must NOT have fewer than 1 items',
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.description}`, () => {
      const p = clone(prod);
      c.change(p);
      expect(() => parseGrantsPolicy(p, 'config/grants/prod.json')).toThrow(GrantsPolicyError);
      expect(() => parseGrantsPolicy(p, 'config/grants/prod.json')).toThrow(`config/grants/prod.json: invalid grants policy:\n  ${c.message}`);
    });
  }

  it('lists every problem of the file, one per line', () => {
    const p = clone(prod);
    p.personas.analyst.tables[0].permissions = ['ALL'];
    delete p.personas.ml.purpose;
    let message = '';
    try {
      parseGrantsPolicy(p, 'prod.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n').slice(1).map((l) => l.trim()).sort()).toEqual([
      'personas.analyst.tables[0].permissions[0]: "ALL" is not one of ALTER, DELETE, DESCRIBE, DROP, INSERT, SELECT',
      'personas.ml.purpose: is missing',
    ]);
  });

  it('rejects a file whose environment is not its name, and a file that is not JSON', () => {
    const root = mkdtempSync(join(tmpdir(), 'stedi-policy-'));
    mkdirSync(join(root, 'config', 'grants'), { recursive: true });
    writeFileSync(join(root, 'config', 'grants', 'staging.json'), JSON.stringify({ ...clone(prod), environment: 'prod' }));
    expect(() => loadGrantsPolicy('staging', root)).toThrow('config/grants/staging.json: environment: is "prod" but the file is named staging.json');
    writeFileSync(join(root, 'config', 'grants', 'broken.json'), '{"environment": ');
    expect(() => loadGrantsPolicyFile(join(root, 'config', 'grants', 'broken.json'), root)).toThrow(/^config\/grants\/broken.json: /);
  });
});
