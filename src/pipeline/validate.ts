// Phase 1, validate: every landing line is checked against its record contract; valid records go
// on to the run, invalid ones to quarantine with file, line and reasons. Nothing is dropped.
// Files are streamed in batches of whole lines; batches are checked inline or by a worker pool and
// written back in landing order, so memory stays bounded whatever the file size.
import type { LandingDataset } from '../catalog/registry';
import { listDatasetFiles, type DatasetFiles, type IgnoredFile, type LandingFile } from './landing-files';
import { listedFileSource, listedFileStart } from './landing-identity';
import { batchMemory, DEFAULT_MAX_LINE_BYTES, isGzip, lineBatches, type UnreadableLine } from './line-reader';
import { NdjsonWriter } from './ndjson-writer';
import { BatchValidator, unreadableRecord, type BatchResult, type LineBatch } from './record-batch';
import type { ValidationPool } from './validation-pool';

export type { QuarantineRecord } from './record-batch';

export interface DatasetValidation {
  readonly dataset: string;
  readonly files: number;
  readonly bytes: number;
  readonly ignoredFiles: readonly IgnoredFile[];
  /** Non-blank lines: each one is a record that must end valid or quarantined. */
  readonly read: number;
  /** Bytes of those lines (decompressed, without line ends). */
  readonly recordBytes: number;
  readonly blankLines: number;
  readonly valid: number;
  /** Valid records kept byte for byte as they arrived: all of them when it equals read and no line was blank. */
  readonly asArrived: number;
  readonly quarantined: number;
  /** Bytes of the quarantined lines: one enormous bad line weighs what it holds. */
  readonly quarantinedBytes: number;
  /** Quarantine reasons, grouped, with how many records gave each. */
  readonly reasons: Readonly<Record<string, number>>;
  /**
   * NDJSON files that together hold exactly the valid records. Checked on this thread: in landing
   * order, each landing file whose every line was kept as it arrived (it is its own valid records,
   * and nothing of it is written), and files written with the valid records of the others. With a
   * pool: one written file per worker.
   */
  readonly validFiles: readonly string[];
  readonly quarantineFile: string;
}

export interface ValidateOptions {
  readonly landingRoot: string;
  /** The dataset's landing files, when the caller has listed them already. @default listed here */
  readonly listing?: DatasetFiles;
  /** Valid records are written to `<validPrefix>.<n>.jsonl` (n: part, or worker with a pool). */
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
  /** Whether the engine can read a landing file where it is; others have their valid records written out. @default every file */
  readonly readableInPlace?: (path: string) => boolean;
}

/** Groups reasons whose text varies with the data (positions in malformed JSON, sizes). */
export function reasonKey(reason: string): string {
  if (reason.startsWith('malformed JSON')) return 'malformed JSON';
  // Damaged gzip data is named by its offset and size (line-reader.ts): grouped without them.
  if (/\bgzip\b/.test(reason)) return reason.replace(/\b\d+\b/g, 'N');
  return reason.replace(/ \d+ bytes, over/, ' N bytes, over');
}

/**
 * The valid records of a dataset checked on this thread, in landing order. A landing file whose
 * every line is kept as it arrived is listed as it is; the valid records of the other files are
 * written to parts, a new one after each listed file.
 */
class ValidRecords {
  readonly sources: string[] = [];
  private part?: NdjsonWriter;
  private parts = 0;

  constructor(private readonly prefix: string) {}

  async write(lines: Uint8Array): Promise<void> {
    if (!this.part) {
      this.part = new NdjsonWriter(`${this.prefix}.${this.parts++}.jsonl`);
      this.sources.push(this.part.path);
    }
    await this.part.writeBytes(lines);
  }

  /** Writes the first `bytes` bytes of a landing file: whole lines that were kept as they arrived. */
  async writeStart(file: LandingFile, bytes: number): Promise<void> {
    if (bytes === 0) return;
    // From the file as it was listed (and validated), never from what its path holds now.
    for await (const chunk of listedFileStart(file, bytes)) await this.write(chunk);
  }

  async listFile(file: string): Promise<void> {
    await this.close();
    this.sources.push(file);
  }

