/**
 * The copy's DML, in Athena's Trino dialect: the idempotent conversion of one day (or one
 * account range of a day), and the upkeep (`OPTIMIZE`, `VACUUM`, retention `DELETE`).
 *
 * Conversion reads the raw table through a partition filter the caller renders (days D … D +
 * lateDays, see query/columnar-source.ts) plus an `eventtime` bound to day D, and MERGEs on
 * `eventid`, so a retried or overlapping run, or a record CloudTrail delivered twice, inserts
 * nothing the copy already holds. The target side of ON is bounded to day D (and the account
 * range), so Iceberg reads one day partition to match, not the whole copy.
 */
import { type EpochDay, formatIsoDate } from '../shared/dates';
import { ACCOUNT_ID } from '../shared/names';
import { type ColumnarTable, checkTable, copyColumns, COPY_SORT, ColumnarError } from './table';

/** A Trino string literal (a quote doubled); values are validated before they get here. */
const str = (value: string): string => `'${value.replace(/'/g, "''")}'`;
/** A double-quoted Trino identifier. */
const id = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const tableRef = (database: string, table: string): string => `${id(database)}.${id(table)}`;
/** Midnight of a day as a Trino timestamp literal (the copy's `eventtime` is UTC without zone). */
export const midnight = (day: EpochDay): string => `TIMESTAMP '${formatIsoDate(day)} 00:00:00'`;

/** An inclusive range of 12-digit account IDs (string order is numeric order for them). */
export interface AccountRange {
  readonly first: string;
  readonly last: string;
}

export interface ConversionInput {
  readonly table: ColumnarTable;
  readonly day: EpochDay;
  /** The raw table's partition filter for days `day` … `day + lateDays` (a Trino boolean). */
  readonly rawPartitionFilter: string;
  /** Only these accounts, for an organization's day split into several statements. */
  readonly accounts?: AccountRange;
}

function checkRange(range: AccountRange | undefined, table: ColumnarTable): void {
  if (range === undefined) return;
  if (!table.accountKey)
    throw new ColumnarError(
      'account ranges need an account partition key: the region, year, month, day table has one account',
    );
  for (const value of [range.first, range.last]) {
    if (!ACCOUNT_ID.test(value)) throw new ColumnarError(`invalid account ${value}: expected 12 digits`);
  }
  if (range.first > range.last)
    throw new ColumnarError(`invalid account range ${range.first}-${range.last}: first is after last`);
}

/** The raw table's rows of day D, one per eventid, in the copy's columns. */
function sourceSelect(input: ConversionInput): string {
  const { table, day } = input;
  const raw = table.columns.map((c) =>
    // CloudTrail writes `YYYY-MM-DDTHH:MM:SSZ`; a value that does not parse fails the statement
    // (and the day, loudly) rather than landing as NULL and vanishing from every query.
    c.name === 'eventtime' ? 'CAST(from_iso8601_timestamp(eventtime) AS timestamp) AS eventtime' : id(c.name),
  );
  const account = table.accountKey ? 'account' : 'recipientaccountid AS account';
  const range = input.accounts
    ? [`    AND account BETWEEN ${str(input.accounts.first)} AND ${str(input.accounts.last)}`]
    : [];
  return [
    '  SELECT',
    `    ${[...raw, account, 'region'].join(',\n    ')}`,
    '  FROM (',
    `    SELECT *, row_number() OVER (PARTITION BY eventid ORDER BY eventid) AS copy_rank`,
    `    FROM ${tableRef(table.database, table.rawTable)}`,
    `    WHERE ${input.rawPartitionFilter}`,
    `    AND eventtime >= ${str(formatIsoDate(day))} AND eventtime < ${str(formatIsoDate(day + 1))}`,
    // A record without an eventid could never be matched, so every run would insert it again.
    '    AND eventid IS NOT NULL',
    ...range,
    '  ) AS raw',
    '  WHERE copy_rank = 1',
  ].join('\n');
}

/** `MERGE INTO copy USING (day D of raw) ON eventid WHEN NOT MATCHED THEN INSERT`. */
export function renderConversion(input: ConversionInput): string {
  const table = checkTable(input.table);
  checkRange(input.accounts, table);
  if (input.rawPartitionFilter.trim() === '' || input.rawPartitionFilter.includes(';'))
    throw new ColumnarError('invalid raw partition filter: expected one boolean expression');
  const names = copyColumns(table).map((c) => id(c.name));
  const on = [
    't.eventid = s.eventid',
    `t.eventtime >= ${midnight(input.day)}`,
    `t.eventtime < ${midnight(input.day + 1)}`,
    ...(input.accounts
      ? [`t.account BETWEEN ${str(input.accounts.first)} AND ${str(input.accounts.last)}`]
      : []),
  ];
  return [
    `MERGE INTO ${tableRef(table.database, table.table)} AS t`,
    'USING (',
    sourceSelect({ ...input, table }),
    ') AS s',
    `ON ${on.join(' AND ')}`,
    'WHEN NOT MATCHED THEN INSERT',
    `  (${names.join(', ')})`,
    `  VALUES (${names.map((n) => `s.${n}`).join(', ')})`,
  ].join('\n');
}

/** `OPTIMIZE … REWRITE DATA USING BIN_PACK` for days first … last: many small files into few. */
export function renderOptimize(table: ColumnarTable, first: EpochDay, last: EpochDay): string {
  checkTable(table);
  if (first > last)
    throw new ColumnarError(
      `invalid optimize range: ${formatIsoDate(first)} is after ${formatIsoDate(last)}`,
    );
  return [
    `OPTIMIZE ${tableRef(table.database, table.table)} REWRITE DATA USING BIN_PACK`,
    `WHERE eventtime >= ${midnight(first)} AND eventtime < ${midnight(last + 1)}`,
  ].join('\n');
}

/** `VACUUM`: expires snapshots past the table's `vacuum_max_snapshot_age_seconds`, deletes orphan files. */
export function renderVacuum(table: ColumnarTable): string {
  checkTable(table);
  return `VACUUM ${tableRef(table.database, table.table)}`;
}

/** Retention: every day before `firstKept` leaves the copy (VACUUM then removes its files). */
export function renderRetentionDelete(table: ColumnarTable, firstKept: EpochDay): string {
  checkTable(table);
  return `DELETE FROM ${tableRef(table.database, table.table)} WHERE eventtime < ${midnight(firstKept)}`;
}

/** The order the bench writes Parquet in, and the order Athena's OPTIMIZE is asked to keep. */
export const SORT_ORDER_SQL = COPY_SORT.join(', ');
