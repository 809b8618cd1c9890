// Checks a batch of landing lines (raw bytes, whole lines only) against a record contract. Pure and
// synchronous: the validator runs it inline or in worker threads, batch by batch.
import type { TableDef } from '../catalog/registry';
import { JSON_SCHEMA_TYPE } from '../catalog/column-types';
import { compileLineAcceptor, type LineAcceptor } from './line-acceptor';
import * as bytes from './bytes';
import { LineSink } from './line-sink';
import { contractFormat, RecordContract } from './record-contract';
import { boundedSchema, type ValueLimit } from './loadable-values';
import type { UnreadableLine } from './line-reader';
import { previewOf } from './line-preview';

// Module-local copies: hot loops read a constant, not the module's export on each byte.
const { CR, NEWLINE } = bytes;

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
  /**
   * Lone "\r" line ends of the file were turned into "\n" in this batch or before it: its lines
   * are not byte for byte as they arrived. @default false
   */
  readonly crLineEnds?: boolean;
}

export interface QuarantineRecord {
  readonly dataset: string;
  readonly file: string;
  readonly line: number;
  readonly reasons: readonly string[];
  /** The line as it arrived (absent when it was too large, not UTF-8 or cut short). */
  readonly record?: string;
  /** The start of the line when `record` is absent (at most 1 KiB, line-preview.ts). */
  readonly preview?: string;
  /** Bytes of the line, without its line end. */
  readonly bytes: number;
}

/** The quarantine record of a line the reader could not read (line-reader.ts). */
export function unreadableRecord(dataset: string, file: string, u: UnreadableLine): QuarantineRecord {
  return { dataset, file, line: u.line, reasons: [u.reason], preview: u.preview, bytes: u.bytes };
}

export interface BatchResult {
  readonly seq: number;
  /**
   * Valid records as UTF-8, one per line, each ended by "\n": the line as it arrived when the
   * acceptor took it, else the record re-serialised onto the DDL's columns. DuckDB reads the same
   * values from either.
   */
  readonly validLines: Uint8Array;
  readonly valid: number;
  /** Lines kept byte for byte as they arrived (0 when a byte-order mark was dropped or a lone CR turned into LF). */
  readonly asArrived: number;
  readonly read: number;
  /** Bytes of the lines read (records, without line ends): what the quarantine's byte share is of. */
  readonly recordBytes: number;
  readonly blankLines: number;
  readonly quarantine: readonly QuarantineRecord[];
}

/**
 * A blank line: JSON whitespace only (space, tab, a carriage return). Other white space (U+00A0,
 * form feed, U+2028, a byte-order mark inside a file) is no JSON whitespace: such a line is a
 * record, and JSON.parse quarantines it.
 */
const JSON_BLANK = /^[ \t\r]*$/;

/** Appends one value as the projection writes it: JSON, with absent and null both null. */
function appendValue(sink: LineSink, v: unknown): void {
  if (v === undefined || v === null) sink.ascii('null');
  else if (typeof v === 'string') sink.jsonString(v);
  else if (typeof v === 'number') sink.number(v);
  else sink.utf8(JSON.stringify(v));
}

/**
 * Serialises a valid record onto the table's columns (extra fields dropped, absent ones null) as
 * one line of JSON, "\n" included. The function is generated per table: each column is a named
 * property read, which V8 caches per record shape (a loop over the names made every read a keyed
 * lookup), and the column's key is written as constant bytes.
 */
export function recordSerializer(table: TableDef): (r: Record<string, unknown>, sink: LineSink) => void {
  const constant = (text: string) => {
    const bytes = [...Buffer.from(text)];
    return `sink.room(${bytes.length}); b = sink.buf; p = sink.pos; ${bytes.map((c, i) => `b[p + ${i}] = ${c};`).join(' ')} sink.pos = p + ${bytes.length};`;
  };
  const lines = table.columns.map(
    (c, i) => `${constant((i === 0 ? '{' : ',') + JSON.stringify(c.name) + ':')}\nvalue(sink, r[${JSON.stringify(c.name)}]);`,
  );
  const body = `let b, p;\n${lines.join('\n')}\n${constant('}\n')}`;
  return new Function('value', `return function serialize(r, sink) {\n${body}\n};`)(appendValue) as (r: Record<string, unknown>, sink: LineSink) => void;
}

/**
 * The contract's line acceptor, when DuckDB reads from an accepted line what it reads from the
 * line's projection: every property is a DDL column whose type takes the property's JSON type. It
 * is compiled with the integer bounds of the contract's limits, so that it takes no line the
 * contract would quarantine (its strings are valid UTF-8 without escapes: no lone surrogate).
 */
