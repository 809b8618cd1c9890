import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { RunManifest } from '../../src/pipeline/manifest';
import { buildReport } from '../../src/report/run-report';
import { renderJunit } from '../../src/report/report-junit';
import { blockedManifest, broken, failed, failedManifest, gate, publishedManifest, rule } from './report-fixtures';
import { skippedGate } from '../../src/gates/evaluator';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadRules } from '../../src/gates/rule-file';
import { loadCatalog } from '../../src/catalog/registry';

interface Attrs {
  readonly name: string;
  readonly tests?: string;
  readonly failures?: string;
  readonly errors?: string;
  readonly skipped?: string;
  readonly classname?: string;
  readonly time?: string;
}
interface Outcome {
  readonly type?: string;
  readonly message?: string;
  readonly '#text'?: string;
}
interface Case extends Omit<Attrs, 'skipped'> {
  readonly skipped?: Outcome;
  readonly failure?: Outcome;
  readonly error?: Outcome;
  readonly 'system-out'?: string;
}
interface Suite extends Attrs {
  readonly testcase: readonly Case[];
}
interface Doc {
  readonly testsuites: Attrs & { readonly testsuite: Suite[] };
}

/** Parses with a real XML parser after checking well-formedness; attributes keep their names. */
function parse(xml: string): Doc['testsuites'] {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    // Decode character references (&#10;) as any conforming XML parser does.
    htmlEntities: true,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  });
  return (parser.parse(xml) as Doc).testsuites;
}
const junit = (m: RunManifest) => parse(renderJunit(buildReport(m)));
const counts = (a: Attrs) => [a.name, a.tests, a.failures, a.errors];

/**
 * The common JUnit schema (Jenkins junit-10.xsd): the elements each element may contain, the
 * attributes it may carry, and those it must.
 */
const SCHEMA: Record<string, { children: string[]; attributes: string[]; required: string[] }> = {
  testsuites: { children: ['testsuite'], attributes: ['name', 'time', 'tests', 'failures', 'disabled', 'errors'], required: [] },
  testsuite: {
    children: ['properties', 'testcase', 'system-out', 'system-err'],
    attributes: ['name', 'tests', 'failures', 'errors', 'time', 'disabled', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url', 'version'],
    required: ['name', 'tests'],
  },
  properties: { children: ['property'], attributes: [], required: [] },
  property: { children: [], attributes: ['name', 'value'], required: ['name', 'value'] },
  testcase: {
    children: ['skipped', 'error', 'failure', 'system-out', 'system-err'],
    attributes: ['name', 'assertions', 'time', 'classname', 'status', 'class', 'file', 'line'],
    required: ['name'],
  },
  failure: { children: [], attributes: ['type', 'message'], required: [] },
  skipped: { children: [], attributes: ['message'], required: [] },
  error: { children: [], attributes: ['type', 'message'], required: [] },
  'system-out': { children: [], attributes: [], required: [] },
};
const SUREFIRE_TIME = /^(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]{0,3})?$/;

/** Schema violations of one parsed element (attributes prefixed with @), recursively. */
function violations(name: string, node: unknown, path = name): string[] {
  const rule = SCHEMA[name];
  if (!rule) return [`${path}: element not in the schema`];
  const out: string[] = [];
  // An element with neither attributes nor children parses as its text.
  const entries = typeof node === 'object' && node !== null ? Object.entries(node as Record<string, unknown>) : [];
  const attrs = entries.filter(([k]) => k.startsWith('@')).map(([k]) => k.slice(1));
  for (const a of attrs) if (!rule.attributes.includes(a)) out.push(`${path}: attribute ${a} not allowed`);
  for (const a of rule.required) if (!attrs.includes(a)) out.push(`${path}: attribute ${a} missing`);
  const time = Object.fromEntries(entries)['@time'];
  if (typeof time === 'string' && !SUREFIRE_TIME.test(time)) out.push(`${path}: time ${time} is not a SUREFIRE_TIME`);
  for (const [k, v] of entries) {
    if (k.startsWith('@') || k === '#text') continue;
    if (!rule.children.includes(k)) out.push(`${path}: child ${k} not allowed`);
    for (const [i, child] of (Array.isArray(v) ? v : [v]).entries()) out.push(...violations(k, child, `${path}/${k}[${i}]`));
  }
  return out;
}

