/** Writes the Terraform Cloud API token where terraform and cdktf read it (~/.terraform.d/credentials.tfrc.json). */

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadEnvironments } from '../../config/environments/load-environment';

/** The Terraform Cloud hosts the environment configs name (usually just `app.terraform.io`). */
export function configuredHosts(): string[] {
  return [...new Set(loadEnvironments().flatMap((config) => (config.terraformCloud ? [config.terraformCloud.hostname] : [])))];
}

export interface TerraformCredentialsFile {
  credentials: Record<string, { token: string }>;
}

export function credentialsPath(home = homedir()): string {
  return join(home, '.terraform.d', 'credentials.tfrc.json');
}

/** `existing` with `host`'s token set, other hosts' tokens kept (as `terraform login` does). */
export function withToken(existing: Partial<TerraformCredentialsFile> | undefined, host: string, token: string): TerraformCredentialsFile {
  if (!/^[A-Za-z0-9.-]+(:\d+)?$/.test(host)) throw new Error(`"${host}" is not a Terraform Cloud host name`);
  if (token.trim() === '' || /\s/.test(token)) throw new Error('the Terraform Cloud token is empty or contains whitespace');
  return { ...existing, credentials: { ...(existing?.credentials ?? {}), [host]: { token } } };
}

/** Writes the file readable by its owner only; never prints the token. */
export function writeTerraformCredentials(path: string, host: string, token: string): void {
  let existing: Partial<TerraformCredentialsFile> | undefined;
  if (existsSync(path)) {
    try {
      existing = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      existing = undefined; // an unreadable file is replaced, as terraform login would
    }
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(withToken(existing, host, token), null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * CLI: writes TF_API_TOKEN for the host the environment configs name (TF_CLOUD_HOSTNAME overrides);
 * exit 0 written, 2 when the token is missing or no environment uses Terraform Cloud.
 */
export function main(env: NodeJS.ProcessEnv, home = homedir(), hosts: () => string[] = configuredHosts): number {
  const token = env.TF_API_TOKEN ?? '';
  if (token === '') {
    console.error('TF_API_TOKEN is not set: add a Terraform Cloud team token as a GitHub secret (docs/ci.md, "GitHub secrets")');
    return 2;
  }
  try {
    const targets = env.TF_CLOUD_HOSTNAME ? [env.TF_CLOUD_HOSTNAME] : hosts();
    if (targets.length === 0) throw new Error('no environment in config/environments/ configures terraformCloud: the stacks use a local backend, so there is nothing to plan or deploy through Terraform Cloud');
    const path = credentialsPath(home);
    for (const host of targets) {
      writeTerraformCredentials(path, host, token);
      console.log(`Terraform Cloud credentials for ${host} written to ${path}`);
    }
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.env);
}
