// Rewrites generated landing files the ways real exporters write them (../shared/STEDI-DATA.md:
// "\r\n" and, rarely, lone "\r" line ends, a byte-order mark, gzip, an upload cut short), so that
// a test sees the same records through every way of reading them.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

export const QUIRKS = ['as sent', 'crlf', 'lone cr', 'bom', 'gzip', 'gzip cut short'] as const;
export type Quirk = (typeof QUIRKS)[number];

/** Rewrites one file in place (a compressed one gets `.gz` appended); returns its new path. */
export function applyQuirk(path: string, quirk: Quirk): string {
  if (quirk === 'as sent') return path;
  const bytes = readFileSync(path);
  const text = bytes.toString('latin1');
  switch (quirk) {
    case 'crlf':
      writeFileSync(path, Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1'));
      return path;
    case 'lone cr':
      writeFileSync(path, Buffer.from(text.replace(/\n/g, '\r'), 'latin1'));
      return path;
    case 'bom':
      writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]));
      return path;
    case 'gzip':
    case 'gzip cut short': {
      const gz = gzipSync(bytes);
      // Cut inside the compressed data, past the header: some lines survive, one is cut.
      writeFileSync(path, quirk === 'gzip' ? gz : gz.subarray(0, Math.max(11, Math.floor(gz.length * 0.7))));
      renameSync(path, `${path}.gz`);
      return `${path}.gz`;
    }
  }
}
