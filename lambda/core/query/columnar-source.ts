/**
 * Where a query reads from when the columnar copy exists (`--source raw|columnar|auto`), and the
 * raw-side filter of a conversion. `auto` reads the days the copy covers from the copy and the
 * rest from the raw table, in one statement: a `UNION ALL` of two branches, each with its own
 * filter, under the raw table's name, so a preset's SELECT runs on it unchanged.
 *
 * The raw branch reads days first … last + lateDays and bounds `eventtime` to first … last (a
 * record sits in the folder of the day it was delivered). The copy branch renders `eventtime`
 * back into CloudTrail's `YYYY-MM-DDTHH:MM:SSZ` text, so every preset sees the same values.
 */
import { type EpochDay, formatIsoDate } from '../shared/dates';
import { midnight } from '../columnar/statements';
import { type ColumnarTable } from '../columnar/table';
import type { PartitionScheme } from '../partitions/scheme';
import { partitionFilter, renderFilter } from './filter';
import type { QueryWindow } from './query-window';
import { trinoIdentifier, trinoString, trinoTable } from './trino';

export type QuerySource = 'raw' | 'columnar' | 'auto';
export const QUERY_SOURCES: readonly QuerySource[] = ['raw', 'columnar', 'auto'];

export { DEFAULT_LATE_DAYS } from './filter';

/** The raw partition filter a conversion of `day` reads: days day … day + lateDays. */
export function conversionFilter(scheme: PartitionScheme, day: EpochDay, lateDays: number): string {
  // The window already holds the margin, so the filter adds none of its own.
  const filter = partitionFilter({ scheme, window: { from: day, to: day + lateDays }, lateDays: 0 });
  return renderFilter(filter.partitions);
}

/** Inclusive runs of consecutive days. */
export interface DayRun {
  readonly from: EpochDay;
  readonly to: EpochDay;
}

/** Consecutive days (ascending) gathered into inclusive runs. */
export function dayRuns(days: readonly EpochDay[]): DayRun[] {
  const out: DayRun[] = [];
  for (const day of days) {
    const last = out[out.length - 1];
    if (last && last.to === day - 1) out[out.length - 1] = { from: last.from, to: day };
    else out.push({ from: day, to: day });
  }
  return out;
}

/** What a query reads: the names and columns of the copy and the raw table (no location needed). */
export type SourceTable = Pick<ColumnarTable, 'database' | 'rawTable' | 'table' | 'columns' | 'accountKey'>;

export interface SourceInput {
  readonly source: QuerySource;
  readonly table: SourceTable;
  readonly scheme: PartitionScheme;
  readonly window: QueryWindow;
  readonly lateDays: number;
  /** ISO days (`YYYY-MM-DD`) the copy holds completely. */
  readonly covered: ReadonlySet<string>;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
}

export interface SourcePlan {
  /** `( … ) AS "table"`: what goes after FROM. */
  readonly relation: string;
  /** The WHERE condition over the relation (instants inside the first and last day). */
  readonly filterSql: string;
  readonly columnarDays: readonly DayRun[];
  readonly rawDays: readonly DayRun[];
}

const list = (key: string, values: readonly string[] | undefined): string[] =>
  values === undefined ? [] : [`${key} IN (${[...new Set(values)].sort().map(trinoString).join(', ')})`];

function copyBranch(input: SourceInput, run: DayRun): string {
  const { table } = input;
  const select = [
    ...table.columns.map((c) =>
      c.name === 'eventtime'
        ? `date_format(eventtime, '%Y-%m-%dT%H:%i:%sZ') AS eventtime`
        : trinoIdentifier(c.name),
    ),
    'account',
    'region',
  ];
  const where = [
    `eventtime >= ${midnight(run.from)}`,
    `eventtime < ${midnight(run.to + 1)}`,
    ...list('account', input.accounts),
    ...list('region', input.regions),
  ];
  return `SELECT ${select.join(', ')}\nFROM ${trinoTable(table.database, table.table)}\nWHERE ${where.join(' AND ')}`;
}

function rawBranch(input: SourceInput, run: DayRun): string {
  const { table } = input;
  const filter = partitionFilter({
    scheme: input.scheme,
    window: { from: run.from, to: run.to + input.lateDays },
    lateDays: 0,
    ...(input.accounts ? { accounts: input.accounts } : {}),
    ...(input.regions ? { regions: input.regions } : {}),
  });
  const account = table.accountKey ? 'account' : 'recipientaccountid AS account';
  const select = [...table.columns.map((c) => trinoIdentifier(c.name)), account, 'region'];
  const where = [
    renderFilter(filter.partitions),
    `eventtime >= ${trinoString(formatIsoDate(run.from))}`,
    `eventtime < ${trinoString(formatIsoDate(run.to + 1))}`,
  ];
  return `SELECT ${select.join(', ')}\nFROM ${trinoTable(table.database, table.rawTable)}\nWHERE ${where.join(' AND ')}`;
}

/** Which days come from where, and the one relation that reads them. */
export function planSource(input: SourceInput): SourcePlan {
  const days: EpochDay[] = [];
  for (let day = input.window.from; day <= input.window.to; day++) days.push(day);
  const fromCopy = (day: EpochDay): boolean =>
    input.source === 'columnar' || (input.source === 'auto' && input.covered.has(formatIsoDate(day)));
  const columnarDays = dayRuns(days.filter(fromCopy));
  const rawDays = dayRuns(days.filter((day) => !fromCopy(day)));
  const branches = [
    ...columnarDays.map((run) => copyBranch(input, run)),
    ...rawDays.map((run) => rawBranch(input, run)),
  ];
  const relation = `(\n${branches.join('\nUNION ALL\n')}\n) AS ${trinoIdentifier(input.table.rawTable)}`;
  const bounds = [
    ...(input.window.fromTime ? [{ key: 'eventtime', op: '>=' as const, value: input.window.fromTime }] : []),
    ...(input.window.toTime ? [{ key: 'eventtime', op: '<=' as const, value: input.window.toTime }] : []),
  ];
  const filterSql = bounds.length === 0 ? 'TRUE' : renderFilter({ and: bounds });
  return { relation, filterSql, columnarDays, rawDays };
}

/** `2024-05-01..2024-05-03, 2024-05-07`. */
export function formatRuns(runs: readonly DayRun[]): string {
  return runs
    .map((r) =>
      r.from === r.to ? formatIsoDate(r.from) : `${formatIsoDate(r.from)}..${formatIsoDate(r.to)}`,
    )
    .join(', ');
}

/** `columnar copy: 2024-05-01..2024-05-30; raw logs: 2024-05-31` for stderr. */
export function describeSource(plan: SourcePlan): string {
  const text = (label: string, runs: readonly DayRun[]): string =>
    `${label}: ${runs.length === 0 ? 'none' : formatRuns(runs)}`;
  return `${text('columnar copy', plan.columnarDays)}; ${text('raw logs', plan.rawDays)}`;
}
