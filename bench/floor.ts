/**
 * The fewest ListObjectsV2 calls any discovery could make for a run, given what the bucket
 * holds (docs/benchmark.md):
 *   floor = ⌈listed accounts / 1000⌉                    (the accounts root, one call per page)
 *         + accounts                                  (each account's region folder)
 *         + Σ account-regions × min(months, past days) (each month folder the past window
 *                                                       overlaps, or one probe per past day)
 * A Step Functions backfill pays it once per invocation: the split (accounts and regions
 * only) and every chunk over its own window.
 */
import { dayParts, type DayWindow, type EpochDay } from '../lambda/core/shared/dates';

export function monthsOverlapping(window: DayWindow): number {
  if (window.to < window.from) return 0;
  const first = dayParts(window.from);
  const last = dayParts(window.to);
  return (Number(last.year) - Number(first.year)) * 12 + Number(last.month) - Number(first.month) + 1;
}

export function discoveryFloor(
  accounts: number,
  regions: number,
  window: DayWindow,
  today: EpochDay,
  options: { readonly daysProbed?: boolean } = {},
): number {
  const past = { from: window.from, to: Math.min(window.to, today - 1) };
  const pastDays = Math.max(0, past.to - past.from + 1);
  const perPair = options.daysProbed === false ? 0 : Math.min(monthsOverlapping(past), pastDays);
  return Math.max(1, Math.ceil(accounts / 1000)) + accounts + accounts * regions * perPair;
}
