// A pool of worker threads that check batches of landing lines, so validation uses every core.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BatchResult, LineBatch } from './record-batch';

/**
 * Workers used by default: the cores beyond two, at most four. While records are checked, DuckDB
 * loads the landing files on its own threads; on two cores, workers only took CPU from that load
 * (each costs about 0.45 s of CPU to start: a runtime, the catalog, the compiled contracts), and
 * `npm run bench` measured checking on the main thread faster at 1x and as fast at 10x.
 */
export function defaultWorkerCount(cores: number = availableParallelism()): number {
  return Math.max(0, Math.min(cores - 2, 4));
}

interface Pending<T> {
  resolve: (r: T) => void;
  reject: (e: Error) => void;
}

export class ValidationPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending<unknown>>();
  private nextId = 0;
  private turn = 0;
  private failure?: Error;

  constructor(
    /** The repository root whose catalog the workers load. */
    root: string,
    readonly size: number = defaultWorkerCount(),
  ) {
    this.workers = Array.from({ length: size }, (_, index) => {
      const w = new Worker(join(__dirname, 'validate-worker-entry.js'), { workerData: { root, index } });
      w.on('message', (m: { id: number; result?: BatchResult; file?: string; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error) p.reject(new Error(`validation worker failed: ${m.error}`));
        else p.resolve('result' in m ? m.result : m.file);
      });
      w.on('error', (e) => this.failAll(e));
      w.on('exit', (code) => code !== 0 && this.failAll(new Error(`validation worker exited with code ${code}`)));
      return w;
    });
  }

  private failAll(e: Error): void {
    this.failure = e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  private send<T>(worker: Worker, message: object, transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: unknown) => void, reject });
      worker.postMessage({ id, ...message }, transfer);
    });
  }

  /**
   * Checks a batch on the next worker. The worker appends the valid records to its own file
   * `<validPrefix>.<worker>.jsonl`; the result carries counts and quarantined lines only.
   */
  check(dataset: string, batch: LineBatch, validPrefix: string): Promise<BatchResult> {
    const worker = this.workers[this.turn++ % this.workers.length];
    // Moved, not copied: a batch from lineBatches owns its memory from offset 0 (the rest of that
    // memory is slack), and the main thread no longer needs it.
    const buffer = batch.bytes.buffer as ArrayBuffer;
    return this.send<BatchResult>(worker, { kind: 'batch', dataset, batch, validPrefix }, batch.bytes.byteOffset === 0 ? [buffer] : []);
  }

  /** Closes the workers' files of one prefix and returns the paths that were written. */
  async closeFiles(validPrefix: string): Promise<string[]> {
    const files = await Promise.all(this.workers.map((w) => this.send<string | undefined>(w, { kind: 'close', validPrefix })));
    return files.filter((f): f is string => f !== undefined);
  }

  private closed?: Promise<void>;

  /** Stops the workers; calling it again waits for the same stop. */
  close(): Promise<void> {
    this.closed ??= Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
    return this.closed;
  }
}
