// The SQL mutants are derived from DuckDB's parse trees, not listed by hand, and the two that
// survived every test before (a LEFT JOIN in machine_learning_curated.sql, a serial number added to
// customer_trusted.sql's PARTITION BY) are now killed: the generated data holds trusted step
// readings without an accelerometer reading at that moment, and customers whose serial number
// changes between records. `npm run mutate:sql` runs all of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { tempDir } from '../support/tmp';
import { loadEquivalents, runMutations } from './mutation-run';
import { mutantsOf, mutatedFiles, shape, SqlTrees, type Mutant } from './sql-mutants';

const LEFT_JOIN = 'glue/sql/curated/machine_learning_curated.sql join-kind JOIN accelerometer_trusted a -> LEFT JOIN accelerometer_trusted a';
const SERIAL_PARTITION = 'glue/sql/trusted/customer_trusted.sql partition-key-added PARTITION BY c.email -> PARTITION BY c.email, c.serialNumber';

describe('SQL mutants', () => {
  let mutants: Mutant[];
  let engine: DuckDbEngine;
  let trees: SqlTrees;
  beforeAll(async () => {
    engine = await DuckDbEngine.open();
    trees = new SqlTrees(engine);
    mutants = (await Promise.all(mutatedFiles(PROJECT_ROOT).map((f) => mutantsOf(trees, PROJECT_ROOT, f)))).flat();
  });
  afterAll(() => engine.close());

  it('come from every transform, accounting query and rule, each of a kind the parse tree shows', () => {
    expect([...new Set(mutants.map((m) => m.file))].sort()).toEqual(mutatedFiles(PROJECT_ROOT).map((f) => f.split('\\').join('/')).sort());
    expect([...new Set(mutants.map((m) => m.kind))].sort()).toEqual([
      'and-or-swapped',
      'boundary-constant',
      'case-branches-swapped',
      'comparison',
      'condition-dropped',
      'distinct-removed',
      'exists-negated',
      'group-key-dropped',
      'in-negated',
      'join-condition-dropped',
      'join-kind',
      'null-test-negated',
      'nulls-order',
      'order-direction',
      'order-key-dropped',
      'partition-key-added',
      'partition-key-dropped',
    ]);
    expect(new Set(mutants.map((m) => m.id)).size).toBe(mutants.length);
  });

  it('each parses to a tree of its own, and a rule keeps its header', async () => {
    const originals = new Map<string, string>();
    for (const f of mutatedFiles(PROJECT_ROOT)) {
      const text = readFileSync(join(PROJECT_ROOT, f), 'utf8');
      originals.set(f.split('\\').join('/'), shape(await trees.parse(text.replace(/^(--[^\n]*\n|\s*\n)*/, ''))));
    }
    const seen = new Set<string>();
    for (const m of mutants) {
      const header = readFileSync(join(PROJECT_ROOT, m.file), 'utf8').match(/^(--[^\n]*\n)*/)![0];
      expect(m.text.startsWith(header)).toBe(true);
      const tree = shape(await trees.parse(m.text.slice(header.length)));
      expect(tree).not.toBe(originals.get(m.file));
      expect(seen.has(tree)).toBe(false);
      seen.add(tree);
    }
  });

  it('names the line of each site', () => {
    const left = mutants.find((m) => m.id === LEFT_JOIN)!;
    const serial = mutants.find((m) => m.id === SERIAL_PARTITION)!;
    const lineOf = (m: Mutant) => readFileSync(join(PROJECT_ROOT, m.file), 'utf8').split('\n')[m.line - 1].trim();
    expect([lineOf(left), lineOf(serial)]).toEqual(['JOIN accelerometer_trusted a', 'PARTITION BY c.email']);
  });

  it('kills the LEFT JOIN and the serial number in the PARTITION BY on generated data', async () => {
    const report = await runMutations({ work: tempDir('stedi-mutants-'), only: [LEFT_JOIN, SERIAL_PARTITION], landingSets: [0] });
    expect(report.results.map((r) => [r.mutant.id, r.killedBy?.split(':').slice(0, 2).join(':')])).toEqual([
      [SERIAL_PARTITION, 'generated, every edge, publishable defects: datasets.accelerometer.outcomes.no_consent'],
      [LEFT_JOIN, 'generated, every edge, publishable defects: findings.machine_learning_same_customer.blocking'],
    ]);
  });

  it('lists as equivalent only mutants it derives, each with a reason', () => {
    const ids = new Set(mutants.map((m) => m.id));
    for (const e of loadEquivalents()) expect([e.id, ids.has(e.id), e.reason.length > 20]).toEqual([e.id, true, true]);
  });
});
