/**
 * Glue stand-in: tables with partition keys, and the partitions Athena DDL writes.
 * Database and table names are case-insensitive, as in Glue (which stores them lowercased).
 */
import type { Faults, GlueErrorCode } from './faults';
import { ServiceError, jsonResponse, type WireResponse } from './protocol';
import { getPartitions } from './glue-partitions';
import { bump, type StandInStats, type TokenBucket } from './quota-model';

export interface PartitionKeyDef {
  readonly name: string;
  readonly type: string;
}

export interface CatalogPartition {
  /** Values in the table's partition-key order. */
  readonly values: readonly string[];
  readonly location?: string;
  /** Simulated ms the partition was created (default now): a seed's, or the end of the statement that added it. Read back with {@link GlueCatalogStore.createdAt}. */
  readonly createdAt?: number;
}

export interface CatalogTable {
  readonly database: string;
  readonly name: string;
  readonly partitionKeys: readonly PartitionKeyDef[];
  readonly location?: string;
  /** Glue table parameters (`Table.Parameters`), as a writer such as the columnar run sets them. */
  readonly parameters: Map<string, string>;
  /** Data columns (`StorageDescriptor.Columns`); empty when the test did not give them. */
  readonly columns: readonly PartitionKeyDef[];
  /** Keyed by the values joined with NUL. */
  readonly partitions: Map<string, CatalogPartition>;
}

const GLUE_ERRORS: Record<GlueErrorCode, { status: number; message: string }> = {
  ThrottlingException: { status: 400, message: 'Rate exceeded' },
  AccessDeniedException: { status: 400, message: 'User is not authorized to perform: glue:GetTable' },
  InternalServiceException: { status: 500, message: 'Internal service error' },
  OperationTimeoutException: { status: 400, message: 'Operation timed out' },
  EntityNotFoundException: { status: 400, message: 'Entity Not Found' },
};

/** What a table may hold besides its keys and location. */
export interface TableExtras {
  readonly parameters?: Readonly<Record<string, string>>;
  readonly columns?: readonly PartitionKeyDef[];
}

export class GlueCatalogStore {
  private readonly tables = new Map<string, CatalogTable>();

  private readonly sorted = new WeakMap<
    CatalogTable,
    { version: number; size: number; list: CatalogPartition[] }
  >();
  private readonly created = new WeakMap<CatalogTable, Map<string, number>>();
  /** Bumped on every change to any table's partitions. */
  version = 0;

  /** `now` is the stand-in's simulated clock: every partition records when it was created. */
  constructor(private readonly now: () => number = () => 0) {}

  defineTable(
    database: string,
    name: string,
    partitionKeys: readonly PartitionKeyDef[],
    location?: string,
    extra: TableExtras = {},
  ): void {
    this.tables.set(tableKey(database, name), {
      database: database.toLowerCase(),
      name: name.toLowerCase(),
      partitionKeys: partitionKeys.map((k) => ({ ...k })),
      location,
      parameters: new Map(Object.entries(extra.parameters ?? {})),
      columns: (extra.columns ?? []).map((c) => ({ ...c })),
      partitions: new Map(),
    });
  }

  /** Sets (or, with undefined, removes) table parameters, as UpdateTable would. */
  setTableParameters(database: string, name: string, parameters: Record<string, string | undefined>): void {
    const table = this.getTable(database, name);
    if (!table) throw new Error(`stand-in: table ${database}.${name} is not defined`);
    for (const [key, value] of Object.entries(parameters))
      if (value === undefined) table.parameters.delete(key);
      else table.parameters.set(key, value);
  }

  dropTable(database: string, name: string): void {
    this.tables.delete(tableKey(database, name));
  }

  getTable(database: string, name: string): CatalogTable | undefined {
    return this.tables.get(tableKey(database, name));
  }

  hasDatabase(database: string): boolean {
    return [...this.tables.values()].some((t) => t.database === database.toLowerCase());
  }

  /** Partitions of a table, sorted by values; [] when the table does not exist. */
  partitions(database: string, name: string): CatalogPartition[] {
    const table = this.getTable(database, name);
    if (!table) return [];
    // Sorted once per change: a paged read of 300,000 partitions asks for them hundreds of times.
    const cached = this.sorted.get(table);
    if (cached && cached.size === table.partitions.size && cached.version === this.version)
      return [...cached.list];
    const list = [...table.partitions.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, p]) => p);
    this.sorted.set(table, { version: this.version, size: table.partitions.size, list });
    return [...list];
  }

  private creationTimes(table: CatalogTable): Map<string, number> {
    let times = this.created.get(table);
    if (!times) this.created.set(table, (times = new Map()));
    return times;
  }

  /** Simulated ms the partition was created (Glue's CreationTime), if it exists. */
  createdAt(table: CatalogTable, values: readonly string[]): number | undefined {
    const key = partitionKey(values);
    return table.partitions.has(key) ? this.creationTimes(table).get(key) : undefined;
  }

  /** Removes partitions by {@link partitionKey}; returns how many existed. */
  dropPartitions(database: string, name: string, keys: readonly string[]): number {
    const table = this.getTable(database, name);
    if (!table) return 0;
    let dropped = 0;
    for (const key of keys) if (table.partitions.delete(key)) dropped++;
    this.version++;
    return dropped;
  }

  /** Adds partitions directly (to seed a test); existing ones are kept. Returns how many were new. */
  addPartitions(database: string, name: string, partitions: readonly CatalogPartition[]): number {
    const table = this.getTable(database, name);
    if (!table) throw new Error(`stand-in: table ${database}.${name} is not defined`);
    let added = 0;
    for (const p of partitions) {
      const key = partitionKey(p.values);
      if (table.partitions.has(key)) continue;
      table.partitions.set(key, {
        values: [...p.values],
        ...(p.location !== undefined ? { location: p.location } : {}),
      });
      this.creationTimes(table).set(key, p.createdAt ?? this.now());
      this.version++;
      added += 1;
    }
    return added;
  }

  /** Deletes partitions by their values (a partition dropped by hand); returns how many existed. */
  removePartitions(database: string, name: string, values: readonly (readonly string[])[]): number {
    const table = this.getTable(database, name);
    if (!table) return 0;
    this.version++;
    return values.filter((v) => table.partitions.delete(partitionKey(v))).length;
  }
}

