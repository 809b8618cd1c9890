// The rehearsal's stand-in for the Glue Data Catalog: databases and tables with their locations,
// parameters and versions, kept in one JSON file under the work folder so that a later rehearsal
// sees what an earlier one published. GetTable and UpdateTable behave as Glue's do (the table as
// stored, optimistic locking on VersionId); Lake Formation, which decides in AWS who may read and
// change a table, is not modelled: every caller may do everything.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Column, Table, TableInput } from '@aws-sdk/client-glue';
import type { Json, JsonObject } from '../../stacks/checks/terraform-json';

/** A Glue API error: its exception name (the `__type` Glue answers with) and HTTP status. */
export class GlueStandInError extends Error {
  constructor(
    readonly type: 'EntityNotFoundException' | 'ConcurrentModificationException' | 'InvalidInputException' | 'InternalServiceException',
    message: string,
  ) {
    super(message);
    this.name = type;
  }

  get status(): number {
    return this.type === 'InternalServiceException' ? 500 : 400;
  }
}

/** A table as Terraform declares it (aws_glue_catalog_table), references resolved. */
export interface DeclaredTable {
  readonly database: string;
  readonly table: Table;
  /** Terraform's lifecycle.ignore_changes: attributes the pipeline owns at run time. */
  readonly ignoreChanges: readonly string[];
}

interface CatalogFile {
  databases: Record<string, { Name: string; Description?: string }>;
  tables: Record<string, Table>;
}

/** One UpdateTable the catalog applied, for the rehearsal's record. */
export interface TableUpdate {
  readonly database: string;
  readonly table: string;
  readonly location: string | undefined;
  readonly version: string;
}

export interface InjectedUpdateFailure {
  readonly database: string;
  readonly table: string;
  /** The exception Glue answers with. @default 'InternalServiceException' */
  readonly type?: GlueStandInError['type'];
}

const key = (database: string, table: string) => `${database}.${table}`;

/** A Glue table from the body of an aws_glue_catalog_table resource (snake_case, as Terraform writes it). */
export function tableFromTerraform(body: JsonObject, database: string): Table {
  const sd = first(body.storage_descriptor);
  const serde = first(sd?.ser_de_info);
  const columns = (list(sd?.columns) as JsonObject[]).map(
    (c): Column => ({ Name: String(c.name), Type: String(c.type), ...(c.comment !== undefined ? { Comment: String(c.comment) } : {}) }),
  );
  return {
    Name: String(body.name),
    DatabaseName: database,
    ...(body.description !== undefined ? { Description: String(body.description) } : {}),
    TableType: body.table_type !== undefined ? String(body.table_type) : undefined,
    Parameters: strings(body.parameters),
    PartitionKeys: (list(body.partition_keys) as JsonObject[]).map((c) => ({ Name: String(c.name), Type: String(c.type) })),
    StorageDescriptor: {
      Columns: columns,
      ...(sd?.location !== undefined ? { Location: String(sd.location) } : {}),
      ...(sd?.input_format !== undefined ? { InputFormat: String(sd.input_format) } : {}),
      ...(sd?.output_format !== undefined ? { OutputFormat: String(sd.output_format) } : {}),
      SerdeInfo: {
        ...(serde?.serialization_library !== undefined ? { SerializationLibrary: String(serde.serialization_library) } : {}),
        Parameters: strings(serde?.parameters),
      },
    },
  };
}

function first(v: Json | undefined): JsonObject | undefined {
  const l = list(v);
  return l[0] as JsonObject | undefined;
}

function list(v: Json | undefined): Json[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function strings(v: Json | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) if (k !== '//') out[k] = String(x);
  return out;
}

export class GlueCatalogStandIn {
  private state: CatalogFile;
  private readonly failures: InjectedUpdateFailure[] = [];
  /** Every UpdateTable applied since this stand-in was opened, in order. */
  readonly updates: TableUpdate[] = [];
  /** Grows with every change, so readers can tell that nothing changed since they looked. */
  generation = 0;

