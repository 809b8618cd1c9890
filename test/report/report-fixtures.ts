// Crafted run manifests for the report tests: small, explicit, and shaped like the runner's.
import type { DatasetAccounting, RunManifest } from '../../src/pipeline/manifest';
import type { GateResult, RuleResult } from '../../src/gates/evaluator';

type RuleOverrides = Partial<RuleResult> & { readonly name: string };

/** A passing error rule on customer_trusted, unless told otherwise. */
export function rule(o: RuleOverrides): RuleResult {
  return {
    kind: 'set',
    description: `${o.name} holds`,
    severity: 'error',
    zone: 'trusted',
    tables: ['customer_trusted'],
    file: `quality-rules/rules/${o.name}.sql`,
    status: 'pass',
    blocking: false,
    failing: 0,
    allowed: 0,
    tolerance: { rows: 0 },
    columns: [],
    sample: [],
    ...o,
  };
}

/** A rule that found more failing rows than allowed; it blocks when its severity is error. */
export function failed(o: RuleOverrides & { readonly failing: number }): RuleResult {
  const severity = o.severity ?? 'error';
  return rule({ status: 'fail', blocking: severity === 'error', ...o, severity });
}

/** A rule that could not be evaluated: always blocking. */
export function broken(o: RuleOverrides & { readonly error: string }): RuleResult {
  return rule({ status: 'error', blocking: true, ...o });
}

export function gate(zone: 'trusted' | 'curated', rules: readonly RuleResult[], queries = rules.length, scans: Record<string, number> = {}): GateResult {
  return { zone, passed: !rules.some((r) => r.blocking), rules: rules.map((r) => ({ ...r, zone })), queries, scans };
}

export function dataset(o: Partial<DatasetAccounting> & { readonly read: number; readonly quarantined: number }): DatasetAccounting {
  const valid = o.read - o.quarantined;
  const outcomes = o.outcomes ?? { trusted: valid };
  return {
    files: 1,
    bytes: 100,
    ignoredFiles: [],
    blankLines: 0,
    valid,
    quarantineLocation: '/lake/quarantine/x/records.jsonl',
    quarantineReasons: {},
    outcomes,
    excludedByPolicy: valid - (outcomes.trusted ?? 0) - (outcomes.duplicate ?? 0),
    ...o,
  };
}

export const RUN_ID = '20260101T000000000Z-aaaaaa';
export const PREVIOUS_RUN_ID = '20251231T000000000Z-bbbbbb';

/** A run blocked at the trusted gate by one failed error rule, with one warning and one passing rule. */
export function blockedManifest(): RunManifest {
  const trusted = gate(
    'trusted',
    [
      rule({ name: 'consent_customer_trusted', kind: 'predicate', checked: 40 }),
      failed({
        name: 'customer_birthday_plausible',
        severity: 'warn',
        failing: 2,
        columns: ['email', 'birthDay'],
        sample: [
          { email: 'a@x.com', birthDay: '1399-01-01' },
          { email: 'b@x.com', birthDay: null },
        ],
      }),
      failed({
        name: 'serial_number_shared_by_customers',
        failing: 12,
        tables: ['customer_landing', 'customer_trusted'],
        columns: ['serialNumber', 'customers'],
        sample: [
          { serialNumber: 's-1', customers: 2 },
          { serialNumber: 's-2', customers: 3 },
          { serialNumber: 's-3', customers: 2 },
        ],
      }),
      failed({
        name: 'quarantine_share_customer',
        kind: 'quarantine',
        tables: ['customer_landing'],
        file: 'quality-rules/gate-config.json',
        tolerance: { share: 0.05 },
        allowed: 2,
        checked: 50,
        failing: 5,
        columns: ['reason', 'records'],
        sample: [
          { reason: 'malformed JSON', records: 3 },
          { reason: 'field email is missing', records: 2 },
        ],
      }),
    ],
    7,
    { customer_trusted: 2, customer_landing: 1 },
  );
  return {
    runId: RUN_ID,
    status: 'blocked',
    landing: '/landing',
    lake: '/lake',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:02.500Z',
    previousRunId: PREVIOUS_RUN_ID,
    datasets: {
      customer: dataset({
        read: 50,
        quarantined: 5,
        quarantineReasons: { 'malformed JSON': 3, 'field email is missing': 2 },
        outcomes: { trusted: 40, duplicate: 1, no_consent: 3, superseded: 1 },
      }),
      accelerometer: dataset({ read: 200, quarantined: 0, outcomes: { trusted: 180, duplicate: 20 } }),
    },
    tables: {
      customer_trusted: { zone: 'trusted', rows: 40, location: '/lake/t/customer_trusted', previousRows: 32 },
      customer_landing: { zone: 'landing', rows: 45, location: '/lake/l/customer_landing', previousRows: 45 },
      accelerometer_trusted: { zone: 'trusted', rows: 180, location: '/lake/t/accelerometer_trusted', previousRows: 200 },
      accelerometer_landing: { zone: 'landing', rows: 200, location: '/lake/l/accelerometer_landing' },
    },
    phases: [
      { phase: 'validate', ms: 1200 },
      { phase: 'build trusted', ms: 300 },
      { phase: 'audit trusted', ms: 250 },
    ],
    gates: { trusted },
    problems: ['rule serial_number_shared_by_customers failed', 'rule quarantine_share_customer failed'],
  };
}

/** The same data passing both gates and published. */
export function publishedManifest(): RunManifest {
  const m = blockedManifest();
  const trusted = gate('trusted', [
    rule({ name: 'consent_customer_trusted', kind: 'predicate', checked: 40 }),
    failed({ name: 'customer_birthday_plausible', severity: 'warn', failing: 1, columns: ['email'], sample: [{ email: 'a@x.com' }] }),
    rule({ name: 'serial_number_shared_by_customers' }),
  ]);
  const curated = gate('curated', [rule({ name: 'customer_curated_not_empty', tables: ['customer_curated'] })]);
  return {
    ...m,
    status: 'published',
    gates: { trusted, curated },
    tables: { ...m.tables, customer_curated: { zone: 'curated', rows: 30, location: '/lake/c/customer_curated', previousRows: 0 } },
    problems: [],
  };
}

/** A run that stopped with an error after validating. */
export function failedManifest(): RunManifest {
  const m = blockedManifest();
  return {
    ...m,
    status: 'failed',
    gates: {},
    phases: [{ phase: 'validate', ms: 10 }],
    problems: [],
    error: 'quality-rules/accounting/customer.sql: outcomes add up to 44 but 45 customer records were valid\nsecond line',
  };
}
