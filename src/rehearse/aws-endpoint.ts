// The HTTP endpoint the Lambdas' own AWS SDK clients reach during a rehearsal (AWS_ENDPOINT_URL
// points every client at it): S3's REST API (path-style) on the S3 stand-in, Glue's and Athena's
// JSON 1.1 APIs and Lake Formation's REST JSON API on theirs, told apart by the service each request
// is signed for. The SDK serializes, signs, retries and parses as it would against AWS; what
// arrives here is what AWS would receive. Signatures are not checked (IAM is not modelled), but the
// access key is read: credentials Lake Formation vended reach only their table's location. An
// operation no stand-in implements is answered with an error that names it, and recorded.
import type { StartQueryExecutionInput } from '@aws-sdk/client-athena';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { AthenaStandInError, type AthenaStandIn } from './athena-stand-in';
import { GlueStandInError, type GlueCatalogStandIn } from './glue-catalog-stand-in';
import { LakeFormationStandInError, type LakeFormationStandIn } from './lake-formation-stand-in';
import { LocalS3Error, type LocalS3, type ObjectTags } from './local-s3';

/** One request the endpoint answered. */
export interface EndpointCall {
  readonly service: 's3' | 'glue' | 'athena' | 'lakeformation' | 'unknown';
  readonly operation: string;
  readonly status: number;
}

export interface AwsEndpointOptions {
  readonly s3: LocalS3;
  readonly glue: GlueCatalogStandIn;
  readonly athena: AthenaStandIn;
  readonly lakeFormation: LakeFormationStandIn;
}

/** Who signed a request, and for which service (SigV4's credential scope). */
interface Signer {
  readonly accessKeyId?: string;
  readonly service?: string;
}

