// A command loads only what it needs: at start, commander and nothing else; DuckDB, the AWS SDK,
// ajv and cdktf only once a command that uses them runs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STEDI_BIN } from '../support/child-run';
import { tempDir } from '../support/tmp';

const PRELOAD = join(__dirname, '..', 'support', 'loaded-packages.js');

/** The npm packages a `stedi` process loaded, and its exit status. */
function loadedBy(args: string[]): { status: number | null; packages: string[]; stderr: string } {
  const out = join(tempDir('stedi-loaded-'), 'packages.json');
  const r = spawnSync(process.execPath, ['--require', PRELOAD, STEDI_BIN, ...args], { encoding: 'utf8', env: { ...process.env, STEDI_LOADED_PACKAGES: out, STEDI_DEBUG_ENTRY: '1' } });
  return { status: r.status, packages: JSON.parse(readFileSync(out, 'utf8')), stderr: r.stderr };
}

describe('stedi loads each command\'s modules only when that command runs', () => {
  it.each([['--version'], ['--help'], ['run', '--help'], ['gate', '--help'], ['completion', 'bash'], ['no-such-command']])('`stedi %s` loads commander only', (...args) => {
    const r = loadedBy(args);
    expect(r.stderr.split('\n')[0]).toBe('stedi: dist/stedi.js');
    expect(r.packages).toEqual(['commander']);
  });

  it('`stedi query` on a lake that is not there loads DuckDB (the lake catalog) and says so in one line', () => {
    const r = loadedBy(['query', 'SELECT 1', '--lake', join(tempDir('stedi-nolake-'), 'lake')]);
    expect(r.status).toBe(2);
    expect(r.packages).toContain('@duckdb/node-api');
    expect(r.packages).not.toContain('@aws-sdk/client-athena');
  });
});
