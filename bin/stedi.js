#!/usr/bin/env node
// Entry point of the `stedi` CLI: runs the TypeScript sources through tsx (no build step).
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
