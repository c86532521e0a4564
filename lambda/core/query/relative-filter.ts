/**
 * A partition filter for "the last N days", relative to Athena's `current_date` (UTC), for
 * statements saved once and run any day (the stack's named queries). A date written in at deploy
 * time would go stale; this one is evaluated when the query runs. The `year` bounds fold to
 * constants at planning, so they narrow the Glue partition listing; the `concat` bound then keeps
 * exactly the days, per partition, before any data is read.
 */
import type { PartitionScheme } from '../partitions/scheme';

const ago = (days: number, format: string): string =>
  days === 0
    ? `date_format(current_date, '${format}')`
    : `date_format(current_date - INTERVAL '${days}' DAY, '${format}')`;

/** Today (UTC) and the `days - 1` days before it. */
export function lastDaysFilter(scheme: PartitionScheme, days: number): string {
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    throw new RangeError(`invalid days ${days}: expected a whole number from 1 to 366`);
  }
  const back = days - 1;
  const years = `year BETWEEN ${ago(back, '%Y')} AND ${ago(0, '%Y')}`;
  if (scheme.granularity === 'day') {
    return `${years} AND concat(year, '-', month, '-', day) BETWEEN ${ago(back, '%Y-%m-%d')} AND ${ago(0, '%Y-%m-%d')}`;
  }
  // Month partitions over-cover the first month: eventtime trims it to the days.
  return `${years} AND concat(year, '-', month) BETWEEN ${ago(back, '%Y-%m')} AND ${ago(0, '%Y-%m')} AND eventtime >= ${ago(back, '%Y-%m-%d')} AND eventtime < date_format(current_date + INTERVAL '1' DAY, '%Y-%m-%d')`;
}
