import { loadCatalog } from '../../src/catalog/registry';
import { loadRules, parseRule, RuleFileError } from '../../src/gates/rule-file';

const catalog = loadCatalog();
const parse = (text: string) => parseRule(text, 'quality-rules/rules/r.sql', catalog);

describe('rule files', () => {
  it('reads severity, tolerance and a description continued on the next comment line', () => {
    const r = parse(
      '-- severity: warn\n-- tolerance: 0.5%\n-- description: readings are\n-- plausible\nSELECT * FROM accelerometer_trusted a WHERE a.x > 10\n',
    );
    expect(r).toMatchObject({
      name: 'r',
      severity: 'warn',
      tolerance: { share: 0.005 },
      description: 'readings are plausible',
      tables: ['accelerometer_trusted'],
      zone: 'trusted',
      sqlLine: 5,
      predicate: { table: 'accelerometer_trusted', alias: 'a', where: 'a.x > 10' },
    });
  });

  it('puts a rule that reads a curated table in the curated audit, and a join is no predicate rule', () => {
    const r = parse(
      '-- severity: error\n-- description: d\nSELECT m.user FROM machine_learning_curated m JOIN customer_curated c ON c.email = m.user',
    );
    expect([r.zone, r.predicate, r.tables, r.tolerance]).toEqual([
      'curated',
      undefined,
      ['machine_learning_curated', 'customer_curated'],
      { rows: 0 },
    ]);
  });

  it('a WHERE with a subquery is evaluated as a set rule, not batched', () => {
    const r = parse('-- severity: error\n-- description: d\nSELECT * FROM customer_trusted c WHERE c.email IN (SELECT a.user FROM accelerometer_trusted a)');
    expect(r.predicate).toBeUndefined();
  });

  const broken: [string, string, RegExp][] = [
    ['1. no severity', '-- description: d\nSELECT * FROM customer_trusted c WHERE c.email IS NULL', /r\.sql:1: severity must be one of error, warn \(got ""\)/],
    ['2. an unknown severity', '-- severity: fatal\n-- description: d\nSELECT 1 FROM customer_trusted', /r\.sql:1: severity must be one of error, warn \(got "fatal"\)/],
    ['3. no description', '-- severity: warn\nSELECT * FROM customer_trusted c WHERE c.email IS NULL', /missing "-- description: \.\.\." header/],
    ['4. a tolerance in words', '-- severity: warn\n-- tolerance: some\n-- description: d\nSELECT 1 FROM customer_trusted', /r\.sql:2: tolerance must be a row count/],
    ['5. an unknown header', '-- severity: warn\n-- owner: me\n-- description: d\nSELECT 1 FROM customer_trusted', /r\.sql:2: unknown header "owner"/],
    ['6. an unknown table', '-- severity: warn\n-- description: d\nSELECT * FROM customers c WHERE c.x = 1', /r\.sql:3: unknown table\(s\) customers/],
    ['7. two statements', '-- severity: warn\n-- description: d\nSELECT 1 FROM customer_trusted; DROP TABLE customer_trusted', /r\.sql:3: a rule is one statement/],
    ['8. not a SELECT', '-- severity: warn\n-- description: d\nDELETE FROM customer_trusted', /r\.sql:3: a rule is a SELECT/],
    ['9. a share tolerance on a set rule', '-- severity: warn\n-- tolerance: 1%\n-- description: d\nSELECT c.phone FROM customer_trusted c GROUP BY c.phone', /r\.sql:2: a share tolerance needs a rule of the form/],
  ];
  for (const [name, text, message] of broken) {
    it(`rejects ${name}, naming the file and line`, () => {
      expect(() => parse(text)).toThrow(RuleFileError);
      expect(() => parse(text)).toThrow(message);
    });
  }

  it('every shipped rule parses, and its name is its file name', () => {
    const rules = loadRules(catalog);
    expect(rules.length).toBe(20);
    for (const r of rules) expect(r.file).toBe(`quality-rules/rules/${r.name}.sql`);
  });
});