/** The access key and service of a SigV4 Authorization header (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
function signerOf(req: IncomingMessage): Signer {
  const m = /Credential=([^/,\s]+)\/[^/]+\/[^/]+\/([^/]+)\/aws4_request/.exec(String(req.headers.authorization ?? ''));
  return m ? { accessKeyId: m[1], service: m[2] } : {};
}

export class AwsEndpoint {
  readonly calls: EndpointCall[] = [];
  private server?: Server;

  constructor(private readonly options: AwsEndpointOptions) {}

  /** Listens on a free port of the loopback interface; returns the URL for AWS_ENDPOINT_URL. */
  async start(): Promise<string> {
    const server = createServer((req, res) => {
      void this.handle(req, res).catch((e: Error) => send(res, 500, 'text/plain', `rehearsal endpoint error: ${e.message}`));
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Operations that were called but that no stand-in implements. */
  unsupported(): string[] {
    return [...new Set(this.calls.filter((c) => c.status === 501 || c.service === 'unknown').map((c) => `${c.service}:${c.operation}`))];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const target = req.headers['x-amz-target'];
    if (typeof target === 'string') return this.json(target, body, res);
    const signer = signerOf(req);
    if (signer.service === 'lakeformation') return this.lakeFormation(req, body, res);
    return this.s3(req, body, res, signer);
  }

  // ---- Lake Formation (REST JSON: POST /<Operation>) ----

  private lakeFormation(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const operation = new URL(req.url ?? '/', 'http://local').pathname.replace(/^\//, '');
    const fail = (status: number, type: string, message: string) => {
      this.calls.push({ service: 'lakeformation', operation, status });
      res.setHeader('x-amzn-errortype', type);
      send(res, status, 'application/json', JSON.stringify({ Message: message }));
    };
    let input: Record<string, any>;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return fail(400, 'SerializationException', 'the request body is not JSON');
    }
    if (req.method !== 'POST' || operation !== 'GetTemporaryGlueTableCredentials') {
      return fail(501, 'UnknownOperationException', `the rehearsal has no stand-in for Lake Formation ${req.method} /${operation}; add it in src/rehearse/aws-endpoint.ts or say in the rehearsal's limits why it is not needed`);
    }
    try {
      const out = this.options.lakeFormation.getTemporaryGlueTableCredentials(input);
      this.calls.push({ service: 'lakeformation', operation, status: 200 });
      send(res, 200, 'application/json', JSON.stringify(out));
    } catch (e) {
      if (e instanceof LakeFormationStandInError) return fail(e.status, e.type, e.message);
      fail(500, 'InternalServiceException', (e as Error).message);
    }
  }

  // ---- JSON 1.1 services (Glue, Athena) ----

  private json(target: string, body: Buffer, res: ServerResponse): void {
    const [prefix, operation = ''] = target.split('.');
    const service = prefix === 'AWSGlue' ? 'glue' : prefix === 'AmazonAthena' ? 'athena' : 'unknown';
    let input: Record<string, any>;
    try {
      input = body.length ? JSON.parse(body.toString('utf8')) : {};
    } catch {
      return this.jsonError(res, service, operation, 400, 'SerializationException', 'the request body is not JSON');
    }
    try {
      const output = service === 'glue' ? this.glue(operation, input) : service === 'athena' ? this.athena(operation, input) : undefined;
      if (output === undefined) {
        return this.jsonError(res, service, operation, 501, 'UnknownOperationException', `the rehearsal has no stand-in for ${target}; add it in src/rehearse/aws-endpoint.ts or say in the rehearsal's limits why it is not needed`);
      }
      void Promise.resolve(output).then(
        (out) => {
          this.calls.push({ service, operation, status: 200 });
          send(res, 200, 'application/x-amz-json-1.1', JSON.stringify(out));
        },
        (e: Error) => this.jsonFailure(res, service, operation, e),
      );
    } catch (e) {
      this.jsonFailure(res, service, operation, e as Error);
    }
  }

  private jsonFailure(res: ServerResponse, service: EndpointCall['service'], operation: string, e: Error): void {
    if (e instanceof GlueStandInError || e instanceof AthenaStandInError) return this.jsonError(res, service, operation, e.status, e.type, e.message);
    this.jsonError(res, service, operation, 500, 'InternalServerException', e.message);
  }

  private jsonError(res: ServerResponse, service: EndpointCall['service'], operation: string, status: number, type: string, message: string): void {
    this.calls.push({ service, operation, status });
    res.setHeader('x-amzn-errortype', type);
    send(res, status, 'application/x-amz-json-1.1', JSON.stringify({ __type: type, Message: message }));
  }

  private glue(operation: string, input: Record<string, any>): unknown {
    const glue = this.options.glue;
    switch (operation) {
      case 'GetTable':
        return { Table: glue.getTable(input.DatabaseName, input.Name) };
      case 'GetTables':
        return { TableList: glue.getTables(input.DatabaseName) };
      case 'GetDatabase':
        return { Database: glue.getDatabase(input.Name) };
      case 'UpdateTable':
        glue.updateTable(input.DatabaseName, input.TableInput, input.VersionId);
        return {};
      default:
        return undefined;
    }
  }

  private athena(operation: string, input: Record<string, any>): unknown {
    const athena = this.options.athena;
    switch (operation) {
      case 'StartQueryExecution':
        return athena.startQueryExecution(input as StartQueryExecutionInput);
      case 'GetQueryExecution':
        return athena.getQueryExecution(input.QueryExecutionId);
      case 'GetQueryResults':
        return athena.getQueryResults(input.QueryExecutionId, input.NextToken, input.MaxResults);
      case 'StopQueryExecution':
        return athena.stopQueryExecution(input.QueryExecutionId);
      default:
        return undefined;
    }
  }

  // ---- S3 REST (path-style: /bucket/key) ----

  private s3(req: IncomingMessage, body: Buffer, res: ServerResponse, signer: Signer): void {
    const url = new URL(req.url ?? '/', 'http://local');
    const [, rawBucket = '', ...rest] = url.pathname.split('/');
    const bucket = decodeURIComponent(rawBucket);
    const key = rest.map((s) => decodeURIComponent(s)).join('/');
    const method = req.method ?? 'GET';
    const operation = s3Operation(method, key, url, req);
    const s3 = this.options.s3;
    // Vended credentials reach the one prefix Lake Formation scoped them to; the account's reach everything (IAM is not modelled).
    const lf = this.options.lakeFormation;
    if (signer.accessKeyId && lf.isVended(signer.accessKeyId)) {
      const refusal = lf.refusal(signer.accessKeyId, bucket, operation === 'ListObjectsV2' ? (url.searchParams.get('prefix') ?? '') : key);
      if (refusal) return this.s3Error(res, operation, 403, 'AccessDenied', `Access Denied: ${refusal}`, key);
    }
    try {
      switch (operation) {
        case 'GetObject':
        case 'HeadObject': {
          const o = s3.head(bucket, key);
          const tagCount = Object.keys(s3.tags(bucket, key)).length;
          res.writeHead(200, {
            'content-length': o.size,
            etag: s3.etag(o),
            'last-modified': o.lastModified.toUTCString(),
            'content-type': 'application/octet-stream',
            ...(tagCount ? { 'x-amz-tagging-count': tagCount } : {}),
          });
          this.calls.push({ service: 's3', operation, status: 200 });
          if (operation === 'HeadObject') res.end();
          else s3.stream(bucket, key).pipe(res);
          return;
        }
        case 'PutObject': {
          const bytes = putBody(req, body);
          const header = req.headers['x-amz-tagging'];
          const o = s3.put(bucket, key, bytes, typeof header === 'string' ? taggingHeader(header) : {});
          this.calls.push({ service: 's3', operation, status: 200 });
          res.writeHead(200, { etag: s3.etag(o) });
          res.end();
          return;
        }
        case 'PutObjectTagging': {
          s3.setTags(bucket, key, tagSet(putBody(req, body).toString('utf8')));
          this.calls.push({ service: 's3', operation, status: 200 });
          res.writeHead(200);
          res.end();
          return;
        }
        case 'GetObjectTagging': {
          const tags = s3.tags(bucket, key);
          this.calls.push({ service: 's3', operation, status: 200 });
          const set = Object.entries(tags).map(([k, v]) => `<Tag><Key>${xmlText(k)}</Key><Value>${xmlText(v)}</Value></Tag>`).join('');
          send(res, 200, 'application/xml', `<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${set}</TagSet></Tagging>`);
          return;
        }
        case 'DeleteObject':
          s3.delete(bucket, key);
          this.calls.push({ service: 's3', operation, status: 204 });
          res.writeHead(204);
          res.end();
          return;
        case 'ListObjectsV2': {
          const xml = listObjectsV2(s3, bucket, url);
          this.calls.push({ service: 's3', operation, status: 200 });
          send(res, 200, 'application/xml', xml);
          return;
        }
        default:
          return this.s3Error(res, operation, 501, 'NotImplemented', `the rehearsal's S3 stand-in does not implement ${operation}`, key);
      }
    } catch (e) {
      if (e instanceof LocalS3Error) return this.s3Error(res, operation, e.status, e.code, e.message, key);
      if (e instanceof ChecksumError) return this.s3Error(res, operation, 400, e.code, e.message, key);
      throw e;
    }
  }

  private s3Error(res: ServerResponse, operation: string, status: number, code: string, message: string, key: string): void {
    this.calls.push({ service: 's3', operation, status });
    send(
      res,
      status,
      'application/xml',
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlText(message)}</Message><Key>${xmlText(key)}</Key><RequestId>rehearsal</RequestId></Error>`,
    );
  }
}

/**
 * The S3 operation of a request. A sub-resource in the query (`?tagging`, `?acl`, `?retention`...)
 * names another operation than the method alone: one the stand-in does not know is never taken
 * for the plain object operation (a PUT ?acl is not a PutObject of the ACL's XML).
 */
function s3Operation(method: string, key: string, url: URL, req: IncomingMessage): string {
  // x-id names the operation for S3's routing (the SDK adds it); response-* override GetObject's headers.
  const sub = [...url.searchParams.keys()].filter((k) => k !== 'x-id' && !k.startsWith('response-'));
  if (!key) {
    if (method === 'GET' && url.searchParams.get('list-type') === '2') return 'ListObjectsV2';
    return `${method} bucket ${sub.join(',') || '(no query)'}`;
  }
  if (sub.includes('uploads') || sub.includes('uploadId')) return 'MultipartUpload';
  if (sub.length === 1 && sub[0] === 'tagging' && (method === 'PUT' || method === 'GET')) return method === 'PUT' ? 'PutObjectTagging' : 'GetObjectTagging';
  if (sub.length) return `${method} object ?${sub.join(',')}`;
  if (method === 'PUT' && req.headers['x-amz-copy-source']) return 'CopyObject';
  if (method === 'GET' && req.headers.range) return 'GetObject with Range';
  return ({ GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject' } as Record<string, string>)[method] ?? `${method} object`;
}

class ChecksumError extends Error {
  constructor(readonly code: 'BadDigest' | 'IncompleteBody' | 'InvalidRequest', message: string) {
    super(message);
  }
}

/**
 * The object's bytes from a PutObject body: plain, or `aws-chunked` as the SDK streams bodies of
 * unknown length (chunks, then the checksum as a trailer). A checksum the SDK sent is verified,
 * as S3 does (BadDigest when it differs).
 */
function putBody(req: IncomingMessage, body: Buffer): Buffer {
  const encoding = String(req.headers['content-encoding'] ?? '');
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  let bytes = body;
  const trailers: Record<string, string> = {};
  if (encoding.split(',').map((s) => s.trim()).includes('aws-chunked') || sha.startsWith('STREAMING-')) {
    const chunks: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = body.indexOf('\r\n', at);
      if (lineEnd < 0) throw new ChecksumError('IncompleteBody', 'aws-chunked body ends inside a chunk header');
      const size = parseInt(body.subarray(at, lineEnd).toString('latin1').split(';')[0], 16);
      at = lineEnd + 2;
      if (!Number.isFinite(size)) throw new ChecksumError('InvalidRequest', 'aws-chunked chunk without a size');
      if (size === 0) break;
      chunks.push(body.subarray(at, at + size));
      at += size + 2;
    }
    for (const line of body.subarray(at).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    bytes = Buffer.concat(chunks);
    const declared = req.headers['x-amz-decoded-content-length'];
    if (declared !== undefined && Number(declared) !== bytes.length) {
      throw new ChecksumError('IncompleteBody', `x-amz-decoded-content-length says ${declared} bytes, the chunks hold ${bytes.length}`);
    }
  }
  const checksum = (name: string) => trailers[name] ?? (req.headers[name] as string | undefined);
  const expectCrc32 = checksum('x-amz-checksum-crc32');
  if (expectCrc32 !== undefined) {
    const got = Buffer.alloc(4);
    got.writeUInt32BE(crc32(bytes) >>> 0);
    if (got.toString('base64') !== expectCrc32) throw new ChecksumError('BadDigest', `The CRC32 you specified did not match the calculated checksum (${expectCrc32} sent, ${got.toString('base64')} received)`);
  }
  for (const [header, algorithm] of [['x-amz-checksum-sha256', 'sha256'], ['x-amz-checksum-sha1', 'sha1']] as const) {
    const expect = checksum(header);
    if (expect !== undefined && createHash(algorithm).update(bytes).digest('base64') !== expect) {
      throw new ChecksumError('BadDigest', `The ${algorithm.toUpperCase()} you specified did not match the calculated checksum`);
    }
  }
  const md5 = req.headers['content-md5'];
  if (typeof md5 === 'string' && createHash('md5').update(bytes).digest('base64') !== md5) {
    throw new ChecksumError('BadDigest', 'The Content-MD5 you specified did not match what we received');
  }
  return bytes;
}

/**
 * ListObjectsV2: keys in UTF-8 binary order; with a Delimiter, the keys that hold it after the
 * prefix are rolled up into CommonPrefixes (one entry each, counted against MaxKeys like a key).
 */
function listObjectsV2(s3: LocalS3, bucket: string, url: URL): string {
  const prefix = url.searchParams.get('prefix') ?? '';
  const delimiter = url.searchParams.get('delimiter') ?? '';
  const max = Math.min(Number(url.searchParams.get('max-keys') ?? 1000), 1000);
  const after = url.searchParams.get('continuation-token') ?? url.searchParams.get('start-after') ?? '';
  const entries: ({ kind: 'key'; name: string; o: ReturnType<LocalS3['list']>[number] } | { kind: 'prefix'; name: string })[] = [];
  for (const o of s3.list(bucket, prefix)) {
    const cut = delimiter ? o.key.indexOf(delimiter, prefix.length) : -1;
    if (cut < 0) entries.push({ kind: 'key', name: o.key, o });
    else {
      const common = o.key.slice(0, cut + delimiter.length);
      if (entries[entries.length - 1]?.name !== common) entries.push({ kind: 'prefix', name: common });
    }
  }
  const all = entries.filter((e) => e.name > after);
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  const contents = page
    .map((e) =>
      e.kind === 'prefix'
        ? `<CommonPrefixes><Prefix>${xmlText(e.name)}</Prefix></CommonPrefixes>`
        : `<Contents><Key>${xmlText(e.name)}</Key><LastModified>${e.o.lastModified.toISOString()}</LastModified><ETag>${xmlText(s3.etag(e.o))}</ETag><Size>${e.o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlText(bucket)}</Name><Prefix>${xmlText(prefix)}</Prefix>` +
    (delimiter ? `<Delimiter>${xmlText(delimiter)}</Delimiter>` : '') +
    `<KeyCount>${page.length}</KeyCount><MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${contents}` +
    (truncated ? `<NextContinuationToken>${xmlText(page[page.length - 1].name)}</NextContinuationToken>` : '') +
    `</ListBucketResult>`
  );
}

/** PutObject's `x-amz-tagging` header: tags as URL query parameters (`k1=v1&k2=v2`). */
function taggingHeader(header: string): ObjectTags {
  const tags: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(header)) {
    if (k in tags) throw new LocalS3Error('InvalidTag', `Cannot provide multiple Tags with the same key: ${k}`, 400);
    tags[k] = v;
  }
  return tags;
}

/** PutObjectTagging's body: `<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>...</TagSet></Tagging>`. */
function tagSet(xml: string): ObjectTags {
  if (!/<Tagging[\s>][\s\S]*<TagSet>[\s\S]*<\/TagSet>[\s\S]*<\/Tagging>/.test(xml) && !/<Tagging[\s>][\s\S]*<TagSet\s*\/>/.test(xml)) {
    throw new LocalS3Error('BadRequest', 'The XML you provided was not well-formed or did not validate against our published schema (no Tagging/TagSet)', 400);
  }
  const tags: Record<string, string> = {};
  for (const m of xml.matchAll(/<Tag>\s*<Key>([\s\S]*?)<\/Key>\s*<Value>([\s\S]*?)<\/Value>\s*<\/Tag>/g)) {
    const k = xmlUnescape(m[1]);
    if (k in tags) throw new LocalS3Error('InvalidTag', `Cannot provide multiple Tags with the same key: ${k}`, 400);
    tags[k] = xmlUnescape(m[2]);
  }
  return tags;
}

function xmlUnescape(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : e === 'amp' ? '&' : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of req) parts.push(c as Buffer);
  return Buffer.concat(parts);
}
