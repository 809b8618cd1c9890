// A transform or accounting query is one statement, sent to every engine without what follows it:
// a file ending in a comment (no newline after it) swallowed the `) AS t` that the local runner wraps
// around a transform ("Parser Error: syntax error at end of input"), and a `;` before a comment was
// sent along to Athena. The catalog now holds each file's query without its trailing `;` and
// comments, and refuses a file of two statements when it loads.
import { appendFileSync, cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogError, loadCatalog, PROJECT_ROOT } from '../../src/catalog/registry';
import { runPipeline } from '../../src/pipeline/runner';
import { copyCatalogFolders } from '../support/project-copy';
import { tempDir } from '../support/tmp';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
const QUERY_FOLDERS = ['glue/sql/trusted', 'glue/sql/curated', 'quality-rules/accounting'];

/** A copy of the catalog with `ending` appended to every transform and accounting query. */
function catalogEndingWith(ending: string): string {
  const root = copyCatalogFolders();
  for (const dir of QUERY_FOLDERS) for (const f of readdirSync(join(root, dir))) appendFileSync(join(root, dir, f), ending);
  return root;
}

const ENDINGS = ['\n-- the end', ';\n-- the end', '; -- the end', '/* the end */', ';\n/* a\n   block */ ;;\n-- and a line', '\n\t;  '];

describe('what follows a transform or accounting query', () => {
  const plain = loadCatalog();

  it.each(ENDINGS)('%j after every query: the catalog holds the same queries', (ending) => {
    const c = loadCatalog(catalogEndingWith(ending));
    expect(c.transforms.map((t) => [t.file, t.sql, t.inputs])).toEqual(plain.transforms.map((t) => [t.file, t.sql, t.inputs]));
    expect(c.datasets.map((d) => [d.accountingFile, d.accountingSql])).toEqual(plain.datasets.map((d) => [d.accountingFile, d.accountingSql]));
  });

  it('the queries keep their lines as in the file, so errors name the right line', () => {
    for (const t of plain.transforms) expect(readFileSync(join(PROJECT_ROOT, t.file), 'utf8').startsWith(t.sql)).toBe(true);
    for (const d of plain.datasets) expect(readFileSync(join(PROJECT_ROOT, d.accountingFile), 'utf8').startsWith(d.accountingSql)).toBe(true);
  });

  it('a run over a catalog whose every query ends in a comment without a newline publishes what the plain catalog does', async () => {
    const [a, b] = [tempDir(), tempDir()];
    const before = await runPipeline({ landing: FIXTURE, lake: a });
    const after = await runPipeline({ landing: FIXTURE, lake: b, catalog: loadCatalog(catalogEndingWith('; -- the end')) });
    const shape = (m: typeof before) => ({
      status: m.status,
      problems: m.problems,
      // Counts and where each record went; the quarantine file's path names the run and its lake.
      datasets: Object.fromEntries(Object.entries(m.datasets).map(([d, { quarantineLocation, ...counts }]) => [d, { ...counts, at: quarantineLocation?.replace(m.lake, '<lake>').replace(m.runId, '<run>') }])),
      rows: Object.fromEntries(Object.entries(m.tables).map(([t, r]) => [t, r.rows])),
      rules: Object.fromEntries(Object.entries(m.gates).map(([z, g]) => [z, g!.rules.map((r) => [r.name, r.status, r.failing])])),
    });
    expect(before.status).toBe('published');
    expect(shape(after)).toEqual(shape(before));
  }, 120_000);

  it.each([
    ['glue/sql/trusted/customer_trusted.sql', 'SELECT * FROM customer_landing; SELECT 1'],
    ['quality-rules/accounting/customer.sql', "SELECT 'trusted' AS outcome, count(*) AS records FROM customer_landing;\nDROP TABLE customer_landing"],
  ])('a file of two statements is refused when the catalog loads: %s', (file, sql) => {
    const root = tempDir();
    for (const d of ['ddl', 'glue', 'quality-rules']) cpSync(join(PROJECT_ROOT, d), join(root, d), { recursive: true });
    writeFileSync(join(root, file), sql);
    expect(() => loadCatalog(root)).toThrow(new CatalogError(`${file}: holds more than one statement; it must be one query (a SELECT or WITH)`));
  });
});
