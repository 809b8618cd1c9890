// A landing table that DuckDB fails to load (no input the contract accepts does that any more, see
// contract-loads.test.ts; this is the runner's own bug path) ends the run as failed: the error goes
// to the caller, the manifest and reports say why, the lock is released, and no promise is left to
// reject unhandled while the next dataset is validated (which used to kill the process, exit 1).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { tempDir } from '../support/tmp';

const SCRIPT = join(__dirname, '..', 'support', 'failing-load-run.ts');

describe('a landing table that fails to load', () => {
  it('fails the run with its error, writes the manifest and reports, releases the lock, leaves no rejection unhandled', () => {
    const lake = tempDir();
    const out = execFileSync(process.execPath, ['--import', 'tsx', SCRIPT, lake], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    expect(out.trim().split('\n')).toEqual(['rejected: Invalid Input Error: injected load failure']);
    const layout = new LakeLayout(lake);
    expect(existsSync(layout.lockFile)).toBe(false);
    const [runId] = readdirSync(layout.runsDir);
    const manifest = JSON.parse(readFileSync(join(layout.runDir(runId), 'manifest.json'), 'utf8'));
    expect([manifest.status, manifest.error]).toEqual(['failed', 'Invalid Input Error: injected load failure']);
    expect(existsSync(join(layout.runDir(runId), 'report.json'))).toBe(true);
  });
});
