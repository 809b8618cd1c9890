// Writes a derived document (a manifest) whole or not at all: a reader, or the next run after a
// crash, sees the old bytes or the new ones, never half a file.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { namingFile } from '../errors/write-fault';

export function writeFileAtomic(path: string, text: string): void {
  // Beside the target, so that the rename stays on one file system; unique, so that two writers never share it.
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw namingFile(e, path);
  }
}
