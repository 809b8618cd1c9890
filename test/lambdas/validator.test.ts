import { gunzipSync, gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createValidator, objectId } from '../../src/lambdas/validator';
import { loadCatalog } from '../../src/catalog/registry';
import { validateDataset } from '../../src/pipeline/validate';
import { tempDir } from '../support/tmp';
import { body, readAll, testCatalog } from './lambda-fixtures';

const s3Mock = mockClient(S3Client);
const catalog = testCatalog();
let stored: Record<string, Buffer>;

const customer = (email: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    customerName: 'Ada Lovelace',
    email,
    phone: '5551234',
    birthDay: '1990-01-02',
    serialNumber: '2a5c2f7e-6a4c-4f8e-9d7a-0e1f2a3b4c5d',
    registrationDate: 1655564376361,
    lastUpdateDate: 1655564376361,
    shareWithResearchAsOfDate: 1655564376361,
    ...extra,
  });

function landing(key: string, bytes: Buffer | string) {
  s3Mock.on(GetObjectCommand, { Bucket: 'landing', Key: key }).callsFake(() => ({ Body: body(bytes), ContentLength: Buffer.byteLength(bytes) }));
}

beforeEach(() => {
  s3Mock.reset();
  stored = {};
  s3Mock.on(PutObjectCommand).callsFake(async (input) => {
    stored[`${input.Bucket}/${input.Key}`] = await readAll(input.Body);
    return {};
  });
});

const validate = createValidator({ s3: new S3Client({}), catalog, trustedBucket: 'trusted', quarantineBucket: 'quarantine', maxLineBytes: 2048 });
const RUN = '20240102T030405123Z-0a1b2c3d';

