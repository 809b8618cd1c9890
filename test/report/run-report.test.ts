import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { runPipeline } from '../../src/pipeline/runner';
import { buildReport, parseReport, percentChange, REPORT_VERSION, ReportFormatError, type RunReport } from '../../src/report/run-report';
import { blockedManifest, failedManifest, publishedManifest, dataset, PREVIOUS_RUN_ID, RUN_ID } from './report-fixtures';
import { tempDir } from '../support/tmp';

describe('buildReport', () => {
  it('leads with what it is, the version and the verdict, then the run id', () => {
    const report = buildReport(blockedManifest());
    expect(Object.keys(report).slice(0, 4)).toEqual(['report', 'version', 'verdict', 'runId']);
    expect(report.report).toBe('stedi-run-report');
    expect([report.version, report.verdict, report.runId, report.previousRunId]).toEqual([REPORT_VERSION, 'blocked', RUN_ID, PREVIOUS_RUN_ID]);
  });

  it('names the blocking rules and counts rules by outcome', () => {
    const report = buildReport(blockedManifest());
    expect(report.blockingRules).toEqual(['serial_number_shared_by_customers', 'quarantine_share_customer']);
    expect(report.summary).toEqual({ rules: 4, passed: 1, failed: 3, warnings: 1, errors: 0, blocking: 2, skipped: 0 });
    expect(report.problems).toEqual(['rule serial_number_shared_by_customers failed', 'rule quarantine_share_customer failed']);
  });

  it('keeps every rule with status, severity, failing, allowed, tolerance, tables, file, description and failing rows', () => {
    const report = buildReport(blockedManifest());
    expect(report.gates.map((g) => [g.zone, g.passed, g.queries, g.scans])).toEqual([
      ['trusted', false, 7, { customer_trusted: 2, customer_landing: 1 }],
    ]);
    expect(report.gates[0].rules[3]).toEqual({
      name: 'quarantine_share_customer',
      zone: 'trusted',
      kind: 'quarantine',
      status: 'fail',
      severity: 'error',
      blocking: true,
      failing: 5,
      allowed: 2,
      tolerance: { share: 0.05 },
      checked: 50,
      tables: ['customer_landing'],
      file: 'quality-rules/gate-config.json',
      description: 'quarantine_share_customer holds',
      failingRows: {
        columns: ['reason', 'records'],
        rows: [
          { reason: 'malformed JSON', records: 3 },
          { reason: 'field email is missing', records: 2 },
        ],
        masked: [],
      },
    });
  });

  it('accounts for landing records: read = valid + quarantined, valid = trusted + duplicate + excluded by policy', () => {
    const [customer, accelerometer] = buildReport(blockedManifest()).datasets;
    expect(customer).toMatchObject({
      dataset: 'customer',
      read: 50,
      quarantined: 5,
      quarantineShare: 0.1,
      valid: 45,
      trusted: 40,
      duplicate: 1,
      excludedByPolicy: 4,
      outcomes: { trusted: 40, duplicate: 1, no_consent: 3, superseded: 1 },
      quarantineReasons: [
        { reason: 'malformed JSON', records: 3 },
        { reason: 'field email is missing', records: 2 },
      ],
      otherReasons: { reasons: 0, records: 0 },
    });
    expect([accelerometer.dataset, accelerometer.read, accelerometer.valid, accelerometer.trusted, accelerometer.duplicate]).toEqual([
      'accelerometer',
      200,
      200,
      180,
      20,
    ]);
  });

  it('lists the most common quarantine reasons first and sums the rest', () => {
    const m = blockedManifest();
    const reasons = { 'reason a': 1, 'reason b': 7, 'reason c': 3, 'reason d': 3, 'reason e': 2 };
    const report = buildReport({ ...m, datasets: { customer: dataset({ read: 10, quarantined: 10, quarantineReasons: reasons }) } }, { reasonsKept: 3 });
    expect(report.datasets[0].quarantineReasons).toEqual([
      { reason: 'reason b', records: 7 },
      { reason: 'reason c', records: 3 },
      { reason: 'reason d', records: 3 },
    ]);
    expect(report.datasets[0].otherReasons).toEqual({ reasons: 2, records: 3 });
  });

  it('gives row counts in zone order with the change against the last published run', () => {
    const m = publishedManifest();
    expect(buildReport(m).tables).toEqual([
      { table: 'customer_landing', zone: 'landing', rows: 45, previousRows: 45, change: 0, changePercent: 0 },
      { table: 'accelerometer_landing', zone: 'landing', rows: 200 },
      { table: 'customer_trusted', zone: 'trusted', rows: 40, previousRows: 32, change: 8, changePercent: 25 },
      { table: 'accelerometer_trusted', zone: 'trusted', rows: 180, previousRows: 200, change: -20, changePercent: -10 },
      { table: 'customer_curated', zone: 'curated', rows: 30, previousRows: 0, change: 30, changePercent: null },
    ]);
  });

  it('percent change is rounded to 0.01 and null only when a table grows from nothing', () => {
    expect([percentChange(3, 2), percentChange(3, 4), percentChange(0, 0), percentChange(0, 5), percentChange(7, 0)]).toEqual([
      -33.33, 33.33, 0, null, -100,
    ]);
  });

  it('keeps timings: start, end, duration and each phase', () => {
    expect(buildReport(blockedManifest()).timings).toEqual({
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:02.500Z',
      durationMs: 2500,
      phases: [
        { phase: 'validate', ms: 1200 },
        { phase: 'build trusted', ms: 300 },
        { phase: 'audit trusted', ms: 250 },
      ],
    });
  });

  it('a failed run keeps its error and has no gates', () => {
    const report = buildReport(failedManifest());
    expect([report.verdict, report.error, report.gates, report.blockingRules]).toEqual(['failed', failedManifest().error, [], []]);
  });

  it('a manifest still marked running is reported as failed, saying it had not finished', () => {
    const { finishedAt: _, ...m } = blockedManifest();
    const report = buildReport({ ...m, status: 'running', problems: [] });
    expect([report.verdict, report.problems, report.timings.finishedAt, report.timings.durationMs]).toEqual([
      'failed',
      [`run ${RUN_ID} had not finished (status running) when this report was made`],
      undefined,
      undefined,
    ]);
  });
});

