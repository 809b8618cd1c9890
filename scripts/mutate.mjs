// `npm run mutate [group...]`: runs Stryker group by group (stryker.config.mjs), then prints the
// mutation score of each module and every surviving mutant that test/mutation/equivalent-mutants.md
// does not list. Exits 1 when a module scores under the target or a survivor is unexplained.
import { readFileSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Stryker } from '@stryker-mutator/core';
import base, { groups } from '../stryker.config.mjs';

/** Score each module must reach, listed equivalent mutants set aside. */
const TARGET = 85;
const EQUIVALENTS = 'test/mutation/equivalent-mutants.md';

// `--mutate <file[:lines]>,...` narrows the one group named to part of its modules (a quick rerun).
// `--force` retests every mutant: the incremental file keeps a survivor's result while the tests
// that covered it are unchanged, so a mutant of module-level code (a check's description, which
// every test covers statically) still reads Survived after a new test kills it.
const args = process.argv.slice(2);
const forceAt = args.indexOf('--force');
const force = forceAt >= 0 && args.splice(forceAt, 1).length === 1;
const narrowAt = args.indexOf('--mutate');
const narrow = narrowAt >= 0 ? args.splice(narrowAt, 2)[1]?.split(',') : undefined;
const wanted = args;
if (narrow && wanted.length !== 1) {
  console.error('--mutate narrows one group: name exactly one, e.g. npm run mutate -- evaluator --mutate src/gates/evaluator.ts:113-171');
  process.exit(2);
}
const unknown = wanted.filter((g) => !(g in groups));
if (unknown.length) {
  console.error(`unknown group(s) ${unknown.join(', ')}; groups are ${Object.keys(groups).join(', ')}`);
  process.exit(2);
}

const norm = (s) => s.replace(/\s+/g, ' ').trim();
const keyOf = (file, line, mutator, replacement) => `${file}:${line}:${mutator}:${norm(replacement)}`;

/** Rows of the equivalents table: | module | line | mutator | mutant | why |. */
function equivalents() {
  const keys = new Set();
  for (const line of readFileSync(EQUIVALENTS, 'utf8').split('\n')) {
    if (!line.startsWith('| ') || line.startsWith('| Module') || line.startsWith('| ---')) continue;
    const cells = line.slice(2, -2).split(/(?<!\\) \| /).map((c) => c.replace(/\\\|/g, '|').trim());
    const [file, lineNo, mutator, mutant] = cells;
    keys.add(keyOf(file, lineNo, mutator, mutant.replace(/^`|`$/g, '')));
  }
  return keys;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const rows = [];
const unexplained = [];
const listed = equivalents();

for (const name of wanted.length ? wanted : Object.keys(groups)) {
  const g = groups[name];
  console.log(`\n=== mutation group ${name}: ${g.mutate.join(', ')}`);
  // Synthesized once per run of the group, then read by each mutant's tests (test/stacks/synthesized.ts).
  if (g.synthCache) {
    process.env.STEDI_SYNTH_CACHE = resolve(`.stryker-tmp/synth-${name}`);
    rmSync(process.env.STEDI_SYNTH_CACHE, { recursive: true, force: true });
  } else delete process.env.STEDI_SYNTH_CACHE;
  const results = await new Stryker({
    mutate: narrow ?? g.mutate,
    jest: { ...base.jest, config: { testMatch: g.tests.map((t) => `<rootDir>/${t}`) } },
    // A narrowed run keeps its own file: it must not stand for the whole group's next run.
    incrementalFile: `.stryker-tmp/incremental-${name}${narrow ? '-narrowed' : ''}.json`,
    force,
    jsonReporter: { fileName: `.stryker-tmp/reports/${name}.json` },
  }).runMutationTest();
  const byFile = new Map();
  for (const m of results) {
    const file = relative(process.cwd(), m.fileName);
    const s = byFile.get(file) ?? { detected: 0, undetected: 0, equivalent: 0 };
    if (DETECTED.has(m.status)) s.detected++;
    if (UNDETECTED.has(m.status)) {
      const line = m.location.start.line;
      const { start, end } = m.location;
      // A row names the line, or where two mutants of one line are alike, its column (line:column)
      // or its span on that line (line:column-endColumn); columns count from 1, as Stryker's do.
      const at = [line, `${line}:${start.column}`, ...(end.line === line ? [`${line}:${start.column}-${end.column}`] : [])];
      if (at.some((l) => listed.has(keyOf(file, l, m.mutatorName, m.replacement ?? '')))) s.equivalent++;
      else {
        s.undetected++;
        unexplained.push(`| ${file} | ${line} | ${m.mutatorName} | \`${norm(m.replacement ?? '').replace(/\|/g, '\\|')}\` | ${m.status} |`);
      }
    }
    byFile.set(file, s);
  }
  for (const [file, s] of [...byFile].sort()) rows.push({ group: name, file, ...s });
}

const pct = (a, b) => (b ? (100 * a) / b : 100);
console.log('\n| Module | Killed | Survived (listed equivalent) | Survived (unexplained) | Score | Score without equivalents |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
let low = false;
for (const r of rows) {
  const raw = pct(r.detected, r.detected + r.undetected + r.equivalent);
  const net = pct(r.detected, r.detected + r.undetected);
  if (net < TARGET) low = true;
  console.log(`| ${r.file} | ${r.detected} | ${r.equivalent} | ${r.undetected} | ${raw.toFixed(1)}% | ${net.toFixed(1)}% |`);
}
if (unexplained.length) {
  console.log(`\nSurviving mutants neither killed nor listed in ${EQUIVALENTS}:`);
  for (const u of unexplained) console.log(u);
}
if (low || unexplained.length) process.exit(1);
