// Where a run's data lives in S3: the contract between the stacks (IAM prefixes, the Glue
// catalog's table locations), the Lambdas that write and publish, and the state machine; and the
// one rule for a table's run folder (tableRunFolder) that the local lake follows too (lake-layout.ts).

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

const RUN_FOLDER_NAME = new RegExp(`^${RUN_FOLDER_PREFIX}(.+)$`);
const RUN_FOLDER_IN_TEXT = new RegExp(`${RUN_FOLDER_PREFIX}([^/'"\\s]+)`, 'g');

/** The run id a run folder's name (`run_id=<id>`) names; undefined for any other name. */
export function runIdOfFolder(name: string): string | undefined {
  return RUN_FOLDER_NAME.exec(name)?.[1];
}

/** The run ids of every run folder a path or a statement names (`.../run_id=<id>/...`). */
export function runIdsNamedIn(text: string): string[] {
  return [...text.matchAll(RUN_FOLDER_IN_TEXT)].map((m) => m[1]);
}

/** Key prefix of a table below its zone's root: `<table>/` (tableFolder gives the whole prefix in S3). */
export function tablePrefix(table: string): string {
  return `${table}/`;
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

/** A table as the layout needs it: its name and zone. */
export interface TableRef {
  readonly name: string;
  readonly zone: string;
}

/**
 * A table's run folder below the root of its zone's storage, the same in both lakes:
 * `<table>/run_id=<id>/` (the local lake's zone root is `data/<zone>/`, the AWS lake's is given by
 * tableFolder). Every run writes only its own folder, so a run never touches what another published.
 */
export function tableRunFolder(table: string, runId: string): string {
  return `${tablePrefix(table)}${runFolder(runId)}`;
}

/** Where a zone keeps its tables in S3: the bucket and the key prefix its table folders sit under. */
function zoneRoot(table: TableRef): { readonly bucket: keyof RunBuckets; readonly prefix: string } {
  switch (table.zone) {
    case 'landing':
      return { bucket: 'trusted', prefix: VALIDATED_PREFIX };
    case 'trusted':
    case 'curated':
      return { bucket: table.zone, prefix: '' };
    default:
      throw new Error(`table ${table.name} has no run-scoped location (zone ${table.zone})`);
  }
}

/**
 * The folder of a table in S3, which holds its run folders and the folder it points at before its
 * first publish: landing tables at their validated records (`validated/<table>/`, trusted bucket),
 * trusted and curated tables at `<table>/` of their zone's bucket.
 */
export function tableFolder(table: TableRef): { readonly bucket: keyof RunBuckets; readonly prefix: string } {
  const root = zoneRoot(table);
  return { bucket: root.bucket, prefix: `${root.prefix}${tablePrefix(table.name)}` };
}

/** The key prefix of a table's run folder in its bucket (tableFolder's bucket). */
export function tableRunKey(table: TableRef, runId: string): string {
  return `${zoneRoot(table).prefix}${tableRunFolder(table.name, runId)}`;
}

/** The run-scoped location of a table, as Glue and Athena take it. */
export function tableRunLocation(table: TableRef, runId: string, buckets: RunBuckets): string {
  return s3Uri(buckets[tableFolder(table).bucket], tableRunKey(table, runId));
}
