// The only ways a workload role may reach zone data (landing, trusted, curated and their staging)
// through IAM instead of Lake Formation, each with its reason: where no Lake Formation engine can do
// the work, and held to the narrowest actions and keys. Everything else reaches zone data through
// Lake Formation (Athena, Glue full-table access, vended table credentials) or not at all; the
// WorkloadDataThroughLakeFormation check fails any other IAM statement that touches a zone location.
import type { GovernedZone } from './vocabulary';

/** What an IAM path touches: object contents, object and folder names, or object tags. */
export type ZoneDataUse = 'content' | 'names' | 'tags';

export interface IamPathRule {
  /** The role's purpose (`stedi-<env>-lake-<purpose>`). */
  readonly role: string;
  /** The statement's Sid. */
  readonly statement: string;
  readonly zones: readonly GovernedZone[];
  /** Exactly these actions. */
  readonly actions: readonly string[];
  /** Each resource's key part (after `bucket/`; `''` for the bucket itself) must match. */
  readonly keys: RegExp;
  readonly use: ZoneDataUse;
  readonly reason: string;
}

export const IAM_PATHS: readonly IamPathRule[] = [
  {
    role: 'ingestion',
    statement: 'DropBatchFiles',
    zones: ['landing'],
    actions: ['s3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:PutObject'],
    keys: /^[a-z][a-z0-9_]*\/\*$/,
    use: 'content',
    reason: "producers (website export, app backend) upload their files to S3 themselves: no Lake Formation engine writes for them. Write only, their datasets' folders only; landing's bucket policy refuses every other writer and every delete",
  },
  {
    role: 'delivery',
    statement: 'DeliverStreamedFiles',
    zones: ['landing'],
    actions: ['s3:AbortMultipartUpload', 's3:PutObject'],
    keys: /^(_errors\/)?[a-z][a-z0-9_]*\/\*$/,
    use: 'content',
    reason: "Firehose writes the stream's files to S3 itself (not a Lake Formation engine). Write only, the streamed datasets' folders and their _errors/ folders",
  },
  {
    role: 'delivery',
    statement: 'FindLandingBucket',
    zones: ['landing'],
    actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
    keys: /^$/,
    use: 'names',
    reason: "Firehose's documented delivery permissions on the bucket: its location and names, no object",
  },
  {
    role: 'orchestrator',
    statement: 'ListLandingObjects',
    zones: ['landing'],
    actions: ['s3:ListBucket'],
    keys: /^$/,
    use: 'names',
    reason: "the Distributed Maps' ItemReader lists the object names of each dataset folder (Step Functions is not a Lake Formation engine; the role's s3:prefix condition holds it to the dataset folders); the validator reads the objects through Lake Formation",
  },
  {
    role: 'publish',
    statement: 'ListRunFoldersTrusted',
    zones: ['trusted', 'staging'],
    actions: ['s3:ListBucket'],
    keys: /^$/,
    use: 'names',
    reason: 'the names of the built tables\' run folders, to mark the superseded ones for lifecycle (the s3:prefix condition holds it to those folders)',
  },
  {
    role: 'publish',
    statement: 'ListRunFoldersCurated',
    zones: ['curated', 'staging'],
    actions: ['s3:ListBucket'],
    keys: /^$/,
    use: 'names',
    reason: 'as in trusted: run folder names, to mark the superseded ones',
  },
  {
    role: 'publish',
    statement: 'MarkSupersededRunFolders',
    zones: ['trusted', 'curated', 'staging'],
    actions: ['s3:PutObjectTagging'],
    keys: /^[a-z][a-z0-9_]*\/run_id=\*$/,
    use: 'tags',
    reason: 'a tag on the objects of superseded run folders, which lifecycle then deletes (S3 lifecycle can only filter on tags and prefixes); never their content',
  },
];

/** S3 actions on names and tags; every other S3 action touches content. */
export const NAME_ACTIONS = ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads', 's3:ListBucketVersions'] as const;
export const TAG_ACTIONS = ['s3:GetObjectTagging', 's3:PutObjectTagging'] as const;

export function useOf(actions: readonly string[]): ZoneDataUse {
  const lower = actions.map((a) => a.toLowerCase());
  if (lower.every((a) => (NAME_ACTIONS as readonly string[]).some((n) => n.toLowerCase() === a))) return 'names';
  if (lower.every((a) => (TAG_ACTIONS as readonly string[]).some((n) => n.toLowerCase() === a))) return 'tags';
  return 'content';
}
