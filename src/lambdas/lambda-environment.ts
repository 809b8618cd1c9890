// Reads the environment variables the stacks give each pipeline Lambda, with a message naming the missing one.

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new Error(`environment variable ${name} is not set; the stack that deploys this Lambda sets it (stacks/orchestration)`);
  }
  return value;
}

/** The variable names, shared with the stacks so that both sides spell them the same. */
export const LAMBDA_ENV = {
  trustedBucket: 'STEDI_TRUSTED_BUCKET',
  curatedBucket: 'STEDI_CURATED_BUCKET',
  quarantineBucket: 'STEDI_QUARANTINE_BUCKET',
  artifactsBucket: 'STEDI_ARTIFACTS_BUCKET',
  /** JSON object: zone (landing, trusted, curated, staging) -> Glue database name. */
  databases: 'STEDI_DATABASES',
  workgroup: 'STEDI_ATHENA_WORKGROUP',
  accountId: 'STEDI_ACCOUNT_ID',
} as const;