  async close(): Promise<void> {
    await this.part?.close();
    this.part = undefined;
  }
}

/** A batch whose every line was kept as it arrived (no byte-order mark, blank line or quarantine). */
const keptAsArrived = (r: BatchResult) => r.quarantine.length === 0 && r.blankLines === 0 && r.asArrived === r.read && r.valid === r.read;

export async function validateDataset(ds: LandingDataset, options: ValidateOptions): Promise<DatasetValidation> {
  const { files, ignored } = options.listing ?? listDatasetFiles(options.landingRoot, ds.dataset);
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const batchBytes = options.batchBytes ?? 1 << 20;
  const inline = options.pool ? undefined : new BatchValidator(ds.dataset, ds.schema, ds.table);
  const valid = inline ? new ValidRecords(options.validPrefix) : undefined;
  // The landing file being read (inline): whether all its lines so far were kept as they arrived
  // (compressed files are always written out), and how many of its bytes those lines are.
  let current: { file?: LandingFile; asArrived: boolean; bytes: number } = { asArrived: false, bytes: 0 };
  // The batches checked on this thread, until written; the memory of those not written is reused.
  const checked = new Map<number, Uint8Array>();
  const memory = batchMemory(batchBytes);
  const quarantine = new NdjsonWriter(options.quarantineFile);
  const reasons: Record<string, number> = {};
  const totals = { read: 0, recordBytes: 0, blankLines: 0, valid: 0, asArrived: 0, quarantined: 0, quarantinedBytes: 0 };

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
      totals.recordBytes += r.recordBytes;
      totals.blankLines += r.blankLines;
      totals.valid += r.valid;
      totals.asArrived += r.asArrived;
      totals.quarantined += r.quarantine.length;
      const batch = checked.get(r.seq);
      checked.delete(r.seq);
      if (valid && current.asArrived && keptAsArrived(r)) {
        current.bytes += batch?.length ?? 0;
        // Nothing refers to it any more: its valid lines are the file's own, not written.
        if (batch) memory.give(batch);
      } else {
        if (valid && current.asArrived) {
          // The first line of the file not kept as it arrived: the lines before it are written now.
          current.asArrived = false;
          await valid.writeStart(current.file!, current.bytes);
        }
        if (r.validLines.length) await valid!.write(r.validLines);
      }
      for (const q of r.quarantine) {
        totals.quarantinedBytes += q.bytes;
        for (const reason of q.reasons) reasons[reasonKey(reason)] = (reasons[reasonKey(reason)] ?? 0) + 1;
        await quarantine.writeJson(q);
      }
    }
  };
  const submit = async (batch: LineBatch) => {
    if (inline) {
      checked.set(batch.seq, batch.bytes);
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
      // A file the engine cannot read in place has its records written out too.
      current = { file, asArrived: !isGzip(file.path) && (options.readableInPlace?.(file.path) ?? true), bytes: 0 };
      const oversizedResults: BatchResult[] = [];
      const unreadable = (u: UnreadableLine) =>
        oversizedResults.push({
          seq: -1,
          validLines: new Uint8Array(0),
          valid: 0,
          asArrived: 0,
          read: 1,
          recordBytes: u.bytes,
          blankLines: 0,
          quarantine: [unreadableRecord(ds.dataset, file.name, u)],
        });
      for await (const batch of lineBatches(await listedFileSource(file), file.name, batchBytes, maxLine, unreadable, inline ? memory : undefined)) {
        // An oversized line found before this batch takes its place in the order first.
        for (const o of oversizedResults.splice(0)) results.set(nextSeq++, { ...o, seq: nextSeq - 1 });
        bytesDone += batch.bytes.length;
        await submit({ ...batch, seq: nextSeq++ });
        options.onProgress?.(bytesDone);
      }
      for (const o of oversizedResults.splice(0)) results.set(nextSeq++, { ...o, seq: nextSeq - 1 });
      await drain();
      if (valid && current.asArrived && current.bytes > 0) await valid.listFile(file.path);
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
  const validFiles = valid ? valid.sources : await options.pool!.closeFiles(options.validPrefix);
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
