// The workflows' shell steps, run locally with bash -e as the runner does, `npx` faked: flags, exit statuses, outputs.
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { QUALITY_TITLE } from '../../scripts/ci/pr-comment-body';
import { tempDir, writeFiles } from '../support/tmp';
import { runStep } from './run-step';
import { REPO_ROOT } from './workflow-files';

/** A checkout as the steps see it: the real scripts, config and node_modules, plus the given files. */
function checkout(files: Record<string, string> = {}): string {
  const dir = join(tempDir('stedi-checkout-'), 'head');
  mkdirSync(dir);
  for (const link of ['scripts', 'config', 'node_modules', 'package.json']) symlinkSync(join(REPO_ROOT, link), join(dir, link));
  writeFiles(dir, files);
  return dir;
}

const SHAS = { HEAD_SHA: 'a'.repeat(40), BASE_SHA: 'b'.repeat(40) };

describe('pr.yml reports: Render the comments', () => {
  const FAKE_STEDI = `case "$1 $2" in
  "stedi report") case " $* " in *" --against "*) printf '**Verdict: published**, as on the base\\n' ;; *) printf '# head report, rendered\\n' ;; esac ;;
  "stedi grants") printf "$GRANTS_OUTPUT"; exit "\${GRANTS_STATUS:-0}" ;;
esac`;

  function reportsIn(runnerTemp: string, which: string[]) {
    for (const side of which) writeFiles(join(runnerTemp, side, 'report'), { 'report.json': '{}', 'report.md': `# ${side} report\n` });
  }

  it('1. both sides reported: the delta and the grants diff, with the exact commands', async () => {
    const runnerTemp = tempDir();
    reportsIn(runnerTemp, ['head', 'base']);
    const step = await runStep('pr.yml', 'reports', 'Render the comments', {
      cwd: checkout(),
      runnerTemp,
      npx: FAKE_STEDI,
      env: { HEAD_STATUS: '0', BASE_STATUS: '0', HEAD_SYNTH: '0', BASE_SYNTH: '0', GRANTS_OUTPUT: 'No access changes.\\n', REPORTS_URL: 'https://github.com/o/r/actions/runs/1/artifacts/9', ...SHAS },
    });
    expect(step.stderr).toBe('');
    expect(step.code).toBe(0);
    expect(step.outputs).toEqual({ rendered: 'true' });
    // Markdown (the step's output is no terminal, but say so), and notices that link the reports artifact.
    const link = '--artifact-url https://github.com/o/r/actions/runs/1/artifacts/9';
    expect(step.npx).toEqual([
      `stedi report --format md ${link} --against ${runnerTemp}/base/report/report.json ${runnerTemp}/head/report/report.json`,
      `stedi report --format md ${link} ${runnerTemp}/head/report/report.json`,
      'stedi grants diff ../base/cdktf.out cdktf.out --format md',
    ]);
    const quality = readFileSync(join(runnerTemp, 'comments', 'quality.md'), 'utf8');
    expect(quality.startsWith(`${QUALITY_TITLE}\n\n**Verdict: published**, as on the base\n\n<sub>Branch \`aaaaaaa\``)).toBe(true);
    expect(readFileSync(join(runnerTemp, 'comments', 'grants.md'), 'utf8').split('\n')[0]).toBe('No access changes.');
  });

  it('2. a base without reports or synth: the branch report with a note, and no grants diff', async () => {
    const runnerTemp = tempDir();
    reportsIn(runnerTemp, ['head']);
    const step = await runStep('pr.yml', 'reports', 'Render the comments', {
      cwd: checkout(),
      runnerTemp,
      npx: FAKE_STEDI,
      env: { HEAD_STATUS: '0', BASE_STATUS: '2', HEAD_SYNTH: '0', BASE_SYNTH: '1', ...SHAS },
    });
    // No artifact link known: the notices name report.json.
    expect([step.code, step.npx]).toEqual([0, [`stedi report --format md ${runnerTemp}/head/report/report.json`]]);
    const quality = readFileSync(join(runnerTemp, 'comments', 'quality.md'), 'utf8');
    expect(quality).toContain('> No comparison: the base branch wrote no report (`stedi demo` usage or configuration error).');
    // The branch report as `stedi report` renders it from report.json, not the run's report.md.
    expect(quality).toContain('# head report, rendered\n');
    expect(readFileSync(join(runnerTemp, 'comments', 'grants.md'), 'utf8')).toMatch(/^Lake Formation access: no diff, because the base branch could not be synthesized/);
  });

  it('3. a failing grants diff is reported in the comment, and the step still renders', async () => {
    const runnerTemp = tempDir();
    reportsIn(runnerTemp, ['head', 'base']);
    const step = await runStep('pr.yml', 'reports', 'Render the comments', {
      cwd: checkout(),
      runnerTemp,
      npx: FAKE_STEDI,
      env: { HEAD_STATUS: '1', BASE_STATUS: '0', HEAD_SYNTH: '0', BASE_SYNTH: '0', GRANTS_OUTPUT: 'partial', GRANTS_STATUS: '3', ...SHAS },
    });
    expect([step.code, step.outputs.rendered]).toEqual([0, 'true']);
    expect(readFileSync(join(runnerTemp, 'comments', 'grants.md'), 'utf8')).toMatch(/^Lake Formation access: `stedi grants diff` failed \(exit 3\)/);
  });
});

