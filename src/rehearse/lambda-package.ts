// Unpacks a Lambda deployment package (the zip Terraform uploads) into a folder, as Lambda does
// into /var/task: stored and deflated entries, read from the zip's central directory.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

/** Writes every file of the zip under `dir`; returns their names. */
export function unpackLambdaPackage(zipFile: string, dir: string): string[] {
  const zip = readFileSync(zipFile);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipFile}: not a zip file (no end of central directory)`);
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw new Error(`${zipFile}: damaged central directory`);
    const method = zip.readUInt16LE(at + 10);
    const packed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    const target = normalize(join(dir, name));
    if (!target.startsWith(normalize(dir) + sep)) throw new Error(`${zipFile}: entry ${name} would leave the package folder`);
    if (zip.readUInt32LE(localAt) !== LOCAL_FILE_HEADER) throw new Error(`${zipFile}: damaged entry ${name}`);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const raw = zip.subarray(dataAt, dataAt + packed);
    const data = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : undefined;
    if (!data) throw new Error(`${zipFile}: entry ${name} uses compression method ${method}; Lambda packages here are stored or deflated`);
    if (data.length !== size) throw new Error(`${zipFile}: entry ${name} unpacks to ${data.length} bytes, the directory says ${size}`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
    names.push(name);
  }
  return names;
}
