// Which code `stedi` runs: the compiled CLI in dist/ while it is as new as every source it was built
// from, the TypeScript sources through tsx otherwise (a fresh edit, an install without esbuild).
'use strict';
const { readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');

/** @returns {{ dist: true } | { dist: false, reason: string }} */
function chooseEntry(root) {
  const dist = join(root, 'dist');
  let info;
  let built;
  try {
    info = JSON.parse(readFileSync(join(dist, 'build-info.json'), 'utf8'));
    built = statSync(join(dist, 'stedi.js')).mtimeMs;
  } catch {
    return { dist: false, reason: 'dist/ is not built (npm run build)' };
  }
  for (const input of info.inputs) {
    let changed;
    try {
      changed = statSync(join(root, input)).mtimeMs;
    } catch {
      return { dist: false, reason: `${input}, compiled into dist/, is gone (npm run build)` };
    }
    if (changed > built) return { dist: false, reason: `${input} changed after dist/ was built (npm run build)` };
  }
  return { dist: true };
}

module.exports = { chooseEntry };
