// The engine reads exactly the files validation listed: paths reach DuckDB as names, never as
// patterns, whatever they hold (spaces, quotes, brackets, stars, question marks, braces), and a
// check that DuckDB resolves them to exactly those files fails closed.
import { cpSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { quoteLiteral } from '../../src/engine/engine';
import { assertReadsExactly, fileListSql, FileSetMismatchError, literalPattern, readableByName, UnreadablePathError } from '../../src/engine/duckdb-file-names';
import { runPipeline, RunConfigError } from '../../src/pipeline/runner';
import { LocalLakeCatalog } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { tempDir } from '../support/tmp';
import { queryLake } from '../support/lake';
import { runStedi } from '../support/child-run';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
const rowsOf = (m: Awaited<ReturnType<typeof runPipeline>>) => Object.fromEntries(Object.entries(m.tables).map(([t, r]) => [t, r.rows]));
const FIXTURE_ROWS = {
  accelerometer_landing: 10,
  customer_landing: 7,
  step_trainer_landing: 7,
  customer_trusted: 3,
  accelerometer_trusted: 5,
  step_trainer_trusted: 3,
  customer_curated: 2,
  machine_learning_curated: 3,
};
const CONSENTING = ['Lyn.Rowe@test.com', 'Santosh.Clayton@test.com', 'Sarah.Clayton@test.com'];
/** The fixture's customers, every one of them consenting: what a decoy folder holds. */
function everyoneConsents(): string {
  const file = join(FIXTURE, 'customer', 'customer-1691348231425.json');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.stringify({ ...JSON.parse(l), shareWithResearchAsOfDate: 1655564376361 }))
    .join('\n') + '\n';
}

describe('file names reach DuckDB literally', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await DuckDbEngine.open();
  });
  afterAll(() => engine.close());

  // Each name sits beside the files its pattern reading would match instead (or as well).
  const CASES: { name: string; decoys: string[]; folder?: string }[] = [
    { name: 'c[x].json', decoys: ['cx.json'] },
    { name: 'c[!a].json', decoys: ['cb.json'] },
    { name: 's*.json', decoys: ['sa.json', 'sbb.json'] },
    { name: 'q?.json', decoys: ['qz.json'] },
    { name: '**.json', decoys: ['deep.json'] },
    { name: 'b{1,2}.json', decoys: ['b1.json', 'b2.json'] },
    { name: "sp ace's \"quoted\".json", decoys: [] },
    { name: 'x].json', decoys: [] },
    // Read as it is: a path without a pattern character is no pattern (one with both cannot be named, below).
    { name: 'back\\slash {x}.json', decoys: [], folder: 'plain' },
    { name: 'uni é[ü].json', decoys: ['uni éü.json'] },
  ];
  for (const c of CASES) {
    it(`reads ${c.name} and only it (beside ${c.decoys.join(', ') || 'nothing'})`, async () => {
      const dir = join(tempDir(), c.folder ?? 'd[1] *?{a}');
      mkdirSync(dir);
      writeFileSync(join(dir, c.name), '{"n":"the one"}\n');
      for (const d of c.decoys) writeFileSync(join(dir, d), '{"n":"a decoy"}\n');
      const file = join(dir, c.name);
      await assertReadsExactly(engine, fileListSql([file]), [file], 'the case');
      const r = await engine.query(`SELECT n, filename FROM read_json(${fileListSql([file])}, filename = true)`);
      expect(r.rows).toEqual([{ n: 'the one', filename: file }]);
    });
  }

  it('the check fails closed when names are handed over as patterns (the old way)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'c[x].json'), '{"n":1}\n');
    writeFileSync(join(dir, 'cx.json'), '{"n":2}\n');
    const listed = [join(dir, 'c[x].json'), join(dir, 'cx.json')];
    const raw = `[${listed.map(quoteLiteral).join(', ')}]`;
    const check = assertReadsExactly(engine, raw, listed, 'customer records');
    await expect(check).rejects.toThrow(FileSetMismatchError);
    await expect(check).rejects.toThrow(`customer records: DuckDB would read other files than the ones listed, so nothing is read; listed but not read: ${listed[0]}; read but not listed: ${listed[1]}`);
    await expect(assertReadsExactly(engine, fileListSql(listed), listed, 'customer records')).resolves.toBeUndefined();
  });

  it('the check fails closed on a listed file that is not there', async () => {
    const gone = join(tempDir(), 'gone.json');
    await expect(assertReadsExactly(engine, fileListSql([gone]), [gone], 'x')).rejects.toThrow(`listed but not read: ${gone}`);
  });

  it('a path with a backslash and a pattern character cannot be named to DuckDB', () => {
    expect(readableByName('/a/b\\c.json')).toBe(true);
    expect(readableByName('/a/b[1]/c.json')).toBe(true);
    expect(readableByName('/a/b[1]/c\\d.json')).toBe(false);
    expect(() => literalPattern('/a/b[1]/c\\d.json')).toThrow(UnreadablePathError);
    expect(literalPattern('/a/b {c}/d.json')).toBe('/a/b {c}/d.json');
    expect(literalPattern('/a/[b]*?.json')).toBe('/a/[[]b][*][?].json');
  });
});

