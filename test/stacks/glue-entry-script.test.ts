import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

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

  it('reads its arguments among the ones Glue adds, fills in the run and casts to the DDL', () => {
    const out = python(`
import json, run_transform as t
args = t.job_arguments(['run_transform.py', '--JOB_ID', 'j_1', '--run_id', 'R-1', '--table', 'customer_trusted',
  '--sql_location', 's3://a/q.sql', '--inputs', '[]', '--output_location', 's3://b/customer_trusted/run_id={run_id}/',
  '--output_columns', '[["email","STRING"],["lastUpdateDate","BIGINT"]]', '--job-bookmark-option', 'job-bookmark-disable'])
cols = json.loads(args['output_columns'])
print(json.dumps([args['JOB_ID'], args['table'], t.for_run(args['output_location'], args['run_id']), t.ddl_schema(cols), t.typed_select(cols, 'v'), t.statement('SELECT 1;\\n')]))
`);
    expect(JSON.parse(out)).toEqual([
      'j_1',
      'customer_trusted',
      's3://b/customer_trusted/run_id=R-1/',
      '`email` STRING, `lastUpdateDate` BIGINT',
      'SELECT CAST(`email` AS STRING) AS `email`, CAST(`lastUpdateDate` AS BIGINT) AS `lastUpdateDate` FROM `v`',
      'SELECT 1',
    ]);
  });

  it('stops with a message naming what to fix: a missing argument, a run id that leaves its folder, columns that differ from ddl/', () => {
    const out = python(`
import run_transform as t
for f in [lambda: t.job_arguments(['x', '--run_id', 'R']),
          lambda: t.for_run('s3://b/t/run_id={run_id}/', '../published'),
          lambda: t.check_columns(['email', 'phone'], ['email', 'customerName'], 'customer_trusted')]:
    try:
        f(); print('no error')
    except t.TransformError as e:
        print(e)
`);
    expect(out.trim().split('\n')).toEqual([
      'missing job argument(s): --table, --sql_location, --inputs, --output_location, --output_columns',
      "--run_id must be 1-64 letters, digits or '-' (got '../published')",
      'glue/sql for customer_trusted returns columns (email, phone) but ddl/ declares (email, customerName)',
    ]);
  });
});
