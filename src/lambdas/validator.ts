// Validator Lambda: checks one landing object line by line against its dataset's record contract
// (the same BatchValidator and ajv RecordContract the local runner uses). Valid records, projected
// onto the DDL's columns, go to the run's validated folder; invalid ones to the run's quarantine
// folder with file, line and reasons. Nothing is dropped: read = valid + quarantined.
// Lake Formation decides what it reads and writes of the zones: it reads a landing object with
// credentials vended for the dataset's landing table (SELECT) and writes the valid records with
// credentials vended for that table's staging copy (INSERT), which the run's Stage step pointed at
// the run's validated folder. Quarantine is not a Lake Formation table: it writes there with its role.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { LakeFormationClient } from '@aws-sdk/client-lakeformation';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BatchValidator, unreadableRecord, type QuarantineRecord } from '../pipeline/record-batch';
import { DEFAULT_MAX_LINE_BYTES, gunzipSource, isGzip, lineBatches } from '../pipeline/line-reader';
import { isRecordFile, RECORD_FILE_ENDINGS } from '../pipeline/landing-files';
import { reasonKey } from '../pipeline/validate';
import { embeddedCatalog, type LambdaCatalog } from './lambda-catalog';
import { LAMBDA_ENV, requireEnv } from './lambda-environment';
import { checkRunId, quarantinePrefix, runFolder, s3Uri, tableRunKey } from '../catalog/run-layout';
import { tableCredentials } from './table-credentials';

/** One item of the Distributed Map: a landing object and the run it belongs to. */
export interface ValidateObjectEvent {
  readonly bucket: string;
  readonly key: string;
  readonly runId: string;
}

export interface ValidateObjectResult {
  readonly key: string;
  /** The dataset the object belongs to (its first folder), or null when it is outside every dataset. */
  readonly dataset: string | null;
  /** `ignored`: not a record file of a known dataset (reported, never read). */
  readonly status: 'validated' | 'ignored';
  readonly reason?: string;
  readonly bytes: number;
  /** Non-blank lines: read = valid + quarantined. */
  readonly read: number;
  /** Bytes of those lines (decompressed, without line ends). */
  readonly recordBytes: number;
  readonly valid: number;
  readonly quarantined: number;
  /** Bytes of the quarantined lines. */
  readonly quarantinedBytes: number;
  readonly blankLines: number;
  /** Quarantine reasons, grouped (as the local run manifest groups them), with their counts. */
  readonly reasons: Readonly<Record<string, number>>;
  readonly validObject?: string;
  readonly quarantineObject?: string;
}

/** The S3 clients the validator reaches zone data with, per dataset. */
export interface ZoneDataAccess {
  /** Reads the dataset's landing objects (its landing table's location). */
  landing(dataset: string): Promise<S3Client>;
  /** Writes the run's valid records of the dataset (its staging table, pointed at the run's validated folder). */
  validated(dataset: string, runId: string): Promise<S3Client>;
}

export interface ValidatorOptions {
  /** Writes quarantine (not a Lake Formation table). */
  readonly s3: S3Client;
  /** How landing is read and validated records written. @default - `s3` for both (tests, local stand-ins) */
  readonly zoneData?: ZoneDataAccess;
  readonly catalog: LambdaCatalog;
  readonly trustedBucket: string;
  readonly quarantineBucket: string;
  /** Lines longer than this are quarantined by size, never held. @default 16 MiB */
  readonly maxLineBytes?: number;
  /** Bytes of whole lines checked at a time. @default 1 MiB */
  readonly batchBytes?: number;
  /** Scratch folder for the output files before upload. @default the OS temp folder (/tmp on Lambda) */
  readonly scratchDir?: string;
}

