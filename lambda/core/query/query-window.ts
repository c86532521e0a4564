/**
 * The time range of a query: whole UTC days, or ISO-8601 UTC instants for a range that starts
 * or ends inside a day. Partitions select the days; the instants become an `eventtime` bound.
 */
import { type EpochDay, formatIsoDate, parseIsoDate } from '../shared/dates';
import { show } from '../shared/names';

export interface QueryWindow {
  /** First and last UTC day, inclusive. */
  readonly from: EpochDay;
  readonly to: EpochDay;
  /** `YYYY-MM-DDTHH:MM:SSZ`, inclusive; set only when the range starts after midnight. */
  readonly fromTime?: string;
  /** `YYYY-MM-DDTHH:MM:SSZ`, inclusive; set only when the range ends before 23:59:59. */
  readonly toTime?: string;
}

export class QueryWindowError extends Error {
  override readonly name = 'QueryWindowError';
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?Z$/;

interface Bound {
  readonly day: EpochDay;
  /** Normalized to seconds; undefined for a bare date. */
  readonly time?: string;
}

/** A date `YYYY-MM-DD` or a UTC instant `YYYY-MM-DDTHH:MM[:SS]Z`; undefined for anything else. */
export function parseBound(text: string): Bound | undefined {
  const date = parseIsoDate(text);
  if (date !== undefined) return { day: date };
  const match = INSTANT.exec(text);
  if (!match) return undefined;
  const day = parseIsoDate(match[1]);
  const [hours, minutes, seconds] = [match[2], match[3], match[4] ?? '00'];
  if (day === undefined || Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59)
    return undefined;
  return { day, time: `${match[1]}T${hours}:${minutes}:${seconds}Z` };
}

/** Validates `--from`/`--to` (flag names are for the message) into a window. */
export function parseQueryWindow(
  from: string,
  to: string,
  labels = { from: '--from', to: '--to' },
): QueryWindow {
  const bound = (label: string, text: string): Bound => {
    const parsed = parseBound(text);
    if (parsed === undefined) {
      throw new QueryWindowError(
        `invalid ${label} ${show(text)}: expected a calendar date YYYY-MM-DD or a UTC time YYYY-MM-DDTHH:MM:SSZ`,
      );
    }
    return parsed;
  };
  const lo = bound(labels.from, from);
  const hi = bound(labels.to, to);
  const start = lo.time ?? `${formatIsoDate(lo.day)}T00:00:00Z`;
  const end = hi.time ?? `${formatIsoDate(hi.day)}T23:59:59Z`;
  if (start > end) {
    throw new QueryWindowError(`invalid range: ${labels.from} ${from} is after ${labels.to} ${to}`);
  }
  // Midnight-to-midnight instants are whole days: no eventtime bound needed.
  return {
    from: lo.day,
    to: hi.day,
    ...(lo.time !== undefined && !lo.time.endsWith('T00:00:00Z') ? { fromTime: lo.time } : {}),
    ...(hi.time !== undefined && !hi.time.endsWith('T23:59:59Z') ? { toTime: hi.time } : {}),
  };
}