describe('runs read the landing files that were validated, and nothing else', () => {
  it('--landing drop[1] beside a folder drop1 publishes drop[1], not drop1 (no consent bypass)', async () => {
    const parent = tempDir();
    const landing = join(parent, 'drop[1]');
    cpSync(FIXTURE, landing, { recursive: true });
    cpSync(FIXTURE, join(parent, 'drop1'), { recursive: true });
    writeFileSync(join(parent, 'drop1', 'customer', 'customer-1691348231425.json'), everyoneConsents());
    const lake = tempDir();
    const m = await runPipeline({ landing, lake });
    expect([m.status, rowsOf(m)]).toEqual(['published', FIXTURE_ROWS]);
    expect((await queryLake(lake, 'SELECT email FROM trusted.customer_trusted ORDER BY email')).map((r) => r.email)).toEqual(CONSENTING);
    expect(m.datasets.customer.outcomes).toEqual({ trusted: 3, superseded: 2, no_consent: 2 });
  });

  it('customer/c[x].json beside a symlink cx.json: the symlink is ignored, as the manifest says, and never read', async () => {
    const landing = tempDir();
    cpSync(FIXTURE, landing, { recursive: true });
    const customer = join(landing, 'customer', 'customer-1691348231425.json');
    cpSync(customer, join(landing, 'customer', 'c[x].json'));
    writeFileSync(customer, '');
    const elsewhere = join(tempDir(), 'breaks-the-contract.json');
    writeFileSync(elsewhere, '{"customerName":"Not A Record","email":42}\n'.repeat(5));
    symlinkSync(elsewhere, join(landing, 'customer', 'cx.json'));
    const lake = tempDir();
    const m = await runPipeline({ landing, lake });
    expect(m.datasets.customer.ignoredFiles).toEqual([{ name: join('customer', 'cx.json'), reason: 'a symbolic link: never followed' }]);
    expect([m.status, rowsOf(m)]).toEqual(['published', FIXTURE_ROWS]);
    expect([m.datasets.customer.read, m.datasets.customer.quarantined]).toEqual([7, 0]);
    expect(await queryLake(lake, `SELECT count(*) AS n FROM landing.customer_landing WHERE customerName = 'Not A Record'`)).toEqual([{ n: 0 }]);
  });

  it('a symlinked folder inside a dataset folder is listed as ignored and never read', async () => {
    const landing = tempDir();
    cpSync(FIXTURE, landing, { recursive: true });
    const elsewhere = tempDir();
    writeFileSync(join(elsewhere, 'more.json'), everyoneConsents());
    symlinkSync(elsewhere, join(landing, 'customer', 'linked [1]'), 'dir');
    const m = await runPipeline({ landing, lake: tempDir() });
    expect(m.datasets.customer.ignoredFiles).toEqual([{ name: join('customer', 'linked [1]'), reason: 'a symbolic link: never followed' }]);
    expect([m.status, rowsOf(m)]).toEqual(['published', FIXTURE_ROWS]);
  });

  it('with validation workers too: drop[1] beside drop1 in a lake [v2]', async () => {
    const parent = tempDir();
    const landing = join(parent, 'drop[1]');
    cpSync(FIXTURE, landing, { recursive: true });
    cpSync(FIXTURE, join(parent, 'drop1'), { recursive: true });
    writeFileSync(join(parent, 'drop1', 'customer', 'customer-1691348231425.json'), everyoneConsents());
    const lake = join(tempDir(), 'lake [v2]');
    const m = await runPipeline({ landing, lake, validationWorkers: 2 });
    expect([m.status, rowsOf(m)]).toEqual(['published', FIXTURE_ROWS]);
    expect((await queryLake(lake, 'SELECT email FROM trusted.customer_trusted ORDER BY email')).map((r) => r.email)).toEqual(CONSENTING);
  });

  it('a landing file whose path DuckDB cannot name (a backslash and a bracket) is loaded from its checked records', async () => {
    const landing = tempDir();
    cpSync(FIXTURE, landing, { recursive: true });
    const customer = join(landing, 'customer', 'customer-1691348231425.json');
    cpSync(customer, join(landing, 'customer', 'c\\[1].json'));
    writeFileSync(customer, '');
    const m = await runPipeline({ landing, lake: tempDir() });
    expect([m.status, rowsOf(m), m.datasets.customer.files, m.datasets.customer.read]).toEqual(['published', FIXTURE_ROWS, 2, 7]);
  });
});

