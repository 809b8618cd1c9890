// What the workflows promise, read from the parsed YAML: least privilege, pinned actions, no AWS keys, prod behind approval.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENT_NAMES } from '../../config/environments/environment-config';
import { allSteps, environmentOf, type Job, needsOf, REPO_ROOT, workflow, workflowFiles } from './workflow-files';

const files = workflowFiles();
const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const runOf = (job: Job) => (job.steps ?? []).map((s) => s.run ?? '').join('\n');

describe('the workflow files', () => {
  it('are the three the setup guide describes', () => {
    expect(files.map((f) => f.file)).toEqual(['deploy.yml', 'dev-gate.yml', 'pr.yml']);
  });
});

describe('permissions: least privilege per job', () => {
  it('1. every workflow grants nothing by default', () => {
    for (const { file, workflow: w } of files) expect([file, w.permissions]).toEqual([file, {}]);
  });

  it('2. every job says what it needs, and reads contents at most', () => {
    for (const { file, workflow: w } of files) {
      for (const [name, job] of Object.entries(w.jobs)) {
        expect([file, name, typeof job.permissions]).toEqual([file, name, 'object']);
        expect([file, name, (job.permissions as Record<string, string>).contents]).toEqual([file, name, 'read']);
      }
    }
  });

  it('3. write access exactly where it is used: the PR comment job, and OIDC for the dev gate', () => {
    const writes = files.flatMap(({ file, workflow: w }) =>
      Object.entries(w.jobs).flatMap(([name, job]) =>
        Object.entries(job.permissions as Record<string, string>)
          .filter(([, level]) => level === 'write')
          .map(([scope]) => `${file} ${name} ${scope}`),
      ),
    );
    expect(writes.sort()).toEqual(['deploy.yml gate-dev id-token', 'dev-gate.yml gate id-token', 'pr.yml comment pull-requests']);
  });
});

