/**
 * Relative ranges for `query`: `--since 7d` (also hours and weeks) ends now, and `today` /
 * `yesterday` name UTC days. Both resolve to the absolute `--from`/`--to` text that
 * {@link parseQueryWindow} reads, so every consumer of the window sees one kind of range.
 */
import { formatIsoDate, utcDay } from '../shared/dates';
import { show } from '../shared/names';
import { QueryWindowError } from './query-window';

const SINCE = /^(\d{1,7})([hdw])$/;
const HOURS = { h: 1, d: 24, w: 24 * 7 } as const;

/** `YYYY-MM-DDTHH:MM:SSZ`: the instant form the query window reads. */
export const instant = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * `7d` → the instants from 7 days before `now` to `now`.
 * @param maxDays the longest range accepted, in days.
 * @throws QueryWindowError naming `--since` and what was expected.
 */
export function sinceRange(text: string, now: Date, maxDays: number): { from: string; to: string } {
  const match = SINCE.exec(text);
  const expected = 'expected a positive number and a unit, h (hours), d (days) or w (weeks), such as 7d';
  if (!match) throw new QueryWindowError(`invalid --since ${show(text)}: ${expected}`);
  const hours = Number(match[1]) * HOURS[match[2] as keyof typeof HOURS];
  if (hours === 0) throw new QueryWindowError(`invalid --since ${show(text)}: ${expected}`);
  if (hours > maxDays * 24) {
    throw new QueryWindowError(
      `invalid --since ${show(text)}: at most ${maxDays} days (${maxDays * 24}h); give --from and --to for a longer range`,
    );
  }
  const end = Math.floor(now.getTime() / 1000) * 1000;
  return { from: instant(end - hours * 3_600_000), to: instant(end) };
}

/** `today` and `yesterday` as the UTC date they name at `now`; any other text unchanged. */
export function namedDay(text: string, now: Date): string {
  if (text === 'today') return formatIsoDate(utcDay(now));
  if (text === 'yesterday') return formatIsoDate(utcDay(now) - 1);
  return text;
}

/** The absolute UTC range a window covers, for the query header: `2024-03-03T12:00:00Z to 2024-03-10T12:00:00Z`. */
export function describeRange(window: {
  readonly from: number;
  readonly to: number;
  readonly fromTime?: string;
  readonly toTime?: string;
}): string {
  const from = window.fromTime ?? `${formatIsoDate(window.from)}T00:00:00Z`;
  const to = window.toTime ?? `${formatIsoDate(window.to)}T23:59:59Z`;
  return `${from} to ${to} (UTC)`;
}
