// The rehearsal's stand-in for S3: a folder per bucket, an object per file, the key as its path.
// It keeps bytes, sizes, modification times, MD5 ETags and object tags (lifecycle rules filter on
// them); it has no versions, no other object metadata (content type, encoding), no encryption and
// no access control of its own: every caller holding the account's credentials may do everything.
import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';

export interface LocalObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
  /** The path of the object's bytes. */
  readonly file: string;
}

/** A request S3 would refuse, with the error code S3 answers with. */
export class LocalS3Error extends Error {
  constructor(
    readonly code: 'NoSuchBucket' | 'NoSuchKey' | 'InvalidArgument' | 'KeyTooLongError' | 'InvalidTag' | 'BadRequest',
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'LocalS3Error';
  }
}

/** Where an S3 location (`s3://bucket/prefix`) points. */
export function parseLocation(uri: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m) throw new Error(`not an s3:// location: ${uri}`);
  return { bucket: m[1], prefix: m[2] };
}

/** An object's tags, as S3 keeps them: at most ten, each key unique. */
export type ObjectTags = Readonly<Record<string, string>>;

/** S3's limits on an object's tag set. */
export const OBJECT_TAG_LIMITS = { tags: 10, keyLength: 128, valueLength: 256 } as const;

export class LocalS3 {
  /** Grows with every write and delete, so readers can tell that nothing changed since they looked. */
  generation = 0;

  /** @param root the folder that holds one folder per bucket */
  constructor(readonly root: string) {}

  buckets(): string[] {
    return existsSync(this.root) ? readdirSync(this.root).filter((b) => !b.startsWith('.') && statSync(join(this.root, b)).isDirectory()).sort() : [];
  }

  createBucket(bucket: string): void {
    mkdirSync(this.bucketDir(bucket), { recursive: true });
    this.generation++;
  }

  hasBucket(bucket: string): boolean {
    return existsSync(this.bucketDir(bucket));
  }

  /** The object's file; throws NoSuchBucket or NoSuchKey as S3 would answer. */
  head(bucket: string, key: string): LocalObject {
    const file = this.fileOf(bucket, key);
    let stat: Stats;
    try {
      stat = statSync(file);
    } catch {
      throw new LocalS3Error('NoSuchKey', `The specified key does not exist: s3://${bucket}/${key}`, 404);
    }
    if (!stat.isFile()) throw new LocalS3Error('NoSuchKey', `The specified key does not exist: s3://${bucket}/${key}`, 404);
    return { bucket, key, size: stat.size, lastModified: stat.mtime, file };
  }

  read(bucket: string, key: string): Buffer {
    return readFileSync(this.head(bucket, key).file);
  }

  stream(bucket: string, key: string): Readable {
    return createReadStream(this.head(bucket, key).file);
  }

  /** Writes the whole object at once (a reader never sees half of it); it replaces the object's tags too, as S3 does. */
  put(bucket: string, key: string, body: Buffer | string, tags: ObjectTags = {}): LocalObject {
    const file = this.fileOf(bucket, key);
    checkTags(tags);
    mkdirSync(dirname(file), { recursive: true });
    // Written beside the buckets (no bucket name starts with a dot), then moved into place.
    const partial = join(this.root, '.partial', randomUUID());
    mkdirSync(dirname(partial), { recursive: true });
    writeFileSync(partial, body);
    renameSync(partial, file);
    this.writeTags(bucket, key, tags);
    this.generation++;
    return this.head(bucket, key);
  }

  /** Copies a file in as an object (deploying assets, delivering landing files), without holding it in memory. */
  putFile(bucket: string, key: string, source: string): LocalObject {
    const file = this.fileOf(bucket, key);
    mkdirSync(dirname(file), { recursive: true });
    const partial = join(this.root, '.partial', randomUUID());
    mkdirSync(dirname(partial), { recursive: true });
    copyFileSync(source, partial);
    renameSync(partial, file);
    this.writeTags(bucket, key, {});
    this.generation++;
    return this.head(bucket, key);
  }

  delete(bucket: string, key: string): void {
    rmSync(this.fileOf(bucket, key), { force: true });
    this.writeTags(bucket, key, {});
    this.generation++;
  }

  /** Removes every object of a bucket and their tags, keeping the bucket (the landing bucket before a delivery). */
  empty(bucket: string): void {
    rmSync(this.bucketDir(bucket), { recursive: true, force: true });
    rmSync(this.tagFile(bucket), { force: true });
    this.createBucket(bucket);
  }

  /** The object's tags (GetObjectTagging); NoSuchKey when there is no object. */
  tags(bucket: string, key: string): ObjectTags {
    this.head(bucket, key);
    return this.readTags(bucket)[key] ?? {};
  }

