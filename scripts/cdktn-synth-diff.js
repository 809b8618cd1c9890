#!/usr/bin/env node
// `npm run synth:cdktn` (Node 22.11+): synthesizes this app with CDK Terrain, the maintained
// continuation of cdktf (cdktn + @cdktn/provider-aws, pinned below, installed into
// .stedi/cdktn/ from the npm registry), without switching the project to it: `cdktf`,
// `@cdktf/provider-aws` and `constructs` are resolved to the cdktn packages for this one process.
// Then it compares every stack with what `npm run synth` writes: apart from the differences listed
// in EXPECTED, the two must be the same Terraform. Exit 0 when they are, 1 otherwise.
'use strict';
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { tmpdir } = require('node:os');

const ROOT = resolve(__dirname, '..');
/** The continuation's packages, pinned; constructs at what cdktn's peer range allows (<10.8). */
const CDKTN = { cdktn: '0.24.0', '@cdktn/provider-aws': '25.7.0', constructs: '10.6.0' };
const INSTALL = join(ROOT, '.stedi', 'cdktn', Object.values(CDKTN).join('-'));

/** Paths (keys joined by '.') where the two may differ, with why. */
const EXPECTED = {
  '//.metadata.version': 'the library version that wrote the stack',
  'terraform.required_providers.aws.source': "'aws' and 'hashicorp/aws' name the same provider (hashicorp is Terraform's default namespace)",
  'terraform.required_providers.aws.version': 'each provider package pins its own AWS provider release',
};

function install() {
  if (existsSync(join(INSTALL, 'node_modules', 'cdktn', 'package.json'))) return;
  mkdirSync(INSTALL, { recursive: true });
  writeFileSync(join(INSTALL, 'package.json'), JSON.stringify({ name: 'stedi-cdktn-synth', private: true, dependencies: CDKTN }, null, 2));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--save-exact'], { cwd: INSTALL, stdio: ['ignore', 'ignore', 'inherit'] });
}

function synthWithCdktn(outdir) {
  const modules = join(INSTALL, 'node_modules');
  // Runs main.ts as bin/synth.js does, with the three packages resolved from the cdktn install.
  const hook = `
    const Module = require('node:module');
    const resolveFilename = Module._resolveFilename;
    const to = (r) =>
      r === 'cdktf' || r.startsWith('cdktf/') ? ${JSON.stringify(modules)} + '/cdktn' + r.slice(5)
      : r.startsWith('@cdktf/provider-aws') ? ${JSON.stringify(modules)} + '/@cdktn/provider-aws' + r.slice(19)
      : r === 'constructs' || r.startsWith('constructs/') ? ${JSON.stringify(modules)} + '/' + r
      : r;
    Module._resolveFilename = function (request, ...rest) { return resolveFilename.call(this, to(request), ...rest); };
    require('tsx/cjs');
    require(${JSON.stringify(join(ROOT, 'main.ts'))});
  `;
  execFileSync(process.execPath, ['-e', hook], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir } });
}

function synthWithCdktf(outdir) {
  execFileSync(process.execPath, [join(ROOT, 'bin', 'synth.js')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir } });
}

/** Every leaf where a and b differ, as [path, a, b]. */
function differences(a, b, path = [], out = []) {
  const at = (p) => p.join('.');
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) out.push([at(path), a, b]);
  else if (a && typeof a === 'object') {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!(k in a) || !(k in b)) out.push([at([...path, k]), a[k], b[k]]);
      else differences(a[k], b[k], [...path, k], out);
    }
  } else if (a !== b) out.push([at(path), a, b]);
  return out;
}

function main() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 11)) {
    process.stderr.write(`synth:cdktn: cdktn needs Node 22.11 or later, this is ${process.version} (try: PATH="$(scripts/ci/node-from-registry.sh 22.23.5):$PATH" npm run synth:cdktn)\n`);
    return 2;
  }
  install();
  const work = mkdtempSync(join(tmpdir(), 'stedi-cdktn-'));
  try {
    synthWithCdktf(join(work, 'cdktf'));
    synthWithCdktn(join(work, 'cdktn'));
    const stacks = (dir) => readdirSync(join(work, dir, 'stacks')).sort();
    const problems = [];
    if (stacks('cdktf').join() !== stacks('cdktn').join()) problems.push(`stacks differ: ${stacks('cdktf').join(', ')} against ${stacks('cdktn').join(', ')}`);
    const seen = new Map();
    for (const stack of stacks('cdktf')) {
      const read = (dir) => JSON.parse(readFileSync(join(work, dir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      if (!existsSync(join(work, 'cdktn', 'stacks', stack))) continue;
      for (const [path, a, b] of differences(read('cdktf'), read('cdktn'))) {
        if (path in EXPECTED) seen.set(path, `${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
        else problems.push(`${stack}: ${path}: ${JSON.stringify(a)?.slice(0, 120)} (cdktf) vs ${JSON.stringify(b)?.slice(0, 120)} (cdktn)`);
      }
    }
    for (const [path, change] of seen) process.stdout.write(`expected difference ${path}: ${change} (${EXPECTED[path]})\n`);
    if (problems.length) {
      process.stderr.write(`synth:cdktn: the cdktn synthesis differs from cdktf's:\n  ${problems.join('\n  ')}\n`);
      return 1;
    }
    process.stdout.write(`synth:cdktn: ${stacks('cdktf').length} stacks, the same Terraform with cdktn ${CDKTN.cdktn} and @cdktn/provider-aws ${CDKTN['@cdktn/provider-aws']} as with cdktf\n`);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) process.exitCode = main();

module.exports = { differences, EXPECTED, CDKTN };
