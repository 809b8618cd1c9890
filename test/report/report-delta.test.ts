import type { RunManifest } from '../../src/pipeline/manifest';
import { buildReport, type RunReport } from '../../src/report/run-report';
import { diffReports, renderDeltaMarkdown } from '../../src/report/report-delta';
import { byteLength } from '../../src/report/markdown-text';
import { broken, dataset, failed, gate, publishedManifest, rule } from './report-fixtures';
import { skippedGate } from '../../src/gates/evaluator';
import { loadGateConfig } from '../../src/gates/gate-config';
import { loadCatalog } from '../../src/catalog/registry';

/** main: published, one warning, one failing warn rule that the branch fixes. */
function baseManifest(): RunManifest {
  const m = publishedManifest();
  return {
    ...m,
    runId: 'base-run',
    gates: {
      trusted: gate('trusted', [
        rule({ name: 'consent_customer_trusted' }),
        failed({ name: 'customer_birthday_plausible', severity: 'warn', failing: 1 }),
        rule({ name: 'serial_number_shared_by_customers' }),
        failed({ name: 'reading_times_plausible', severity: 'warn', failing: 2 }),
      ]),
      curated: gate('curated', [
        rule({ name: 'customer_curated_not_empty' }),
        failed({ name: 'machine_learning_one_row_per_reading', severity: 'warn', failing: 3 }),
        rule({ name: 'old_rule' }),
      ]),
    },
  };
}

/** the branch: one rule newly failing, one fixed, one broken, one count changed, one added, one removed. */
function headManifest(): RunManifest {
  const base = baseManifest();
  return {
    ...base,
    runId: 'head-run',
    status: 'blocked',
    gates: {
      trusted: gate('trusted', [
        failed({ name: 'consent_customer_trusted', failing: 4 }),
        failed({ name: 'customer_birthday_plausible', severity: 'warn', failing: 3 }),
        rule({ name: 'serial_number_shared_by_customers' }),
        rule({ name: 'reading_times_plausible', severity: 'warn' }),
        rule({ name: 'new_rule' }),
      ]),
      curated: gate('curated', [
        rule({ name: 'customer_curated_not_empty' }),
        broken({ name: 'machine_learning_one_row_per_reading', severity: 'warn', error: 'no such table' }),
      ]),
    },
    tables: {
      customer_landing: { zone: 'landing', rows: 45, location: '/x' },
      accelerometer_landing: { zone: 'landing', rows: 200, location: '/x' },
      customer_trusted: { zone: 'trusted', rows: 36, location: '/x' },
      step_trainer_trusted: { zone: 'trusted', rows: 7, location: '/x' },
      customer_curated: { zone: 'curated', rows: 0, location: '/x' },
    },
    datasets: {
      customer: dataset({ read: 60, quarantined: 9 }),
      accelerometer: dataset({ read: 250, quarantined: 0 }),
      step_trainer: dataset({ read: 10, quarantined: 1 }),
    },
  };
}

const base = (): RunReport => buildReport(baseManifest());
const head = (): RunReport => buildReport(headManifest());

