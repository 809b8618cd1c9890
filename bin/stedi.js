#!/usr/bin/env node
// Entry point of the `stedi` CLI: runs the TypeScript sources through tsx (no build step).
require('tsx/cjs');
// `stedi query ... | head`: a reader that stops early is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
require('../src/cli/main.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
