// Creates the catalog's tables (columns and types from ddl/) in a DuckDB and fills them with rows.
import type { Catalog, TableDef } from '../../src/catalog/registry';
import type { DdlType } from '../../src/catalog/ddl';
import { DUCKDB_TYPE } from '../../src/catalog/column-types';
import type { DuckDbEngine } from '../../src/engine/duckdb-engine';
import { quoteIdent, quoteLiteral } from '../../src/engine/engine';

type Row = Record<string, string | number | null>;

const literal = (v: string | number | null | undefined) =>
  v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : quoteLiteral(v);

/** Creates every table of the catalog (empty unless rows are given) in `schema` (default main). */
export async function createTables(engine: DuckDbEngine, catalog: Catalog, rows: Record<string, Row[]>, schema?: string): Promise<void> {
  if (schema) await engine.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  const prefix = schema ? `${quoteIdent(schema)}.` : '';
  for (const t of catalog.tables.values()) {
    const cols = t.columns.map((c) => `${quoteIdent(c.name)} ${DUCKDB_TYPE[c.type]}`).join(', ');
    await engine.run(`CREATE OR REPLACE TABLE ${prefix}${quoteIdent(t.name)} (${cols})`);
    for (const r of rows[t.name] ?? []) {
      await engine.run(`INSERT INTO ${prefix}${quoteIdent(t.name)} VALUES (${t.columns.map((c) => literal(r[c.name])).join(', ')})`);
    }
  }
}

export const SERIAL_A = '11111111-1111-4111-8111-111111111111';
export const SERIAL_B = '22222222-2222-4222-8222-222222222222';

export const customer = (email: string, serialNumber: string, extra: Row = {}): Row => ({
  customerName: 'Ann Lee',
  email,
  phone: '8015551212',
  birthDay: '1990-01-01',
  serialNumber,
  registrationDate: 1,
  lastUpdateDate: 2,
  shareWithResearchAsOfDate: 3,
  ...extra,
});

/** Two consenting customers with one step reading each, paired correctly in machine_learning_curated. */
export function cleanTables(): Record<string, Row[]> {
  const ann = customer('ann@x.com', SERIAL_A);
  const bob = customer('bob@x.com', SERIAL_B, { phone: '8015551213' });
  const accel = [
    { user: 'ann@x.com', timestamp: 1655564444103, x: 1, y: 0, z: -1 },
    { user: 'bob@x.com', timestamp: 1655564444200, x: 0, y: 1, z: 0 },
  ];
  const steps = [
    { sensorReadingTime: 1655564444103, serialNumber: SERIAL_A, distanceFromObject: 200 },
    { sensorReadingTime: 1655564444200, serialNumber: SERIAL_B, distanceFromObject: 250 },
  ];
  return {
    customer_landing: [ann, bob],
    accelerometer_landing: accel,
    step_trainer_landing: steps,
    customer_trusted: [ann, bob],
    accelerometer_trusted: accel,
    step_trainer_trusted: steps,
    customer_curated: [ann, bob],
    machine_learning_curated: [
      { ...steps[0], user: 'ann@x.com', x: 1, y: 0, z: -1 },
      { ...steps[1], user: 'bob@x.com', x: 0, y: 1, z: 0 },
    ],
  };
}

/** A landing table of the given columns, for contracts and limits built without the catalog. */
export const probeTable = (columns: Record<string, DdlType>): TableDef => ({
  name: 'probe_landing',
  zone: 'landing',
  format: 'json',
  description: '',
  file: 'ddl/landing/probe_landing.sql',
  columns: Object.entries(columns).map(([name, type]) => ({ name, type, comment: '', pii: false })),
});
