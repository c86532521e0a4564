/** A fake of the columnar copy's Glue table, shared by the pass's and the handler's tests. */
import { CLOUDTRAIL_COLUMNS } from '../../lambda/core/shared/cloudtrail-schema';
import type { CopyTablePort } from '../../lambda/core/run/columnar-run';
import type { RawColumn } from '../../lambda/core/columnar/table';

/** Glue's copy table, in memory: parameters per `database.table`, and the raw table's columns. */
export class FakeCopyTable implements CopyTablePort {
  readonly tables = new Map<string, Record<string, string>>();
  updates = 0;

  async getParameters(database: string, table: string): Promise<Record<string, string> | undefined> {
    const found = this.tables.get(`${database}.${table}`);
    return found ? { ...found } : undefined;
  }

  async updateParameters(
    database: string,
    table: string,
    change: (before: Readonly<Record<string, string>>) => Record<string, string>,
  ): Promise<void> {
    const key = `${database}.${table}`;
    const before = this.tables.get(key);
    if (!before) throw new Error(`no table ${key}`);
    this.updates++;
    this.tables.set(key, change(before));
  }

  async getColumns(): Promise<RawColumn[]> {
    // Glue keeps struct field names as the DDL wrote them (camelCase): the pass lowercases them.
    return CLOUDTRAIL_COLUMNS.map((c) => ({
      name: c.name,
      type: c.type.replace('principalid', 'principalId'),
    }));
  }
}