function acceptorFor(schema: Record<string, unknown>, table: TableDef, limits: readonly ValueLimit[]): LineAcceptor | undefined {
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  for (const [name, p] of Object.entries(properties)) {
    const column = table.columns.find((c) => c.name === name);
    if (!column || JSON_SCHEMA_TYPE[column.type] !== p.type) return undefined;
  }
  const built = compileLineAcceptor(boundedSchema(schema, limits), contractFormat);
  return 'acceptor' in built ? built.acceptor : undefined;
}

export class BatchValidator {
  private readonly contract: RecordContract;
  private readonly serialize: (r: Record<string, unknown>, sink: LineSink) => void;
  /** Decodes lines the acceptor left; a BOM inside the batch stays, as it would in one decode of it. */
  private readonly strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  /** Undefined when the contract has no acceptor: every line then goes through JSON.parse and ajv. */
  readonly accept: LineAcceptor | undefined;

  constructor(
    readonly dataset: string,
    schema: Record<string, unknown>,
    table: TableDef,
    options: { readonly acceptor?: boolean } = {},
  ) {
    this.contract = new RecordContract(dataset, schema, table);
    this.serialize = recordSerializer(table);
    this.accept = options.acceptor === false ? undefined : acceptorFor(schema, table, this.contract.limits);
  }

  check(batch: LineBatch): BatchResult {
    const bytes = Buffer.from(batch.bytes.buffer, batch.bytes.byteOffset, batch.bytes.byteLength);
    const body = batch.fileStart && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    const accept = this.accept;
    // Created when a line is not taken as it arrived: until then the valid lines are a run of body.
    let sink: LineSink | undefined;
    let runStart = 0; // start of the run of accepted lines not yet copied to the sink
    let validCount = 0;
    let asArrived = 0;
    const quarantine: QuarantineRecord[] = [];
    let read = 0;
    let recordBytes = 0;
    let blankLines = 0;

    const checkText = (text: string, bytes: number, lineNo: number, out: LineSink) => {
      if (JSON_BLANK.test(text)) {
        blankLines++;
        return;
      }
      read++;
      recordBytes += bytes;
      let value: unknown;
      let parsed = true;
      try {
        value = JSON.parse(text);
      } catch {
        parsed = false;
      }
      if (parsed && this.contract.accepts(value, text)) {
        this.serialize(value, out);
        validCount++;
        return;
      }
      // Only failures are described: checkLine gives their reasons.
      const v = parsed ? this.contract.checkValue(value, text) : this.contract.checkLine(text);
      if (v.ok) {
        this.serialize(v.record, out);
        validCount++;
      } else quarantine.push({ dataset: this.dataset, file: batch.file, line: lineNo, reasons: v.reasons, record: text, bytes });
    };

    let lineNo = batch.firstLine;
    let start = 0;
    while (start < body.length) {
      let end = body.indexOf(NEWLINE, start);
      const next = end < 0 ? body.length : end + 1;
      if (end < 0) end = body.length;
      if (accept && accept(body, start, end)) {
        read++;
        recordBytes += end - start;
        validCount++;
        asArrived++;
      } else {
        // The accepted lines before this one keep their bytes; this one is decided by ajv.
        sink ??= new LineSink(body.length + 1024);
        if (start > runStart) sink.copy(body, runStart, start);
        runStart = next;
        // Without the CR of a CRLF line end.
        const raw = body.subarray(start, end > start && body[end - 1] === CR ? end - 1 : end);
        let text: string | undefined;
        try {
          text = this.strict.decode(raw);
        } catch {
          read++;
          recordBytes += raw.length;
          quarantine.push({ dataset: this.dataset, file: batch.file, line: lineNo, reasons: ['line is not valid UTF-8'], preview: previewOf(raw), bytes: raw.length });
        }
        if (text !== undefined) checkText(text, raw.length, lineNo, sink);
      }
      lineNo++;
      start = next;
    }

    // Accepted lines are kept as they arrived, each ended by "\n" (a file's last line may lack it).
    let validLines: Uint8Array;
    const endsLine = body.length > 0 && body[body.length - 1] === NEWLINE;
    if (!sink && (runStart === body.length || endsLine)) validLines = body.subarray(runStart);
    else {
      sink ??= new LineSink(body.length - runStart + 1);
      if (body.length > runStart) {
        sink.copy(body, runStart, body.length);
        if (!endsLine) sink.ascii('\n');
      }
      validLines = sink.bytes;
    }
    return {
      seq: batch.seq,
      validLines,
      valid: validCount,
      asArrived: body === bytes && !batch.crLineEnds ? asArrived : 0,
      read,
      recordBytes,
      blankLines,
      quarantine,
    };
  }
}
