/**
 * The columnar copy's Glue table: its parameters (coverage, failure streaks, last VACUUM) and the
 * raw table's columns. Thin: GetTable, and UpdateTable with the VersionId just read, so a write
 * never lands over a change it did not see (an Iceberg commit moving `metadata_location`, or a
 * backfill chunk recording its days): on ConcurrentModificationException it reads and tries again.
 */
import {
  ConcurrentModificationException,
  EntityNotFoundException,
  GetTableCommand,
  type GlueClient,
  type Table,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { CopyTablePort } from '../core/run/columnar-run';
import type { RawColumn } from '../core/columnar/table';
import type { Clock } from '../core/shared/ports';

/** Reads and writes tried before a concurrent change is reported. */
const MAX_UPDATE_ATTEMPTS = 6;

export class GlueCopyTable implements CopyTablePort {
  constructor(
    private readonly client: GlueClient,
    private readonly clock: Clock,
  ) {}

  private async table(database: string, name: string): Promise<Table> {
    const { Table: table } = await this.client.send(
      new GetTableCommand({ DatabaseName: database, Name: name }),
    );
    if (!table) throw new Error(`glue returned no table for ${database}.${name}`);
    return table;
  }

  async getParameters(database: string, table: string): Promise<Record<string, string> | undefined> {
    try {
      return { ...((await this.table(database, table)).Parameters ?? {}) };
    } catch (error) {
      if (error instanceof EntityNotFoundException) return undefined;
      throw error;
    }
  }

  async updateParameters(
    database: string,
    table: string,
    change: (before: Readonly<Record<string, string>>) => Record<string, string>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.table(database, table);
      try {
        await this.client.send(
          new UpdateTableCommand({
            DatabaseName: database,
            TableInput: tableInput(current, change({ ...(current.Parameters ?? {}) })),
            VersionId: current.VersionId,
            // A run a day would otherwise keep a table version per run: nothing reads them.
            SkipArchive: true,
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConcurrentModificationException) || attempt >= MAX_UPDATE_ATTEMPTS)
          throw error;
        await this.clock.sleep(100 * 2 ** attempt);
      }
    }
  }

  async getColumns(database: string, table: string): Promise<RawColumn[]> {
    const columns = (await this.table(database, table)).StorageDescriptor?.Columns ?? [];
    return columns.map((c) => ({ name: c.Name ?? '', type: c.Type ?? '' }));
  }
}

/** The writable fields of a table as GetTable returned it (TableInput has no ids or times of Glue's own). */
export function tableInput(table: Table, parameters: Record<string, string>): TableInput {
  return {
    Name: table.Name,
    Description: table.Description,
    Owner: table.Owner,
    Retention: table.Retention,
    StorageDescriptor: table.StorageDescriptor,
    PartitionKeys: table.PartitionKeys,
    ViewOriginalText: table.ViewOriginalText,
    ViewExpandedText: table.ViewExpandedText,
    TableType: table.TableType,
    TargetTable: table.TargetTable,
    Parameters: parameters,
  };
}
