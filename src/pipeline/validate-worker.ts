// Worker thread of the validation pool: checks batches of landing lines for the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalog } from '../catalog/registry';
import { BatchValidator, type LineBatch } from './record-batch';

const catalog = loadCatalog((workerData as { root: string }).root);
const validators = new Map(catalog.datasets.map((d) => [d.dataset, new BatchValidator(d.dataset, d.schema, d.table)]));

parentPort!.on('message', (msg: { id: number; dataset: string; batch: LineBatch }) => {
  try {
    const result = validators.get(msg.dataset)!.check(msg.batch);
    parentPort!.postMessage({ id: msg.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: (e as Error).stack ?? String(e) });
  }
});
