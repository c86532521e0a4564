/**
 * The columnar copy's Iceberg table: the raw table's columns with `eventtime` as a timestamp,
 * nested fields kept as structs and arrays, JSON-in-string fields kept as strings, plus the
 * `account` and `region` the raw table holds as partition keys. Hidden partitioning by
 * `day(eventtime)`: a query's bound on `eventtime` prunes days, no key columns to filter on.
 *
 * Created by Athena DDL, not by CloudFormation: AWS::Glue::Table's IcebergInput takes only
 * `MetadataOperation` and `Version`, so a stack-made table could not declare the day partition
 * spec (docs/columnar-copy.md, design decision).
 */
import { sqlIdentifier, sqlString } from '../partitions/ddl';
import { checkIdentifier } from '../shared/names';

/** A column of the raw table: name and Hive type, as Glue holds it. */
export interface RawColumn {
  readonly name: string;
  readonly type: string;
}

/** Where the copy lives and what it copies. */
export interface ColumnarTable {
  readonly database: string;
  /** The raw (JSON) table the copy is converted from. */
  readonly rawTable: string;
  /** The Iceberg table. */
  readonly table: string;
  /** `s3://bucket/prefix/`: the copy's data and metadata folder. */
  readonly location: string;
  /** The raw table's data columns (not its partition keys). */
  readonly columns: readonly RawColumn[];
  /**
   * Whether the raw table has an `account` partition key; the single-account
   * `region, year, month, day` table has none and the copy takes `recipientaccountid`.
   */
  readonly accountKey: boolean;
}

export class ColumnarError extends Error {
  override readonly name = 'ColumnarError';
}

/** The copy's table name: the raw table's with `_columnar`, in the same database. */
export function copyTableName(raw: string): string {
  return `${raw}_columnar`;
}

/** Columns the copy adds after the raw ones. */
export const COPY_KEYS = ['account', 'region'] as const;

/** The copy's sort order, coarse to fine: what every preset filters on first. */
export const COPY_SORT = ['account', 'region', 'eventsource', 'eventname', 'eventtime'] as const;

const LOCATION = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9!_.*'()/-]*)?\/$/;
const HIVE_TYPE = /^[a-z0-9_<>,:]+$/;

/** Validates the names and the location, or throws naming the bad value. */
export function checkTable(table: ColumnarTable): ColumnarTable {
  const problem =
    checkIdentifier('database', table.database) ??
    checkIdentifier('table', table.rawTable) ??
    checkIdentifier('table', table.table);
  if (problem !== undefined) throw new ColumnarError(problem);
  if (table.table === table.rawTable)
    throw new ColumnarError(
      `invalid columnar table ${table.table}: expected a name other than the raw table's`,
    );
  if (!LOCATION.test(table.location))
    throw new ColumnarError(
      `invalid columnar location ${table.location}: expected s3://bucket/prefix/ ending in /`,
    );
  const names = table.columns.map((c) => c.name);
  for (const required of ['eventid', 'eventtime', 'eventsource', 'eventname']) {
    if (!names.includes(required))
      throw new ColumnarError(
        `raw table ${table.rawTable} has no ${required} column: expected CloudTrail's schema`,
      );
  }
  const bad = table.columns.find((c) => !/^[a-z0-9_]{1,255}$/.test(c.name) || !HIVE_TYPE.test(c.type));
  if (bad)
    throw new ColumnarError(
      `invalid column ${bad.name} ${bad.type}: expected a lower-case Hive name and type`,
    );
  if (names.some((n) => (COPY_KEYS as readonly string[]).includes(n)))
    throw new ColumnarError(
      'raw data columns include account or region: expected them as partition keys only',
    );
  return table;
}

/** The copy's columns, in order, with their Hive/Iceberg types. */
export function copyColumns(table: ColumnarTable): RawColumn[] {
  return [
    ...table.columns.map((c) => (c.name === 'eventtime' ? { name: c.name, type: 'timestamp' } : c)),
    ...COPY_KEYS.map((name) => ({ name, type: 'string' })),
  ];
}

/** `CREATE TABLE IF NOT EXISTS` in Athena's Iceberg DDL (Hive dialect, backquoted names). */
export function renderCreateTable(input: ColumnarTable): string {
  const table = checkTable(input);
  const columns = copyColumns(table).map((c) => `  ${sqlIdentifier(c.name)} ${c.type}`);
  return [
    `CREATE TABLE IF NOT EXISTS ${sqlIdentifier(table.database)}.${sqlIdentifier(table.table)} (`,
    columns.join(',\n'),
    ')',
    `PARTITIONED BY (day(${sqlIdentifier('eventtime')}))`,
    `LOCATION ${sqlString(table.location)}`,
    'TBLPROPERTIES (',
    "  'table_type'='ICEBERG',",
    "  'format'='parquet',",
    "  'write_compression'='zstd',",
    // VACUUM expires snapshots older than this; 1 day keeps a retried run's snapshot readable.
    "  'vacuum_max_snapshot_age_seconds'='86400'",
    ')',
  ].join('\n');
}
