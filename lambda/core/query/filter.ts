/**
 * The exact partition filter for a query window and selection, on the table's own partition
 * keys. Zero-padded string keys compare like the dates they spell, so a range of days is a
 * lexicographic range over (year, month, day). It is cut into aligned blocks (a partial first
 * month, whole months, whole years, a partial last month), each a conjunction of simple
 * comparisons that Glue can push down; a prefix shared by every block (the same year, the same
 * month) is said once. Range ends that fall on a month's or year's edge drop the finer key.
 * Folders are delivery days, so the range runs `lateDays` past the window and an `eventtime`
 * bound keeps exactly the window.
 */
import { dayParts, formatIsoDate } from '../shared/dates';
import { checkAccount, checkRegion } from '../shared/names';
import type { QueryWindow } from './query-window';
import type { PartitionField, PartitionScheme } from '../partitions/scheme';
import { trinoString } from './trino';

export type Comparison =
  | { readonly key: string; readonly op: '=' | '>=' | '<=' | '<'; readonly value: string }
  | { readonly key: string; readonly op: 'BETWEEN'; readonly value: string; readonly high: string }
  | { readonly key: string; readonly op: 'IN'; readonly values: readonly string[] };

/** A filter as a tree: `and`/`or` nodes over comparisons; `true` selects everything. */
export type FilterExpr =
  | Comparison
  | { readonly and: readonly FilterExpr[] }
  | { readonly or: readonly FilterExpr[] }
  | { readonly true: true };

export interface FilterInput {
  readonly scheme: PartitionScheme;
  readonly window: QueryWindow;
  /**
   * Days read past the window's last day, for records delivered after midnight: CloudTrail files
   * a record under the day its log file was DELIVERED, which is minutes (not guaranteed how many)
   * after the event. `eventtime` keeps the answer to the window.
   * @default 1
   */
  readonly lateDays?: number;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
}

export interface PartitionFilter {
  readonly expr: FilterExpr;
  /** The same filter as a Trino boolean expression over the table's columns. */
  readonly sql: string;
  /** Comparisons in it (an `IN` or a `BETWEEN` counts one). */
  readonly predicates: number;
  /** The partition-key part alone (no `eventtime`): what Glue's GetPartitions can evaluate. */
  readonly partitions: FilterExpr;
}

export class FilterError extends Error {
  override readonly name = 'FilterError';
}

const ALL: FilterExpr = { true: true };
const eq = (key: string, value: string): Comparison => ({ key, op: '=', value });

function and(parts: readonly FilterExpr[]): FilterExpr {
  const kept = parts.flatMap((p) => ('true' in p ? [] : 'and' in p ? p.and : [p]));
  return kept.length === 0 ? ALL : kept.length === 1 ? kept[0] : { and: kept };
}

const pad = (n: number): string => String(n).padStart(2, '0');
const LAST = { month: '12' } as const;

/** Keys finer than the year, with their domain edges; day's upper edge depends on the month. */
function lastDay(year: string, month: string): string {
  return pad(new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate());
}

/**
 * The blocks of a lexicographic range. `lo`/`hi` hold values for a prefix of `keys`; an empty
 * tuple means unbounded on that side within the parent block.
 */
function range(keys: readonly string[], lo: readonly string[], hi: readonly string[]): FilterExpr {
  if (lo.length === 0 && hi.length === 0) return ALL;
  const [key, ...rest] = keys;
  if (lo.length > 0 && hi.length > 0 && lo[0] === hi[0]) {
    return and([eq(key, lo[0]), range(rest, lo.slice(1), hi.slice(1))]);
  }
  const step = (value: string, by: number): string =>
    key === 'year' ? String(Number(value) + by).padStart(4, '0') : pad(Number(value) + by);
  const blocks: FilterExpr[] = [];
  let midLo: string | undefined = lo[0];
  let midHi: string | undefined = hi[0];
  if (lo.length > 1) {
    blocks.push(and([eq(key, lo[0]), range(rest, lo.slice(1), [])]));
    midLo = step(lo[0], 1);
  }
  const upper = hi.length > 1 ? and([eq(key, hi[0]), range(rest, [], hi.slice(1))]) : undefined;
  if (upper) midHi = step(hi[0], -1);
  // A bound on a domain edge (month 01 or 12, day 01) says nothing; past the edge, nothing is left.
  const min = key === 'year' ? undefined : '01';
  const max = key === 'month' ? LAST.month : undefined;
  if (midLo === min) midLo = undefined;
  if (midHi === max) midHi = undefined;
  const empty =
    (midLo !== undefined && midHi !== undefined && midLo > midHi) ||
    (midHi !== undefined && min !== undefined && midHi < min) ||
    (midLo !== undefined && max !== undefined && midLo > max);
  if (empty) {
    // Only the tails remain.
  } else if (midLo === undefined && midHi === undefined) blocks.push(ALL);
  else if (midLo === undefined)
    blocks.push(midHi === min ? eq(key, midHi as string) : { key, op: '<=', value: midHi as string });
  else if (midHi === undefined) blocks.push(midLo === max ? eq(key, midLo) : { key, op: '>=', value: midLo });
  else if (midLo === midHi) blocks.push(eq(key, midLo));
  else blocks.push({ key, op: 'BETWEEN', value: midLo, high: midHi });
  if (upper) blocks.push(upper);
  return blocks.length === 1 ? blocks[0] : { or: blocks };
}

