// Publish Lambda: moves every trusted and curated Glue table of the lakehouse to the run's
// locations, or none of them. Glue has no multi-table transaction, so the previous locations are
// recorded in S3 before anything moves, each update is locked to the version that was read, and a
// failure part-way moves the already-switched tables back. The same record drives a rollback.
// Once the tables have moved, the run folders left behind are marked for lifecycle
// (superseded-runs.ts): all but the live run's and its rollback target's.
import { GlueClient } from '@aws-sdk/client-glue';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { pointTable, readTable, type TableState } from './glue-table-location';
import { embeddedCatalog, tableOf, type LambdaCatalog } from './lambda-catalog';
import { LAMBDA_ENV, requireEnv } from './lambda-environment';
import { checkRunId, PUBLISH_RECORD, RUN_FOLDER_PREFIX, runRecordKey, s3Uri, tableRunLocation, type RunBuckets } from '../catalog/run-layout';
import { retireSupersededRuns, type RetiredRuns } from './superseded-runs';

export interface PublishEvent {
  readonly runId: string;
  /** `rollback` moves the tables a published run switched back to where they were before it. @default 'publish' */
  readonly action?: 'publish' | 'rollback';
}

export interface PublishedTable {
  readonly table: string;
  readonly database: string;
  readonly location: string;
  readonly previousLocation: string;
  readonly previousRunId?: string;
}

export type PublishStatus = 'publishing' | 'published' | 'rolled-back' | 'rollback-failed' | 'rolled-back-by-operator';

/** `runs/<id>/publish.json`: what a publish changed, written before the first table moves. */
export interface PublishRecord {
  readonly runId: string;
  status: PublishStatus;
  readonly tables: readonly PublishedTable[];
  error?: string;
}

export interface PublishOutcome {
  readonly runId: string;
  readonly status: PublishStatus;
  readonly tables: readonly PublishedTable[];
  readonly record: string;
  /** The run folders marked for lifecycle once the tables moved. */
  readonly retired?: RetiredRuns;
  /** Why marking failed: the tables moved all the same; nothing is deleted until a later publish marks. */
  readonly retireError?: string;
}

export interface PublisherOptions {
  readonly glue: GlueClient;
  readonly s3: S3Client;
  readonly catalog: LambdaCatalog;
  readonly buckets: RunBuckets;
  readonly artifactsBucket: string;
  /** Zone -> Glue database of the published tables. */
  readonly databases: Readonly<Record<string, string>>;
}

export { PUBLISH_RECORD };

export class PublishError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PublishError';
  }
}

/** The run id of a run-scoped location (`s3://bucket/<table>/run_id=<id>/`), if it is one. */
function runOfLocation(location: string | undefined): string | undefined {
  const i = location?.lastIndexOf(`/${RUN_FOLDER_PREFIX}`) ?? -1;
  return i < 0 ? undefined : location!.slice(i + 1 + RUN_FOLDER_PREFIX.length).replace(/\/$/, '') || undefined;
}