function schemaViolations(xml: string): string[] {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml) as Record<string, unknown>;
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  return roots.length === 1 ? violations(roots[0], doc[roots[0]]) : [`expected one root element, got ${roots.join(', ')}`];
}

describe('renderJunit', () => {
  it.each([
    ['blocked', blockedManifest()],
    ['published', publishedManifest()],
    ['failed', failedManifest()],
  ])('a %s run is valid against the common JUnit schema', (_, m) => {
    expect(schemaViolations(renderJunit(buildReport(m)))).toEqual([]);
  });

  it('the schema check catches what the schema forbids', () => {
    expect(schemaViolations('<testsuites skipped="1"><testsuite tests="1"><testcase/><bogus/></testsuite></testsuites>')).toEqual([
      'testsuites: attribute skipped not allowed',
      'testsuites/testsuite[0]: attribute name missing',
      'testsuites/testsuite[0]/testcase[0]: attribute name missing',
      'testsuites/testsuite[0]: child bogus not allowed',
      'testsuites/testsuite[0]/bogus[0]: element not in the schema',
    ]);
  });

  it('is well-formed XML with a suite per gate, a case per rule and exact counts', () => {
    const doc = junit(blockedManifest());
    expect(counts(doc)).toEqual([`stedi run 20260101T000000000Z-aaaaaa`, '5', '2', '0']);
    expect(doc.testsuite.map(counts)).toEqual([
      ['run', '1', '0', '0'],
      ['trusted', '4', '2', '0'],
    ]);
    expect(doc.testsuite[1].testcase.map((c) => [c.classname, c.name, c.failure ? 'failure' : c.error ? 'error' : 'ok'])).toEqual([
      ['trusted', 'consent_customer_trusted', 'ok'],
      ['trusted', 'customer_birthday_plausible', 'ok'],
      ['trusted', 'serial_number_shared_by_customers', 'failure'],
      ['trusted', 'quarantine_share_customer', 'failure'],
    ]);
  });

  it('a failed error rule is a <failure> naming its count, with the failing rows in the body', () => {
    const c = junit(blockedManifest()).testsuite[1].testcase[2];
    expect([c.failure?.type, c.failure?.message]).toEqual([
      'error',
      'FAIL serial_number_shared_by_customers: found 12 rows (0 allowed); expected: serial_number_shared_by_customers holds [quality-rules/rules/serial_number_shared_by_customers.sql]',
    ]);
    expect(c.failure?.['#text']).toBe(
      [
        'serial_number_shared_by_customers holds',
        'severity: error; tolerance: 0 rows (0 allowed)',
        'tables: customer_landing, customer_trusted',
        'file: quality-rules/rules/serial_number_shared_by_customers.sql',
        'failing rows (3 of 12):',
        '  serialNumber=s-1, customers=2',
        '  serialNumber=s-2, customers=3',
        '  serialNumber=s-3, customers=2',
      ].join('\n'),
    );
  });

  it('a failed warn rule passes with a WARNING in its system-out: warnings do not turn CI red', () => {
    const c = junit(blockedManifest()).testsuite[1].testcase[1];
    expect([c.failure, c.error]).toEqual([undefined, undefined]);
    expect(c['system-out']?.split('\n').slice(0, 2)).toEqual([
      'WARNING: found 2 rows (0 allowed) (severity warn: reported, does not block)',
      'customer_birthday_plausible holds',
    ]);
  });

  it('a rule that could not be evaluated is an <error> with its message', () => {
    const m = { ...blockedManifest(), gates: { trusted: gate('trusted', [rule({ name: 'ok' }), broken({ name: 'bad', error: 'rules/bad.sql:3: no such column x\nLINE 1: ...' })]) } };
    const doc = junit(m);
    expect(counts(doc)).toEqual(['stedi run 20260101T000000000Z-aaaaaa', '3', '0', '1']);
    expect(doc.testsuite[1].testcase[1].error).toMatchObject({ type: 'evaluation error', message: 'rules/bad.sql:3: no such column x' });
  });

  it('one suite per gate that ran, in gate order, with its queries and scans as properties', () => {
    const doc = junit(publishedManifest());
    expect(doc.testsuite.map(counts)).toEqual([
      ['run', '1', '0', '0'],
      ['trusted', '3', '0', '0'],
      ['curated', '1', '0', '0'],
    ]);
    const xml = renderJunit(buildReport(blockedManifest()));
    expect(xml).toContain(
      '    <properties>\n      <property name="queries" value="7"/>\n      <property name="scans.customer_trusted" value="2"/>\n      <property name="scans.customer_landing" value="1"/>\n      <property name="tally" value="PASS=1 WARN=1 ERROR=2 SKIP=0 TOTAL=4"/>\n    </properties>',
    );
  });

  it('a blocked run lists the rules of the gate it never reached as <skipped> with the reason, so it counts as many cases', () => {
    const reason = 'the trusted gate blocked the run, so the curated gate did not run';
    const curated = skippedGate('curated', loadRules(loadCatalog()), loadGateConfig(loadCatalog()), reason, [], ['customer_curated']);
    const m = { ...blockedManifest(), gates: { ...blockedManifest().gates, curated } };
    const xml = renderJunit(buildReport(m));
    expect(schemaViolations(xml)).toEqual([]);
    const doc = parse(xml);
    const suite = doc.testsuite[2];
    expect([suite.name, suite.tests, suite.skipped, suite.failures, suite.errors]).toEqual(['curated', String(curated.rules.length), String(curated.rules.length), '0', '0']);
    expect(suite.testcase.map((c) => c.skipped?.message)).toEqual(curated.rules.map(() => reason));
    expect(suite.testcase.map((c) => c.name)).toContain('volume_customer_curated');
  });

  it('each case has the time of its rule', () => {
    const m = { ...blockedManifest(), gates: { trusted: gate('trusted', [rule({ name: 'slow', ms: 1234.5678 }), rule({ name: 'quick', ms: 0.4 })]) } };
    expect(junit(m).testsuite[1].testcase.map((c) => c.time)).toEqual(['1.235', '0.000']);
  });

  it('a failed run is an <error> in the run suite, so CI never sees a green or empty report', () => {
    const doc = junit(failedManifest());
    expect(counts(doc)).toEqual(['stedi run 20260101T000000000Z-aaaaaa', '1', '0', '1']);
    expect(doc.testsuite[0].testcase[0].error).toMatchObject({
      type: 'run failed',
      message: 'quality-rules/accounting/customer.sql: outcomes add up to 44 but 45 customer records were valid',
    });
  });

  it('escapes data: markup, quotes and line breaks survive a round trip, characters XML forbids become U+FFFD', () => {
    const hostile = `<b a="1">&amp; 'x' ]]> \u0001\u0008 \uD800 end`;
    const m = {
      ...blockedManifest(),
      gates: {
        trusted: gate('trusted', [
          failed({ name: `r<"&'>`, failing: 1, description: `line1\nline2 ${hostile}`, columns: ['v'], sample: [{ v: hostile }] }),
          broken({ name: 'e', error: hostile }),
        ]),
      },
    };
    const doc = junit(m);
    const [f, e] = doc.testsuite[1].testcase;
    const cleaned = `<b a="1">&amp; 'x' ]]> \uFFFD\uFFFD \uFFFD end`;
    expect(f.name).toBe(`r<"&'>`);
    expect(f.failure?.message).toBe(`FAIL ${f.name}: found v=${cleaned} (0 allowed); expected: line1\nline2 ${cleaned} [quality-rules/rules/${f.name}.sql]`);
    expect(f.failure?.['#text']).toContain(`  v=${cleaned}`);
    expect(e.error?.message).toBe(cleaned);
  });
});
