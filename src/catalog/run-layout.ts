// Where a run's data lives in S3: the contract between the stacks (IAM prefixes, Glue job
// arguments, table locations), the Lambdas that write and publish, and the state machine.

/** The table location prefix of a run-scoped folder; a run never writes outside its own folder. */
export const RUN_FOLDER_PREFIX = 'run_id=';

/** Valid landing records of a run, projected onto the DDL's columns (in the trusted bucket). */
export const VALIDATED_PREFIX = 'validated/';

/** Run records (validation results, gate reports, publish records), in the artifacts bucket. */
export const RUN_RECORDS_PREFIX = 'runs/';

/** Deployment artifacts (Glue script, SQL), in the artifacts bucket. */
export const GLUE_ASSETS_PREFIX = 'glue/';

/**
 * The object tag that lets lifecycle delete an object once it is older than the retention days
 * (config retention.runFolderDays). Run folders never expire by age alone: a live table or a
 * rollback target may be older than any retention. Publish puts the tag on the run folders it
 * supersedes (every run folder but the live run's and its rollback target's) and on their publish
 * records; the gate writes its reports with it.
 */
export const EXPIRY_TAG = { key: 'stedi-lifecycle', value: 'superseded' } as const;

/** The tag as S3's x-amz-tagging header (PutObject Tagging) spells it. */
export const EXPIRY_TAGGING = `${EXPIRY_TAG.key}=${EXPIRY_TAG.value}`;

/** Where the validator Maps write their results, in the artifacts bucket (read by the trusted gate, then expired by age). */
export const VALIDATION_RESULTS_PREFIX = `${RUN_RECORDS_PREFIX}validation`;

/** Glue Spark's temporary files, in the artifacts bucket. */
export const GLUE_TEMP_PREFIX = 'glue-temp/';

/** The Glue table parameter that names the run a table's location belongs to. */
export const RUN_ID_PARAMETER = 'stedi_run_id';

export function runFolder(runId: string): string {
  return `${RUN_FOLDER_PREFIX}${runId}/`;
}

/** Key prefix (in its zone bucket) of a trusted or curated table: `<table>/`. */
export function tablePrefix(table: string): string {
  return `${table}/`;
}

/** Key prefix (in the trusted bucket) of a landing table's validated records: `validated/<table>/`. */
export function validatedPrefix(landingTable: string): string {
  return `${VALIDATED_PREFIX}${landingTable}/`;
}

/** Key prefix (in the landing bucket) where producers deliver a dataset's files: `<dataset>/`. */
export function landingPrefix(dataset: string): string {
  return `${dataset}/`;
}

/** Key prefix (in the quarantine bucket) of a dataset's quarantined records: `<dataset>/`. */
export function quarantinePrefix(dataset: string): string {
  return `${dataset}/`;
}

/** `runs/<id>/publish.json`: what a publish changed, the record a rollback reads. */
export const PUBLISH_RECORD = 'publish.json';

export function runRecordKey(runId: string, name: string): string {
  return `${RUN_RECORDS_PREFIX}${runId}/${name}`;
}

/** Run ids the state machine makes: UTC start time to the millisecond, then 8 hex digits. */
export const AWS_RUN_ID_PATTERN = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/;

/** Rejects a run id that could escape its folder (the id is spliced into S3 keys). */
export function checkRunId(runId: unknown): string {
  if (typeof runId !== 'string' || !/^[0-9A-Za-z-]{1,64}$/.test(runId)) {
    throw new Error(`runId must be 1-64 letters, digits or "-" (got ${JSON.stringify(runId)})`);
  }
  return runId;
}

export function s3Uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}

/** The buckets run-scoped table data lives in. */
export interface RunBuckets {
  readonly trusted: string;
  readonly curated: string;
}

/**
 * The run-scoped location of a table: landing tables at their validated records (trusted bucket),
 * trusted and curated tables at `<table>/run_id=<id>/` of their zone's bucket.
 */
export function tableRunLocation(table: { readonly name: string; readonly zone: string }, runId: string, buckets: RunBuckets): string {
  switch (table.zone) {
    case 'landing':
      return s3Uri(buckets.trusted, `${validatedPrefix(table.name)}${runFolder(runId)}`);
    case 'trusted':
      return s3Uri(buckets.trusted, `${tablePrefix(table.name)}${runFolder(runId)}`);
    case 'curated':
      return s3Uri(buckets.curated, `${tablePrefix(table.name)}${runFolder(runId)}`);
    default:
      throw new Error(`table ${table.name} has no run-scoped location (zone ${table.zone})`);
  }
}