describe('pr.yml reports: the pipeline runs and the final verdict', () => {
  it('the base run is skipped when the base could not install, and its status recorded otherwise', async () => {
    const skipped = await runStep('pr.yml', 'reports', 'Run the pipeline on the sample data (base)', { cwd: tempDir(), env: { INSTALL_STATUS: '1' } });
    expect([skipped.code, skipped.outputs, skipped.npx]).toEqual([0, { status: '1' }, []]);
    const ran = await runStep('pr.yml', 'reports', 'Run the pipeline on the sample data (base)', { cwd: tempDir(), env: { INSTALL_STATUS: '0' }, npx: 'exit 2' });
    expect([ran.code, ran.outputs]).toEqual([0, { status: '2' }]);
    expect(ran.npx).toEqual([`stedi demo --dir ${ran.runnerTemp}/base/demo --report-dir ${ran.runnerTemp}/base/report`]);
  });

  it('the branch blocked by a gate fails the job after everything was posted', async () => {
    const blocked = await runStep('pr.yml', 'reports', 'The branch must pass its gates on the sample data', { cwd: tempDir(), env: { HEAD_STATUS: '1' } });
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/^::error title=Quality gates::stedi demo on the branch ended with exit status 1/);
    expect((await runStep('pr.yml', 'reports', 'The branch must pass its gates on the sample data', { cwd: tempDir(), env: { HEAD_STATUS: '0' } })).code).toBe(0);
  });
});

describe('pr.yml verify: Terraform Cloud presence and the stacks to plan', () => {
  it('a missing token skips the plans with one notice; a present one is never printed', async () => {
    const missing = await runStep('pr.yml', 'verify', 'Is Terraform Cloud configured?', { cwd: tempDir(), env: { TF_API_TOKEN: '' } });
    expect([missing.code, missing.outputs]).toEqual([0, { state: 'missing' }]);
    expect(missing.stdout).toMatch(/^::notice title=Speculative plans skipped::TF_API_TOKEN is not available to this run/);
    const present = await runStep('pr.yml', 'verify', 'Is Terraform Cloud configured?', { cwd: tempDir(), env: { TF_API_TOKEN: 'tfc-secret' } });
    expect([present.code, present.outputs, present.stdout]).toEqual([0, { state: 'configured' }, '']);
  });

  const manifest = JSON.stringify({
    version: '0.21.0',
    stacks: { 'bootstrap-dev': { name: 'bootstrap-dev' }, 'stedi-dev': { name: 'stedi-dev' }, 'stedi-prod': { name: 'stedi-prod' } },
  });

  it('the plan matrix gets every deployable stack as JSON', async () => {
    const step = await runStep('pr.yml', 'verify', 'List the stacks CI plans', { cwd: checkout({ 'cdktf.out/manifest.json': manifest }) });
    expect([step.code, step.outputs]).toEqual([0, { all: '["stedi-dev","stedi-prod"]' }]);
  });

  it('deploy.yml gets them per environment, and an unclassifiable stack stops the job', async () => {
    const step = await runStep('deploy.yml', 'synth', 'List the stacks of each environment', { cwd: checkout({ 'cdktf.out/manifest.json': manifest }) });
    expect([step.code, step.outputs]).toEqual([0, { dev: '["stedi-dev"]', prod: '["stedi-prod"]' }]);
    const bad = await runStep('deploy.yml', 'synth', 'List the stacks of each environment', {
      cwd: checkout({ 'cdktf.out/manifest.json': JSON.stringify({ stacks: { tools: { name: 'tools' } } }) }),
    });
    expect(bad.code).not.toBe(0);
    expect(bad.outputs).toEqual({});
    expect(bad.stderr).toContain('stack "tools" names no environment');
  });
});

