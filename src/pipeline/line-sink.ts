// A growable byte buffer that valid records are projected into as UTF-8 NDJSON: writing bytes
// directly skips building a string per record, joining them, and encoding the whole again.
import * as bytes from './bytes';

// Module-local copies: hot loops read a constant, not the module's export on each byte.
const { BACKSLASH, MINUS, QUOTE, ZERO } = bytes;

export class LineSink {
  /** The bytes; generated serializers write fixed parts here directly, after room(). */
  buf: Buffer;
  /** Bytes written so far. */
  pos = 0;

  constructor(capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 64));
  }

  /** Bytes written so far (a view: valid until the next write). */
  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** Makes room for n more bytes at pos (buf may be replaced). */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** Appends bytes [start, end) of src. */
  copy(src: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.buf.set(src.subarray(start, end), this.pos);
    this.pos += end - start;
  }

  /** Appends a string known to be ASCII (a number's text, JSON punctuation, an ASCII key). */
  ascii(s: string): void {
    const n = s.length;
    this.room(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /**
   * Appends String(v). Integers up to 2^53 in size (epoch milliseconds, small counts) are written
   * digit by digit, which is what String gives for them ("-0" too is "0"); other numbers go
   * through String.
   */
  number(v: number): void {
    if (!Number.isSafeInteger(v)) return this.ascii(String(v));
    this.room(17);
    const b = this.buf;
    let p = this.pos;
    let n = v;
    if (n < 0) {
      b[p++] = MINUS;
      n = -n;
    }
    if (n < 1e8) {
      p = writeDigits(b, p, n, 0);
    } else {
      // Split so that each part is below 2^31 and divides with integer operations.
      let high = Math.floor(n / 1e8);
      let low = n - high * 1e8;
      if (low < 0) (high -= 1), (low += 1e8);
      else if (low >= 1e8) (high += 1), (low -= 1e8);
      p = writeDigits(b, p, high, 0);
      p = writeDigits(b, p, low, 8);
    }
    this.pos = p;
  }

  /** Appends any string as UTF-8. */
  utf8(s: string): void {
    this.room(Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /**
   * Appends JSON.stringify(s). Printable ASCII without quote or backslash is copied between quotes
   * as it is; anything else (control characters, non-ASCII, lone surrogates) goes through
   * JSON.stringify, so the bytes are always those of JSON.stringify's text.
   */
  jsonString(s: string): void {
    const n = s.length;
    this.room(n + 2);
    const b = this.buf;
    let p = this.pos;
    b[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === BACKSLASH) {
        this.utf8(JSON.stringify(s));
        return;
      }
      b[p++] = c;
    }
    b[p++] = QUOTE;
    this.pos = p;
  }
}

/** Writes the digits of 0 <= n < 2^31 at p, zero-padded to width; returns the position after them. */
function writeDigits(b: Buffer, p: number, n: number, width: number): number {
  let length = 1;
  for (let t = n; t >= 10; t = (t / 10) | 0) length++;
  if (length < width) length = width;
  let q = p + length;
  for (let i = 0; i < length; i++) {
    const next = (n / 10) | 0;
    b[--q] = ZERO + n - next * 10;
    n = next;
  }
  return p + length;
}
