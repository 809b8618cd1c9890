// Derives the catalog (tables, zones, landing datasets, transforms and their inputs) from the
// folders ddl/, glue/sql/ and quality-rules/: nothing here is a hand-kept list of tables.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { readDdl, type TableDdl } from './ddl';
import { JSON_SCHEMA_TYPE } from './column-types';
import { OperatorError } from '../errors/operator-error';
import { hasSecondStatement, SqlTextError, tableRefs, withoutTrailing, type TableRef } from './sql-text';

/** The zones in promotion order. */
export const ZONES = ['landing', 'trusted', 'curated'] as const;
export type Zone = (typeof ZONES)[number];
/** Zones built by transforms, in build order. */
export const BUILT_ZONES = ['trusted', 'curated'] as const satisfies readonly Zone[];
export type BuiltZone = (typeof BUILT_ZONES)[number];

/** Landing tables are named `<dataset>_landing`; the dataset names the landing folder and schema. */
export const LANDING_SUFFIX = '_landing';

export interface TableDef extends TableDdl {
  readonly zone: Zone;
}

export interface LandingDataset {
  /** Folder name under the landing root, e.g. `customer`. */
  readonly dataset: string;
  readonly table: TableDef;
  readonly schemaFile: string;
  readonly schema: Record<string, unknown>;
  /** SQL classifying each valid record: trusted, duplicate or excluded by policy. */
  readonly accountingFile: string;
  /** The file's one query, without a trailing `;` or comment (its lines as in the file). */
  readonly accountingSql: string;
}

export interface Transform {
  readonly table: TableDef;
  readonly zone: BuiltZone;
  readonly file: string;
  /** The file's one query, without a trailing `;` or comment (its lines as in the file). */
  readonly sql: string;
  /** Tables the SQL reads, found by name in its FROM and JOIN clauses. */
  readonly inputs: readonly string[];
}

export interface Catalog {
  readonly root: string;
  readonly tables: ReadonlyMap<string, TableDef>;
  readonly datasets: readonly LandingDataset[];
  /** Every transform, in an order where each runs after its inputs (trusted zone first). */
  readonly transforms: readonly Transform[];
}

export class CatalogError extends OperatorError {
  constructor(message: string) {
    super(message);
    this.name = 'CatalogError';
  }
}

/**
 * The repository root: where ddl/, glue/ and quality-rules/ live. Found from this module's folder
 * upwards, since the module runs from src/catalog/ (sources) and from dist/ (the compiled CLI).
 */
export const PROJECT_ROOT = findProjectRoot(__dirname);

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'ddl'))) return dir;
    if (dirname(dir) === dir) return resolve(from, '..', '..');
  }
}

function sqlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => join(dir, f));
}

const stem = (file: string, ext: string) => basename(file, ext);

/** The tables a statement reads (its CTEs and table functions left out), read from its tokens. */
export { referencedTables } from './sql-text';

/** The tables `sql` of `file` reads; SQL that cannot be lexed is the file's error, at its line. */
function tablesReadBy(sql: string, file: string): TableRef[] {
  try {
    return tableRefs(sql);
  } catch (e) {
    if (!(e instanceof SqlTextError)) throw e;
    const { line, reason } = e.at(sql);
    throw new CatalogError(`${file}:${line}: ${reason}`);
  }
}

/**
 * The one statement of a transform or accounting query as every engine is sent it: without the `;`
 * and comments after it, which would swallow the query a runner wraps around it (`... -- note) AS t`).
 * A file of two statements is refused here, not at the run that sends it.
 */
function statementOf(sql: string, file: string): string {
  if (hasSecondStatement(sql)) throw new CatalogError(`${file}: holds more than one statement; it must be one query (a SELECT or WITH)`);
  return withoutTrailing(sql);
}

/** The names `file` reads that the catalog lacks, as its error; a schema-qualified one is told to be named bare. */
function refuseUnknown(file: string, refs: readonly TableRef[], tables: ReadonlyMap<string, unknown>): void {
  const unknown = refs.filter((r) => !tables.has(r.name));
  if (!unknown.length) return;
  const names = [...new Set(unknown.map((r) => r.name))];
  const hint = unknown.some((r) => r.qualified) ? ' (name tables bare, as ddl/ declares them: each engine binds them to its own schema)' : '';
  throw new CatalogError(`${file}: reads unknown table(s) ${names.join(', ')}${hint}`);
}

