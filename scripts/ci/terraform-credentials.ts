/** Writes the Terraform Cloud API token where terraform and cdktf read it (~/.terraform.d/credentials.tfrc.json). */

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export const DEFAULT_TERRAFORM_CLOUD_HOST = 'app.terraform.io';

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

/** CLI: reads TF_API_TOKEN (and TF_CLOUD_HOSTNAME); exit 0 written, 2 when the token is missing. */
export function main(env: NodeJS.ProcessEnv, home = homedir()): number {
  const token = env.TF_API_TOKEN ?? '';
  const host = env.TF_CLOUD_HOSTNAME || DEFAULT_TERRAFORM_CLOUD_HOST;
  if (token === '') {
    console.error('TF_API_TOKEN is not set: add a Terraform Cloud team token as a GitHub secret (docs/ci.md, "GitHub secrets")');
    return 2;
  }
  try {
    const path = credentialsPath(home);
    writeTerraformCredentials(path, host, token);
    console.log(`Terraform Cloud credentials for ${host} written to ${path}`);
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
}

if (require.main === module) {
  process.exitCode = main(process.env);
}
