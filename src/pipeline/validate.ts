// Phase 1, validate: every landing line is checked against its record contract; valid records go
// on to the run, invalid ones to quarantine with file, line and reasons. Nothing is dropped.
// Files are streamed in batches of whole lines; batches are checked inline or by a worker pool and
// written back in landing order, so memory stays bounded whatever the file size.
import type { LandingDataset } from '../catalog/registry';
import { listDatasetFiles, type DatasetFiles, type IgnoredFile } from './landing-files';
import { DEFAULT_MAX_LINE_BYTES, fileSource, lineBatches } from './line-reader';
import { NdjsonWriter } from './ndjson-writer';
import { BatchValidator, type BatchResult, type LineBatch } from './record-batch';
import type { ValidationPool } from './validation-pool';

export type { QuarantineRecord } from './record-batch';

export interface DatasetValidation {
  readonly dataset: string;
  readonly files: number;
  readonly bytes: number;
  readonly ignoredFiles: readonly IgnoredFile[];
  /** Non-blank lines: each one is a record that must end valid or quarantined. */
  readonly read: number;
  readonly blankLines: number;
  readonly valid: number;
  /** Valid records kept byte for byte as they arrived: all of them when it equals read and no line was blank. */
  readonly asArrived: number;
  readonly quarantined: number;
  /** Quarantine reasons, grouped, with how many records gave each. */
  readonly reasons: Readonly<Record<string, number>>;
  /** NDJSON files of the valid records, projected onto the DDL columns (one per worker). */
  readonly validFiles: readonly string[];
  readonly quarantineFile: string;
}

export interface ValidateOptions {
  readonly landingRoot: string;
  /** The dataset's landing files, when the caller has listed them already. @default listed here */
  readonly listing?: DatasetFiles;
  /** Valid records go to `<validPrefix>.jsonl` (or `<validPrefix>.<worker>.jsonl` with a pool). */
  readonly validPrefix: string;
  readonly quarantineFile: string;
  /** Lines longer than this are quarantined by size, never held in memory. @default 16 MiB */
  readonly maxLineBytes?: number;
  /** Bytes of whole lines per batch. @default 1 MiB */
  readonly batchBytes?: number;
  /** Worker threads to check batches; without one, batches are checked on this thread. @default none */
  readonly pool?: ValidationPool;
  /** Called after each batch with the landing bytes read so far. */
  readonly onProgress?: (bytesDone: number) => void;
}

/** Groups reasons whose text varies with the data (positions in malformed JSON, sizes). */
export function reasonKey(reason: string): string {
  return reason.startsWith('malformed JSON') ? 'malformed JSON' : reason.replace(/ \d+ bytes, over/, ' N bytes, over');
}

export async function validateDataset(ds: LandingDataset, options: ValidateOptions): Promise<DatasetValidation> {
  const { files, ignored } = options.listing ?? listDatasetFiles(options.landingRoot, ds.dataset);
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const batchBytes = options.batchBytes ?? 1 << 20;
  const inline = options.pool ? undefined : new BatchValidator(ds.dataset, ds.schema, ds.table);
  const valid = inline ? new NdjsonWriter(`${options.validPrefix}.jsonl`) : undefined;
  const quarantine = new NdjsonWriter(options.quarantineFile);
  const reasons: Record<string, number> = {};
  const totals = { read: 0, blankLines: 0, valid: 0, asArrived: 0, quarantined: 0 };

  // Results are written strictly in batch order, whichever worker finishes first.
  const results = new Map<number, BatchResult>();
  const inflight: Promise<void>[] = [];
  let nextSeq = 0;
  let written = 0;
  let bytesDone = 0;
  const maxInflight = options.pool ? options.pool.size * 2 : 1;

  const drain = async () => {
    while (results.has(written)) {
      const r = results.get(written)!;
      results.delete(written);
      written++;
      totals.read += r.read;
      totals.blankLines += r.blankLines;
      totals.valid += r.valid;
      totals.asArrived += r.asArrived;
      totals.quarantined += r.quarantine.length;
      if (r.validLines.length) await valid!.writeBytes(r.validLines);
      for (const q of r.quarantine) {
        for (const reason of q.reasons) reasons[reasonKey(reason)] = (reasons[reasonKey(reason)] ?? 0) + 1;
        await quarantine.writeJson(q);
      }
    }
  };
  const submit = async (batch: LineBatch) => {
    if (inline) {
      results.set(batch.seq, inline.check(batch));
    } else {
      const p = options.pool!.check(ds.dataset, batch, options.validPrefix).then((r) => {
        results.set(r.seq, r);
      });
      // A worker's failure is thrown where the batch is awaited; until then it is not unhandled.
      p.catch(() => undefined);
      inflight.push(p);
      if (inflight.length >= maxInflight) await inflight.shift();
    }
    await drain();
  };

  try {
    for (const file of files) {
      const oversizedResults: BatchResult[] = [];
      const oversized = (line: number, bytes: number) =>
        oversizedResults.push({
          seq: -1,
          validLines: new Uint8Array(0),
          valid: 0,
          asArrived: 0,
          read: 1,
          blankLines: 0,
          quarantine: [{ dataset: ds.dataset, file: file.name, line, reasons: [`line is ${bytes} bytes, over the limit of ${maxLine} bytes`], bytes }],
        });
      for await (const batch of lineBatches(await fileSource(file.path), file.name, batchBytes, maxLine, oversized)) {
        // An oversized line found before this batch takes its place in the order first.
        for (const o of oversizedResults.splice(0)) results.set(nextSeq++, { ...o, seq: nextSeq - 1 });
        bytesDone += batch.bytes.length;
        await submit({ ...batch, seq: nextSeq++ });
        options.onProgress?.(bytesDone);
      }
      for (const o of oversizedResults.splice(0)) results.set(nextSeq++, { ...o, seq: nextSeq - 1 });
      await drain();
      options.onProgress?.(bytesDone);
    }
    // The workers go on from one file to the next: only the dataset's end waits for every batch.
    await Promise.all(inflight.splice(0));
    await drain();
  } finally {
    await Promise.allSettled(inflight);
    await valid?.close();
    await quarantine.close();
  }
  const validFiles = valid ? [valid.path] : await options.pool!.closeFiles(options.validPrefix);
  return {
    dataset: ds.dataset,
    files: files.length,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    ignoredFiles: ignored,
    ...totals,
    reasons,
    validFiles,
    quarantineFile: options.quarantineFile,
  };
}
