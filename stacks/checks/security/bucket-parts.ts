// Groups each S3 bucket of a stack with the resources that configure it (versioning, encryption,
// public access block, ownership, logging, lifecycle, policy), found by their `bucket` reference.
import { resources, UnresolvableReference, type Resource, type SynthesizedStack } from '../terraform-json';

export interface BucketParts {
  readonly bucket: Resource;
  readonly name: string;
  readonly versioning?: Resource;
  readonly encryption?: Resource;
  readonly publicAccessBlock?: Resource;
  readonly ownership?: Resource;
  readonly logging?: Resource;
  readonly lifecycle?: Resource;
  readonly policy?: Resource;
}

const PART_TYPES = {
  versioning: 'aws_s3_bucket_versioning',
  encryption: 'aws_s3_bucket_server_side_encryption_configuration',
  publicAccessBlock: 'aws_s3_bucket_public_access_block',
  ownership: 'aws_s3_bucket_ownership_controls',
  logging: 'aws_s3_bucket_logging',
  lifecycle: 'aws_s3_bucket_lifecycle_configuration',
  policy: 'aws_s3_bucket_policy',
} as const;

export function bucketParts(stack: SynthesizedStack): BucketParts[] {
  return resources(stack, 'aws_s3_bucket').map((bucket) => {
    // A bucket named only at apply (bucket_prefix) cannot be matched to its parts or to the
    // environment's names: the checks fail on it rather than compare against "undefined".
    if (typeof bucket.body.bucket !== 'string') throw new UnresolvableReference(stack.name, `${bucket.address}.bucket (no bucket written)`);
    const refs = [`\${aws_s3_bucket.${bucket.name}.id}`, `\${aws_s3_bucket.${bucket.name}.bucket}`, String(bucket.body.bucket)];
    const parts: Record<string, Resource | undefined> = {};
    for (const [key, type] of Object.entries(PART_TYPES)) {
      parts[key] = resources(stack, type).find((r) => refs.includes(String(r.body.bucket)));
    }
    return { bucket, name: String(bucket.body.bucket), ...parts } as BucketParts;
  });
}

/** Buckets that receive another bucket's server access logs. */
export function logTargets(stack: SynthesizedStack): Set<string> {
  const targets = new Set<string>();
  for (const r of resources(stack, 'aws_s3_bucket_logging')) {
    const t = String(r.body.target_bucket);
    const m = /^\$\{aws_s3_bucket\.([^.]+)\.(id|bucket)\}$/.exec(t);
    targets.add(m ? String(stack.json.resource?.aws_s3_bucket?.[m[1]]?.bucket) : t);
  }
  return targets;
}
