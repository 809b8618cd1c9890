// The Terraform Cloud token lands where terraform and cdktf read it, readable by its owner only, never printed.
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { dev } from '../../config/environments/dev';
import { configuredHosts, credentialsPath, main, withToken, writeTerraformCredentials } from '../../scripts/ci/terraform-credentials';
import { tempDir } from '../support/tmp';

describe('withToken', () => {
  it('sets the host\'s token and keeps other hosts\' tokens', () => {
    expect(withToken({ credentials: { 'tfe.example.test': { token: 'a' } } }, 'app.terraform.io', 'b')).toEqual({
      credentials: { 'tfe.example.test': { token: 'a' }, 'app.terraform.io': { token: 'b' } },
    });
  });

  it('refuses an empty or multi-line token and a host name that is not one', () => {
    expect(() => withToken(undefined, 'app.terraform.io', '')).toThrow('empty or contains whitespace');
    expect(() => withToken(undefined, 'app.terraform.io', 'abc\ndef')).toThrow('empty or contains whitespace');
    expect(() => withToken(undefined, 'https://app.terraform.io', 'x')).toThrow('is not a Terraform Cloud host name');
  });
});

describe('writeTerraformCredentials', () => {
  it('writes ~/.terraform.d/credentials.tfrc.json with mode 0600, merging an existing file', () => {
    const home = tempDir();
    const path = credentialsPath(home);
    expect(path).toBe(join(home, '.terraform.d', 'credentials.tfrc.json'));
    mkdirSync(join(home, '.terraform.d'));
    writeFileSync(path, JSON.stringify({ credentials: { 'tfe.example.test': { token: 'other' } } }), { mode: 0o644 });
    writeTerraformCredentials(path, 'app.terraform.io', 'tok.en');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      credentials: { 'tfe.example.test': { token: 'other' }, 'app.terraform.io': { token: 'tok.en' } },
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('terraform-credentials CLI (main)', () => {
  let log: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('takes the host from the environment configs', () => {
    expect(configuredHosts()).toEqual([dev.terraformCloud.hostname]);
  });

  it('writes the token for the configured host (or TF_CLOUD_HOSTNAME) and never prints it', () => {
    const home = tempDir();
    expect(main({ TF_API_TOKEN: 'secret-token-value' }, home, () => ['app.terraform.io'])).toBe(0);
    expect(main({ TF_API_TOKEN: 'secret-token-value', TF_CLOUD_HOSTNAME: 'tfe.example.test' }, home)).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(credentialsPath(home), 'utf8')).credentials)).toEqual(['app.terraform.io', 'tfe.example.test']);
    const printed = [...log.mock.calls, ...error.mock.calls].flat().join('\n');
    expect(printed).toContain('Terraform Cloud credentials for app.terraform.io written to');
    expect(printed).not.toContain('secret-token-value');
  });

  it('exits 2 when no environment uses Terraform Cloud', () => {
    expect(main({ TF_API_TOKEN: 'x' }, tempDir(), () => [])).toBe(2);
    expect(error.mock.calls[0]![0]).toMatch(/^no environment in config\/environments\/ configures terraformCloud/);
  });

  it('exits 2 pointing at the setup guide when the secret is missing', () => {
    expect(main({}, tempDir())).toBe(2);
    expect(error).toHaveBeenCalledWith('TF_API_TOKEN is not set: add a Terraform Cloud team token as a GitHub secret (docs/ci.md, "GitHub secrets")');
  });
});
