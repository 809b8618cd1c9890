// The landing folder and the lake must be apart: a lake inside the landing folder would have its
// own files (Parquet, NDJSON scratch, quarantine) read as landing data by the next run, or listed
// as unknown folders; a landing folder inside the lake would be cleaned up or overwritten by it.
// Decided on real paths (symbolic links followed), before anything is written.
import { existsSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { OperatorError } from '../errors/operator-error';

/** The landing folder and the lake overlap: exit status 2, both paths named. */
export class LandingLakeOverlapError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'LandingLakeOverlapError';
  }
}

/** The real path of a path that may not exist yet: its nearest existing ancestor's real path, then the rest. */
export function realPathOf(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(realPathOf(parent), basename(absolute));
}

/** Whether `child` is `parent` or a path below it (both real and absolute). */
function within(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel.split(sep)[0] !== '..' && !isAbsolute(rel));
}

/** Throws when the lake is the landing folder, inside it, or holds it. */
export function checkLandingAndLakeApart(landing: string, lake: string): void {
  const [realLanding, realLake] = [realPathOf(landing), realPathOf(lake)];
  const named = (given: string, real: string) => (resolve(given) === real ? resolve(given) : `${resolve(given)} (really ${real})`);
  const l = named(landing, realLanding);
  const k = named(lake, realLake);
  const fix = 'pass a --lake folder outside the landing folder, and a --landing folder outside the lake';
  if (realLanding === realLake) throw new LandingLakeOverlapError(`the landing folder ${l} and the lake ${k} are the same folder; ${fix}`);
  if (within(realLake, realLanding)) {
    throw new LandingLakeOverlapError(`the lake ${k} is inside the landing folder ${l}: runs would read the lake's own files as landing data; ${fix}`);
  }
  if (within(realLanding, realLake)) {
    throw new LandingLakeOverlapError(`the landing folder ${l} is inside the lake ${k}: the lake's runs would clean up or overwrite landing data; ${fix}`);
  }
}