export function partitionKey(values: readonly string[]): string {
  return values.join('\u0000');
}

function tableKey(database: string, name: string): string {
  return `${database.toLowerCase()}.${name.toLowerCase()}`;
}

export interface GlueContext {
  readonly catalog: GlueCatalogStore;
  readonly faults: Faults;
  readonly stats: StandInStats;
  readonly rate?: TokenBucket;
  /** GetPartitions' own rate. */
  readonly partitionsRate?: TokenBucket;
  /** Epoch ms of a simulated instant, for CreationTime. */
  readonly epochMs?: (simulatedMs: number) => number;
}

export function handleGlue(
  operation: string,
  input: Record<string, unknown>,
  ctx: GlueContext,
): WireResponse {
  if (operation === 'GetPartitions') return handleGetPartitions(input, ctx);
  if (operation === 'GetPartitionIndexes') return handleGetPartitionIndexes(input, ctx);
  if (operation !== 'GetTable') {
    throw new ServiceError(
      400,
      'UnknownOperationException',
      `the stand-in does not serve AWSGlue.${operation}`,
    );
  }
  bump(ctx.stats.calls, 'GetTable');
  if (ctx.faults.isThrottled('GetTable') || (ctx.rate && !ctx.rate.tryTake())) {
    bump(ctx.stats.throttled, 'GetTable');
    throw glueError('ThrottlingException');
  }
  const injected = ctx.faults.takeGlueError();
  if (injected) {
    bump(injected === 'ThrottlingException' ? ctx.stats.throttled : ctx.stats.errors, 'GetTable');
    throw glueError(injected);
  }
  const database = typeof input.DatabaseName === 'string' ? input.DatabaseName : '';
  const name = typeof input.Name === 'string' ? input.Name : '';
  if (!database || !name)
    throw new ServiceError(400, 'InvalidInputException', 'DatabaseName and Name are required');
  const table = ctx.catalog.getTable(database, name);
  if (!table) {
    bump(ctx.stats.errors, 'GetTable');
    const message = ctx.catalog.hasDatabase(database)
      ? `Table ${name} not found.`
      : `Database ${database} not found.`;
    throw new ServiceError(400, 'EntityNotFoundException', message);
  }
  return jsonResponse({
    Table: {
      Name: table.name,
      DatabaseName: table.database,
      TableType: 'EXTERNAL_TABLE',
      PartitionKeys: table.partitionKeys.map((k) => ({ Name: k.name, Type: k.type })),
      StorageDescriptor: {
        ...(table.location !== undefined ? { Location: table.location } : {}),
        ...(table.columns.length > 0
          ? { Columns: table.columns.map((c) => ({ Name: c.name, Type: c.type })) }
          : {}),
      },
      ...(table.parameters.size > 0 ? { Parameters: Object.fromEntries(table.parameters) } : {}),
      ...(typeof input.CatalogId === 'string' ? { CatalogId: input.CatalogId } : {}),
    },
  });
}

function handleGetPartitions(input: Record<string, unknown>, ctx: GlueContext): WireResponse {
  bump(ctx.stats.calls, 'GetPartitions');
  if (ctx.faults.isThrottled('GetPartitions') || (ctx.partitionsRate && !ctx.partitionsRate.tryTake())) {
    bump(ctx.stats.throttled, 'GetPartitions');
    throw glueError('ThrottlingException');
  }
  const injected = ctx.faults.takeGlueError('GetPartitions');
  if (injected) {
    bump(injected === 'ThrottlingException' ? ctx.stats.throttled : ctx.stats.errors, 'GetPartitions');
    throw glueError(injected);
  }
  try {
    return getPartitions(input, ctx.catalog, ctx.epochMs);
  } catch (error) {
    bump(ctx.stats.errors, 'GetPartitions');
    throw error;
  }
}

function glueError(code: GlueErrorCode): ServiceError {
  return new ServiceError(GLUE_ERRORS[code].status, code, GLUE_ERRORS[code].message);
}

/**
 * GetPartitionIndexes: every table is served as the stack creates it, with one ACTIVE index on
 * its time keys (year, month and day where it has them).
 */
function handleGetPartitionIndexes(input: Record<string, unknown>, ctx: GlueContext): WireResponse {
  bump(ctx.stats.calls, 'GetPartitionIndexes');
  const database = typeof input.DatabaseName === 'string' ? input.DatabaseName : '';
  const name = typeof input.TableName === 'string' ? input.TableName : '';
  const table = ctx.catalog.getTable(database, name);
  if (!table) throw new ServiceError(400, 'EntityNotFoundException', `Table ${name} not found.`);
  const keys = table.partitionKeys.filter((k) => ['year', 'month', 'day'].includes(k.name));
  return jsonResponse({
    PartitionIndexDescriptorList: [
      {
        IndexName: keys.map((k) => k.name).join('_'),
        Keys: keys.map((k) => ({ Name: k.name, Type: k.type })),
        IndexStatus: 'ACTIVE',
      },
    ],
  });
}
