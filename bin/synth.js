#!/usr/bin/env node
// `npm run synth`: synthesizes every stack of every environment into cdktf.out/ (no credentials,
// no terraform binary needed). Runs main.ts through tsx, like bin/stedi.js runs the CLI.
process.env.CHECKPOINT_DISABLE = '1';
require('tsx/cjs');
require('../main.ts');