describe('diffReports', () => {
  it('lists exactly the rules whose status or failing count changed, and the added and removed ones', () => {
    const d = diffReports(base(), head());
    expect([d.base, d.head, d.verdictChanged, d.gatesOnlyIn]).toEqual([
      { runId: 'base-run', verdict: 'published' },
      { runId: 'head-run', verdict: 'blocked' },
      true,
      { base: [], head: [] },
    ]);
    expect(d.newlyFailing).toEqual([
      {
        zone: 'trusted',
        name: 'consent_customer_trusted',
        severity: 'error',
        base: { status: 'pass', blocking: false, failing: 0 },
        head: { status: 'fail', blocking: true, failing: 4 },
        failingChange: 4,
      },
    ]);
    expect(d.fixed).toEqual([
      {
        zone: 'trusted',
        name: 'reading_times_plausible',
        severity: 'warn',
        base: { status: 'fail', blocking: false, failing: 2 },
        head: { status: 'pass', blocking: false, failing: 0 },
        failingChange: -2,
      },
    ]);
    expect(d.statusChanged).toEqual([
      {
        zone: 'curated',
        name: 'machine_learning_one_row_per_reading',
        severity: 'warn',
        base: { status: 'fail', blocking: false, failing: 3 },
        head: { status: 'error', blocking: true, failing: 0 },
        failingChange: -3,
      },
    ]);
    expect(d.failingChanged).toEqual([
      {
        zone: 'trusted',
        name: 'customer_birthday_plausible',
        severity: 'warn',
        base: { status: 'fail', blocking: false, failing: 1 },
        head: { status: 'fail', blocking: false, failing: 3 },
        failingChange: 2,
      },
    ]);
    expect(d.added).toEqual([{ zone: 'trusted', name: 'new_rule', severity: 'error', status: 'pass', blocking: false, failing: 0 }]);
    expect(d.removed).toEqual([{ zone: 'curated', name: 'old_rule', severity: 'error', status: 'pass', blocking: false, failing: 0 }]);
  });

  it('lists exactly the tables whose row count changed, with absolute and percent change', () => {
    expect(diffReports(base(), head()).tables).toEqual([
      { table: 'customer_trusted', zone: 'trusted', base: 40, head: 36, change: -4, changePercent: -10 },
      { table: 'step_trainer_trusted', zone: 'trusted', head: 7 },
      { table: 'customer_curated', zone: 'curated', base: 30, head: 0, change: -30, changePercent: -100 },
      { table: 'accelerometer_trusted', zone: 'trusted', base: 180 },
    ]);
  });

  it('lists exactly the datasets whose quarantine count changed', () => {
    expect(diffReports(base(), head()).quarantine).toEqual([
      {
        dataset: 'customer',
        quarantined: { base: 5, head: 9, change: 4, changePercent: 80 },
        read: { base: 50, head: 60, change: 10, changePercent: 20 },
        baseShare: 0.1,
        headShare: 0.15,
      },
      { dataset: 'step_trainer', quarantined: { head: 1 }, read: { head: 10 }, headShare: 0.1 },
    ]);
  });

  it('a report against itself has no changes', () => {
    const d = diffReports(head(), head());
    expect([d.verdictChanged, d.newlyFailing, d.fixed, d.statusChanged, d.failingChanged, d.added, d.removed, d.tables, d.quarantine]).toEqual([
      false, [], [], [], [], [], [], [], [],
    ]);
  });

  it('rules of a gate that ran on one side only are not compared, so they are not called removed', () => {
    const { curated: _, ...trustedOnly } = headManifest().gates;
    const d = diffReports(base(), buildReport({ ...headManifest(), gates: trustedOnly }));
    expect(d.gatesOnlyIn).toEqual({ base: ['curated'], head: [] });
    expect([d.removed, d.statusChanged]).toEqual([[], []]);
    expect(renderDeltaMarkdown(d)).toContain('\n\nThe curated gate ran only in base (the head run stopped before); its rules are not compared.\n\n');
  });
});