describe('validator Lambda', () => {
  it('splits a landing object into projected valid records and quarantined lines with file, line and reasons', async () => {
    const key = 'customer/2024/customer-1.json';
    const text = [
      '\ufeff' + customer('ada@example.com', { extraField: 'dropped' }),
      customer('bad-email'),
      '',
      '{"customerName": "Trunc',
      customer('grace@example.com') + '\r',
      '   ',
      '[1,2]',
    ].join('\n');
    landing(key, text);

    const result = await validate({ bucket: 'landing', key, runId: RUN });

    const id = objectId(key);
    expect(result).toEqual({
      key,
      dataset: 'customer',
      status: 'validated',
      bytes: Buffer.byteLength(text),
      read: 5,
      // Without the byte-order mark, the six line ends, the CR of the CRLF and the blank line's spaces.
      recordBytes: Buffer.byteLength(text) - 3 - 6 - 1 - 3,
      valid: 2,
      quarantined: 3,
      quarantinedBytes: Buffer.byteLength(customer('bad-email')) + Buffer.byteLength('{"customerName": "Trunc') + 5,
      blankLines: 2,
      reasons: { 'field email is not a valid email': 1, 'malformed JSON': 1, 'record must be a JSON object, got array': 1 },
      validObject: `s3://trusted/validated/customer_landing/run_id=${RUN}/${id}.json.gz`,
      quarantineObject: `s3://quarantine/customer/run_id=${RUN}/${id}.jsonl`,
    });
    const valid = gunzipSync(stored[`trusted/validated/customer_landing/run_id=${RUN}/${id}.json.gz`]).toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(valid.map((r) => r.email)).toEqual(['ada@example.com', 'grace@example.com']);
    // Projected onto the DDL's columns: extra fields dropped, absent consent fields null.
    expect(Object.keys(valid[0])).toEqual(catalog.datasets.find((d) => d.dataset === 'customer')!.table.columns.map((c) => c.name));
    expect(valid[0].extraField).toBeUndefined();
    expect(valid[0].shareWithPublicAsOfDate).toBeNull();
    const quarantined = stored[`quarantine/customer/run_id=${RUN}/${id}.jsonl`].toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(quarantined.map((q) => [q.file, q.line, q.reasons[0].replace(/:.*/, '')])).toEqual([
      [key, 2, 'field email is not a valid email'],
      [key, 4, 'malformed JSON'],
      [key, 7, 'record must be a JSON object, got array'],
    ]);
    expect(quarantined[0].record).toBe(customer('bad-email'));
  });

  it('reads gzip-compressed landing objects (.json.gz, as Firehose writes them)', async () => {
    const key = 'step_trainer/2024/01/02/stream-1.json.gz';
    const lines = [1, 2, 3].map((i) => JSON.stringify({ sensorReadingTime: 1655564444000 + i, serialNumber: '2a5c2f7e-6a4c-4f8e-9d7a-0e1f2a3b4c5d', distanceFromObject: 200 + i }));
    landing(key, gzipSync(lines.join('\n') + '\n'));

    const result = await validate({ bucket: 'landing', key, runId: RUN });

    expect([result.read, result.valid, result.quarantined, result.quarantineObject]).toEqual([3, 3, 0, undefined]);
    const out = gunzipSync(stored[`trusted/validated/step_trainer_landing/run_id=${RUN}/${objectId(key)}.json.gz`]).toString('utf8');
    expect(out.trimEnd().split('\n').map((l) => JSON.parse(l).distanceFromObject)).toEqual([201, 202, 203]);
  });

  it('quarantines a line over the size limit by number and size, keeping the lines around it', async () => {
    const key = 'accelerometer/a.json';
    const reading = (t: number) => JSON.stringify({ user: 'ada@example.com', timestamp: t, x: 1, y: 2, z: 3 });
    const huge = JSON.stringify({ user: 'x'.repeat(3000) });
    landing(key, [reading(1), huge, reading(3)].join('\n'));

    const result = await validate({ bucket: 'landing', key, runId: RUN });

    expect([result.read, result.valid, result.quarantined]).toEqual([3, 2, 1]);
    const q = JSON.parse(stored[`quarantine/accelerometer/run_id=${RUN}/${objectId(key)}.jsonl`].toString('utf8'));
    expect([q.line, q.reasons]).toEqual([2, [`line is ${Buffer.byteLength(huge)} bytes, over the limit of 2048 bytes`]]);
  });

  it('writes nothing for an empty object and still accounts for it', async () => {
    landing('customer/empty.json', '');
    expect(await validate({ bucket: 'landing', key: 'customer/empty.json', runId: RUN })).toMatchObject({ status: 'validated', read: 0, valid: 0, quarantined: 0 });
    expect(stored).toEqual({});
  });

  it('ignores, with a reason, objects outside the dataset folders and files that are not record files', async () => {
    expect(await validate({ bucket: 'landing', key: '_errors/step_trainer/x.json', runId: RUN })).toMatchObject({
      dataset: null,
      status: 'ignored',
      reason: 'not under a dataset folder (accelerometer/, customer/, step_trainer/)',
    });
    expect(await validate({ bucket: 'landing', key: 'customer/notes.txt', runId: RUN })).toMatchObject({
      dataset: 'customer',
      status: 'ignored',
      reason: 'not a record file (expected .json, .jsonl, .ndjson, optionally .gz)',
    });
    expect(s3Mock.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  it('quarantines the records a local run quarantines, for the same reasons (hostile records)', async () => {
    const reading = (t: string, user = '"ada@example.com"', x = '1.0') => `{"user":${user},"timestamp":${t},"x":${x},"y":2,"z":3}`;
    const bytes = Buffer.from(
      [
        reading('1655564444103'),
        reading('20000000000000000000'),
        reading('1e19'),
        reading('9223372036854775807'),
        reading('9007199254740991'),
        reading('9007199254740992'),
        reading('1', '"ada\\ud800@example.com"'),
        reading('1', '"\\udfff"'),
        reading('2', '"ada@example.com"', '1e400'),
        reading('3', '"ada@example.com"', '-0.0'),
      ].join('\n') + '\n',
    );
    const key = 'accelerometer/hostile.json';
    landing(key, bytes);
    const lambda = await validate({ bucket: 'landing', key, runId: RUN });
    const lambdaQuarantine = stored[`quarantine/accelerometer/run_id=${RUN}/${objectId(key)}.jsonl`].toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l));

    const root = tempDir();
    mkdirSync(join(root, 'accelerometer'));
    writeFileSync(join(root, key), bytes);
    const ds = loadCatalog().datasets.find((d) => d.dataset === 'accelerometer')!;
    const local = await validateDataset(ds, { landingRoot: root, validPrefix: join(root, 'valid'), quarantineFile: join(root, 'q.jsonl') });
    const localQuarantine = readFileSync(join(root, 'q.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));

    expect([lambda.read, lambda.valid, lambda.quarantined]).toEqual([10, 3, 7]);
    expect([local.read, local.valid, local.quarantined]).toEqual([lambda.read, lambda.valid, lambda.quarantined]);
    expect(lambda.reasons).toEqual(local.reasons);
    expect(lambdaQuarantine.map((q) => [q.line, q.reasons])).toEqual(localQuarantine.map((q) => [q.line, q.reasons]));
    expect(lambdaQuarantine.map((q) => q.line)).toEqual([2, 3, 4, 6, 7, 8, 9]);
  });

  it('ends lines at a lone CR, as the local run does (a file written with old Mac line ends)', async () => {
    const key = 'step_trainer/cr.json';
    const lines = [1, 2, 3].map((i) => JSON.stringify({ sensorReadingTime: 1655564444000 + i, serialNumber: '2a5c2f7e-6a4c-4f8e-9d7a-0e1f2a3b4c5d', distanceFromObject: 200 + i }));
    landing(key, lines.join('\r') + '\r\u00a0\r');
    const result = await validate({ bucket: 'landing', key, runId: RUN });
    expect([result.read, result.valid, result.quarantined, result.blankLines, result.reasons]).toEqual([4, 3, 1, 0, { 'malformed JSON': 1 }]);
    const out = gunzipSync(stored[`trusted/validated/step_trainer_landing/run_id=${RUN}/${objectId(key)}.json.gz`]).toString('utf8');
    expect(out.trimEnd().split('\n').map((l) => JSON.parse(l).distanceFromObject)).toEqual([201, 202, 203]);
  });

  it('a gzip object cut short: keeps the lines before the cut and quarantines the rest as the local run does', async () => {
    const key = 'step_trainer/2024/01/02/stream-cut.json.gz';
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ sensorReadingTime: 1655564444000 + i, serialNumber: '2a5c2f7e-6a4c-4f8e-9d7a-0e1f2a3b4c5d', distanceFromObject: 200 + i }));
    const whole = gzipSync(lines.join('\n') + '\n');
    const cut = whole.subarray(0, Math.floor(whole.length * 0.7));
    landing(key, cut);
    const lambda = await validate({ bucket: 'landing', key, runId: RUN });
    const [q] = stored[`quarantine/step_trainer/run_id=${RUN}/${objectId(key)}.jsonl`].toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l));

    const root = tempDir();
    mkdirSync(join(root, 'step_trainer', '2024', '01', '02'), { recursive: true });
    writeFileSync(join(root, key), cut);
    const ds = loadCatalog().datasets.find((d) => d.dataset === 'step_trainer')!;
    const local = await validateDataset(ds, { landingRoot: root, validPrefix: join(root, 'valid'), quarantineFile: join(root, 'q.jsonl') });
    const [localQ] = readFileSync(join(root, 'q.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));

    expect([lambda.status, lambda.quarantined, lambda.read]).toEqual(['validated', 1, lambda.valid + 1]);
    expect(lambda.valid).toBeGreaterThan(0);
    expect([local.read, local.valid, local.quarantined, local.reasons]).toEqual([lambda.read, lambda.valid, lambda.quarantined, lambda.reasons]);
    expect(q).toEqual(localQ);
    expect([q.file, q.line, q.reasons]).toEqual([key, lambda.valid + 1, [expect.stringMatching(/^(inside|before) this line( \(after its \d+ bytes\))?, the gzip data is cut short \(unexpected end of file\) in the member at byte 0: its \d+ bytes/)]]);
  });

  it('refuses a run id that could escape its run folder', async () => {
    await expect(validate({ bucket: 'landing', key: 'customer/a.json', runId: '../published' })).rejects.toThrow(
      'runId must be 1-64 letters, digits or "-" (got "../published")',
    );
  });
});
