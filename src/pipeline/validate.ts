// Phase 1, validate: every landing line is checked against its record contract; valid records go
// on to the run, invalid ones to quarantine with file, line and reasons. Nothing is dropped.
import type { LandingDataset } from '../catalog/registry';
import { listDatasetFiles, type IgnoredFile } from './landing-files';
import { readLines, type LineReaderOptions } from './line-reader';
import { NdjsonWriter } from './ndjson-writer';
import { RecordContract } from './record-contract';

export interface QuarantineRecord {
  readonly dataset: string;
  /** Landing file, relative to the landing root. */
  readonly file: string;
  readonly line: number;
  readonly reasons: readonly string[];
  /** The line as it arrived (absent when it was too large or not UTF-8). */
  readonly record?: string;
  readonly bytes: number;
}

export interface DatasetValidation {
  readonly dataset: string;
  readonly files: number;
  readonly bytes: number;
  readonly ignoredFiles: readonly IgnoredFile[];
  /** Non-blank lines: each one is a record that must end valid or quarantined. */
  readonly read: number;
  readonly blankLines: number;
  readonly valid: number;
  readonly quarantined: number;
  /** Quarantine reasons, grouped, with how many records gave each. */
  readonly reasons: Readonly<Record<string, number>>;
  /** NDJSON of the valid records, projected onto the DDL columns. */
  readonly validFile: string;
  readonly quarantineFile: string;
}

export interface ValidateOptions extends LineReaderOptions {
  readonly landingRoot: string;
  readonly validFile: string;
  readonly quarantineFile: string;
  /** Called after each file with the number of bytes read so far. */
  readonly onProgress?: (bytesDone: number) => void;
}

/** Groups reasons whose text varies with the data (positions in malformed JSON). */
export function reasonKey(reason: string): string {
  return reason.startsWith('malformed JSON') ? 'malformed JSON' : reason.replace(/ \d+ bytes, over/, ' N bytes, over');
}

export async function validateDataset(ds: LandingDataset, options: ValidateOptions): Promise<DatasetValidation> {
  const { files, ignored } = listDatasetFiles(options.landingRoot, ds.dataset);
  const contract = new RecordContract(ds.dataset, ds.schema);
  const columns = ds.table.columns.map((c) => c.name);
  const valid = new NdjsonWriter(options.validFile);
  const quarantine = new NdjsonWriter(options.quarantineFile);
  const reasons: Record<string, number> = {};
  let read = 0;
  let blankLines = 0;
  let bytesDone = 0;
  try {
    for (const file of files) {
      for await (const line of readLines(file.path, options)) {
        if (line.text !== undefined && line.text.trim() === '') {
          blankLines++;
          continue;
        }
        read++;
        const verdict =
          line.problem !== undefined ? { ok: false as const, reasons: [line.problem] } : contract.checkLine(line.text!);
        if (verdict.ok) {
          const projected: Record<string, unknown> = {};
          for (const c of columns) projected[c] = verdict.record[c] ?? null;
          await valid.writeJson(projected);
        } else {
          for (const r of verdict.reasons) reasons[reasonKey(r)] = (reasons[reasonKey(r)] ?? 0) + 1;
          const q: QuarantineRecord = {
            dataset: ds.dataset,
            file: file.name,
            line: line.lineNo,
            reasons: verdict.reasons,
            ...(line.text !== undefined ? { record: line.text } : {}),
            bytes: line.bytes,
          };
          await quarantine.writeJson(q);
        }
      }
      bytesDone += file.bytes;
      options.onProgress?.(bytesDone);
    }
  } finally {
    await valid.close();
    await quarantine.close();
  }
  return {
    dataset: ds.dataset,
    files: files.length,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    ignoredFiles: ignored,
    read,
    blankLines,
    valid: valid.lines,
    quarantined: quarantine.lines,
    reasons,
    validFile: options.validFile,
    quarantineFile: options.quarantineFile,
  };
}