export function createPublisher(options: PublisherOptions): (event: PublishEvent) => Promise<PublishOutcome> {
  const { glue, s3, catalog } = options;
  const recordKey = (runId: string) => runRecordKey(runId, PUBLISH_RECORD);
  const save = async (record: PublishRecord) => {
    await s3.send(
      new PutObjectCommand({
        Bucket: options.artifactsBucket,
        Key: recordKey(record.runId),
        Body: JSON.stringify(record, null, 2),
        ContentType: 'application/json',
      }),
    );
  };
  const databaseOf = (zone: string) => {
    const db = options.databases[zone];
    if (!db) throw new PublishError(`no Glue database configured for zone ${zone} (${LAMBDA_ENV.databases})`);
    return db;
  };

  /** Moves each table to its target; on a failure, moves the moved ones back and says what happened. */
  const switchAll = async (moves: { from: TableState; to: string; toRunId: string | undefined }[]) => {
    const done: (typeof moves)[number][] = [];
    for (const m of moves) {
      try {
        await pointTable(glue, m.from, m.to, m.toRunId, m.from.versionId);
        done.push(m);
      } catch (e) {
        const cause = `${m.from.database}.${m.from.table}: ${(e as Error).message}`;
        const stuck: string[] = [];
        for (const d of done.reverse()) {
          try {
            await pointTable(glue, d.from, d.from.location, d.from.runId);
          } catch (undo) {
            stuck.push(`${d.from.database}.${d.from.table} (${(undo as Error).message})`);
          }
        }
        return { failed: cause, stuck };
      }
    }
    return undefined;
  };

  const builtTables = () => [...catalog.built.trusted, ...catalog.built.curated].map((name) => tableOf(catalog, name));
  /**
   * The runs the tables were at before: the run id Glue's parameters recorded, and the run folder the
   * location names (a table whose parameter was dropped, by hand or by an apply, still points at a
   * run's files, which must not be marked).
   */
  const runsOf = (tables: readonly { previousRunId?: string; previousLocation?: string }[]) =>
    [...new Set(tables.flatMap((t) => [t.previousRunId, runOfLocation(t.previousLocation)]).filter((r): r is string => r !== undefined))];

  /** Marks what the move left behind; a failure here is reported, never undoes the move. */
  const retire = async (keep: Iterable<string>): Promise<Pick<PublishOutcome, 'retired' | 'retireError'>> => {
    try {
      return { retired: await retireSupersededRuns({ s3, buckets: options.buckets, artifactsBucket: options.artifactsBucket, tables: builtTables() }, new Set(keep)) };
    } catch (e) {
      return { retireError: `could not mark superseded run folders (${(e as Error).message}); they stay until a later publish marks them` };
    }
  };

  /**
   * The runs a run's publish record moved tables away from: its rollback targets (none when it has
   * no record). A record that exists but cannot be read throws: taking it for "no targets" would
   * mark the targets for deletion.
   */
  const rollbackTargetsOf = async (runId: string): Promise<string[]> => {
    let text: string;
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: options.artifactsBucket, Key: recordKey(runId) }));
      text = await out.Body!.transformToString('utf8');
    } catch (e) {
      if ((e as Error).name === 'NoSuchKey') return [];
      throw e;
    }
    try {
      return runsOf((JSON.parse(text) as PublishRecord).tables);
    } catch (e) {
      throw new PublishError(`the publish record ${s3Uri(options.artifactsBucket, recordKey(runId))} is damaged (${(e as Error).message})`);
    }
  };

  const publish = async (runId: string): Promise<PublishOutcome> => {
    const tables = builtTables();
    const before = await Promise.all(tables.map((t) => readTable(glue, databaseOf(t.zone), t.name)));
    const record: PublishRecord = {
      runId,
      status: 'publishing',
      tables: tables.map((t, i) => ({
        table: t.name,
        database: before[i].database,
        location: tableRunLocation(t, runId, options.buckets),
        previousLocation: before[i].location,
        ...(before[i].runId ? { previousRunId: before[i].runId } : {}),
      })),
    };
    await save(record);
    const failure = await switchAll(
      record.tables.map((t, i) => ({ from: before[i], to: t.location, toRunId: runId })),
    );
    if (failure) {
      record.status = failure.stuck.length ? 'rollback-failed' : 'rolled-back';
      record.error = `publish failed at ${failure.failed}` + (failure.stuck.length ? `; could not move back ${failure.stuck.join(', ')}` : '');
      await save(record);
      throw new PublishError(
        `run ${runId} was not published: ${record.error}. ` +
          (failure.stuck.length
            ? `Point the listed tables back to the previousLocation in ${s3Uri(options.artifactsBucket, recordKey(runId))}.`
            : 'Every table is back where it was; rerun the pipeline.'),
      );
    }
    record.status = 'published';
    await save(record);
    // Live: this run. Rollback target: the runs the tables were at before it.
    const retired = await retire([runId, ...runsOf(record.tables)]);
    return { runId, status: record.status, tables: record.tables, record: s3Uri(options.artifactsBucket, recordKey(runId)), ...retired };
  };

  const rollback = async (runId: string): Promise<PublishOutcome> => {
    let record: PublishRecord;
    try {
      const out = await s3.send(new GetObjectCommand({ Bucket: options.artifactsBucket, Key: recordKey(runId) }));
      record = JSON.parse(await out.Body!.transformToString('utf8')) as PublishRecord;
    } catch (e) {
      throw new PublishError(`no publish record for run ${runId} at ${s3Uri(options.artifactsBucket, recordKey(runId))}: ${(e as Error).message}`);
    }
    if (record.status !== 'published') throw new PublishError(`run ${runId} is ${record.status}, not published; nothing to roll back`);
    const current = await Promise.all(record.tables.map((t) => readTable(glue, t.database, t.table)));
    const moved = current.filter((c, i) => c.location !== record.tables[i].location);
    if (moved.length) {
      throw new PublishError(
        `cannot roll back run ${runId}: ${moved.map((m) => `${m.database}.${m.table} is at run ${m.runId ?? '(none)'}`).join(', ')}; roll back the later run first`,
      );
    }
    const failure = await switchAll(
      record.tables.map((t, i) => ({ from: current[i], to: t.previousLocation, toRunId: t.previousRunId })),
    );
    if (failure) {
      throw new PublishError(`rollback of run ${runId} failed at ${failure.failed}` + (failure.stuck.length ? `; tables left at the run: ${failure.stuck.join(', ')}` : '; no table moved'));
    }
    record.status = 'rolled-back-by-operator';
    await save(record);
    // Live again: the runs it rolled back to; kept as their rollback target: the runs those replaced.
    // The rolled-back run itself is superseded now.
    const live = runsOf(record.tables);
    let targets: string[];
    try {
      targets = (await Promise.all([...new Set(live)].map((r) => rollbackTargetsOf(r)))).flat();
    } catch (e) {
      // Without the live runs' rollback targets nothing can tell what is superseded: nothing is marked.
      const retireError = `could not read the rollback targets of run ${[...new Set(live)].join(', ')} (${(e as Error).message}); no run folder was marked`;
      return { runId, status: record.status, tables: record.tables, record: s3Uri(options.artifactsBucket, recordKey(runId)), retireError };
    }
    const retired = await retire([...live, ...targets]);
    return { runId, status: record.status, tables: record.tables, record: s3Uri(options.artifactsBucket, recordKey(runId)), ...retired };
  };

  return async (event) => {
    const runId = checkRunId(event.runId);
    return event.action === 'rollback' ? rollback(runId) : publish(runId);
  };
}

let handle: ((event: PublishEvent) => Promise<PublishOutcome>) | undefined;

export async function handler(event: PublishEvent): Promise<PublishOutcome> {
  handle ??= createPublisher({
    glue: new GlueClient({}),
    s3: new S3Client({}),
    catalog: embeddedCatalog(),
    buckets: { trusted: requireEnv(LAMBDA_ENV.trustedBucket), curated: requireEnv(LAMBDA_ENV.curatedBucket) },
    artifactsBucket: requireEnv(LAMBDA_ENV.artifactsBucket),
    databases: JSON.parse(requireEnv(LAMBDA_ENV.databases)) as Record<string, string>,
  });
  return handle(event);
}
