#!/usr/bin/env node
// `npm run build` (and `npm ci`, through `prepare`): compiles the `stedi` CLI into dist/ with esbuild,
// so that a command starts without a TypeScript loader. bin/stedi.js runs dist/ only while it is as
// new as every source it was built from (dist/build-info.json lists them), the sources otherwise.
'use strict';
const { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { basename, join, relative, resolve } = require('node:path');

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist');

/**
 * Entry points: the CLI, and the validation worker under the file name the pool starts beside the
 * module that creates it (src/pipeline/validate-worker-entry.js in the sources, dist/ once bundled).
 */
const ENTRIES = {
  stedi: 'src/cli/main.ts',
  'validate-worker-entry': 'src/pipeline/validate-worker.ts',
};

/**
 * Plain JavaScript files a bundled module starts by path (a worker thread's entry, named with
 * `join(__dirname, ...)`): copied beside the bundle as they are. test/cli/cli-build.test.ts holds
 * every such name in src/ to a file in dist/.
 */
const COPIED = ['src/rehearse/lambda-sandbox-entry.js'];

function build() {
  let esbuild;
  try {
    esbuild = require('esbuild');
  } catch {
    // An install without devDependencies: bin/stedi.js runs the sources through tsx instead.
    process.stderr.write('stedi build: esbuild is not installed (devDependencies omitted); the CLI will run from its TypeScript sources\n');
    return;
  }
  // Built beside dist/ and renamed into place, so a process starting meanwhile never sees half a build.
  const staging = `${DIST}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const result = esbuild.buildSync({
      absWorkingDir: ROOT,
      entryPoints: Object.entries(ENTRIES).map(([out, src]) => ({ in: src, out })),
      outdir: staging,
      bundle: true,
      // Packages stay in node_modules (DuckDB is a native module; the rest loads as it would anyway).
      packages: 'external',
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: 'linked',
      // Keeps names in stack traces of `--debug` readable.
      keepNames: true,
      metafile: true,
      logLevel: 'warning',
    });
    const inputs = Object.keys(result.metafile.inputs)
      .filter((f) => !f.includes('node_modules/'))
      .map((f) => relative(ROOT, resolve(ROOT, f)))
      .concat(COPIED)
      .sort();
    for (const file of COPIED) copyFileSync(join(ROOT, file), join(staging, basename(file)));
    writeFileSync(join(staging, 'build-info.json'), JSON.stringify({ entries: ENTRIES, inputs }, null, 2) + '\n');
    rmSync(DIST, { recursive: true, force: true });
    renameSync(staging, DIST);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

if (require.main === module) {
  try {
    build();
  } catch (e) {
    process.stderr.write(`stedi build failed: ${e.message}\n`);
    process.exit(1);
  }
}

module.exports = { build, COPIED, DIST, ENTRIES };
