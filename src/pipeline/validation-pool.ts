// A pool of worker threads that check batches of landing lines, so validation uses every core.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { BatchResult, LineBatch } from './record-batch';

/** Workers used by default: one per core, at most four (the main thread reads and writes). */
export function defaultWorkerCount(): number {
  return Math.min(availableParallelism(), 4);
}

interface Pending {
  resolve: (r: BatchResult) => void;
  reject: (e: Error) => void;
}

export class ValidationPool {
  private readonly workers: Worker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private turn = 0;
  private failure?: Error;

  constructor(
    /** The repository root whose catalog the workers load. */
    root: string,
    readonly size: number = defaultWorkerCount(),
  ) {
    this.workers = Array.from({ length: size }, () => {
      const w = new Worker(join(__dirname, 'validate-worker-entry.js'), { workerData: { root } });
      w.on('message', (m: { id: number; result?: BatchResult; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error) p.reject(new Error(`validation worker failed: ${m.error}`));
        else p.resolve(m.result!);
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

  check(dataset: string, batch: LineBatch): Promise<BatchResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const worker = this.workers[this.turn++ % this.workers.length];
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Transfer the bytes instead of copying them: the main thread no longer needs the batch.
      const buffer = batch.bytes.buffer as ArrayBuffer;
      const owned = batch.bytes.byteOffset === 0 && batch.bytes.byteLength === buffer.byteLength;
      worker.postMessage({ id, dataset, batch }, owned ? [buffer] : []);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
