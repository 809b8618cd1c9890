// Registers S3 locations with Lake Formation through our own role, with hybrid access off.
import type { Construct } from 'constructs';
import { Token, type ITerraformDependable } from 'cdktf';
import { LakeformationResource } from '@cdktf/provider-aws/lib/lakeformation-resource';
import type { ZoneBucket, ZoneLocation } from './lake-governance-props';

const normalPrefix = (prefix: string | undefined) => (prefix ?? '').replace(/^\/+|\/+$/g, '');

/** `arn:aws:s3:::bucket` or `arn:aws:s3:::bucket/prefix`. */
export function s3LocationArn(bucketArn: string, prefix?: string): string {
  const p = normalPrefix(prefix);
  return p === '' ? bucketArn : `${bucketArn}/${p}`;
}

/** One location of a zone: its ARN and a key that compares equal for equal locations. */
export interface KeyedLocation<Z extends string> {
  readonly zone: Z;
  readonly arn: string;
  readonly key: string;
}

/**
 * The zone locations with a comparable key each. The bucket's ARN is read once per bucket object,
 * so all locations in one bucket are built from the same token; the key names the bucket by object
 * (or by literal ARN) and the prefix, so `staging/` in the curated bucket is seen to lie inside it.
 */
export class ZoneLocations<Z extends string> {
  private readonly arnOf = new Map<ZoneBucket, { arn: string; key: string }>();
  readonly all: readonly KeyedLocation<Z>[];

  constructor(locations: Readonly<Record<Z, ZoneLocation | readonly ZoneLocation[]>>, zones: readonly Z[]) {
    const all: KeyedLocation<Z>[] = [];
    for (const zone of zones) {
      const value = locations[zone];
      for (const loc of 'bucket' in value ? [value as ZoneLocation] : (value as readonly ZoneLocation[])) {
        let b = this.arnOf.get(loc.bucket);
        if (!b) {
          const arn = loc.bucket.arn;
          b = { arn, key: Token.isUnresolved(arn) ? `bucket#${this.arnOf.size}` : arn };
          this.arnOf.set(loc.bucket, b);
        }
        const p = normalPrefix(loc.prefix);
        const key = p === '' ? b.key : `${b.key}/${p}`;
        if (!all.some((x) => x.zone === zone && x.key === key)) all.push({ zone, arn: s3LocationArn(b.arn, p), key });
      }
    }
    this.all = all;
  }

  of(zone: Z): KeyedLocation<Z>[] {
    return this.all.filter((l) => l.zone === zone);
  }

  private roots(): string[] {
    const keys = [...new Set(this.all.map((v) => v.key))];
    return keys.filter((k) => !keys.some((o) => o !== k && keyWithin(k, o)));
  }

  /** The locations to register: each distinct one once, minus those inside another; named by the zones it is the location of. */
  registrations(): { arn: string; key: string; zones: Z[] }[] {
    return this.roots().map((root) => {
      const owners = this.all.filter((v) => v.key === root);
      return { arn: owners[0].arn, key: root, zones: [...new Set(owners.map((o) => o.zone))] };
    });
  }

  /** The key of the registration covering a location. */
  registrationOf(key: string): string {
    return this.roots().find((r) => keyWithin(key, r))!;
  }
}

function keyWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}

export interface RegisterS3LocationOptions {
  readonly arn: string;
  /** The custom role Lake Formation assumes to read and write the location. */
  readonly roleArn: string;
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Registers a location with a custom role, never the service-linked role (AWS Lake Formation
 * best practices: a role of our own can be scoped to the lake's buckets and keys, and audited),
 * and with hybrid access mode off, so IAM permissions alone never reach the data.
 * `use_service_linked_role` and `hybrid_access_enabled` are set explicitly rather than left to the
 * provider's defaults, so the synthesized Terraform states them for the reviewer and the tests.
 */
export function registerS3Location(scope: Construct, id: string, options: RegisterS3LocationOptions): LakeformationResource {
  return new LakeformationResource(scope, id, {
    arn: options.arn,
    roleArn: options.roleArn,
    useServiceLinkedRole: false,
    hybridAccessEnabled: false,
    ...(options.dependsOn ? { dependsOn: options.dependsOn } : {}),
  });
}
