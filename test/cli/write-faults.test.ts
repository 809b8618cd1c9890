// A disk that refuses a write (full, over quota) ends a command with exit 2 and the file named, no
// stack trace, and the lake's lock released; /dev/full is such a disk, for real.
import { appendFileSync, closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, symlinkSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runPipeline } from '../../src/pipeline/runner';
import { LocalLakeCatalog } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { writeFaultLine } from '../../src/errors/write-fault';
import { tempDir } from '../support/tmp';
import { runStedi, STEDI_BIN } from '../support/child-run';

const FIXTURE = join(__dirname, '..', 'fixtures', 'stedi-small');
const FULL = '/dev/full';

function landingCopy(): string {
  const landing = tempDir();
  cpSync(FIXTURE, landing, { recursive: true });
  return landing;
}

describe('write faults: a full disk is named, exit 2, the lock released', () => {
  it('standard output on a full disk (`stedi run --json > file`): exit 2 naming it, the run published, no lock left', async () => {
    const lake = tempDir();
    const out = openSync(FULL, 'w');
    const child = spawn(process.execPath, [STEDI_BIN, 'run', '--landing', FIXTURE, '--lake', lake, '--json'], { stdio: ['ignore', out, 'pipe'] });
    closeSync(out);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => child.on('close', r));
    expect([code, stderr]).toEqual([2, 'stedi: cannot write the standard output: ENOSPC; free space (or redirect it elsewhere) and run again\n']);
    expect(existsSync(new LakeLayout(lake).lockFile)).toBe(false);
    expect((await new LocalLakeCatalog(new LakeLayout(lake)).runs()).map((r) => r.status)).toEqual(['published']);
  });

  it('a --report-dir copy on a full disk: exit 2 naming the copy, the run\'s own report whole', async () => {
    const lake = tempDir();
    const reportDir = tempDir();
    symlinkSync(FULL, join(reportDir, 'report.md'));
    const r = await runStedi(['run', '--landing', FIXTURE, '--lake', lake, '--report-dir', reportDir, '--no-progress']);
    expect([r.code, r.stderr]).toEqual([2, `stedi: cannot write ${join(reportDir, 'report.md')}: no space left on device (ENOSPC); free space (or point the command at another folder) and run again\n`]);
    expect(existsSync(new LakeLayout(lake).lockFile)).toBe(false);
    const [run] = await new LocalLakeCatalog(new LakeLayout(lake)).runs();
    expect(readFileSync(join(lake, 'runs', run.runId, 'report.md'), 'utf8')).toMatch(/^✅ \*\*PUBLISHED\*\*: run /);
  });

  it('a lake write on a full disk (the quarantine file): the run fails naming the file, with its lock released, and nothing crashes unhandled', async () => {
    const landing = landingCopy();
    appendFileSync(join(landing, 'customer', 'customer-1691348231425.json'), '{"customerName":\n');
    const lake = tempDir();
    const layout = new LakeLayout(lake);
    const runId = '20260101T000000000Z-abcdef';
    const quarantine = layout.quarantineFile('customer', runId);
    mkdirSync(join(quarantine, '..'), { recursive: true });
    symlinkSync(FULL, quarantine);
    await expect(runPipeline({ landing, lake, runId })).rejects.toMatchObject({ code: 'ENOSPC', path: quarantine });
    expect(existsSync(layout.lockFile)).toBe(false);
    const manifest = JSON.parse(readFileSync(join(layout.runDir(runId), 'manifest.json'), 'utf8'));
    expect([manifest.status, manifest.error]).toEqual(['failed', `ENOSPC: no space left on device, write: ${quarantine}`]);
  });

  for (const table of [{ zone: 'landing', name: 'customer_landing' }, { zone: 'trusted', name: 'customer_trusted' }] as const) {
    it(`DuckDB writing ${table.name} onto a full disk: the run fails with DuckDB's words naming the file, the lock released, exit 2's line`, async () => {
      const lake = tempDir();
      const layout = new LakeLayout(lake);
      const runId = '20260101T000000000Z-fedcba';
      const file = join(layout.tableRunDir(table.zone, table.name, runId), 'part-0.parquet');
      mkdirSync(join(file, '..'), { recursive: true });
      symlinkSync(FULL, file);
      const failed = await runPipeline({ landing: landingCopy(), lake, runId }).catch((e: Error) => e);
      expect((failed as Error).message).toBe(`IO Error: Could not write file "${file}": No space left on device`);
      expect(writeFaultLine(failed)).toBe(`IO Error: Could not write file "${file}": No space left on device; free space (or point the command at another folder) and run again`);
      expect(existsSync(layout.lockFile)).toBe(false);
      expect(JSON.parse(readFileSync(join(layout.runDir(runId), 'manifest.json'), 'utf8')).status).toBe('failed');
    });
  }
});
