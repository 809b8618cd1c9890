// A growable byte buffer that valid records are projected into as UTF-8 NDJSON: writing bytes
// directly skips building a string per record, joining them, and encoding the whole again.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class LineSink {
  private buf: Buffer;
  private pos = 0;

  constructor(capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 64));
  }

  /** Bytes written so far (a view: valid until the next write). */
  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
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