  constructor(
    /** The JSON file the catalog lives in. */
    readonly file: string,
    /** The account id Glue reports as CatalogId. */
    readonly catalogId: string,
  ) {
    this.state = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CatalogFile) : { databases: {}, tables: {} };
  }

  /**
   * Applies what Terraform declares, as `terraform apply` would: databases and tables created when
   * missing, their declared attributes updated, the attributes listed in ignore_changes (the
   * location and run id publish moves) kept as the pipeline left them, undeclared ones removed.
   */
  deploy(databases: readonly { name: string; description?: string }[], tables: readonly DeclaredTable[]): void {
    this.state.databases = Object.fromEntries(databases.map((d) => [d.name, { Name: d.name, ...(d.description ? { Description: d.description } : {}) }]));
    const next: Record<string, Table> = {};
    const now = Date.now() / 1000;
    for (const d of tables) {
      const k = key(d.database, d.table.Name!);
      const existing = this.state.tables[k];
      const declared = structuredClone(d.table);
      if (existing) {
        for (const attribute of d.ignoreChanges) keepIgnored(attribute, existing, declared);
        const changed = canonical(comparable(existing)) !== canonical(comparable(declared));
        next[k] = changed
          ? { ...declared, VersionId: String(Number(existing.VersionId) + 1), CreateTime: existing.CreateTime, UpdateTime: now as unknown as Date }
          : existing;
      } else {
        next[k] = { ...declared, VersionId: '1', CreateTime: now as unknown as Date, UpdateTime: now as unknown as Date };
      }
    }
    this.state.tables = next;
    this.save();
  }

  databases(): string[] {
    return Object.keys(this.state.databases).sort();
  }

  /** Every table, as stored. */
  tables(): Table[] {
    return Object.values(this.state.tables).map((t) => structuredClone(t));
  }

  getDatabase(name: string): { Name: string; Description?: string; CatalogId: string } {
    const d = this.state.databases[name];
    if (!d) throw new GlueStandInError('EntityNotFoundException', `Database ${name} not found.`);
    return { ...d, CatalogId: this.catalogId };
  }

  getTable(database: string, name: string): Table {
    this.getDatabase(database);
    const t = this.state.tables[key(database, name)];
    if (!t) throw new GlueStandInError('EntityNotFoundException', `Table ${name} not found.`);
    return { ...structuredClone(t), CatalogId: this.catalogId };
  }

  getTables(database: string): Table[] {
    this.getDatabase(database);
    return Object.values(this.state.tables)
      .filter((t) => t.DatabaseName === database)
      .map((t) => ({ ...structuredClone(t), CatalogId: this.catalogId }));
  }

  /** UpdateTable: replaces the table with `input`; with `versionId`, only when it is still the latest version. */
  updateTable(database: string, input: TableInput, versionId?: string): void {
    if (!input?.Name) throw new GlueStandInError('InvalidInputException', 'TableInput.Name is required');
    const current = this.getTable(database, input.Name);
    const failure = this.failures.find((f) => f.database === database && f.table === input.Name);
    if (failure) {
      throw new GlueStandInError(failure.type ?? 'InternalServiceException', `injected failure: UpdateTable of ${database}.${input.Name} refused by the rehearsal`);
    }
    if (versionId !== undefined && versionId !== current.VersionId) {
      throw new GlueStandInError('ConcurrentModificationException', `Update table failed due to concurrent modifications: version ${versionId} is not the latest version ${current.VersionId}.`);
    }
    const version = String(Number(current.VersionId) + 1);
    this.state.tables[key(database, input.Name)] = {
      ...(structuredClone(input) as Table),
      DatabaseName: database,
      VersionId: version,
      CreateTime: current.CreateTime,
      UpdateTime: (Date.now() / 1000) as unknown as Date,
    };
    this.save();
    this.updates.push({ database, table: input.Name, location: input.StorageDescriptor?.Location, version });
  }

  /** Makes every UpdateTable of one table fail from now on (the publish-half-way test). */
  injectUpdateFailure(failure: InjectedUpdateFailure): void {
    this.failures.push(failure);
  }

  private save(): void {
    this.generation++;
    mkdirSync(dirname(this.file), { recursive: true });
    const partial = `${this.file}.partial`;
    writeFileSync(partial, JSON.stringify(this.state, null, 2));
    renameSync(partial, this.file);
  }
}

/** JSON with every object's keys sorted: two tables compare equal whatever order their fields came in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

/** A table without the attributes Glue sets itself, for telling whether Terraform changed it. */
function comparable(t: Table): Table {
  const { VersionId: _v, CreateTime: _c, UpdateTime: _u, CatalogId: _id, ...rest } = t as Table & { CatalogId?: string };
  return rest;
}

/** Carries one ignore_changes attribute of the stored table over into the declared one. */
function keepIgnored(attribute: string, existing: Table, declared: Table): void {
  if (attribute === 'storage_descriptor[0].location') {
    declared.StorageDescriptor = { ...declared.StorageDescriptor, Location: existing.StorageDescriptor?.Location };
    return;
  }
  const parameter = /^parameters\["(.+)"\]$/.exec(attribute);
  if (parameter) {
    const value = existing.Parameters?.[parameter[1]];
    const params = { ...(declared.Parameters ?? {}) };
    if (value === undefined) delete params[parameter[1]];
    else params[parameter[1]] = value;
    declared.Parameters = params;
    return;
  }
  throw new Error(`the Glue catalog stand-in does not know how to keep ignore_changes attribute ${attribute}; teach keepIgnored in src/rehearse/glue-catalog-stand-in.ts`);
}
