/** A Glue table's location, parameters and columns, for `query` (cost estimate, columnar copy). Thin. */
import { GetTableCommand, type GlueClient } from '@aws-sdk/client-glue';

export async function glueTableLocation(
  client: GlueClient,
  database: string,
  table: string,
): Promise<string | undefined> {
  return (await glueTable(client, database, table)).location;
}

export interface GlueTableInfo {
  readonly location?: string;
  /** `Table.Parameters` (empty when Glue returns none). */
  readonly parameters: Readonly<Record<string, string>>;
  /** The data columns' names, in order (not the partition keys). */
  readonly columns: readonly string[];
}

/** GetTable; a missing table is Glue's `EntityNotFoundException`, left to the caller. */
export async function glueTable(client: GlueClient, database: string, table: string): Promise<GlueTableInfo> {
  const { Table } = await client.send(new GetTableCommand({ DatabaseName: database, Name: table }));
  const location = Table?.StorageDescriptor?.Location;
  return {
    ...(location !== undefined ? { location } : {}),
    parameters: Table?.Parameters ?? {},
    columns: (Table?.StorageDescriptor?.Columns ?? []).flatMap((c) => (c.Name ? [c.Name] : [])),
  };
}
