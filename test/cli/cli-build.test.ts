// The compiled CLI carries every file its modules start by path: a worker thread's entry named with
// join(__dirname, '<file>') resolves beside the bundle in dist/, not beside the source module.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../src/catalog/registry';

const { DIST, COPIED, ENTRIES } = require('../../scripts/build-cli') as { DIST: string; COPIED: string[]; ENTRIES: Record<string, string> };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every `join(__dirname, '<file>')` in src/, with the module that names it. */
function filesStartedByPath(): { module: string; file: string }[] {
  const found: { module: string; file: string }[] = [];
  for (const module of sources(join(PROJECT_ROOT, 'src'))) {
    for (const m of readFileSync(module, 'utf8').matchAll(/join\(__dirname, '([^']+)'\)/g)) found.push({ module: relative(PROJECT_ROOT, module), file: m[1] });
  }
  return found;
}

describe('the compiled CLI (dist/, built by the suite\'s global setup)', () => {
  it('holds every file a module of src/ starts by path beside itself', () => {
    const started = filesStartedByPath();
    // The validation pool's worker and the rehearsal's Lambda sandbox.
    expect(started.map((s) => s.file).sort()).toEqual(['lambda-sandbox-entry.js', 'validate-worker-entry.js']);
    const missing = started.filter((s) => !existsSync(join(DIST, s.file))).map((s) => `${s.module}: dist/${s.file}`);
    expect(missing).toEqual([]);
  });

  it('copies the plain JavaScript entries byte for byte and compiles the rest', () => {
    for (const file of COPIED) expect(readFileSync(join(DIST, basename(file)), 'utf8')).toBe(readFileSync(join(PROJECT_ROOT, file), 'utf8'));
    for (const out of Object.keys(ENTRIES)) expect(existsSync(join(DIST, `${out}.js`))).toBe(true);
    const info = JSON.parse(readFileSync(join(DIST, 'build-info.json'), 'utf8')) as { inputs: string[] };
    // A copied file is an input too: editing it makes dist/ stale, and bin/stedi.js runs the sources.
    for (const file of COPIED) expect(info.inputs).toContain(file);
  });
});
