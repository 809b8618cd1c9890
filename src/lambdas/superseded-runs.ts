// Marks the run folders a publish (or rollback) left behind so that lifecycle may delete them: every
// run folder of a built table but the live run's and its rollback target's, and their publish
// records. Marking is an object tag (EXPIRY_TAG); S3 lifecycle deletes tagged objects once older
// than the retention days. Nothing is deleted here, and the live run and rollback target are never
// marked, so no age can take a table's files away.
import { ListObjectsV2Command, PutObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { EXPIRY_TAG, PUBLISH_RECORD, RUN_FOLDER_PREFIX, RUN_RECORDS_PREFIX, VALIDATION_RESULTS_PREFIX, runRecordKey, tableFolder, type RunBuckets } from '../catalog/run-layout';

export interface RetiredRuns {
  /** The run folders marked, as `s3://bucket/<table>/run_id=<id>/`. */
  readonly folders: readonly string[];
  /** Objects tagged (the folders' files and the publish records). */
  readonly objects: number;
  /** The runs whose publish records were marked. */
  readonly records: readonly string[];
}

export interface RetireOptions {
  readonly s3: S3Client;
  readonly buckets: RunBuckets;
  readonly artifactsBucket: string;
  /** The built tables (trusted and curated): their run folders are what publish supersedes. */
  readonly tables: readonly { readonly name: string; readonly zone: string }[];
}

async function* listAll(s3: S3Client, bucket: string, prefix: string, delimiter?: string): AsyncGenerator<{ keys: string[]; prefixes: string[] }> {
  let token: string | undefined;
  do {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ...(delimiter ? { Delimiter: delimiter } : {}), ...(token ? { ContinuationToken: token } : {}) }));
    yield { keys: (out.Contents ?? []).map((c) => c.Key!), prefixes: (out.CommonPrefixes ?? []).map((p) => p.Prefix!) };
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
}

const tag = (s3: S3Client, bucket: string, key: string) => s3.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: key, Tagging: { TagSet: [{ Key: EXPIRY_TAG.key, Value: EXPIRY_TAG.value }] } }));

/** The run id of a folder prefix `<table folder>run_id=<id>/`, or undefined for anything else (e.g. `unpublished/`). */
function runOfFolder(prefix: string, tableFolderPrefix: string): string | undefined {
  const m = new RegExp(`^${tableFolderPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${RUN_FOLDER_PREFIX}([^/]+)/$`).exec(prefix);
  return m?.[1];
}

/** Tags every run folder of the built tables, and every publish record, of a run not in `keep`. */
export async function retireSupersededRuns(options: RetireOptions, keep: ReadonlySet<string>): Promise<RetiredRuns> {
  const { s3 } = options;
  const folders: string[] = [];
  const records: string[] = [];
  let objects = 0;
  for (const t of options.tables) {
    const home = tableFolder(t);
    const bucket = options.buckets[home.bucket];
    for await (const page of listAll(s3, bucket, home.prefix, '/')) {
      for (const folder of page.prefixes) {
        const run = runOfFolder(folder, home.prefix);
        if (run === undefined || keep.has(run)) continue;
        folders.push(`s3://${bucket}/${folder}`);
        for await (const files of listAll(s3, bucket, folder)) {
          for (const key of files.keys) {
            await tag(s3, bucket, key);
            objects++;
          }
        }
      }
    }
  }
  for await (const page of listAll(s3, options.artifactsBucket, RUN_RECORDS_PREFIX, '/')) {
    for (const prefix of page.prefixes) {
      const run = prefix.slice(RUN_RECORDS_PREFIX.length, -1);
      if (keep.has(run) || prefix === `${VALIDATION_RESULTS_PREFIX}/`) continue;
      try {
        await tag(s3, options.artifactsBucket, runRecordKey(run, PUBLISH_RECORD));
        records.push(run);
        objects++;
      } catch (e) {
        // A run that never reached publish (blocked, failed) has gate reports, which expire anyway, but no record.
        if ((e as { name?: string }).name !== 'NoSuchKey') throw e;
      }
    }
  }
  return { folders, objects, records };
}