/** Output objects are named after the landing key, so a retried item overwrites its own output. */
export function objectId(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

async function write(stream: Writable, data: string | Uint8Array): Promise<void> {
  if (!stream.write(data)) await once(stream, 'drain');
}

async function finish(stream: Writable): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

export function createValidator(options: ValidatorOptions): (event: ValidateObjectEvent) => Promise<ValidateObjectResult> {
  const validators = new Map<string, BatchValidator>();
  const validatorFor = (dataset: string) => {
    let v = validators.get(dataset);
    if (!v) {
      const d = options.catalog.datasets.find((x) => x.dataset === dataset)!;
      // Glue's Spark reader, not DuckDB, reads what this writes: every valid record is projected
      // onto the DDL's columns, as before the line acceptor, until a run on AWS shows that Spark
      // reads an accepted line as it reads its projection (the tests prove it for DuckDB only).
      v = new BatchValidator(d.dataset, d.schema, d.table, { acceptor: false });
      validators.set(dataset, v);
    }
    return v;
  };

  return async (event) => {
    const runId = checkRunId(event.runId);
    const key = event.key;
    const first = key.split('/')[0];
    const ds = key.includes('/') ? options.catalog.datasets.find((d) => d.dataset === first) : undefined;
    const empty = { key, bytes: 0, read: 0, recordBytes: 0, valid: 0, quarantined: 0, quarantinedBytes: 0, blankLines: 0, reasons: {} };
    if (!ds) {
      return { ...empty, dataset: null, status: 'ignored', reason: `not under a dataset folder (${options.catalog.datasets.map((d) => `${d.dataset}/`).join(', ')})` };
    }
    if (key.endsWith('/') || !isRecordFile(key)) {
      return { ...empty, dataset: ds.dataset, status: 'ignored', reason: `not a record file (expected ${RECORD_FILE_ENDINGS.join(', ')}, optionally .gz)` };
    }

    const scratch = mkdtempSync(join(options.scratchDir ?? tmpdir(), 'validate-'));
    try {
      const validFile = join(scratch, 'valid.json.gz');
      const quarantineFile = join(scratch, 'quarantine.jsonl');
      const gzip = createGzip();
      const validWritten = pipeline(gzip, createWriteStream(validFile));
      validWritten.catch(() => undefined); // awaited below; this keeps an early failure from going unhandled
      const quarantineOut = createWriteStream(quarantineFile);

      const zone = options.zoneData ?? { landing: async () => options.s3, validated: async () => options.s3 };
      const object = await (await zone.landing(ds.dataset)).send(new GetObjectCommand({ Bucket: event.bucket, Key: key }));
      const raw = object.Body as Readable;
      // Through gunzipSource, as the local run reads .gz files: a cut object gives the same lines.
      const body = isGzip(key) ? gunzipSource(raw) : raw;

      const totals = { read: 0, recordBytes: 0, valid: 0, quarantined: 0, quarantinedBytes: 0, blankLines: 0 };
      const reasons: Record<string, number> = {};
      const quarantine = async (records: readonly QuarantineRecord[]) => {
        for (const q of records) {
          totals.quarantined++;
          totals.quarantinedBytes += q.bytes;
          for (const r of q.reasons) reasons[reasonKey(r)] = (reasons[reasonKey(r)] ?? 0) + 1;
          await write(quarantineOut, JSON.stringify(q) + '\n');
        }
      };
      const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
      const oversized: QuarantineRecord[] = [];
      const validator = validatorFor(ds.dataset);
      let seq = 0;
      const unreadable = async (records: QuarantineRecord[]) => {
        totals.read += records.length;
        for (const q of records) totals.recordBytes += q.bytes;
        await quarantine(records);
      };
      for await (const batch of lineBatches(body, key, options.batchBytes ?? 1 << 20, maxLine, (u) => oversized.push(unreadableRecord(ds.dataset, key, u)))) {
        // An oversized line found before this batch comes first, as in the landing file.
        await unreadable(oversized.splice(0));
        const r = validator.check({ ...batch, seq: seq++ });
        totals.read += r.read;
        totals.recordBytes += r.recordBytes;
        totals.valid += r.valid;
        totals.blankLines += r.blankLines;
        if (r.validLines.length) await write(gzip, r.validLines);
        await quarantine(r.quarantine);
      }
      await unreadable(oversized.splice(0));
      gzip.end();
      await validWritten;
      await finish(quarantineOut);
      if (totals.read !== totals.valid + totals.quarantined) {
        throw new Error(`${key}: ${totals.read} records read but ${totals.valid} valid and ${totals.quarantined} quarantined; refusing to lose records`);
      }

      const id = objectId(key);
      const upload = async (s3: S3Client, bucket: string, objectKey: string, file: string, contentType: string, encoding?: string) => {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: objectKey,
            Body: createReadStream(file),
            ContentLength: statSync(file).size,
            ContentType: contentType,
            ...(encoding ? { ContentEncoding: encoding } : {}),
          }),
        );
        return s3Uri(bucket, objectKey);
      };
      const validObject =
        totals.valid > 0
          ? await upload(await zone.validated(ds.dataset, runId), options.trustedBucket, `${tableRunKey(ds.table, runId)}${id}.json.gz`, validFile, 'application/x-ndjson', 'gzip')
          : undefined;
      const quarantineObject =
        totals.quarantined > 0
          ? await upload(options.s3, options.quarantineBucket, `${quarantinePrefix(ds.dataset)}${runFolder(runId)}${id}.jsonl`, quarantineFile, 'application/x-ndjson')
          : undefined;
      return {
        key,
        dataset: ds.dataset,
        status: 'validated',
        bytes: object.ContentLength ?? 0,
        ...totals,
        reasons,
        ...(validObject ? { validObject } : {}),
        ...(quarantineObject ? { quarantineObject } : {}),
      };
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  };
}