export function loadCatalog(root: string = PROJECT_ROOT): Catalog {
  const rel = (f: string) => relative(root, f);
  const tables = new Map<string, TableDef>();
  for (const zone of ZONES) {
    for (const file of sqlFiles(join(root, 'ddl', zone))) {
      const ddl = readDdl(file);
      if (ddl.name !== stem(file, '.sql')) {
        throw new CatalogError(`${rel(file)}: declares table ${ddl.name}; the file must be named ${ddl.name}.sql`);
      }
      if (tables.has(ddl.name)) throw new CatalogError(`${rel(file)}: table ${ddl.name} is declared twice`);
      tables.set(ddl.name, { ...ddl, file: rel(file), zone });
    }
  }

  const datasets: LandingDataset[] = [];
  const schemaDir = join(root, 'quality-rules', 'schemas');
  const schemaFiles = existsSync(schemaDir) ? readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort() : [];
  for (const table of [...tables.values()].filter((t) => t.zone === 'landing')) {
    if (!table.name.endsWith(LANDING_SUFFIX)) {
      throw new CatalogError(`${table.file}: landing tables are named <dataset>${LANDING_SUFFIX}`);
    }
    const dataset = table.name.slice(0, -LANDING_SUFFIX.length);
    const schemaFile = join(schemaDir, `${dataset}.schema.json`);
    if (!existsSync(schemaFile)) throw new CatalogError(`${table.file}: no record contract ${rel(schemaFile)}`);
    const accountingFile = join(root, 'quality-rules', 'accounting', `${dataset}.sql`);
    if (!existsSync(accountingFile)) throw new CatalogError(`${table.file}: no accounting query ${rel(accountingFile)}`);
    let schema: Record<string, unknown>;
    try {
      schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
    } catch (e) {
      throw new CatalogError(`${rel(schemaFile)}: not valid JSON: ${(e as Error).message}`);
    }
    // A contract whose type differs from its column's lets through values the column does not hold
    // as sent (1.5 for a BIGINT loads as 2, 1e300 not at all).
    for (const [name, p] of Object.entries((schema.properties ?? {}) as Record<string, { type?: unknown }>)) {
      const column = table.columns.find((c) => c.name === name);
      if (column && p?.type !== JSON_SCHEMA_TYPE[column.type]) {
        throw new CatalogError(
          `${rel(schemaFile)}: property ${name} is ${JSON.stringify(p?.type)} but ${table.file} declares it ${column.type}, which takes "${JSON_SCHEMA_TYPE[column.type]}"`,
        );
      }
    }
    const accountingText = readFileSync(accountingFile, 'utf8');
    // The accounting reads the landing table (and what it compares with): nothing the catalog lacks.
    refuseUnknown(rel(accountingFile), tablesReadBy(accountingText, rel(accountingFile)), tables);
    const accountingSql = statementOf(accountingText, rel(accountingFile));
    datasets.push({
      dataset,
      table,
      schemaFile: rel(schemaFile),
      schema,
      accountingFile: rel(accountingFile),
      accountingSql,
    });
  }
  for (const f of schemaFiles) {
    const dataset = f.slice(0, -'.schema.json'.length);
    if (!datasets.some((d) => d.dataset === dataset)) {
      throw new CatalogError(`quality-rules/schemas/${f}: no landing table ddl/landing/${dataset}${LANDING_SUFFIX}.sql`);
    }
  }

  const unordered: Transform[] = [];
  for (const zone of BUILT_ZONES) {
    for (const file of sqlFiles(join(root, 'glue', 'sql', zone))) {
      const name = stem(file, '.sql');
      const table = tables.get(name);
      if (!table) throw new CatalogError(`${rel(file)}: no table ${name} in ddl/`);
      if (table.zone !== zone) throw new CatalogError(`${rel(file)}: table ${name} is declared in ddl/${table.zone}, not ddl/${zone}`);
      const text = readFileSync(file, 'utf8');
      const read = tablesReadBy(text, rel(file));
      refuseUnknown(rel(file), read, tables);
      const sql = statementOf(text, rel(file));
      const refs = [...new Set(read.map((r) => r.name))];
      for (const input of refs) {
        const from = tables.get(input)!.zone;
        if (ZONES.indexOf(from) > ZONES.indexOf(zone)) {
          throw new CatalogError(`${rel(file)}: a ${zone} table cannot read ${input} of the later ${from} zone`);
        }
      }
      unordered.push({ table, zone, file: rel(file), sql, inputs: refs });
    }
  }
  for (const t of tables.values()) {
    if (t.zone !== 'landing' && !unordered.some((x) => x.table.name === t.name)) {
      throw new CatalogError(`${t.file}: no transform glue/sql/${t.zone}/${t.name}.sql builds it`);
    }
  }
  return { root, tables, datasets, transforms: buildOrder(unordered) };
}

/** Zone by zone, each transform after the transforms it reads (a cycle is an error). */
function buildOrder(transforms: Transform[]): Transform[] {
  const ordered: Transform[] = [];
  const done = new Set<string>();
  for (const zone of BUILT_ZONES) {
    let pending = transforms.filter((t) => t.zone === zone);
    while (pending.length) {
      const ready = pending.filter((t) =>
        t.inputs.every((i) => done.has(i) || !transforms.some((x) => x.table.name === i)),
      );
      if (!ready.length) {
        throw new CatalogError(`transforms read each other in a cycle: ${pending.map((t) => t.file).join(', ')}`);
      }
      for (const t of ready) {
        ordered.push(t);
        done.add(t.table.name);
      }
      pending = pending.filter((t) => !ready.includes(t));
    }
  }
  return ordered;
}
