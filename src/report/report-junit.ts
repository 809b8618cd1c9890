// Renders a run report as JUnit XML for CI systems: a test suite per gate, a test case per rule.
//
// Mapping (the common JUnit XML of Jenkins' junit-10.xsd and Surefire, which GitHub actions, GitLab
// and Jenkins read):
//   - a rule that passed: a plain test case;
//   - a failed error rule (blocking): <failure type="error">, message "N failing, M allowed: ...";
//   - a rule that could not be evaluated: <error type="evaluation error">;
//   - a failed warn rule: a passing test case whose <system-out> starts with "WARNING:". Warn rules
//     do not block a run, so they must not turn a CI run red; <failure type="warning"> would, since
//     CI systems ignore the type. <skipped> would hide that the rule ran.
//   - a rule that did not run (a blocked or failed run never reached its gate): <skipped> with the
//     reason, so a blocked run lists as many test cases as a published one.
//   - each test case's time is the rule's own (its statements; a scan shared by several rules is
//     split between them).
//   - a suite "run" with one case "finished", an <error> when the run failed with an error, so a
//     crashed run is never an empty or green JUnit file.
import type { SqlValue } from '../engine/engine';
import type { ReportRule, RunReport } from './run-report';
import { clip, count, sharePercent } from './markdown-text';
import { findingText, outcomeLine, tallyLine, tallyRules } from '../gates/outcome-text';

/** Characters of one failing row value in a failure body. */
const MAX_VALUE = 200;
/** Characters of an error or description in a message. */
const MAX_MESSAGE = 1000;
/** Columns of a failing row written out. */
const MAX_COLUMNS = 50;

/** Characters XML 1.0 forbids, lone surrogates included: replaced by U+FFFD. */
const NOT_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