describe('renderDeltaMarkdown', () => {
  it('leads with a one-line summary: the verdict, what it was, and the counts of each change', () => {
    expect(renderDeltaMarkdown(diffReports(base(), head())).split('\n')[0]).toBe(
      '**BLOCKED** (was PUBLISHED) against the base: 1 rule newly failing, 1 fixed, 1 changed status, 1 with changed failing counts, 1 added, 1 removed, 4 tables with changed row counts, 2 datasets with changed quarantine.',
    );
    expect(renderDeltaMarkdown(diffReports(head(), head())).split('\n\n').slice(0, 3)).toEqual([
      '**BLOCKED** (unchanged) against the base: 0 rules newly failing, 0 fixed, 0 with changed failing counts, 0 tables with changed row counts, 0 datasets with changed quarantine.',
      'Head run head-run against base run head-run.',
      '_No rule, row count or quarantine count changed._\n',
    ]);
  });

  it('shows each kind of change as a narrow table with base and head', () => {
    const text = renderDeltaMarkdown(diffReports(base(), head()));
    const header = '| rule | gate | base | head | failing (base → head) |\n|---|---|---|---|---:|';
    expect(text).toContain(`### Newly failing rules\n${header}\n| consent\\_customer\\_trusted | trusted | ✅ PASS | ❌ FAIL | 0 → 4 (+4) |\n\n`);
    expect(text).toContain(`### Fixed rules\n${header}\n| reading\\_times\\_plausible | trusted | ⚠️ WARN | ✅ PASS | 2 → 0 (−2) |\n\n`);
    expect(text).toContain(`### Rules whose status changed\n${header}\n| machine\\_learning\\_one\\_row\\_per\\_reading | curated | ⚠️ WARN | 💥 ERROR | 3 → 0 (−3) |\n\n`);
    expect(text).toContain(`### Failing counts that changed\n${header}\n| customer\\_birthday\\_plausible | trusted | ⚠️ WARN | ⚠️ WARN | 1 → 3 (+2) |\n\n`);
    expect(text).toContain('### Added rules\n| rule | gate | status | failing |\n|---|---|---|---:|\n| new\\_rule | trusted | ✅ PASS | 0 |\n\n');
    expect(text).toContain('### Removed rules\n| rule | gate | status | failing |\n|---|---|---|---:|\n| old\\_rule | curated | ✅ PASS | 0 |\n\n');
    expect(text).toContain(
      [
        '### Row counts that changed',
        '| table | zone | base | head | change |',
        '|---|---|---:|---:|---:|',
        '| customer\\_trusted | trusted | 40 | 36 | −4 (−10%) |',
        '| step\\_trainer\\_trusted | trusted | — | 7 | only in head |',
        '| customer\\_curated | curated | 30 | 0 | −30 (−100%) |',
        '| accelerometer\\_trusted | trusted | 180 | — | only in base |',
      ].join('\n'),
    );
    expect(text).toContain(
      [
        '### Quarantine that changed',
        '| dataset | quarantined (base → head) | change | share (base → head) |',
        '|---|---:|---:|---:|',
        '| customer | 5 → 9 | +4 (+80%) | 10% → 15% |',
        '| step\\_trainer | — → 1 | only in head | — → 10% |',
      ].join('\n'),
    );
  });

  it('a gate the run never reached (listed as skipped) is not compared: its rules are neither added nor removed', () => {
    const h = buildReport({ ...headManifest(), gates: { trusted: headManifest().gates.trusted!, curated: skippedGate('curated', [], loadGateConfig(loadCatalog()), 'the trusted gate blocked the run', [], ['customer_curated']) } });
    const d = diffReports(base(), h);
    expect(d.gatesOnlyIn).toEqual({ base: ['curated'], head: [] });
    // The curated rules of base (old_rule among them) are not "removed": head never got there.
    expect(d.removed).toEqual([]);
    expect(d.added.map((r) => r.name)).toEqual(['new_rule']);
  });

  it('stays under the size cap with 5,000 changed rules and huge names, and says what it left out', () => {
    const MB = 'x'.repeat(1024 * 1024);
    const names = Array.from({ length: 5000 }, (_, i) => `r${i}_${MB.slice(0, 20_000)}`);
    const b = buildReport({ ...baseManifest(), gates: { trusted: gate('trusted', names.map((name) => rule({ name, description: MB }))) } });
    const h = buildReport({ ...headManifest(), gates: { trusted: gate('trusted', names.map((name) => failed({ name, failing: 1, description: MB }))) } });
    const text = renderDeltaMarkdown(diffReports(b, h));
    expect(byteLength(text)).toBeLessThanOrEqual(60_000);
    const all = text.split('\n');
    expect(all[0]).toBe(
      '**BLOCKED** (was PUBLISHED) against the base: 5,000 rules newly failing, 0 fixed, 0 with changed failing counts, 4 tables with changed row counts, 2 datasets with changed quarantine.',
    );
    expect(all[2]).toBe('> **Shortened** to stay under 60,000 bytes: 4,750 rules, 250 long values cut short. `report.json` has everything.');
    expect(all).toContain('_4,750 more rules not shown (250 of 5,000 here); `report.json` has them all._');
    expect(all).toContain(`| r0\\_${'x'.repeat(76)}… | trusted | ✅ PASS | ❌ FAIL | 0 → 1 (+1) |`);
    expect(byteLength(renderDeltaMarkdown(diffReports(b, h), { maxBytes: 8_000 }))).toBeLessThanOrEqual(8_000);
  });
});
