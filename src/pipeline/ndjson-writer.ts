// Appends lines to a file through a buffer, honouring the stream's backpressure.
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { namingFile } from '../errors/write-fault';

export class NdjsonWriter {
  private readonly stream: WriteStream;
  private buffer: string[] = [];
  private bufferedChars = 0;
  /** The stream's error (a full disk): kept, and thrown by the next write or close, never left unhandled. */
  private failed?: unknown;

  constructor(
    readonly path: string,
    private readonly flushChars = 1 << 20,
  ) {
    // A deep buffer: waiting for 'drain' after every flush would serialise disk writes with parsing.
    this.stream = createWriteStream(path, { flags: 'w', highWaterMark: 16 << 20 });
    this.stream.on('error', (e) => (this.failed ??= namingFile(e, path)));
  }

  private check(): void {
    if (this.failed) throw this.failed;
  }

  /** Waits for the stream to drain, or throws its error. */
  private async drained(): Promise<void> {
    try {
      await once(this.stream, 'drain');
    } catch (e) {
      throw namingFile(e, this.path);
    }
  }

  /** Queues one line; resolves at once unless the buffer had to be flushed into a full stream. */
  async write(line: string): Promise<void> {
    this.check();
    this.buffer.push(line);
    this.bufferedChars += line.length + 1;
    if (this.bufferedChars >= this.flushChars) await this.flush();
  }

  /** Appends bytes that are already whole lines, each ended by "\n", after the queued lines. */
  async writeBytes(lines: Uint8Array): Promise<void> {
    await this.flush();
    this.check();
    if (!this.stream.write(lines)) await this.drained();
  }

  async writeJson(value: unknown): Promise<void> {
    await this.write(JSON.stringify(value));
  }

  private async flush(): Promise<void> {
    if (!this.buffer.length) return;
    const text = this.buffer.join('\n') + '\n';
    this.buffer = [];
    this.bufferedChars = 0;
    this.check();
    if (!this.stream.write(text)) await this.drained();
  }

  async close(): Promise<void> {
    await this.flush();
    this.check();
    this.stream.end();
    try {
      await once(this.stream, 'finish');
    } catch (e) {
      throw namingFile(e, this.path);
    }
    this.check();
  }
}
