// Checks a batch of landing lines (raw bytes, whole lines only) against a record contract. Pure and
// synchronous: the validator runs it inline or in worker threads, batch by batch.
import type { TableDef } from '../catalog/registry';
import { RecordContract } from './record-contract';

export interface LineBatch {
  /** Position of the batch in its dataset, to write results in landing order. */
  readonly seq: number;
  /** Landing file, relative to the landing root. */
  readonly file: string;
  /** Line number of the batch's first line. */
  readonly firstLine: number;
  /** Whole lines, each ended by "\n" except possibly the file's last. */
  readonly bytes: Uint8Array;
  /** The batch starts the file: a UTF-8 byte-order mark there is dropped. */
  readonly fileStart: boolean;
}

export interface QuarantineRecord {
  readonly dataset: string;
  readonly file: string;
  readonly line: number;
  readonly reasons: readonly string[];
  /** The line as it arrived (absent when it was too large or not UTF-8). */
  readonly record?: string;
  readonly bytes: number;
}

export interface BatchResult {
  readonly seq: number;
  /** Valid records re-serialised onto the DDL's columns, one per line, each ended by "\n". */
  readonly validText: string;
  readonly valid: number;
  readonly read: number;
  readonly blankLines: number;
  readonly quarantine: readonly QuarantineRecord[];
}

/**
 * Serialises a valid record onto the table's columns (extra fields dropped, absent ones null).
 * The function is generated per table so that each column is a named property read, which V8
 * caches per record shape; a loop over the column names made every read a keyed lookup.
 */
export function recordSerializer(table: TableDef): (r: Record<string, unknown>) => string {
  const lines = table.columns.map((c, i) => {
    const prefix = JSON.stringify((i === 0 ? '{' : ',') + JSON.stringify(c.name) + ':');
    return `v = r[${JSON.stringify(c.name)}]; s += ${prefix} + (v === undefined || v === null ? 'null' : typeof v === 'string' ? stringify(v) : typeof v === 'number' ? String(v) : stringify(v));`;
  });
  const body = `let v, s = '';\n${lines.join('\n')}\nreturn s + '}';`;
  return new Function('stringify', `return function serialize(r) {\n${body}\n};`)(JSON.stringify) as (r: Record<string, unknown>) => string;
}

const NEWLINE = 0x0a;
const CR = 0x0d;

export class BatchValidator {
  private readonly contract: RecordContract;
  private readonly serialize: (r: Record<string, unknown>) => string;
  private readonly strict = new TextDecoder('utf-8', { fatal: true });

  constructor(
    readonly dataset: string,
    schema: Record<string, unknown>,
    table: TableDef,
  ) {
    this.contract = new RecordContract(dataset, schema);
    this.serialize = recordSerializer(table);
  }

  check(batch: LineBatch): BatchResult {
    const { bytes } = batch;
    const valid: string[] = [];
    const quarantine: QuarantineRecord[] = [];
    let read = 0;
    let blankLines = 0;
    const body = batch.fileStart && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    const checkText = (text: string, lineNo: number) => {
      if (text.length && text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
      if (text.trim() === '') {
        blankLines++;
        return;
      }
      read++;
      // Most records are valid: parse and check them here, and leave the reasons to checkLine.
      let value: unknown;
      let parsed = true;
      try {
        value = JSON.parse(text);
      } catch {
        parsed = false;
      }
      if (parsed && this.contract.accepts(value)) {
        valid.push(this.serialize(value));
        return;
      }
      const v = parsed ? this.contract.checkValue(value) : this.contract.checkLine(text);
      if (v.ok) valid.push(this.serialize(v.record));
      else quarantine.push({ dataset: this.dataset, file: batch.file, line: lineNo, reasons: v.reasons, record: text, bytes: Buffer.byteLength(text) });
    };
    let whole: string | undefined;
    try {
      // One decode for the batch; only a batch with invalid UTF-8 is decoded line by line.
      whole = this.strict.decode(body);
    } catch {
      whole = undefined;
    }
    if (whole !== undefined) {
      const lines = whole.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (let i = 0; i < lines.length; i++) checkText(lines[i], batch.firstLine + i);
    } else {
      let lineNo = batch.firstLine;
      let start = 0;
      while (start < body.length) {
        let end = body.indexOf(NEWLINE, start);
        const next = end < 0 ? body.length : end + 1;
        if (end < 0) end = body.length;
        const raw = body.subarray(start, end);
        let text: string | undefined;
        try {
          text = this.strict.decode(raw);
        } catch {
          read++;
          const size = raw.length && raw[raw.length - 1] === CR ? raw.length - 1 : raw.length;
          quarantine.push({ dataset: this.dataset, file: batch.file, line: lineNo, reasons: ['line is not valid UTF-8'], bytes: size });
        }
        if (text !== undefined) checkText(text, lineNo);
        lineNo++;
        start = next;
      }
    }
    return {
      seq: batch.seq,
      validText: valid.length ? valid.join('\n') + '\n' : '',
      valid: valid.length,
      read,
      blankLines,
      quarantine,
    };
  }
}
