// Re-points a Glue table at another location: the one catalog write publish, rollback and staging make.
import { GetTableCommand, UpdateTableCommand, type GlueClient, type Table, type TableInput } from '@aws-sdk/client-glue';
import { RUN_ID_PARAMETER } from '../catalog/run-layout';

export interface TableState {
  readonly database: string;
  readonly table: string;
  readonly location: string;
  /** The run the location belongs to; absent while the table was never published. */
  readonly runId?: string;
  /** Glue's version of the table, for optimistic locking. */
  readonly versionId?: string;
  readonly input: TableInput;
}

/** The fields of a Glue Table that UpdateTable accepts back (the rest are read-only). */
export function tableInputOf(t: Table): TableInput {
  const input: TableInput = { Name: t.Name! };
  if (t.Description !== undefined) input.Description = t.Description;
  if (t.Owner !== undefined) input.Owner = t.Owner;
  if (t.Retention !== undefined) input.Retention = t.Retention;
  if (t.StorageDescriptor !== undefined) input.StorageDescriptor = t.StorageDescriptor;
  if (t.PartitionKeys !== undefined) input.PartitionKeys = t.PartitionKeys;
  if (t.TableType !== undefined) input.TableType = t.TableType;
  if (t.Parameters !== undefined) input.Parameters = t.Parameters;
  return input;
}

export async function readTable(glue: GlueClient, database: string, table: string): Promise<TableState> {
  const out = await glue.send(new GetTableCommand({ DatabaseName: database, Name: table }));
  const t = out.Table;
  const location = t?.StorageDescriptor?.Location;
  if (!t || !location) throw new Error(`Glue table ${database}.${table} has no storage location; is the lakehouse stack deployed?`);
  const runId = t.Parameters?.[RUN_ID_PARAMETER];
  return { database, table, location, ...(runId ? { runId } : {}), ...(t.VersionId ? { versionId: t.VersionId } : {}), input: tableInputOf(t) };
}

/**
 * Points a table at `location`, recording `runId` in its parameters. With `expectVersion`, Glue
 * refuses the update when someone changed the table since it was read.
 */
export async function pointTable(
  glue: GlueClient,
  from: TableState,
  location: string,
  runId: string | undefined,
  expectVersion?: string,
): Promise<void> {
  const parameters = { ...(from.input.Parameters ?? {}) };
  if (runId === undefined) delete parameters[RUN_ID_PARAMETER];
  else parameters[RUN_ID_PARAMETER] = runId;
  const input: TableInput = {
    ...from.input,
    StorageDescriptor: { ...from.input.StorageDescriptor, Location: location },
    Parameters: parameters,
  };
  await glue.send(
    new UpdateTableCommand({ DatabaseName: from.database, TableInput: input, ...(expectVersion ? { VersionId: expectVersion } : {}) }),
  );
}
