// The rehearsal's stand-in for Lake Formation's credential vending, GetTemporaryGlueTableCredentials:
// what the validator Lambda calls to read landing and write validated records under Lake Formation.
// It answers as Lake Formation does where the answer follows from what the stack declares: the
// table must exist in the Glue catalog stand-in, its location must lie in a location the stack
// registers (aws_lakeformation_resource), and callers without IAM session tags (ours) get
// credentials only when the data lake settings allow full-table access for external engines. The
// credentials it vends are placeholders, each scoped, as Lake Formation scopes them, to the one
// prefix the table's location had when they were vended: the S3 stand-in refuses them anywhere
// else. What it cannot show: permission decisions (grants, LF-tags, data filters are not
// evaluated; every principal holding the account's credentials gets what it asks for).
import type { GlueCatalogStandIn } from './glue-catalog-stand-in';
import { GlueStandInError } from './glue-catalog-stand-in';
import { parseLocation } from './local-s3';

/** The Lake Formation settings and registrations of the stack that decide whether credentials are vended. */
export interface DeclaredLakeFormation {
  /** aws_lakeformation_resource: the registered locations, as S3 ARNs (`arn:aws:s3:::bucket[/prefix]`). */
  readonly registeredLocations: readonly string[];
  /** aws_lakeformation_data_lake_settings.allow_full_table_external_data_access. @default false (Lake Formation's default) */
  readonly allowFullTableExternalDataAccess: boolean;
}

/** A Lake Formation API error: its exception name and HTTP status. */
export class LakeFormationStandInError extends Error {
  constructor(
    readonly type: 'EntityNotFoundException' | 'InvalidInputException' | 'AccessDeniedException',
    message: string,
  ) {
    super(message);
    this.name = type;
  }

  get status(): number {
    return this.type === 'AccessDeniedException' ? 403 : 400;
  }
}

/** Credentials the stand-in vended, and the one prefix they reach. */
export interface VendedCredentialScope {
  readonly accessKeyId: string;
  /** `database.table` */
  readonly table: string;
  readonly permissions: readonly string[];
  readonly bucket: string;
  /** The table's location when the credentials were vended, as a key prefix ending in `/`. */
  readonly prefix: string;
  readonly expiration: number;
}

/** GetTemporaryGlueTableCredentials' valid DurationSeconds (API reference). */
export const VENDED_DURATION_SECONDS = { min: 900, max: 43200, default: 3600 } as const;

/** How vended access key ids start here, so that the S3 stand-in tells them from the account's placeholders. */
const VENDED_KEY_PREFIX = 'ASIAREHEARSALLF';

const TABLE_ARN = /^arn:aws[a-z-]*:glue:([a-z0-9-]+):(\d{12}):table\/([^/]+)\/([^/]+)$/;

export class LakeFormationStandIn {
  /** Every credential vended, in order. */
  readonly vended: VendedCredentialScope[] = [];

  constructor(
    private readonly glue: GlueCatalogStandIn,
    private readonly declared: DeclaredLakeFormation,
    private readonly region: string,
    private readonly account: string,
    private readonly now: () => number = Date.now,
  ) {}

  getTemporaryGlueTableCredentials(input: { TableArn?: string; Permissions?: string[]; DurationSeconds?: number; SupportedPermissionTypes?: string[] }): Record<string, unknown> {
    const arn = TABLE_ARN.exec(input.TableArn ?? '');
    if (!arn) throw new LakeFormationStandInError('InvalidInputException', `TableArn is not the ARN of a Glue table: ${JSON.stringify(input.TableArn)}`);
    const [, region, account, database, name] = arn;
    if (region !== this.region || account !== this.account) {
      throw new LakeFormationStandInError('EntityNotFoundException', `${input.TableArn}: the rehearsal's account is ${this.account} in ${this.region}`);
    }
    const duration = input.DurationSeconds ?? VENDED_DURATION_SECONDS.default;
    if (!Number.isInteger(duration) || duration < VENDED_DURATION_SECONDS.min || duration > VENDED_DURATION_SECONDS.max) {
      throw new LakeFormationStandInError('InvalidInputException', `DurationSeconds must be ${VENDED_DURATION_SECONDS.min}..${VENDED_DURATION_SECONDS.max} (got ${duration})`);
    }
    // Without session tags, only the full-table-access setting lets an external engine have credentials.
    if (!input.SupportedPermissionTypes?.length && !this.declared.allowFullTableExternalDataAccess) {
      throw new LakeFormationStandInError(
        'AccessDeniedException',
        'Application integration for full table access is disabled: the data lake settings do not allow external engines full table access (allow_full_table_external_data_access)',
      );
    }
    let table;
    try {
      table = this.glue.getTable(database, name);
    } catch (e) {
      if (e instanceof GlueStandInError) throw new LakeFormationStandInError('EntityNotFoundException', e.message);
      throw e;
    }
    const location = table.StorageDescriptor?.Location;
    if (!location) throw new LakeFormationStandInError('InvalidInputException', `${database}.${name} has no location`);
    const { bucket, prefix: raw } = parseLocation(location);
    const prefix = raw === '' || raw.endsWith('/') ? raw : `${raw}/`;
    if (!this.declared.registeredLocations.some((r) => within(r, bucket, prefix))) {
      throw new LakeFormationStandInError(
        'InvalidInputException',
        `the location of ${database}.${name} (${location}) is in no location registered with Lake Formation (${this.declared.registeredLocations.join(', ') || 'none'})`,
      );
    }
    const accessKeyId = `${VENDED_KEY_PREFIX}${String(this.vended.length + 1).padStart(5, '0')}`;
    const expiration = Math.floor(this.now() / 1000) + duration;
    this.vended.push({ accessKeyId, table: `${database}.${name}`, permissions: [...(input.Permissions ?? [])], bucket, prefix, expiration });
    return {
      AccessKeyId: accessKeyId,
      SecretAccessKey: 'rehearsal-placeholder-not-a-secret',
      SessionToken: `rehearsal-vended-for-${database}.${name}`,
      Expiration: expiration,
      VendedS3Path: [`s3://${bucket}/${prefix}`],
    };
  }

  /** Whether an access key id is one this stand-in vends (then only its scope may be reached with it). */
  isVended(accessKeyId: string): boolean {
    return accessKeyId.startsWith(VENDED_KEY_PREFIX);
  }

  /**
   * Why S3 refuses a request signed with vended credentials, or undefined when their scope allows
   * it: the bucket and key prefix of the table's location when they were vended, until they expire.
   */
  refusal(accessKeyId: string, bucket: string, keyOrPrefix: string): string | undefined {
    const scope = this.vended.find((v) => v.accessKeyId === accessKeyId);
    if (!scope) return `the access key ${accessKeyId} was never vended`;
    if (scope.expiration * 1000 <= this.now()) return `the credentials vended for ${scope.table} expired`;
    if (bucket !== scope.bucket || !keyOrPrefix.startsWith(scope.prefix)) {
      return `the credentials Lake Formation vended for ${scope.table} reach s3://${scope.bucket}/${scope.prefix} only, not s3://${bucket}/${keyOrPrefix}`;
    }
    return undefined;
  }
}

/** Whether `s3://bucket/prefix` lies in a registered location (`arn:aws:s3:::bucket[/path]`). */
function within(registered: string, bucket: string, prefix: string): boolean {
  const m = /^arn:aws[a-z-]*:s3:::([^/]+)(?:\/(.*))?$/.exec(registered);
  if (!m || m[1] !== bucket) return false;
  const path = m[2] ?? '';
  return path === '' || prefix.startsWith(path.endsWith('/') ? path : `${path}/`);
}
