// End to end: a quality rule that cannot produce a count blocks the run, whatever its severity and
// however it fails at run time, and the published lake stays as it was (issue 19: the gate could
// fail open, so an error rule hitting a Binder Error published).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../../src/catalog/registry';
import { LocalLakeCatalog } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { runPipeline } from '../../src/pipeline/runner';
import { hashTree } from '../support/lake';
import { copyCatalogFolders } from '../support/project-copy';
import { tempDir } from '../support/tmp';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');

/** Ways a rule's SQL parses yet produces no count when the run evaluates it, and the gate it belongs to. */
const WAYS: [string, string, 'trusted' | 'curated'][] = [
  ['a predicate naming a column the table lacks (Binder Error)', 'SELECT * FROM customer_trusted c WHERE c.no_such_column = 1', 'trusted'],
  ['a predicate whose value cannot be converted (Conversion Error on the data)', 'SELECT * FROM customer_trusted c WHERE CAST(c.email AS INTEGER) > 0', 'trusted'],
  ['a predicate whose failing rows cannot be read', 'SELECT * FROM customer_trusted c WHERE customer_trusted.shareWithResearchAsOfDate IS NOT NULL', 'trusted'],
  ['a set rule naming a column the table lacks (Binder Error)', 'SELECT c.no_such_column FROM customer_trusted c GROUP BY c.no_such_column', 'trusted'],
  ['a set rule whose value cannot be converted (Conversion Error on the data)', 'SELECT CAST(a.user AS INTEGER) AS n FROM accelerometer_trusted a GROUP BY 1', 'trusted'],
  ['a set rule calling a function that does not exist', 'SELECT no_such_function(c.email) AS n FROM customer_trusted c GROUP BY 1', 'trusted'],
  ['a curated rule naming a column the table lacks (Binder Error)', 'SELECT * FROM machine_learning_curated m WHERE m.no_such_column = 1', 'curated'],
  ['a curated set rule whose value cannot be converted', 'SELECT CAST(m.user AS INTEGER) AS n FROM machine_learning_curated m GROUP BY 1', 'curated'],
];

describe('a rule that cannot be evaluated blocks the run', () => {
  const lake = tempDir();
  const layout = new LakeLayout(lake);
  let before: Awaited<ReturnType<LocalLakeCatalog['published']>>;
  let bytesBefore: Record<string, ReturnType<typeof hashTree>>;

  beforeAll(async () => {
    const good = await runPipeline({ landing: FIXTURE, lake });
    expect(good.status).toBe('published');
    before = await new LocalLakeCatalog(layout).published();
    bytesBefore = Object.fromEntries(before.map((p) => [p.table, hashTree(p.location)]));
  });

  // Every way with severity error; a warn rule that cannot be evaluated blocks as well (fail closed).
  const cases = [...WAYS.map((w) => [...w, 'error'] as const), ...[WAYS[0], WAYS[4]].map((w) => [...w, 'warn'] as const)];
  for (const [way, sql, zone, severity] of cases) {
    it(`${way}, severity ${severity}: blocked at the ${zone} gate, nothing published`, async () => {
      const root = copyCatalogFolders();
      writeFileSync(join(root, 'quality-rules', 'rules', 'broken_rule.sql'), `-- severity: ${severity}\n-- description: a rule that cannot be evaluated\n${sql}\n`);
      const run = await runPipeline({ landing: FIXTURE, lake, catalog: loadCatalog(root) });

      expect(run.status).toBe('blocked');
      expect(run.problems).toEqual([expect.stringMatching(/^ERROR broken_rule: could not be evaluated: quality-rules\/rules\/broken_rule\.sql:3: \w+ Error: /)]);
      const broken = run.gates[zone]!.rules.find((r) => r.name === 'broken_rule')!;
      expect([run.gates[zone]!.passed, broken.status, broken.blocking, broken.severity]).toEqual([false, 'error', true, severity]);
      // Every other rule of that gate passed: the broken rule alone blocked the run.
      expect(run.gates[zone]!.rules.filter((r) => r.blocking).map((r) => r.name)).toEqual(['broken_rule']);
      if (zone === 'trusted') expect(run.gates.curated!.skipped).toBe('the trusted gate blocked the run, so the curated gate did not run');
      else expect(run.gates.trusted!.passed).toBe(true);

      const after = await new LocalLakeCatalog(layout).published();
      expect(after).toEqual(before);
      expect(Object.fromEntries(after.map((p) => [p.table, hashTree(p.location)]))).toEqual(bytesBefore);
      expect((await new LocalLakeCatalog(layout).runs()).find((r) => r.runId === run.runId)?.status).toBe('blocked');
    });
  }
});
