import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { RUN_ID_PARAMETER } from '../../src/catalog/run-layout';

const SCRIPT = resolve(__dirname, '../../glue/jobs/run_transform.py');

/** Runs Python code with the entry script importable (its pyspark imports are inside functions). */
function python(code: string): string {
  return execFileSync('python3', ['-B', '-c', code], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', PYTHONPATH: join(SCRIPT, '..') } });
}

describe('the Glue entry script (glue/jobs/run_transform.py)', () => {
  it('compiles with Python\'s compiler', () => {
    const cfile = join(mkdtempSync(join(tmpdir(), 'stedi-pyc-')), 'run_transform.pyc');
    expect(() => python(`import py_compile; py_compile.compile(${JSON.stringify(SCRIPT)}, cfile=${JSON.stringify(cfile)}, doraise=True)`)).not.toThrow();
  });

  it('reads its arguments among the ones Glue adds, projects each input onto its DDL and casts the result to the DDL', () => {
    const out = python(`
import json, run_transform as t
args = t.job_arguments(['run_transform.py', '--JOB_ID', 'j_1', '--run_id', 'R-1', '--table', 'customer_trusted',
  '--sql_location', 's3://a/q.sql', '--inputs', '[]', '--output_table', '{"database": "stedi_dev_staging", "table": "customer_trusted"}',
  '--output_columns', '[["email","STRING"],["lastUpdateDate","BIGINT"]]', '--job-bookmark-option', 'job-bookmark-disable'])
cols = json.loads(args['output_columns'])
print(json.dumps([args['JOB_ID'], args['table'], t.check_run_id(args['run_id']), json.loads(args['output_table']), t.typed_select(cols, 'v'),
  t.input_select(['EMAIL', 'other'], cols, 'raw'), t.statement('SELECT 1;\\n')]))
`);
    expect(JSON.parse(out)).toEqual([
      'j_1',
      'customer_trusted',
      'R-1',
      { database: 'stedi_dev_staging', table: 'customer_trusted' },
      'SELECT CAST(`email` AS STRING) AS `email`, CAST(`lastUpdateDate` AS BIGINT) AS `lastUpdateDate` FROM `v`',
      // A column the input lacks (an empty table has none) is NULL of its DDL type; the data's spelling is matched case-insensitively.
      'SELECT CAST(`EMAIL` AS STRING) AS `email`, CAST(NULL AS BIGINT) AS `lastUpdateDate` FROM `raw`',
      'SELECT 1',
    ]);
  });

  it('reads and writes through catalog tables only, never through S3 paths (Lake Formation full-table access)', () => {
    const source = readFileSync(SCRIPT, 'utf8');
    expect(source).toContain('create_dynamic_frame.from_catalog(database=source["database"], table_name=source["table"])');
    expect(source).toContain('.write.insertInto(target, overwrite=True)');
    // No path reads or writes of data: the only spark.read is of the SQL asset, in the artifacts bucket.
    expect(source.match(/spark\.read\.\w+\(/g)).toEqual(['spark.read.text(']);
    expect(source).not.toMatch(/\.(parquet|json)\(|\.save\(|output_location/);
  });

  it('stops with a message naming what to fix: a missing argument, a run id that leaves its folder, a staging table of another run, columns that differ from ddl/', () => {
    const out = python(`
import run_transform as t
for f in [lambda: t.job_arguments(['x', '--run_id', 'R']),
          lambda: t.check_run_id('../published'),
          lambda: t.check_staged('stedi_dev_staging.customer_trusted', {'stedi_run_id': 'R-0'}, 'R-1'),
          lambda: t.check_staged('stedi_dev_staging.customer_trusted', None, 'R-1'),
          lambda: t.check_columns(['email', 'phone'], ['email', 'customerName'], 'customer_trusted')]:
    try:
        f(); print('no error')
    except t.TransformError as e:
        print(e)
print(t.check_staged('stedi_dev_staging.customer_trusted', {'stedi_run_id': 'R-1'}, 'R-1'))
`);
    expect(out.trim().split('\n')).toEqual([
      'missing job argument(s): --table, --sql_location, --inputs, --output_table, --output_columns',
      "--run_id must be 1-64 letters, digits or '-' (got '../published')",
      "staging table stedi_dev_staging.customer_trusted points at run R-0, not this run R-1; the state machine's Stage step points it (stacks/orchestration/pipeline-definition.ts)",
      "staging table stedi_dev_staging.customer_trusted points at run (none), not this run R-1; the state machine's Stage step points it (stacks/orchestration/pipeline-definition.ts)",
      'glue/sql for customer_trusted returns columns (email, phone) but ddl/ declares (email, customerName)',
      'None',
    ]);
  });

  it('names the run parameter the Stage step sets (src/catalog/run-layout.ts)', () => {
    expect(python('import run_transform as t; print(t.RUN_ID_PARAMETER)').trim()).toBe(RUN_ID_PARAMETER);
  });
});
