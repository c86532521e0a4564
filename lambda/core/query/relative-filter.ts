/**
 * A partition filter for "the last N days", relative to Athena's `current_date` (UTC), for
 * statements saved once and run any day (the stack's named queries). A date written in at deploy
 * time would go stale; this one is evaluated when the query runs. The `year` bounds fold to
 * constants at planning, so they narrow the Glue partition listing; the `concat` bound then keeps
 * exactly the days, per partition, before any data is read.
 */
import type { PartitionScheme } from '../partitions/scheme';
import { checkLateDays, DEFAULT_LATE_DAYS } from './filter';

const ago = (days: number, format: string): string =>
  days === 0
    ? `date_format(current_date, '${format}')`
    : `date_format(current_date - INTERVAL '${days}' DAY, '${format}')`;

const ahead = (days: number, format: string): string =>
  days === 0 ? ago(0, format) : `date_format(current_date + INTERVAL '${days}' DAY, '${format}')`;

/**
 * Today (UTC) and the `days - 1` days before it: the folders of those days plus `lateDays` more
 * (folders are delivery days; see ./filter.ts), and `eventtime` inside the days themselves.
 */
export function lastDaysFilter(scheme: PartitionScheme, days: number, lateDays = DEFAULT_LATE_DAYS): string {
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw new RangeError(`invalid days ${days}: expected a whole number from 1 to 366`);
  }
  const problem = checkLateDays(lateDays);
  if (problem !== undefined) throw new RangeError(problem);
  const back = days - 1;
  const years = `year BETWEEN ${ago(back, '%Y')} AND ${ahead(lateDays, '%Y')}`;
  const times = `eventtime >= ${ago(back, '%Y-%m-%d')} AND eventtime < ${ahead(1, '%Y-%m-%d')}`;
  if (scheme.granularity === 'day') {
    return `${years} AND concat(year, '-', month, '-', day) BETWEEN ${ago(back, '%Y-%m-%d')} AND ${ahead(lateDays, '%Y-%m-%d')} AND ${times}`;
  }
  return `${years} AND concat(year, '-', month) BETWEEN ${ago(back, '%Y-%m')} AND ${ahead(lateDays, '%Y-%m')} AND ${times}`;
}