describe('landing and lake paths with spaces, quotes, brackets, stars, question marks and braces', () => {
  it('run, query, tables, gate, a second run and a rollback all work end to end', async () => {
    const parent = tempDir();
    const landing = join(parent, `it's "my" landing [v2] *?{a,b}`);
    const lake = join(parent, `it's "my" lake [v2] *{a,b}`);
    cpSync(FIXTURE, landing, { recursive: true });
    // Decoys that the pattern readings of both paths would match.
    const decoy = join(parent, `it's "my" landing v *?{a,b}`);
    cpSync(FIXTURE, decoy, { recursive: true });
    writeFileSync(join(decoy, 'customer', 'customer-1691348231425.json'), everyoneConsents());
    mkdirSync(join(parent, `it's "my" lake 2 *{a,b}`));

    const first = await runPipeline({ landing, lake });
    expect([first.status, rowsOf(first)]).toEqual(['published', FIXTURE_ROWS]);
    expect((await queryLake(lake, 'SELECT email FROM trusted.customer_trusted ORDER BY email')).map((r) => r.email)).toEqual(CONSENTING);

    const cli = await runStedi(['query', 'SELECT count(*) AS n FROM curated.machine_learning_curated', '--lake', lake, '--json']);
    expect([cli.code, JSON.parse(cli.stdout)]).toEqual([0, [{ n: 3 }]]);
    const tables = await runStedi(['tables', '--lake', lake, '--json']);
    expect(tables.code).toBe(0);
    expect(JSON.parse(tables.stdout).map((t: { location: string }) => t.location)).toEqual(
      expect.arrayContaining([new LakeLayout(lake).tableRunDir('curated', 'machine_learning_curated', first.runId)]),
    );

    appendFileSync(join(landing, 'accelerometer', 'accelerometer-1691348231495.json'), '{"user":"Lyn.Rowe@test.com","timestamp":1655564999000,"x":1.0,"y":0.0,"z":0.0}\n');
    const second = await runPipeline({ landing, lake });
    expect([second.status, second.tables.machine_learning_curated.rows]).toEqual(['published', 4]);
    const gate = await runStedi(['gate', '--lake', lake, '--json']);
    expect(gate.code).toBe(0);

    await new LocalLakeCatalog(new LakeLayout(lake)).rollback(first.runId);
    expect(await queryLake(lake, 'SELECT count(*) AS n FROM curated.machine_learning_curated')).toEqual([{ n: 3 }]);
  });

  it('a lake path with a "?" is refused before any work (exit 2): DuckDB 1.5 cannot write a database there', async () => {
    const lake = join(tempDir(), 'lake?');
    const r = await runStedi(['run', '--landing', FIXTURE, '--lake', lake]);
    expect([r.code, r.stderr]).toEqual([
      2,
      `stedi: lake ${lake}: DuckDB cannot keep its catalog in a folder whose path holds a "?" (it would write the catalog's log elsewhere); pass another --lake folder\n`,
    ]);
    expect(existsSync(lake)).toBe(false);
  });

  it('a lake path DuckDB cannot name is refused before any work (exit 2)', async () => {
    const lake = join(tempDir(), 'a\\b [1]');
    await expect(runPipeline({ landing: FIXTURE, lake })).rejects.toThrow(RunConfigError);
    const r = await runStedi(['run', '--landing', FIXTURE, '--lake', lake]);
    expect([r.code, r.stderr]).toEqual([2, `stedi: lake ${lake}: DuckDB cannot read a path that holds a backslash and one of * ? [; pass another --lake folder\n`]);
  });
});

function appendFileSync(path: string, text: string) {
  writeFileSync(path, readFileSync(path, 'utf8') + text);
}