describe('parseReport', () => {
  it('reads back what buildReport wrote', () => {
    const report = buildReport(blockedManifest());
    expect(parseReport(JSON.stringify(report), 'base.json')).toEqual(report);
  });

  it.each([
    ['not json', 'base.json: not JSON'],
    ['[]', 'base.json: not a run report (expected a JSON object)'],
    ['{"report":"stedi-run-report","version":99}', 'base.json: report version 99 is not 2'],
    ['{"version":1,"verdict":"published"}', 'base.json: not a run report (missing runId, gates, datasets, tables, summary, timings)'],
    // Another file's version is no report version (issue 16: package.json was read as a report of version "0.1.0").
    ['{"name":"stedi-lakehouse","version":"0.1.0"}', 'base.json: not a run report (missing verdict, runId, gates, datasets, tables, summary, timings)'],
    ['{"report":"eslint","version":2}', 'base.json: not a run report (its "report" field is "eslint")'],
  ])('rejects %s with a message naming the file', (text, message) => {
    expect(() => parseReport(text, 'base.json')).toThrow(ReportFormatError);
    expect(() => parseReport(text, 'base.json')).toThrow(message);
  });
});

describe('parseReport of a version 1 report (written before failing rows were masked)', () => {
  it('reads it as version 2 without its failing rows, which may hold personal data', () => {
    const v2 = buildReport(blockedManifest());
    const { report: _kind, ...rest } = v2;
    const v1 = { ...rest, version: 1, summary: { ...v2.summary, skipped: undefined } };
    const read = parseReport(JSON.stringify(v1), 'old.json');
    expect([read.version, read.report, read.summary.skipped]).toEqual([2, 'stedi-run-report', 0]);
    expect(read.gates.flatMap((g) => g.rules.map((r) => r.failingRows))).toEqual(v2.gates.flatMap((g) => g.rules.map(() => ({ columns: [], rows: [], masked: [] }))));
    expect(JSON.stringify(read)).not.toContain('a@x.com');
    expect(JSON.stringify(v1)).toContain('a@x.com');
  });
});

describe('buildReport on a real run', () => {
  it('the hand-written STEDI files give a published report whose accounting adds up', async () => {
    const lake = tempDir('stedi-report-');
    const manifest = await runPipeline({ landing: join(__dirname, '..', 'fixtures', 'stedi-small'), lake: join(lake, 'lake') });
    const report: RunReport = buildReport(manifest);
    expect([report.verdict, report.blockingRules, report.gates.map((g) => g.zone)]).toEqual(['published', [], ['trusted', 'curated']]);
    expect(report.datasets.map((d) => [d.dataset, d.read, d.quarantined, d.valid, d.trusted, d.duplicate, d.excludedByPolicy])).toEqual([
      ['accelerometer', 10, 0, 10, 5, 1, 4],
      ['customer', 7, 0, 7, 3, 0, 4],
      ['step_trainer', 7, 0, 7, 3, 0, 4],
    ]);
    const manifestFile = join(lake, 'lake', 'runs', manifest.runId, 'manifest.json');
    expect(buildReport(JSON.parse(readFileSync(manifestFile, 'utf8')))).toEqual(report);
  });
});