/** The default late-delivery margin, and its allowed range (`--late-days`). */
export const DEFAULT_LATE_DAYS = 1;
export const MAX_LATE_DAYS = 7;

export function checkLateDays(value: number): string | undefined {
  return Number.isInteger(value) && value >= 0 && value <= MAX_LATE_DAYS
    ? undefined
    : `invalid late days ${String(value)}: expected a whole number from 0 to ${MAX_LATE_DAYS}`;
}

/** The days whose folders a window reads: its own days and the late-delivery margin after them. */
export function deliveryDays(
  window: QueryWindow,
  lateDays = DEFAULT_LATE_DAYS,
): { from: number; to: number } {
  const problem = checkLateDays(lateDays);
  if (problem !== undefined) throw new FilterError(problem);
  return { from: window.from, to: window.to + lateDays };
}

/** Range ends trimmed to the coarsest key that still says the same thing. */
function bounds(
  days: { from: number; to: number },
  granularity: 'day' | 'month',
): { lo: string[]; hi: string[] } {
  const a = dayParts(days.from);
  const b = dayParts(days.to);
  const lo = granularity === 'day' ? [a.year, a.month, a.day] : [a.year, a.month];
  const hi = granularity === 'day' ? [b.year, b.month, b.day] : [b.year, b.month];
  if (lo.length === 3 && lo[2] === '01') lo.pop();
  if (lo.length === 2 && lo[1] === '01') lo.pop();
  if (hi.length === 3 && hi[2] === lastDay(hi[0], hi[1])) hi.pop();
  if (hi.length === 2 && hi[1] === LAST.month) hi.pop();
  return { lo, hi };
}

/**
 * `eventtime` bounds, always: partitions are delivery days, so the folders read (the margin
 * included) hold events from before the window's first instant and after its last one.
 * eventtime is `YYYY-MM-DDTHH:MM:SSZ`: a date sorts below every instant of its own day.
 */
export function timeBounds(window: QueryWindow): Comparison[] {
  return [
    { key: 'eventtime', op: '>=', value: window.fromTime ?? formatIsoDate(window.from) },
    window.toTime !== undefined
      ? { key: 'eventtime', op: '<=', value: window.toTime }
      : { key: 'eventtime', op: '<', value: formatIsoDate(window.to + 1) },
  ];
}

function list(
  key: PartitionField,
  label: string,
  values: readonly string[] | undefined,
  check: (v: string) => string | undefined,
): Comparison[] {
  if (values === undefined) return [];
  if (values.length === 0) throw new FilterError(`invalid ${label}: expected at least one value`);
  const problem = values.map(check).find((message) => message !== undefined);
  if (problem !== undefined) throw new FilterError(problem);
  const unique = [...new Set(values)].sort();
  return [unique.length === 1 ? eq(key, unique[0]) : { key, op: 'IN', values: unique }];
}

/** Builds the filter, or throws {@link FilterError} naming the bad value. */
export function partitionFilter(input: FilterInput): PartitionFilter {
  const { scheme, window } = input;
  if (window.from > window.to)
    throw new FilterError(
      `invalid range: ${formatIsoDate(window.from)} is after ${formatIsoDate(window.to)}`,
    );
  if (scheme.singleAccount && input.accounts !== undefined) {
    throw new FilterError(
      'invalid --accounts: a region, year, month, day table holds one account and has no account key; drop --accounts',
    );
  }
  const { lo, hi } = bounds(deliveryDays(window, input.lateDays), scheme.granularity);
  const keys = scheme.granularity === 'day' ? ['year', 'month', 'day'] : ['year', 'month'];
  const partitions = and([
    ...list('account', 'accounts', input.accounts, checkAccount),
    ...list('region', 'regions', input.regions, checkRegion),
    range(keys, lo, hi),
  ]);
  const expr = and([partitions, ...timeBounds(window)]);
  // Parenthesized when it is an OR, so it can be ANDed with anything as it stands.
  const sql = 'or' in expr ? `(${renderFilter(expr)})` : renderFilter(expr);
  return { expr, sql, predicates: countPredicates(expr), partitions };
}

export function countPredicates(expr: FilterExpr): number {
  if ('true' in expr) return 0;
  if ('and' in expr) return expr.and.reduce((n, e) => n + countPredicates(e), 0);
  if ('or' in expr) return expr.or.reduce((n, e) => n + countPredicates(e), 0);
  return 1;
}

/** Trino text with the parentheses precedence needs and no more. */
export function renderFilter(expr: FilterExpr): string {
  if ('true' in expr) return 'TRUE';
  if ('and' in expr)
    return expr.and.map((e) => ('or' in e ? `(${renderFilter(e)})` : renderFilter(e))).join(' AND ');
  if ('or' in expr)
    return expr.or.map((e) => ('and' in e ? `(${renderFilter(e)})` : renderFilter(e))).join(' OR ');
  if (expr.op === 'IN') return `${expr.key} IN (${expr.values.map(trinoString).join(', ')})`;
  if (expr.op === 'BETWEEN')
    return `${expr.key} BETWEEN ${trinoString(expr.value)} AND ${trinoString(expr.high)}`;
  return `${expr.key} ${expr.op} ${trinoString(expr.value)}`;
}
