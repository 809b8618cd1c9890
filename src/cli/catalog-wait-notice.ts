// What a command prints while it waits for a lake catalog another process holds.
import type { CatalogHolder } from '../pipeline/catalog-busy';
import { escapeControls } from '../report/terminal-escape';

export const waitNotice = (holder: CatalogHolder | undefined, ms: number): void => {
  process.stderr.write(`stedi: the lake catalog is held by ${holder ? `${escapeControls(holder.program)} (pid ${holder.pid})` : 'another process'}; waiting up to ${Math.round(ms / 1000)} s\n`);
};
