/**
 * What a finished ALTER TABLE ... ADD PARTITION does to the Glue catalog, with Hive's
 * semantics: the spec must name every partition column; IF NOT EXISTS skips existing
 * partitions, without it an existing one fails the whole statement and adds nothing.
 * Failure reasons follow the wording Athena's Hive DDL engine uses.
 */
import type { AddPartitionsDdl, DropPartitionsDdl } from './ddl-parser';
import { partitionKey, type CatalogPartition, type GlueCatalogStore } from './glue';

export type DdlResult = { added: number; dropped?: number } | { failure: string };

export function applyDdl(
  catalog: GlueCatalogStore,
  database: string,
  ddl: AddPartitionsDdl | DropPartitionsDdl,
  /** Simulated ms the statement ended: Glue's CreationTime of what it adds (default: now). */
  endedAt?: number,
): DdlResult {
  if ('drop' in ddl) return applyDrop(catalog, database, ddl);
  const table = catalog.getTable(database, ddl.table);
  if (!table)
    return { failure: `FAILED: SemanticException [Error 10001]: Table not found ${database}.${ddl.table}` };
  const columns = table.partitionKeys.map((k) => k.name.toLowerCase());
  const partitions: CatalogPartition[] = [];
  for (const clause of ddl.partitions) {
    const spec = new Map(clause.spec.map((e) => [e.key.toLowerCase(), e.value]));
    const shown = `{${clause.spec.map((e) => `${e.key}=${e.value}`).join(', ')}}`;
    if (columns.length === 0) {
      return {
        failure:
          'FAILED: ValidationFailureSemanticException: table is not partitioned but partition spec exists',
      };
    }
    if ([...spec.keys()].some((k) => !columns.includes(k))) {
      return {
        failure: `FAILED: ValidationFailureSemanticException: Partition spec ${shown} contains non-partition columns`,
      };
    }
    if (spec.size !== clause.spec.length || columns.some((c) => !spec.has(c))) {
      return {
        failure: `FAILED: SemanticException [Error 10006]: Partition spec ${shown} must name every partition column`,
      };
    }
    const values = columns.map((c) => spec.get(c) as string);
    const location =
      clause.location ??
      (table.location !== undefined
        ? `${table.location.replace(/\/+$/, '')}/${columns.map((c, i) => `${c}=${values[i]}`).join('/')}`
        : undefined);
    partitions.push({
      values,
      ...(location !== undefined ? { location } : {}),
      ...(endedAt !== undefined ? { createdAt: endedAt } : {}),
    });
  }
  if (!ddl.ifNotExists) {
    const existing = partitions.find((p) => table.partitions.has(partitionKey(p.values)));
    if (existing) {
      return {
        failure: `FAILED: AlreadyExistsException: Partition already exists: ${existing.values.join('/')}`,
      };
    }
  }
  return { added: catalog.addPartitions(database, ddl.table, partitions) };
}

/**
 * ALTER TABLE ... DROP [IF EXISTS] PARTITION: every spec must name every partition column;
 * without IF EXISTS a missing partition fails the statement and drops nothing.
 */
function applyDrop(catalog: GlueCatalogStore, database: string, ddl: DropPartitionsDdl): DdlResult {
  const table = catalog.getTable(database, ddl.table);
  if (!table)
    return { failure: `FAILED: SemanticException [Error 10001]: Table not found ${database}.${ddl.table}` };
  const columns = table.partitionKeys.map((k) => k.name.toLowerCase());
  const keys: string[] = [];
  for (const clause of ddl.partitions) {
    const spec = new Map(clause.spec.map((e) => [e.key.toLowerCase(), e.value]));
    const shown = `{${clause.spec.map((e) => `${e.key}=${e.value}`).join(', ')}}`;
    if (
      spec.size !== clause.spec.length ||
      spec.size !== columns.length ||
      columns.some((c) => !spec.has(c))
    ) {
      return {
        failure: `FAILED: SemanticException [Error 10006]: Partition spec ${shown} must name every partition column`,
      };
    }
    keys.push(partitionKey(columns.map((c) => spec.get(c) as string)));
  }
  if (!ddl.ifExists) {
    const missing = keys.find((key) => !table.partitions.has(key));
    if (missing) {
      return {
        failure: `FAILED: SemanticException [Error 10006]: Partition not found ${missing.split('\u0000').join('/')}`,
      };
    }
  }
  return { added: 0, dropped: catalog.dropPartitions(database, ddl.table, keys) };
}