describe('plans and deploys call the pinned cdktf CLI, and a failure fails the step', () => {
  it('the speculative plan of one stack', async () => {
    const step = await runStep('pr.yml', 'plan', 'Speculative plan in Terraform Cloud', { cwd: tempDir(), env: { STACK: 'stedi-dev' }, npx: 'echo "Plan: 3 to add"' });
    expect([step.code, step.npx]).toEqual([0, ['--yes cdktf-cli@0.21.0 plan stedi-dev --skip-synth --no-color']]);
    expect(readFileSync(join(step.runnerTemp, 'plan.txt'), 'utf8')).toBe('Plan: 3 to add\n');
    const failed = await runStep('pr.yml', 'plan', 'Speculative plan in Terraform Cloud', { cwd: tempDir(), env: { STACK: 'stedi-dev' }, npx: 'echo Error >&2; exit 1' });
    expect(failed.code).toBe(1);
  });

  it.each(['dev', 'prod'])('the %s deploy passes each stack as its own argument', async (env) => {
    const step = await runStep('deploy.yml', `deploy-${env}`, `Deploy the ${env} stacks`, {
      cwd: tempDir(),
      env: { STACKS: JSON.stringify([`stedi-${env}`, `governance ${env}`]) },
      npx: 'echo applied; exit "${FAIL:-0}"',
    });
    expect(step.code).toBe(0);
    expect(step.npx).toEqual([
      `--yes cdktf-cli@0.21.0 deploy stedi-${env} governance ${env} --auto-approve --skip-synth --no-color --outputs-file ${step.runnerTemp}/outputs.json`,
    ]);
    expect(readFileSync(join(step.runnerTemp, 'deploy.txt'), 'utf8')).toBe('applied\n');
    const failed = await runStep('deploy.yml', `deploy-${env}`, `Deploy the ${env} stacks`, { cwd: tempDir(), env: { STACKS: '["x"]', FAIL: '1' }, npx: 'exit "$FAIL"' });
    expect(failed.code).toBe(1);
  });
});

describe('dev-gate.yml', () => {
  it('records the gate\'s exit status and output, then fails the job when the gate blocked', async () => {
    const gate = await runStep('dev-gate.yml', 'gate', 'Evaluate the quality rules on the dev lake', {
      cwd: tempDir(),
      npx: `echo '❌ **BLOCKED**: stedi gate on the published tables of dev'; exit 1`,
    });
    expect([gate.code, gate.outputs, gate.npx]).toEqual([0, { status: '1' }, ['stedi gate --engine athena --env dev --format md']]);
    expect(readFileSync(join(gate.runnerTemp, 'gate.md'), 'utf8')).toBe('❌ **BLOCKED**: stedi gate on the published tables of dev\n');
    const verdict = await runStep('dev-gate.yml', 'gate', 'The dev lake must pass its gates', { cwd: tempDir(), env: { STATUS: '1' } });
    expect(verdict.code).toBe(1);
    expect(verdict.stdout).toMatch(/^::error title=Dev gate::/);
  });

  it('skips with a notice when the role is not configured', async () => {
    const step = await runStep('dev-gate.yml', 'gate', 'Is the gate role configured?', { cwd: tempDir(), env: { GATE_ROLE_ARN: '', AWS_REGION: '' } });
    expect([step.code, step.outputs]).toEqual([0, { state: 'no' }]);
    expect(step.stdout).toMatch(/^::notice title=Dev gate skipped::/);
  });
});
