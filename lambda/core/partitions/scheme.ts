/**
 * Which partition columns the table has decides what a partition clause names and which
 * folder it points at. Three key sets are supported:
 * - `account, region, year, month, day`: the table this project creates (one table for
 *   every account of an organization trail);
 * - `account, region, year, month`: the same table at month granularity, for the largest
 *   organizations (30 x fewer partitions; each located at the month folder);
 * - `region, year, month, day`: the classic single-account table from AWS's docs and the
 *   seed blog post, located at `AWSLogs/ACCOUNT/CloudTrail/`.
 */
import type { PartitionColumn } from '../shared/ports';

export type PartitionField = 'account' | 'region' | 'year' | 'month' | 'day';

export interface PartitionScheme {
  /** Columns in table order, each bound to the path component that fills it. */
  readonly columns: readonly PartitionField[];
  /** True for the region/year/month/day table: it can hold one account only. */
  readonly singleAccount: boolean;
  /** What one partition covers: a day folder, or a month folder (no `day` key). */
  readonly granularity: 'day' | 'month';
}

export const DEFAULT_KEYS: readonly PartitionField[] = ['account', 'region', 'year', 'month', 'day'];
const ORG_SET = [...DEFAULT_KEYS].sort().join(',');
export const MONTH_KEYS: readonly PartitionField[] = ['account', 'region', 'year', 'month'];
const SINGLE_SET = ['day', 'month', 'region', 'year'].join(',');
const MONTH_SET = [...MONTH_KEYS].sort().join(',');

export class SchemeError extends Error {
  override readonly name = 'SchemeError';
}

/** Binds table partition columns to path components, or throws naming what is wrong. */
export function schemeFromColumns(
  columns: readonly PartitionColumn[],
  tableName = 'the table',
): PartitionScheme {
  const names = columns.map((column) => column.name.toLowerCase());
  const set = [...names].sort().join(',');
  if (set !== ORG_SET && set !== SINGLE_SET && set !== MONTH_SET) {
    throw new SchemeError(
      `unsupported partition keys (${names.join(', ') || 'none'}) on ${tableName}: expected account, region, year, month, day; account, region, year, month; or region, year, month, day`,
    );
  }
  const nonString = columns.find((column) => column.type.toLowerCase() !== 'string');
  if (nonString) {
    throw new SchemeError(
      `partition key ${nonString.name} on ${tableName} has type ${nonString.type}: expected string, so zero-padded months and days match the s3 folders`,
    );
  }
  return {
    columns: names as PartitionField[],
    singleAccount: set === SINGLE_SET,
    granularity: set === MONTH_SET ? 'month' : 'day',
  };
}

/** Parses a CLI `--partition-keys account,region,year,month,day` list. */
export function schemeFromKeyList(list: string): PartitionScheme {
  const columns = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((name) => ({ name, type: 'string' }));
  return schemeFromColumns(columns, '--partition-keys');
}