describe('credentials', () => {
  it('1. no static AWS key anywhere in .github', () => {
    for (const { file, text } of files) {
      expect([file, text]).not.toEqual([file, expect.stringMatching(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|aws-access-key-id|aws-secret-access-key/i)]);
    }
  });

  it('2. the Terraform Cloud token is only in the env of the steps that use it, never of a job or workflow', () => {
    for (const { file, workflow: w } of files) {
      expect(JSON.stringify(w.env ?? {})).not.toContain('secrets.');
      for (const job of Object.values(w.jobs)) expect([file, JSON.stringify(job.env ?? {})]).not.toEqual([file, expect.stringContaining('secrets.')]);
    }
    const users = allSteps(files)
      .filter(({ step }) => JSON.stringify(step).includes('secrets.TF_API_TOKEN'))
      .map(({ file, job, step }) => [file, job, step.name, Object.keys(step.env ?? {})]);
    expect(users).toEqual([
      ['deploy.yml', 'deploy-dev', 'Terraform Cloud credentials', ['TF_API_TOKEN']],
      ['deploy.yml', 'deploy-prod', 'Terraform Cloud credentials', ['TF_API_TOKEN']],
      ['pr.yml', 'verify', 'Is Terraform Cloud configured?', ['TF_API_TOKEN']],
      ['pr.yml', 'plan', 'Terraform Cloud credentials', ['TF_API_TOKEN']],
    ]);
  });

  it('3. checkouts do not leave the GITHUB_TOKEN in .git/config', () => {
    const checkouts = allSteps(files).filter(({ step }) => step.uses?.startsWith('actions/checkout@'));
    expect(checkouts.length).toBeGreaterThan(0);
    for (const { file, job, step } of checkouts) expect([file, job, step.with?.['persist-credentials']]).toEqual([file, job, false]);
  });

  it('4. credentials are written after npm ci, so no install script runs beside them', () => {
    for (const { file, workflow: w } of files) {
      for (const [name, job] of Object.entries(w.jobs)) {
        const steps = job.steps ?? [];
        const install = steps.findIndex((s) => s.run?.includes('npm ci'));
        const credentials = steps.findIndex((s) => s.run?.includes('terraform-credentials.ts') || s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
        if (credentials !== -1) expect([file, name, install !== -1 && install < credentials]).toEqual([file, name, true]);
      }
    }
  });
});

describe('actions are pinned', () => {
  const remote = allSteps(files).filter(({ step }) => step.uses && !step.uses.startsWith('./'));

  it('1. by full commit SHA, with the tag it was taken from in a comment', () => {
    for (const { file, step } of remote) {
      expect([file, step.uses]).toEqual([file, expect.stringMatching(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/)]);
      const line = files.find((f) => f.file === file)!.text.split('\n').find((l) => l.includes(`uses: ${step.uses}`));
      expect([file, line]).toEqual([file, expect.stringMatching(/@[0-9a-f]{40} # v\d+(\.\d+)*$/)]);
    }
  });

  it('2. each action to one SHA across all workflows', () => {
    const shas = new Map<string, Set<string>>();
    for (const { step } of remote) {
      const [action, sha] = step.uses!.split('@') as [string, string];
      shas.set(action, (shas.get(action) ?? new Set()).add(sha));
    }
    for (const [action, set] of shas) expect([action, set.size]).toEqual([action, 1]);
  });

  it('3. the cdktf CLI at the version of the cdktf library, Node at 22 with the npm cache', () => {
    for (const { file, workflow: w, text } of files) {
      if (text.includes('cdktf-cli@')) {
        expect([file, w.env?.CDKTF_CLI_VERSION]).toEqual([file, packageJson.dependencies.cdktf]);
        expect(text.match(/cdktf-cli@\S+/g)!.every((m) => m.startsWith('cdktf-cli@$CDKTF_CLI_VERSION'))).toBe(true);
      }
    }
    expect(packageJson.dependencies.cdktf).toMatch(/^\d+\.\d+\.\d+$/);
    for (const { file, job, step } of allSteps(files).filter(({ step }) => step.uses?.startsWith('actions/setup-node@'))) {
      if (file === 'pr.yml' && job === 'supported-node') continue;
      expect([file, job, step.with?.['node-version']]).toEqual([file, job, 22]);
    }
    for (const { file, workflow: w } of files) {
      for (const [name, job] of Object.entries(w.jobs)) {
        if (!runOf(job).includes('npm ci')) continue;
        const setup = job.steps!.find((s) => s.uses?.startsWith('actions/setup-node@'));
        expect([file, name, setup?.with?.cache]).toEqual([file, name, 'npm']);
      }
    }
  });
});

describe('Node versions', () => {
  // The lines package.json supports; Node 20 (end of life 2026-04-30) still works, and .ci/run tests it.
  const supported = (packageJson.engines.node as string).split('||').map((r) => Number(/\^(\d+)\./.exec(r.trim())![1]));
  const pr = workflow('pr.yml');

  it('package.json supports Node 22 and 24 (and still runs on 20)', () => {
    expect(supported).toEqual([20, 22, 24]);
  });

  it('pull requests run the tests on every supported line past 20: verify on 22, the matrix on the others', () => {
    const verifyNode = pr.jobs.verify!.steps!.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with!['node-version'];
    const matrix = pr.jobs['supported-node']!.strategy!.matrix!.node as number[];
    expect([verifyNode, ...matrix].sort()).toEqual(supported.filter((v) => v > 20));
    expect(pr.jobs['supported-node']!.steps!.find((s) => s.uses?.startsWith('actions/setup-node@'))!.with!['node-version']).toBe('${{ matrix.node }}');
    expect(runOf(pr.jobs['supported-node']!)).toContain('npx jest --ci');
  });

  it('.ci/run tests on this machine\'s Node and again on a pinned Node 22 from the npm registry', () => {
    const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
    const [, version] = /node-from-registry\.sh (22\.\d+\.\d+)/.exec(ci)!;
    expect(ci.indexOf('npm test')).toBeLessThan(ci.lastIndexOf('PATH="$node22:$PATH" npm test'));
    expect(readFileSync(join(REPO_ROOT, 'scripts', 'ci', 'node-from-registry.sh'), 'utf8')).toMatch(new RegExp(`\\[x64@${version.replace(/\./g, '\\.')}\\]=sha512-`));
  });
});

describe('scripts take data through env, never through ${{ }} inside run', () => {
  it('no run script contains an expression (no injection from branch names, titles or outputs)', () => {
    for (const { file, job, step } of allSteps(files)) {
      if (step.run) expect([file, job, step.name, step.run.includes('${{')]).toEqual([file, job, step.name, false]);
    }
  });

  it('every CI script and npm script a workflow calls exists', () => {
    const text = files.map((f) => f.text).join('\n');
    const scripts = [...new Set(text.match(/scripts\/ci\/[\w-]+\.ts/g))];
    expect(scripts.length).toBeGreaterThan(3);
    for (const script of scripts) expect([script, existsSync(join(REPO_ROOT, script))]).toEqual([script, true]);
    for (const [, name] of text.matchAll(/npm run (\w+)/g)) expect(Object.keys(packageJson.scripts)).toContain(name);
  });

  it('every job has a timeout', () => {
    for (const { file, workflow: w } of files) {
      for (const [name, job] of Object.entries(w.jobs)) if (!job.uses) expect([file, name, typeof job['timeout-minutes']]).toEqual([file, name, 'number']);
    }
  });
});

describe('pr.yml', () => {
  const pr = workflow('pr.yml');

  it('runs on pull_request only (never pull_request_target, which would hand a fork a write token)', () => {
    expect(Object.keys(pr.on)).toEqual(['pull_request']);
  });

  it('cancels the run of a superseded push', () => {
    expect(pr.concurrency).toEqual({ group: 'pr-${{ github.event.pull_request.number }}', 'cancel-in-progress': true });
  });

  it('installs, type-checks, tests and synthesizes, in that order', () => {
    const runs = pr.jobs.verify!.steps!.map((s) => s.run ?? '');
    const at = (command: string) => runs.findIndex((r) => r.startsWith(command));
    const order = ['npm ci', 'npm run typecheck', 'npx jest', 'npm run synth'].map(at);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('runs the pipeline on the sample data for the branch and for the base checked out beside it', () => {
    const reports = pr.jobs.reports!;
    const checkouts = reports.steps!.filter((s) => s.uses?.startsWith('actions/checkout@')).map((s) => [s.with?.path, s.with?.ref]);
    expect(checkouts).toEqual([
      ['head', undefined],
      ['base', '${{ github.event.pull_request.base.sha }}'],
    ]);
    const run = runOf(reports);
    expect(run.match(/npx stedi demo --dir \S+ --report-dir \S+/g)).toHaveLength(2);
    expect(run).toContain('npx stedi report --format md "${link[@]}" --against "$base_report/report.json" "$head_report/report.json"');
    expect(run).toContain('npx stedi grants diff ../base/cdktf.out cdktf.out --format md');
    expect(run).toContain('scripts/ci/job-summary.ts');
  });

  it('posts the two sticky comments from a job that runs no code of the branch but the scripts, and not for forks', () => {
    const comment = pr.jobs.comment!;
    expect(comment.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(needsOf(comment)).toEqual(['reports']);
    expect(comment.steps!.find((s) => s.uses?.startsWith('actions/checkout@'))!.with!['sparse-checkout']).toBe('/scripts/ci/\n/package.json\n');
    const run = runOf(comment);
    expect(run).not.toContain('npm ci');
    expect(run).toContain('sticky-comment.ts --marker stedi-report ');
    expect(run).toContain('sticky-comment.ts --marker stedi-grants-diff ');
    expect(run).toContain('--skip-create-when-first-line "No access changes."');
  });

  it('the comment job\'s sparse checkout holds everything its script imports (node built-ins and scripts/ci only)', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(join(REPO_ROOT, file), 'utf8');
      for (const [, specifier] of source.matchAll(/^import[^'"]*['"]([^'"]+)['"]/gm)) {
        if (specifier!.startsWith('node:')) continue;
        expect([file, specifier]).toEqual([file, expect.stringMatching(/^\.\/[\w-]+$/)]);
        visit(`scripts/ci/${specifier!.slice(2)}.ts`);
      }
    };
    for (const [, script] of runOf(pr.jobs.comment!).matchAll(/(scripts\/ci\/[\w-]+\.ts)/g)) visit(script!);
    expect([...seen].sort()).toEqual(['scripts/ci/github-rest.ts', 'scripts/ci/markdown-limits.ts', 'scripts/ci/sticky-comment.ts', 'scripts/ci/workflow-commands.ts']);
  });

  it('plans each stack in Terraform Cloud only when the token is there, and says so when it is not', () => {
    const verify = pr.jobs.verify!;
    const check = verify.steps!.find((s) => s.id === 'terraform-cloud')!;
    expect(check.env).toEqual({ TF_API_TOKEN: '${{ secrets.TF_API_TOKEN }}' });
    expect(check.run).toContain('if [ -n "$TF_API_TOKEN" ]; then');
    expect(check.run).toContain('echo "state=configured"');
    expect(check.run).toContain('::notice title=Speculative plans skipped::');
    expect(verify.outputs!['terraform-cloud']).toBe('${{ steps.terraform-cloud.outputs.state }}');

    const plan = pr.jobs.plan!;
    expect(plan.if).toContain("needs.verify.outputs.terraform-cloud == 'configured'");
    expect(plan.strategy!.matrix!.stack).toBe('${{ fromJSON(needs.verify.outputs.stacks) }}');
    expect(runOf(plan)).toContain('npx --yes "cdktf-cli@$CDKTF_CLI_VERSION" plan "$STACK" --skip-synth');
  });
});

describe('deploy.yml', () => {
  const deploy = workflow('deploy.yml');

  it('runs on pushes to main (and by hand), one at a time, never cancelled halfway', () => {
    expect(deploy.on).toEqual({ push: { branches: ['main'] }, workflow_dispatch: null });
    expect(deploy.concurrency!['cancel-in-progress']).toBe(false);
  });

  it('deploys dev, then prod only through the protected prod environment after dev', () => {
    const dev = deploy.jobs['deploy-dev']!;
    const prod = deploy.jobs['deploy-prod']!;
    expect(environmentOf(dev)).toBe('dev');
    expect(environmentOf(prod)).toBe('prod');
    expect(needsOf(prod)).toContain('deploy-dev');
    expect(runOf(dev)).toMatch(/npx --yes "cdktf-cli@\$CDKTF_CLI_VERSION" deploy "\$\{stacks\[@\]\}" --auto-approve --skip-synth/);
    expect(runOf(prod)).toMatch(/npx --yes "cdktf-cli@\$CDKTF_CLI_VERSION" deploy "\$\{stacks\[@\]\}" --auto-approve --skip-synth/);
    expect(dev.steps!.find((s) => s.name === 'Deploy the dev stacks')!.env).toEqual({ STACKS: '${{ needs.synth.outputs.dev }}' });
    expect(prod.steps!.find((s) => s.name === 'Deploy the prod stacks')!.env).toEqual({ STACKS: '${{ needs.synth.outputs.prod }}' });
  });

  it('no other job anywhere touches the prod environment, and every environment is a configured one', () => {
    const environments = files.flatMap(({ file, workflow: w }) =>
      Object.entries(w.jobs).flatMap(([name, job]) => (environmentOf(job) ? [`${file} ${name} ${environmentOf(job)}`] : [])),
    );
    expect(environments.filter((e) => e.endsWith(' prod'))).toEqual(['deploy.yml deploy-prod prod']);
    for (const e of environments) expect(ENVIRONMENT_NAMES).toContain(e.split(' ')[2]);
  });

  it('deploys the files the tests passed: one synth, handed to both environments', () => {
    expect(runOf(deploy.jobs.synth!)).toContain('npm test');
    for (const job of ['deploy-dev', 'deploy-prod']) {
      expect(needsOf(deploy.jobs[job]!)).toContain(job === 'deploy-dev' ? 'synth' : 'deploy-dev');
      expect(deploy.jobs[job]!.steps!.some((s) => s.uses?.startsWith('actions/download-artifact@') && s.with?.name === 'cdktf-out')).toBe(true);
    }
  });
});

describe('dev-gate.yml', () => {
  const gate = workflow('dev-gate.yml');

  it('assumes its role through GitHub OIDC in the dev environment and runs the gate on Athena', () => {
    const job = gate.jobs.gate!;
    expect(environmentOf(job)).toBe('dev');
    expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const aws = job.steps!.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))!;
    expect(Object.keys(aws.with!).sort()).toEqual(['aws-region', 'role-duration-seconds', 'role-session-name', 'role-to-assume']);
    // Markdown with masked failing rows for the (public) job summary, never the raw JSON.
    expect(runOf(job)).toContain('npx stedi gate --engine athena --env dev --format md');
    expect(runOf(job)).not.toContain('--json');
  });

  it('is called by the deploy workflow after the dev deploy', () => {
    const caller = workflow('deploy.yml').jobs['gate-dev']!;
    expect(caller.uses).toBe('./.github/workflows/dev-gate.yml');
    expect(needsOf(caller)).toEqual(['deploy-dev']);
    expect(Object.keys(gate.on).sort()).toEqual(['workflow_call', 'workflow_dispatch']);
  });
});

describe('.github/CODEOWNERS', () => {
  const rules = readFileSync(join(REPO_ROOT, '.github', 'CODEOWNERS'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(/\s+/))
    .map(([pattern, ...owners]) => ({ pattern: pattern!, owners }));
  /** The owners GitHub asks for a path: the last rule whose folder pattern contains it. */
  const ownersOf = (path: string) => [...rules].reverse().find((r) => `/${path}`.startsWith(r.pattern))?.owners;

  it('every rule names at least one owner, as @org/team or @user', () => {
    for (const rule of rules) {
      expect(rule.owners.length).toBeGreaterThan(0);
      for (const owner of rule.owners) expect(owner).toMatch(/^@[\w-]+(\/[\w-]+)?$/);
    }
  });

  it('the security team owns the grants documents, the governance stack and this file', () => {
    for (const path of ['docs/grants/dev.md', 'docs/grants/prod.md', 'stacks/governance/grants.ts', '.github/CODEOWNERS']) {
      expect([path, ownersOf(path)]).toEqual([path, expect.arrayContaining(['@stedi/security'])]);
    }
  });
});
