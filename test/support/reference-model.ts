// An independent model of what the pipeline makes of a landing folder, sharing no code with src/:
// its own file listing and line splitting (reference/landing-text.ts), JSON.parse as the JSON
// oracle and a contract written from ../shared/STEDI-DATA.md (reference/record-contract.ts), the
// STEDI semantics and accounting in plain JavaScript (reference/stedi-tables.ts), and what each
// quality rule must find (reference/rule-findings.ts). Only the gate's thresholds are read, as data,
// from quality-rules/gate-config.json. For small folders: it holds every record in memory.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { datasetLines } from './reference/landing-text';
import { checkLine, DATASETS, type Row } from './reference/record-contract';
import { gateOf, RULES } from './reference/rule-findings';
import { stediTables, type LandingRows, type Outcomes, type StediTables } from './reference/stedi-tables';

export interface ReferenceDataset {
  /** Non-blank lines: read = valid + quarantined. */
  readonly read: number;
  readonly valid: number;
  readonly quarantined: number;
  /** Bytes of the non-blank lines without their line ends (decompressed), and of the quarantined ones. */
  readonly recordBytes: number;
  readonly quarantinedBytes: number;
  /** Where the valid records went; adds up to valid. */
  readonly outcomes: Outcomes;
}

export type TableName = keyof StediTables;

/** The accounting and the rows of every table, in the shape of the generator's expected outcome. */
export interface ReferenceOutcome {
  readonly datasets: Readonly<Record<string, ReferenceDataset>>;
  readonly tables: Readonly<Record<TableName, number>>;
}

export interface ReferenceFinding {
  readonly name: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly failing: number;
  readonly blocking: boolean;
}

/** What a run on a fresh lake must report. */
export interface ReferenceRun {
  readonly status: 'published' | 'blocked';
  readonly datasets: Readonly<Record<string, ReferenceDataset>>;
  /** Rows of each table the run builds: a run blocked at the trusted gate builds no curated table. */
  readonly tables: Readonly<Partial<Record<TableName, number>>>;
  /** The rows themselves, of the same tables. */
  readonly rows: Readonly<Partial<Record<TableName, readonly Row[]>>>;
  /** Every SQL rule and built-in check of both gates, by name. */
  readonly findings: Readonly<Record<string, ReferenceFinding>>;
}

interface Landing {
  readonly datasets: Record<string, ReferenceDataset>;
  readonly rows: LandingRows;
}

function readLanding(landing: string): Landing {
  const datasets: Record<string, ReferenceDataset> = {};
  const rows: Record<string, Row[]> = {};
  for (const dataset of DATASETS) {
    let read = 0;
    let quarantined = 0;
    let recordBytes = 0;
    let quarantinedBytes = 0;
    const valid: Row[] = [];
    for (const f of datasetLines(join(landing, dataset))) {
      for (const line of f.lines) {
        read++;
        recordBytes += line.bytes;
        const verdict = line.kind === 'text' ? checkLine(dataset, line.text) : undefined;
        if (verdict?.ok) valid.push(verdict.row);
        else {
          quarantined++;
          quarantinedBytes += line.bytes;
        }
      }
    }
    datasets[dataset] = { read, valid: valid.length, quarantined, recordBytes, quarantinedBytes, outcomes: {} };
    rows[dataset] = valid;
  }
  return { datasets, rows: rows as unknown as LandingRows };
}

const rowCounts = (t: Partial<Record<TableName, readonly Row[]>>) =>
  Object.fromEntries(Object.entries(t).map(([name, rows]) => [name, rows!.length])) as Record<TableName, number>;

/** The accounting of every dataset and the rows of every table (whatever the gates say). */
export function referenceOutcome(landing: string): ReferenceOutcome {
  const l = readLanding(landing);
  const r = stediTables(l.rows);
  const datasets = Object.fromEntries(DATASETS.map((d) => [d, { ...l.datasets[d], outcomes: r.outcomes[d as keyof LandingRows] }]));
  return { datasets, tables: rowCounts(r.tables) };
}

/** The largest quarantined share of each dataset, from quality-rules/gate-config.json (read as data). */
function quarantineShares(projectRoot: string): (dataset: string) => number {
  const file = join(projectRoot, 'quality-rules', 'gate-config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as { quarantine: { default: number; datasets?: Record<string, number> } };
  return (d) => config.quarantine.datasets?.[d] ?? config.quarantine.default;
}

const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** What a run of `landing` into a fresh lake must report: verdict, accounting, tables, rows and every check's finding. */
export function referenceRun(landing: string, projectRoot: string = PROJECT_ROOT): ReferenceRun {
  if (!existsSync(landing)) throw new Error(`no landing folder ${landing}`);
  const l = readLanding(landing);
  const r = stediTables(l.rows);
  const datasets = Object.fromEntries(DATASETS.map((d) => [d, { ...l.datasets[d], outcomes: r.outcomes[d as keyof LandingRows] }]));
  const share = quarantineShares(projectRoot);
  const findings: Record<string, ReferenceFinding> = {};
  const judge = (name: string, failing: number, allowed: number, severity: 'error' | 'warn') => {
    const fail = failing > allowed;
    findings[name] = { name, status: fail ? 'fail' : 'pass', failing, blocking: fail && severity === 'error' };
  };
  for (const [name, rule] of Object.entries(RULES)) if (gateOf(rule) === 'trusted') judge(name, rule.failingRows(r.tables).length, 0, rule.severity);
  for (const d of DATASETS) {
    const a = datasets[d];
    judge(`quarantine_share_${d}`, a.quarantined, Math.floor(share(d) * a.read), 'error');
    judge(`quarantine_bytes_${d}`, a.quarantinedBytes, Math.floor(share(d) * a.recordBytes), 'error');
    judge(`accounting_${d}`, 0, 0, 'error');
  }
  const blockedAtTrusted = Object.values(findings).some((f) => f.blocking);
  for (const [name, rule] of Object.entries(RULES)) {
    if (gateOf(rule) !== 'curated') continue;
    if (blockedAtTrusted) findings[name] = { name, status: 'skip', failing: 0, blocking: false };
    else judge(name, rule.failingRows(r.tables).length, 0, rule.severity);
  }
  const built = Object.fromEntries(
    Object.entries(r.tables).filter(([name]) => !blockedAtTrusted || !(name === 'customer_curated' || name === 'machine_learning_curated')),
  ) as Partial<Record<TableName, readonly Row[]>>;
  return {
    status: Object.values(findings).some((f) => f.blocking) ? 'blocked' : 'published',
    datasets,
    tables: rowCounts(built),
    rows: built,
    findings,
  };
}
