// An in-memory Glue catalog behind aws-sdk-client-mock: GetTable and UpdateTable with Glue's
// optimistic locking (VersionId), and failures injected per table.
import { GetTableCommand, GlueClient, UpdateTableCommand, type Table } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';

export interface GlueFake {
  readonly client: GlueClient;
  readonly tables: Map<string, Table>;
  /** Every UpdateTable, in order, as `database.table -> location`. */
  readonly updates: string[];
  failUpdate(database: string, table: string, message: string): void;
  /** Another writer changes the table right after each read of it (its version moves on). */
  changeAfterRead(database: string, table: string): void;
  location(database: string, table: string): string | undefined;
  restore(): void;
}

export function createGlueFake(initial: { database: string; table: string; location: string; parameters?: Record<string, string> }[]): GlueFake {
  const mock = mockClient(GlueClient);
  const tables = new Map<string, Table>();
  const failures = new Map<string, string>();
  const changing = new Set<string>();
  const updates: string[] = [];
  for (const t of initial) {
    tables.set(`${t.database}.${t.table}`, {
      Name: t.table,
      DatabaseName: t.database,
      VersionId: '1',
      TableType: 'EXTERNAL_TABLE',
      Parameters: { classification: 'parquet', ...(t.parameters ?? {}) },
      StorageDescriptor: { Location: t.location, Columns: [{ Name: 'email', Type: 'string' }] },
    });
  }
  mock.on(GetTableCommand).callsFake((input) => {
    const t = tables.get(`${input.DatabaseName}.${input.Name}`);
    if (!t) throw Object.assign(new Error(`Table ${input.Name} not found.`), { name: 'EntityNotFoundException' });
    const copy = structuredClone(t);
    if (changing.has(`${input.DatabaseName}.${input.Name}`)) t.VersionId = String(Number(t.VersionId) + 1);
    return { Table: copy };
  });
  mock.on(UpdateTableCommand).callsFake((input) => {
    const key = `${input.DatabaseName}.${input.TableInput!.Name}`;
    const t = tables.get(key);
    if (!t) throw Object.assign(new Error(`Table ${input.TableInput!.Name} not found.`), { name: 'EntityNotFoundException' });
    const failure = failures.get(key);
    if (failure) throw Object.assign(new Error(failure), { name: 'InternalServiceException' });
    if (input.VersionId !== undefined && input.VersionId !== t.VersionId) {
      throw Object.assign(new Error(`Version ${input.VersionId} is not the latest version ${t.VersionId}`), { name: 'ConcurrentModificationException' });
    }
    updates.push(`${key} -> ${input.TableInput!.StorageDescriptor!.Location}`);
    tables.set(key, { ...structuredClone(input.TableInput!), DatabaseName: input.DatabaseName, VersionId: String(Number(t.VersionId) + 1) } as Table);
    return {};
  });
  return {
    client: new GlueClient({}),
    tables,
    updates,
    failUpdate: (database, table, message) => failures.set(`${database}.${table}`, message),
    changeAfterRead: (database, table) => changing.add(`${database}.${table}`),
    location: (database, table) => tables.get(`${database}.${table}`)?.StorageDescriptor?.Location,
    restore: () => mock.restore(),
  };
}
