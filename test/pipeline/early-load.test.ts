// DuckDB loads a dataset straight from its landing files while the lines are checked; that table
// stands only when every line was kept as it arrived. Here lines the acceptor leaves to ajv (an
// exponent, a negative zero that DuckDB alone would read as itself) make the run load the valid records.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { loadThreads, runPipeline } from '../../src/pipeline/runner';
import { queryLake } from '../support/lake';
import { tempDir } from '../support/tmp';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');

it('a dataset with a line not kept as it arrived is loaded from what validation made of it', async () => {
  const landing = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  // Only these lines, all valid: nothing else would send the dataset to the valid records.
  rmSync(join(landing, 'accelerometer'), { recursive: true });
  mkdirSync(join(landing, 'accelerometer'));
  writeFileSync(
    join(landing, 'accelerometer', 'late.json'),
    [
      // An integer written with an exponent: valid, but not a line the acceptor takes.
      '{"user":"Santosh.Clayton@test.com","timestamp":1.655564999001e12,"x":1,"y":2,"z":3}',
      // The projection writes 0 and 100; DuckDB reads -0.0 as itself.
      '{"user":"Santosh.Clayton@test.com","timestamp":1655564999002,"x":-0.0,"y":1e2,"z":3}',
      '{"user":"Santosh.Clayton@test.com","timestamp":1655564999003,"x":1,"y":2,"z":3}',
    ].join('\n') + '\n',
  );
  const lake = tempDir();
  const m = await runPipeline({ landing, lake });
  expect([m.datasets.accelerometer.read, m.datasets.accelerometer.valid, m.datasets.accelerometer.blankLines]).toEqual([3, 3, 0]);
  expect(m.tables.accelerometer_landing.rows).toBe(3);
  // So few readings may fail a gate: the run's tables are then staged, not published.
  const schema = m.status === 'published' ? 'landing' : 'staging';
  const rows = await queryLake(lake, `SELECT timestamp, CAST(x AS VARCHAR) AS x, CAST(y AS VARCHAR) AS y FROM ${schema}.accelerometer_landing ORDER BY timestamp`);
  expect(rows).toEqual([
    { timestamp: 1655564999001, x: '1.0', y: '2.0' },
    { timestamp: 1655564999002, x: '0.0', y: '100.0' },
    { timestamp: 1655564999003, x: '1.0', y: '2.0' },
  ]);
});

describe("DuckDB's threads while records are checked", () => {
  it('are the cores the check leaves, at least one', () => {
    expect([1, 2, 4, 8].map((cores) => loadThreads(cores, 0))).toEqual([1, 1, 3, 7]);
    expect([1, 2, 4, 8].map((cores) => loadThreads(cores, 2))).toEqual([1, 1, 2, 6]);
  });

  it('are all of DuckDB\'s own again once validation is over', async () => {
    const fresh = await DuckDbEngine.open();
    const own = (await fresh.query(`SELECT current_setting('threads') AS n`)).rows[0].n;
    await fresh.close();
    const seen: unknown[] = [];
    await runPipeline({
      landing: FIXTURE,
      lake: tempDir(),
      audit: async ({ engine }) => {
        seen.push((await engine.query(`SELECT current_setting('threads') AS n`)).rows[0].n);
        return { passed: true, problems: [] };
      },
    });
    expect(seen).toEqual([own, own]);
  });
});
