// Shared by the Lambda handler tests: the embedded catalog as the stacks build it, and S3 bodies.
import { Readable } from 'node:stream';
import { loadCatalog } from '../../src/catalog/registry';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadRules } from '../../src/gates/rule-file';
import { lambdaCatalog, type LambdaCatalog } from '../../src/lambdas/lambda-catalog';
import { synthLambdaCatalog } from '../../stacks/orchestration/synth-lambda-catalog';

export function testCatalog(): LambdaCatalog {
  const catalog = loadCatalog();
  return lambdaCatalog(catalog, loadRules(catalog), loadGateConfig(catalog));
}

/** The catalog as `npm run synth` embeds it: with the lineage of the rules' sample columns. */
export function synthTestCatalog(): Promise<LambdaCatalog> {
  return synthLambdaCatalog(loadCatalog());
}

/** An S3 GetObject body: the SDK hands Node a Readable. */
export function body(bytes: Buffer | string, chunkSize = 7): Readable {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunkSize) chunks.push(buf.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}

export async function readAll(stream: unknown): Promise<Buffer> {
  if (typeof stream === 'string') return Buffer.from(stream);
  if (Buffer.isBuffer(stream)) return stream;
  const parts: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}
