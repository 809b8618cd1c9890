// Worker thread of the validation pool: checks batches of landing lines and appends the valid
// records to its own file, so that only counts and quarantined lines travel back to the main thread.
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalog } from '../catalog/registry';
import { BatchValidator, type LineBatch } from './record-batch';

const { root, index } = workerData as { root: string; index: number };
const catalog = loadCatalog(root);
const validators = new Map(catalog.datasets.map((d) => [d.dataset, new BatchValidator(d.dataset, d.schema, d.table)]));
/** Open valid-record files by the path prefix the main thread gave. */
const open = new Map<string, { fd: number; path: string }>();

type Message =
  | { id: number; kind: 'batch'; dataset: string; batch: LineBatch; validPrefix: string }
  | { id: number; kind: 'close'; validPrefix: string };

parentPort!.on('message', (msg: Message) => {
  try {
    if (msg.kind === 'close') {
      const f = open.get(msg.validPrefix);
      if (f) closeSync(f.fd);
      open.delete(msg.validPrefix);
      parentPort!.postMessage({ id: msg.id, file: f?.path });
      return;
    }
    const { validLines, ...result } = validators.get(msg.dataset)!.check(msg.batch);
    if (validLines.length) {
      let f = open.get(msg.validPrefix);
      if (!f) {
        const path = `${msg.validPrefix}.${index}.jsonl`;
        f = { fd: openSync(path, 'w'), path };
        open.set(msg.validPrefix, f);
      }
      for (let done = 0; done < validLines.length; ) done += writeSync(f.fd, validLines, done);
    }
    parentPort!.postMessage({ id: msg.id, result: { ...result, validLines: new Uint8Array(0) } });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).stack ?? String(e) });
  }
});
