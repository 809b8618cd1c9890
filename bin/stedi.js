#!/usr/bin/env node
// Entry point of the `stedi` CLI: the compiled CLI (dist/, built by `npm ci` and `npm run build`)
// when it is up to date with the sources, else the TypeScript sources through tsx.
'use strict';
const { join } = require('node:path');
const { chooseEntry } = require('./cli-entry');

// `stedi query ... | head`: a reader that stops early is not an error.
// Any other failure to write it (a full disk behind `> file`) ends the command with exit 2, the
// status of faults the operator fixes, and a message instead of a stack trace; locks are released
// by then (the command writes its result after its work).
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`stedi: cannot write the standard output: ${e.code ?? e.message}; free space (or redirect it elsewhere) and run again\n`);
  process.exit(2);
});
const root = join(__dirname, '..');
const entry = chooseEntry(root);
// Node 22.1+ keeps V8's compiled code of the CLI between runs (about half of a start); Node 20 has no
// such cache and compiles it each time.
if (entry.dist) require('node:module').enableCompileCache?.(join(root, 'node_modules', '.cache', 'stedi-compile'));
if (process.env.STEDI_DEBUG_ENTRY) process.stderr.write(`stedi: ${entry.dist ? 'dist/stedi.js' : `sources (${entry.reason})`}\n`);
// With --debug, stack traces name the TypeScript sources (dist/ ships its source maps).
if (process.argv.includes('--debug') || process.env.STEDI_DEBUG === '1') process.setSourceMapsEnabled(true);
let cli;
if (entry.dist) {
  cli = require('../dist/stedi.js');
} else {
  require('tsx/cjs');
  cli = require('../src/cli/main.ts');
}
cli.main(process.argv).then((code) => {
  process.exitCode = code;
});
