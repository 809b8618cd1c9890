// Operator mistakes get a message naming what is wrong and where, a non-zero exit, no stack trace.
import { writeFileSync, mkdirSync, appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogError, loadCatalog } from '../../src/catalog/registry';
import { runPipeline, RunConfigError } from '../../src/pipeline/runner';
import { RuleFileError } from '../../src/gates/rule-file';
import { GateConfigError } from '../../src/gates/gate-config';
import { tempDir } from '../support/tmp';
import { copyCatalogFolders } from '../support/project-copy';
import { runStedi } from '../support/child-run';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe('stedi run: usage errors exit 2 with a message', () => {
  it('a landing folder that does not exist', async () => {
    const r = await runStedi(['run', '--landing', '/no/such/landing', '--lake', tempDir()]);
    expect([r.code, r.stderr]).toEqual([2, 'stedi: landing folder /no/such/landing does not exist or is not a folder\n']);
  });

  it('a landing folder without a dataset subfolder', async () => {
    const landing = tempDir();
    mkdirSync(join(landing, 'customer'));
    const r = await runStedi(['run', '--landing', landing, '--lake', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `stedi: landing folder ${landing} has no accelerometer/, step_trainer/ folder; expected one subfolder per dataset: accelerometer/, customer/, step_trainer/\n`,
    );
  });

  it('a lake path that is a file', async () => {
    const file = join(tempDir(), 'lake');
    writeFileSync(file, 'not a folder');
    const r = await runStedi(['run', '--landing', FIXTURE, '--lake', file]);
    expect([r.code, r.stderr]).toEqual([2, `stedi: lake ${file} is a file, not a folder; pass --lake <folder>\n`]);
  });

  it('an unknown option', async () => {
    const r = await runStedi(['run', '--landingg', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option '--landingg'/);
    noStack(r.stderr);
  });

  it('a lake that was never run, for tables and query', async () => {
    const lake = tempDir();
    for (const args of [['tables', '--lake', lake], ['query', 'SELECT 1', '--lake', lake]]) {
      const r = await runStedi(args);
      expect([r.code, r.stderr]).toEqual([2, `stedi: no lake catalog at ${lake}/catalog.duckdb: run \`stedi run --lake <dir>\` first, or pass the right --lake\n`]);
    }
  });

  it('--debug adds the stack trace', async () => {
    const r = await runStedi(['run', '--landing', '/no/such/landing', '--lake', tempDir(), '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/RunConfigError: landing folder .*\n\s+at /);
  });
});

describe('broken catalog files stop a run before any work, naming file and line', () => {
  async function runWith(breakIt: (root: string) => void) {
    const root = copyCatalogFolders();
    breakIt(root);
    const lake = tempDir();
    const landing = tempDir();
    cpSync(FIXTURE, landing, { recursive: true });
    return runPipeline({ landing, lake, catalog: loadCatalog(root) });
  }

  it('a rule whose SQL does not parse', async () => {
    const p = runWith((root) =>
      writeFileSync(join(root, 'quality-rules', 'rules', 'typo.sql'), '-- severity: error\n-- description: d\nSELECT * FROM customer_trusted c WHERE c.email IS NUL AND (\n'),
    );
    await expect(p).rejects.toThrow(RuleFileError);
    await expect(p).rejects.toThrow(/^quality-rules\/rules\/typo\.sql:3: SQL does not parse: Parser Error: syntax error/);
  });

  it('a rule with a malformed header', async () => {
    const p = runWith((root) => writeFileSync(join(root, 'quality-rules', 'rules', 'bad.sql'), '-- severity: urgent\n-- description: d\nSELECT 1 FROM customer_trusted\n'));
    await expect(p).rejects.toThrow('quality-rules/rules/bad.sql:1: severity must be one of error, warn (got "urgent")');
  });

  it('a gate threshold of the wrong type', async () => {
    const p = runWith((root) => {
      const f = join(root, 'quality-rules', 'gate-config.json');
      writeFileSync(f, JSON.stringify({ quarantine: { default: '1%', datasets: {} }, volume: { maxShrink: 0.5 }, report: { failingRowsShown: 10 } }));
    });
    await expect(p).rejects.toThrow(GateConfigError);
    await expect(p).rejects.toThrow(/gate-config\.json: \/quarantine\/default must be number$/);
  });

  it('a record contract whose type differs from its DDL column (values would not load as sent)', async () => {
    const p = runWith((root) => {
      const f = join(root, 'quality-rules', 'schemas', 'accelerometer.schema.json');
      writeFileSync(f, readFileSync(f, 'utf8').replace('"timestamp": { "type": "integer"', '"timestamp": { "type": "number"'));
    });
    await expect(p).rejects.toThrow(CatalogError);
    await expect(p).rejects.toThrow('quality-rules/schemas/accelerometer.schema.json: property timestamp is "number" but ddl/landing/accelerometer_landing.sql declares it BIGINT, which takes "integer"');
  });

  it('a transform whose columns differ from its DDL', async () => {
    const p = runWith((root) => appendFileSync(join(root, 'ddl', 'curated', 'customer_curated.sql'), ''));
    await expect(p).resolves.toMatchObject({ status: 'published' });
    const q = runWith((root) => {
      const f = join(root, 'glue', 'sql', 'curated', 'customer_curated.sql');
      writeFileSync(f, 'SELECT c.email FROM customer_trusted c\n');
    });
    await expect(q).rejects.toThrow(RunConfigError);
    await expect(q).rejects.toThrow(/^glue\/sql\/curated\/customer_curated\.sql returns columns \(email\) but ddl\/curated\/customer_curated\.sql declares \(customerName, email,/);
  });
});

describe('quiet and machine-readable without a terminal', () => {
  it('stedi run --json prints only the manifest on stdout and nothing on stderr', async () => {
    const r = await runStedi(['run', '--landing', FIXTURE, '--lake', tempDir(), '--json']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const m = JSON.parse(r.stdout);
    expect([m.status, m.tables.machine_learning_curated.rows]).toEqual(['published', 3]);
  });
});
