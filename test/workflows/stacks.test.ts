// Which stacks CI plans and deploys: read from cdktf's manifest, one environment per stack, bootstrap left to an administrator.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyStacks, DEPLOY_ENVIRONMENTS, deployableStacks, main, nameWords, readManifestStacks } from '../../scripts/ci/stacks';
import { ENVIRONMENT_NAMES } from '../../config/environments/environment-config';
import { tempDir } from '../support/tmp';

const stack = (name: string, dependencies: string[] = []) => ({ name, dependencies });

function cdktfOut(stacks: Record<string, { name: string; dependencies?: string[] }>): string {
  const dir = tempDir();
  const manifest = {
    version: '0.21.0',
    stacks: Object.fromEntries(
      Object.entries(stacks).map(([key, s]) => [
        key,
        { ...s, constructPath: key, synthesizedStackPath: `stacks/${key}/cdk.tf.json`, workingDirectory: `stacks/${key}`, annotations: [] },
      ]),
    ),
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

describe('nameWords', () => {
  it('splits on separators and camel case, lower-cased', () => {
    expect(nameWords('StediDev-bootstrap_x.y')).toEqual(['stedi', 'dev', 'bootstrap', 'x', 'y']);
  });
});

describe('classifyStacks: one environment per stack, or an error', () => {
  it('1. gives each stack the environment its name spells, and marks bootstrap stacks', () => {
    expect(classifyStacks([stack('stedi-dev'), stack('stedi-bootstrap-prod'), stack('LakehouseProd')])).toEqual([
      { name: 'stedi-dev', environment: 'dev', bootstrap: false, dependencies: [] },
      { name: 'stedi-bootstrap-prod', environment: 'prod', bootstrap: true, dependencies: [] },
      { name: 'LakehouseProd', environment: 'prod', bootstrap: false, dependencies: [] },
    ]);
  });

  it('2. refuses a stack that names no environment (a word inside another does not count)', () => {
    expect(() => classifyStacks([stack('stedi-devtools')])).toThrow(
      'stack "stedi-devtools" names no environment: its name must contain exactly one of dev, prod as a word',
    );
  });

  it('3. refuses a stack that names two environments', () => {
    expect(() => classifyStacks([stack('dev-to-prod')])).toThrow('stack "dev-to-prod" names several environments (dev, prod)');
  });

  it('4. refuses a dependency across environments (shared state between accounts)', () => {
    expect(() => classifyStacks([stack('stedi-prod'), stack('stedi-dev', ['stedi-prod'])])).toThrow(
      'stack "stedi-dev" (dev) depends on "stedi-prod" (prod): environments must not share state',
    );
  });

  it('5. refuses a deployed stack that depends on a bootstrap stack CI never deploys', () => {
    expect(() => classifyStacks([stack('bootstrap-dev'), stack('stedi-dev', ['bootstrap-dev'])])).toThrow(
      'stack "stedi-dev" depends on the bootstrap stack "bootstrap-dev", which CI never deploys',
    );
  });

  it('the environments are the configured ones, in promotion order', () => {
    expect(DEPLOY_ENVIRONMENTS).toEqual(ENVIRONMENT_NAMES);
  });
});

describe('deployableStacks', () => {
  const entries = classifyStacks([stack('bootstrap-dev'), stack('stedi-dev'), stack('governance-dev'), stack('bootstrap-prod'), stack('stedi-prod')]);
  it('lists an environment\'s stacks in manifest order, without bootstrap stacks', () => {
    expect(deployableStacks(entries, 'dev')).toEqual(['stedi-dev', 'governance-dev']);
    expect(deployableStacks(entries, 'prod')).toEqual(['stedi-prod']);
    expect(deployableStacks(entries)).toEqual(['stedi-dev', 'governance-dev', 'stedi-prod']);
  });
});

describe('stacks CLI (main) over a cdktf.out folder', () => {
  let log: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('prints the JSON array the workflow feeds to its matrix and to cdktf deploy', () => {
    const out = cdktfOut({ 'stedi-dev': { name: 'stedi-dev', dependencies: [] }, 'stedi-prod': { name: 'stedi-prod' }, 'bootstrap-dev': { name: 'bootstrap-dev' } });
    expect(readManifestStacks(out)).toEqual([stack('stedi-dev'), stack('stedi-prod'), stack('bootstrap-dev')]);
    expect(main([out, '--env', 'prod'])).toBe(0);
    expect(main([out])).toBe(0);
    expect(log.mock.calls).toEqual([['["stedi-prod"]'], ['["stedi-dev","stedi-prod"]']]);
  });

  it('prints [] for an environment without stacks (the workflow then skips its job)', () => {
    expect(main([cdktfOut({ 'stedi-dev': { name: 'stedi-dev' } }), '--env', 'prod'])).toBe(0);
    expect(log).toHaveBeenCalledWith('[]');
  });

  it('exits 2 with a message for a missing manifest, an unknown environment or an unclassifiable stack', () => {
    const missing = tempDir();
    expect(main([missing])).toBe(2);
    expect(error.mock.calls[0]![0]).toMatch(new RegExp(`^${join(missing, 'manifest.json')}: cannot read the cdktf manifest .*run \`npm run synth\` first$`));
    expect(main([cdktfOut({ x: { name: 'x-dev' } }), '--env', 'staging'])).toBe(2);
    expect(error.mock.calls[1]![0]).toBe('--env staging: expected one of dev, prod');
    expect(main([cdktfOut({ tools: { name: 'tools' } })])).toBe(2);
    expect(main([])).toBe(2);
  });
});
