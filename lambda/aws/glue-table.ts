/** The S3 location a Glue table reads, for `query`'s cost estimate when no stack names it. Thin. */
import { GetTableCommand, type GlueClient } from '@aws-sdk/client-glue';

export async function glueTableLocation(
  client: GlueClient,
  database: string,
  table: string,
): Promise<string | undefined> {
  const { Table } = await client.send(new GetTableCommand({ DatabaseName: database, Name: table }));
  return Table?.StorageDescriptor?.Location;
}