/** Escapes text content. */
export function xmlText(text: string): string {
  return text.replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value; line breaks and tabs as character references so parsers keep them. */
export function xmlAttr(text: string): string {
  return xmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`)
    .join('');
}

const secs = (ms: number) => (ms / 1000).toFixed(3);
const short = (text: string, max: number) => clip(text, max).text;
const show = (v: SqlValue | undefined) => (v === null || v === undefined ? 'null' : short(String(v), MAX_VALUE));

function ruleDetails(r: ReportRule): string {
  const tolerance = r.tolerance.share !== undefined ? `${sharePercent(r.tolerance.share)} of checked rows` : `${count(r.tolerance.rows ?? 0)} rows`;
  const lines = [
    short(r.description, MAX_MESSAGE),
    `severity: ${r.severity}; tolerance: ${tolerance} (${count(r.allowed)} allowed)` + (r.checked !== undefined ? `; checked: ${count(r.checked)}` : ''),
    `tables: ${r.tables.join(', ')}`,
    ...(r.file !== undefined ? [`file: ${r.file}`] : []),
  ];
  const { columns, rows } = r.failingRows;
  if (rows.length) {
    // The quarantine check's rows are its most common reasons, not failing records.
    lines.push(r.kind === 'quarantine' ? 'most common quarantine reasons:' : r.kind === 'quarantine-bytes' ? 'quarantined bytes:' : `failing rows (${count(rows.length)} of ${count(r.failing)}):`);
    const cols = columns.slice(0, MAX_COLUMNS);
    for (const row of rows) lines.push('  ' + cols.map((c) => `${c}=${show(row[c])}`).join(', '));
    const masked = r.failingRows.masked.filter((c) => cols.includes(c));
    if (masked.length) lines.push(`masked (personal data, pii in ddl/, or derived from it): ${masked.join(', ')}; equal tokens are equal values within this report`);
  }
  return lines.join('\n');
}

const finding = (r: ReportRule) => ({ ...r, rows: r.failingRows.rows, columns: r.failingRows.columns });
const failingText = (r: ReportRule) => short(outcomeLine(finding(r)), MAX_MESSAGE);

function testcase(r: ReportRule): string {
  const open = `    <testcase${attrs({ name: r.name, classname: r.zone, time: secs(r.ms ?? 0), file: r.file })}`;
  if (r.status === 'skip') {
    return `${open}>\n      <skipped${attrs({ message: short(r.skipReason ?? 'not run', MAX_MESSAGE) })}/>\n    </testcase>`;
  }
  if (r.status === 'error') {
    const message = short((r.error ?? 'no message').split('\n')[0], MAX_MESSAGE);
    return `${open}>\n      <error${attrs({ message, type: 'evaluation error' })}>${xmlText(short(r.error ?? '', 4 * MAX_MESSAGE) + '\n' + ruleDetails(r))}</error>\n    </testcase>`;
  }
  if (r.status === 'fail' && r.blocking) {
    return `${open}>\n      <failure${attrs({ message: failingText(r), type: r.severity })}>${xmlText(ruleDetails(r))}</failure>\n    </testcase>`;
  }
  if (r.status === 'fail') {
    return `${open}>\n      <system-out>${xmlText(`WARNING: ${findingText(finding(r))} (severity warn: reported, does not block)\n${ruleDetails(r)}`)}</system-out>\n    </testcase>`;
  }
  return `${open}/>`;
}

interface Suite {
  readonly name: string;
  readonly tests: number;
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
  readonly ms: number;
  readonly body: string;
}

function suiteXml(s: Suite, timestamp: string, id: number): string {
  const head = `  <testsuite${attrs({ name: s.name, tests: s.tests, failures: s.failures, errors: s.errors, skipped: s.skipped, time: secs(s.ms), timestamp, id })}>`;
  return `${head}\n${s.body}\n  </testsuite>`;
}

/**
 * JUnit XML of a run: suite "run" (did the run finish), then one suite per gate that ran with one
 * case per rule (classname = gate zone, name = rule). Counts on <testsuites> are the sums.
 */
export function renderJunit(report: RunReport): string {
  const phaseMs = (phase: string) => report.timings.phases.filter((p) => p.phase === phase).reduce((n, p) => n + p.ms, 0);
  const failed = report.verdict === 'failed';
  const reason = report.error ?? report.problems[report.problems.length - 1] ?? 'no error was recorded';
  const runCase = failed
    ? `    <testcase${attrs({ name: 'finished', classname: 'run', time: secs(report.timings.durationMs ?? 0) })}>\n` +
      `      <error${attrs({ message: short(reason.split('\n')[0], MAX_MESSAGE), type: 'run failed' })}>${xmlText(short(reason, 4 * MAX_MESSAGE))}</error>\n    </testcase>`
    : `    <testcase${attrs({ name: 'finished', classname: 'run', time: secs(report.timings.durationMs ?? 0) })}/>`;
  const suites: Suite[] = [
    { name: 'run', tests: 1, failures: 0, errors: failed ? 1 : 0, skipped: 0, ms: report.timings.durationMs ?? 0, body: runCase },
    ...report.gates.map((g) => {
      const properties = [
        `      <property${attrs({ name: 'queries', value: g.queries })}/>`,
        ...Object.entries(g.scans).map(([t, n]) => `      <property${attrs({ name: `scans.${t}`, value: n })}/>`),
        `      <property${attrs({ name: 'tally', value: tallyLine(tallyRules(g.rules)) })}/>`,
      ];
      return {
        name: g.zone,
        tests: g.rules.length,
        failures: g.rules.filter((r) => r.status === 'fail' && r.blocking).length,
        errors: g.rules.filter((r) => r.status === 'error').length,
        skipped: g.rules.filter((r) => r.status === 'skip').length,
        ms: phaseMs(`audit ${g.zone}`),
        body: [`    <properties>`, ...properties, `    </properties>`, ...g.rules.map(testcase)].join('\n'),
      };
    }),
  ];
  const sum = (k: 'tests' | 'failures' | 'errors') => suites.reduce((n, s) => n + s[k], 0);
  // Only the attributes the common schema (Jenkins junit-10.xsd) allows on <testsuites>.
  const root = attrs({
    name: `stedi run ${report.runId}`,
    tests: sum('tests'),
    failures: sum('failures'),
    errors: sum('errors'),
    time: secs(report.timings.durationMs ?? 0),
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${root}>`,
    ...suites.map((s, i) => suiteXml(s, report.timings.startedAt, i)),
    '</testsuites>',
    '',
  ].join('\n');
}