let handle: ((event: ValidateObjectEvent) => Promise<ValidateObjectResult>) | undefined;

/** The Lambda entry point: one Distributed Map item. */
export async function handler(event: ValidateObjectEvent): Promise<ValidateObjectResult> {
  const catalog = embeddedCatalog();
  handle ??= createValidator({
    s3: new S3Client({}),
    catalog,
    trustedBucket: requireEnv(LAMBDA_ENV.trustedBucket),
    quarantineBucket: requireEnv(LAMBDA_ENV.quarantineBucket),
    zoneData: lakeFormationZoneData(catalog, {
      lakeFormation: new LakeFormationClient({}),
      region: requireEnv('AWS_REGION'),
      accountId: requireEnv(LAMBDA_ENV.accountId),
      databases: JSON.parse(requireEnv(LAMBDA_ENV.databases)) as Record<string, string>,
    }),
  });
  return handle(event);
}

/** Zone data through Lake Formation: the landing table to read, its staging copy to write. */
export function lakeFormationZoneData(
  catalog: LambdaCatalog,
  o: { lakeFormation: LakeFormationClient; region: string; accountId: string; databases: Readonly<Record<string, string>>; s3For?: Parameters<typeof tableCredentials>[0]['s3For'] },
): ZoneDataAccess {
  const credentials = tableCredentials({ lakeFormation: o.lakeFormation, region: o.region, accountId: o.accountId, ...(o.s3For ? { s3For: o.s3For } : {}) });
  const tableOf = (dataset: string) => {
    const d = catalog.datasets.find((x) => x.dataset === dataset);
    if (!d) throw new Error(`no landing table for dataset ${dataset}`);
    return d.table.name;
  };
  const database = (zone: string) => {
    const db = o.databases[zone];
    if (!db) throw new Error(`no Glue database configured for zone ${zone} (${LAMBDA_ENV.databases})`);
    return db;
  };
  return {
    landing: (dataset) => credentials(database('landing'), tableOf(dataset), 'SELECT', 'published'),
    // Scoped by run: the staging table points at the run's folder, and so do credentials vended for it.
    validated: (dataset, runId) => credentials(database('staging'), tableOf(dataset), 'INSERT', runId),
  };
}
