/**
 * Failure streaks of days the copy could not convert, kept beside the coverage as a second Glue
 * table parameter of the copy: `2024-05-01:3,2024-05-04:1` (day, failed runs in a row). A day
 * leaves the list when it converts; schedule.ts names days at FAILING_RUNS or more.
 */
import { type EpochDay, formatIsoDate, parseIsoDate } from '../shared/dates';
import { ColumnarError } from './table';

/** The Glue table parameter that holds the failure streaks. */
export const FAILURES_PARAMETER = 'cloudtrail_partitioner.failed_days';
/** Days listed at most: the oldest streaks go first, so the value stays far under Glue's 512,000 characters. */
const MAX_DAYS = 2000;

/** `YYYY-MM-DD:N` pairs, oldest day first. */
export function formatFailures(failures: ReadonlyMap<EpochDay, number>): string {
  return [...failures]
    .filter(([, runs]) => runs > 0)
    .sort(([a], [b]) => a - b)
    .slice(-MAX_DAYS)
    .map(([day, runs]) => `${formatIsoDate(day)}:${runs}`)
    .join(',');
}

/** The streaks as a map; throws naming a part that is not `YYYY-MM-DD:N`. */
export function parseFailures(text: string | undefined): Map<EpochDay, number> {
  const out = new Map<EpochDay, number>();
  if (text === undefined || text.trim() === '') return out;
  for (const part of text.split(',')) {
    const match = /^(\d{4}-\d{2}-\d{2}):(\d{1,6})$/.exec(part.trim());
    const day = match ? parseIsoDate(match[1]) : undefined;
    if (!match || day === undefined)
      throw new ColumnarError(
        `invalid failure streak ${JSON.stringify(part)} in ${FAILURES_PARAMETER}: expected YYYY-MM-DD:N`,
      );
    out.set(day, Number(match[2]));
  }
  return out;
}
