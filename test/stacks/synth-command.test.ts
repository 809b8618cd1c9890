// `npm run synth` end to end: bin/synth.js with no AWS or Terraform Cloud credentials writes every
// stack and passes the security checks.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GOVERNANCE_CHECKS } from '../../stacks/checks/governance-checks';

const ROOT = resolve(__dirname, '..', '..');

describe('npm run synth (bin/synth.js)', () => {
  it('writes a bootstrap and a lakehouse stack per account without credentials, and reports the checks', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'stedi-synth-cli-'));
    // Only PATH and HOME: no AWS_*, no TF_TOKEN_*, no Terraform Cloud credentials.
    const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'synth.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: mkdtempSync(join(tmpdir(), 'stedi-home-')), CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stderr.trim().split('\n').slice(-2)).toEqual([
      'security checks: 22 compliant, 0 non-compliant, 0 not applicable (stacks/checks/security-checks.ts)',
      // Every Lake Formation check on each of the two lakehouse stacks.
      `governance checks: ${GOVERNANCE_CHECKS.length * 2} compliant, 0 non-compliant, 0 not applicable in 2 stacks (stacks/checks/governance-checks.ts)`,
    ]);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(['stedi-dev-bootstrap', 'stedi-dev-lakehouse', 'stedi-prod-bootstrap', 'stedi-prod-lakehouse']);
    for (const s of Object.values(manifest.stacks) as { synthesizedStackPath: string }[]) expect(existsSync(join(outdir, s.synthesizedStackPath))).toBe(true);
  });
});
