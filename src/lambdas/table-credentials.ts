// S3 clients whose credentials Lake Formation vends for one Glue table, after checking the caller's
// grants on it: how a Lambda reaches zone data under Lake Formation, as Athena and the Glue jobs do.
// The credentials reach the table's location only (the registration role's session, scoped down).
import { GetTemporaryGlueTableCredentialsCommand, type LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { S3Client } from '@aws-sdk/client-s3';

/** What a caller asks Lake Formation for: read a table's data, or add data to it. */
export type TablePermission = 'SELECT' | 'INSERT';

export interface VendedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface TableCredentialsOptions {
  readonly lakeFormation: LakeFormationClient;
  readonly region: string;
  readonly accountId: string;
  /** Seconds the credentials last (900..43200, at most the registration role's session). @default 3600 */
  readonly durationSeconds?: number;
  /** Builds the S3 client. @default an S3Client of the region with the credentials */
  readonly s3For?: (credentials: VendedCredentials) => S3Client;
  /** @default Date.now */
  readonly now?: () => number;
}

export const TABLE_CREDENTIALS_DEFAULTS = {
  durationSeconds: 3600,
  /** Credentials closer than this to their expiry are asked for again. */
  refreshMarginMs: 5 * 60 * 1000,
} as const;

export class TableAccessError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TableAccessError';
  }
}

/**
 * Returns `(database, table, permission, scope)` -> an S3 client for the table's location. Clients
 * are reused until shortly before their credentials expire; `scope` keeps apart what must not be
 * shared, e.g. the runs a staging table is pointed at in turn (credentials are scoped to the
 * location the table had when they were vended).
 *
 * No SupportedPermissionTypes are sent: this engine filters no columns or rows, so Lake Formation
 * must grant the whole table (full-table access, allowed by the data lake settings) or nothing.
 */
export function tableCredentials(options: TableCredentialsOptions): (database: string, table: string, permission: TablePermission, scope: string) => Promise<S3Client> {
  const now = options.now ?? Date.now;
  const duration = options.durationSeconds ?? TABLE_CREDENTIALS_DEFAULTS.durationSeconds;
  const s3For = options.s3For ?? ((c: VendedCredentials) => new S3Client({ region: options.region, credentials: c }));
  const cache = new Map<string, { client: S3Client; expires: number }>();
  return async (database, table, permission, scope) => {
    const key = `${database}.${table} ${permission} ${scope}`;
    const hit = cache.get(key);
    if (hit && hit.expires - TABLE_CREDENTIALS_DEFAULTS.refreshMarginMs > now()) return hit.client;
    const tableArn = `arn:aws:glue:${options.region}:${options.accountId}:table/${database}/${table}`;
    let out;
    try {
      out = await options.lakeFormation.send(new GetTemporaryGlueTableCredentialsCommand({ TableArn: tableArn, Permissions: [permission], DurationSeconds: duration }));
    } catch (e) {
      throw new TableAccessError(
        `Lake Formation refused ${permission} credentials for ${database}.${table} (${(e as Error).name}: ${(e as Error).message}); check the role's grants in docs/grants/ and that the table's location is registered`,
      );
    }
    if (!out.AccessKeyId || !out.SecretAccessKey || !out.SessionToken || !out.Expiration) throw new TableAccessError(`Lake Formation returned incomplete credentials for ${database}.${table}`);
    const credentials = { accessKeyId: out.AccessKeyId, secretAccessKey: out.SecretAccessKey, sessionToken: out.SessionToken, expiration: out.Expiration };
    const client = s3For(credentials);
    cache.set(key, { client, expires: out.Expiration.getTime() });
    return client;
  };
}