  /** Replaces the object's tags (PutObjectTagging); NoSuchKey when there is no object. */
  setTags(bucket: string, key: string, tags: ObjectTags): void {
    this.head(bucket, key);
    checkTags(tags);
    this.writeTags(bucket, key, tags);
    this.generation++;
  }

  /** Every object whose key starts with `prefix`, in key order (ListObjectsV2 lists in UTF-8 binary order). */
  list(bucket: string, prefix = ''): LocalObject[] {
    const dir = this.bucketDir(bucket);
    if (!existsSync(dir)) throw new LocalS3Error('NoSuchBucket', `The specified bucket does not exist: ${bucket}`, 404);
    const out: LocalObject[] = [];
    const walk = (d: string, keyPrefix: string) => {
      for (const name of readdirSync(d)) {
        const path = join(d, name);
        const stat = statSync(path);
        const key = `${keyPrefix}${name}`;
        if (stat.isDirectory()) {
          if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix)) walk(path, `${key}/`);
        } else if (key.startsWith(prefix)) {
          out.push({ bucket, key, size: stat.size, lastModified: stat.mtime, file: path });
        }
      }
    };
    walk(dir, '');
    return out.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  /** Removes every object under `prefix` (Spark's overwrite of its output folder). */
  deletePrefix(bucket: string, prefix: string): void {
    for (const o of this.list(bucket, prefix)) {
      rmSync(o.file, { force: true });
      this.writeTags(bucket, o.key, {});
    }
    this.generation++;
  }

  /** S3's ETag of a single-part upload: the MD5 of the bytes, quoted. */
  etag(o: LocalObject): string {
    return `"${createHash('md5').update(readFileSync(o.file)).digest('hex')}"`;
  }

  /** The tags of a bucket's objects, by key, beside the buckets (no bucket name starts with a dot). */
  private tagFile(bucket: string): string {
    return join(this.root, '.tags', `${bucket}.json`);
  }

  private readTags(bucket: string): Record<string, ObjectTags> {
    const file = this.tagFile(bucket);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, ObjectTags>) : {};
  }

  private writeTags(bucket: string, key: string, tags: ObjectTags): void {
    const all = this.readTags(bucket);
    if (!Object.keys(tags).length && !(key in all)) return;
    if (Object.keys(tags).length) all[key] = { ...tags };
    else delete all[key];
    const file = this.tagFile(bucket);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(`${file}.partial`, JSON.stringify(all));
    renameSync(`${file}.partial`, file);
  }

  private bucketDir(bucket: string): string {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new LocalS3Error('InvalidArgument', `not a valid bucket name: ${JSON.stringify(bucket)}`, 400);
    }
    return join(this.root, bucket);
  }

  /**
   * The file of a key. S3 keys are any UTF-8 up to 1024 bytes; a folder cannot hold every one of
   * them, so keys with empty, `.` or `..` segments, or one that ends in `/`, are refused with a
   * message instead of being stored somewhere else.
   */
  private fileOf(bucket: string, key: string): string {
    const dir = this.bucketDir(bucket);
    if (!this.hasBucket(bucket)) throw new LocalS3Error('NoSuchBucket', `The specified bucket does not exist: ${bucket}`, 404);
    if (Buffer.byteLength(key) > 1024) throw new LocalS3Error('KeyTooLongError', `key longer than 1024 bytes: ${key.slice(0, 60)}...`, 400);
    const segments = key.split('/');
    const why = !key
      ? 'an empty key'
      : key.includes('\0')
        ? 'a NUL character'
        : segments.some((x) => x === '' || x === '.' || x === '..')
          ? 'an empty, "." or ".." segment'
          : sep !== '/' && key.includes(sep)
            ? `the path separator ${sep}`
            : undefined;
    if (why) throw new LocalS3Error('InvalidArgument', `the local S3 stand-in cannot keep the key ${JSON.stringify(key)} as a file: it holds ${why}`, 400);
    return join(dir, ...segments);
  }
}

/** Refuses a tag set S3 would refuse (InvalidTag). */
function checkTags(tags: ObjectTags): void {
  const entries = Object.entries(tags);
  if (entries.length > OBJECT_TAG_LIMITS.tags) throw new LocalS3Error('BadRequest', `Object tags cannot be greater than ${OBJECT_TAG_LIMITS.tags}`, 400);
  for (const [k, v] of entries) {
    if (!k || k.length > OBJECT_TAG_LIMITS.keyLength) throw new LocalS3Error('InvalidTag', `The TagKey you have provided is invalid: ${JSON.stringify(k)}`, 400);
    if (v.length > OBJECT_TAG_LIMITS.valueLength) throw new LocalS3Error('InvalidTag', `The TagValue you have provided is too long: ${JSON.stringify(k)}`, 400);
  }
}
