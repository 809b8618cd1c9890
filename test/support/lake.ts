// Reads a local lake the way a user would: through the catalog file, read-only.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlValue } from '../../src/engine/engine';
import { openLakeEngine } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';

export async function queryLake(lake: string, sql: string): Promise<Record<string, SqlValue>[]> {
  const e = await openLakeEngine(new LakeLayout(lake));
  try {
    return [...(await e.query(sql)).rows];
  } finally {
    await e.close();
  }
}

/** sha256 of every file under a folder, by relative path: proves bytes did not change. */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[p.slice(dir.length + 1)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
