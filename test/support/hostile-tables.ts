// Tables on which every rule over a table with personal data fails, every personal value a
// sentinel that must never appear in a report. Two sets: `failing` (every such rule but the
// emptiness checks fails) and `empty` (the curated tables are empty, so the emptiness checks fail).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Catalog } from '../../src/catalog/registry';
import { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { quoteIdent, quoteLiteral } from '../../src/engine/engine';
import { LocalLakeCatalog, type TableVersion } from '../../src/pipeline/local-lake-catalog';
import { LakeLayout } from '../../src/pipeline/lake-layout';
import { createTables } from './tables';

type Row = Record<string, string | number | null>;

/** Text every personal value holds (case-insensitive), and the phone and birthday sentinels. */
export const SENTINELS = ['secret', 'pii.example', '5550199', '1399-07-14'] as const;

/** Where a sentinel shows, if anywhere: the first line of `text` that holds one. */
export function sentinelIn(text: string): string | undefined {
  return text.split('\n').find((l) => SENTINELS.some((s) => l.toLowerCase().includes(s)));
}

const email = (n: number) => `Secret.Person${n}@pii.example`;
const SA = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const SB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const SC = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
const SD = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';

const person = (n: number, serialNumber: string | null, extra: Row = {}): Row => ({
  customerName: `Secret Name${n}`,
  email: email(n),
  phone: '5550199000',
  birthDay: '1399-07-14',
  serialNumber,
  registrationDate: 1,
  lastUpdateDate: 2,
  shareWithResearchAsOfDate: 3,
  ...extra,
});

export function failingTables(): Record<string, Row[]> {
  const T = 1655564444103;
  return {
    // A later record of a trusted customer (revocation); two customers on one serial number.
    customer_landing: [person(1, SA), person(1, SA, { lastUpdateDate: 9, shareWithResearchAsOfDate: null }), person(2, SB), person(3, SB)],
    accelerometer_landing: [{ user: email(1), timestamp: T, x: 1, y: 0, z: -1 }],
    step_trainer_landing: [{ sensorReadingTime: T, serialNumber: SA, distanceFromObject: 200 }],
    // No consent; no serial number; every birthday implausible and every phone the same.
    customer_trusted: [person(1, SA), person(4, SC, { shareWithResearchAsOfDate: null }), person(5, null)],
    accelerometer_trusted: [
      { user: email(1), timestamp: T, x: 1, y: 0, z: -1 },
      { user: email(1), timestamp: T, x: 0, y: 1, z: 0 },
      { user: email(9), timestamp: T + 1, x: 0, y: 0, z: 0 },
      { user: email(1), timestamp: T + 2, x: null, y: 0, z: 0 },
      { user: email(1), timestamp: 0, x: 0, y: 0, z: 0 },
    ],
    step_trainer_trusted: [
      { sensorReadingTime: T, serialNumber: SD, distanceFromObject: 5000 },
      { sensorReadingTime: T, serialNumber: SD, distanceFromObject: 10 },
      { sensorReadingTime: T + 3, serialNumber: SA, distanceFromObject: null },
    ],
    // A curated customer who is not trusted and has no readings, on the serial of another.
    customer_curated: [person(1, SA), person(6, SA)],
    machine_learning_curated: [
      { sensorReadingTime: T, serialNumber: SA, distanceFromObject: 200, user: email(7), x: 1, y: 0, z: -1 },
      { sensorReadingTime: T, serialNumber: SA, distanceFromObject: 200, user: email(8), x: 0, y: 1, z: 0 },
    ],
  };
}

export function emptyCuratedTables(): Record<string, Row[]> {
  return { ...failingTables(), customer_curated: [], machine_learning_curated: [] };
}

/** Validation counts a run manifest records, for the built-in checks of `stedi gate`. */
function manifestFor(catalog: Catalog, runId: string, status: string, tables: Record<string, Row[]>, locations: Record<string, string>) {
  return {
    runId,
    status,
    startedAt: '2026-01-01T00:00:00.000Z',
    datasets: Object.fromEntries(
      catalog.datasets.map((d) => [d.dataset, { read: (tables[d.table.name] ?? []).length, quarantined: 0, quarantineReasons: {}, valid: (tables[d.table.name] ?? []).length }]),
    ),
    tables: Object.fromEntries([...catalog.tables.values()].map((t) => [t.name, { zone: t.zone, rows: (tables[t.name] ?? []).length, location: locations[t.name] }])),
    gates: {},
    problems: [],
  };
}

/** Writes each table as a run's Parquet and returns the versions to publish or stage. */
async function writeRun(lake: LakeLayout, catalog: Catalog, runId: string, tables: Record<string, Row[]>): Promise<TableVersion[]> {
  const engine = await DuckDbEngine.open();
  try {
    await createTables(engine, catalog, tables);
    const versions: TableVersion[] = [];
    for (const t of catalog.tables.values()) {
      const dir = lake.tableRunDir(t.zone, t.name, runId);
      mkdirSync(dir, { recursive: true });
      await engine.run(`COPY (SELECT * FROM ${quoteIdent(t.name)}) TO ${quoteLiteral(join(dir, 'part-0.parquet'))} (FORMAT parquet)`);
      versions.push({ table: t.name, zone: t.zone, location: dir, rows: (tables[t.name] ?? []).length });
    }
    return versions;
  } finally {
    await engine.close();
  }
}

export const PUBLISHED_RUN = '20260101T000000000Z-aaaaaa';
export const BLOCKED_RUN = '20260102T000000000Z-bbbbbb';

/** A lake whose published tables are `failingTables()` and whose staged tables (a blocked run) are `emptyCuratedTables()`. */
export async function hostileLake(root: string, catalog: Catalog): Promise<string> {
  const layout = new LakeLayout(root);
  const lakeCatalog = new LocalLakeCatalog(layout);
  const published = await writeRun(layout, catalog, PUBLISHED_RUN, failingTables());
  const loc = (v: TableVersion[]) => Object.fromEntries(v.map((x) => [x.table, x.location]));
  await lakeCatalog.publish(PUBLISHED_RUN, published, JSON.stringify(manifestFor(catalog, PUBLISHED_RUN, 'published', failingTables(), loc(published))));
  const staged = await writeRun(layout, catalog, BLOCKED_RUN, emptyCuratedTables());
  await lakeCatalog.stage(BLOCKED_RUN, staged);
  await lakeCatalog.recordRun(BLOCKED_RUN, 'blocked', JSON.stringify(manifestFor(catalog, BLOCKED_RUN, 'blocked', emptyCuratedTables(), loc(staged))));
  return root;
}
