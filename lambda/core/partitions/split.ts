/**
 * Splits a large backfill into chunks that each finish well inside one Lambda invocation,
 * for the Step Functions backfill. Chunks are sized by partitions, not days: a day of an
 * organization with 500 accounts holds as many partitions as a year of one account.
 */
import { type DayWindow, formatIsoDate } from '../shared/dates';

/** Partitions one chunk aims at: about 20 statements, minutes of Athena time at the default concurrency. */
export const TARGET_PARTITIONS_PER_CHUNK = 20_000;
const MAX_CHUNK_DAYS = 366;
/** Chunks one backfill execution may hold: an inline Map's history stays well under 25,000 events. */
export const MAX_CHUNKS = 1000;

export interface Chunk {
  readonly from: string;
  readonly to: string;
}

/** Days per chunk for a number of account-region pairs. */
export function chunkDaysFor(accountRegions: number, target = TARGET_PARTITIONS_PER_CHUNK): number {
  return Math.max(1, Math.min(MAX_CHUNK_DAYS, Math.floor(target / Math.max(1, accountRegions))));
}

/** Consecutive, non-overlapping chunks covering the window, oldest first. */
export function splitWindow(window: DayWindow, chunkDays: number): Chunk[] {
  if (!Number.isInteger(chunkDays) || chunkDays < 1)
    throw new RangeError(`invalid chunk days ${chunkDays}: expected a whole number from 1`);
  const chunks: Chunk[] = [];
  for (let from = window.from; from <= window.to; from += chunkDays) {
    chunks.push({ from: formatIsoDate(from), to: formatIsoDate(Math.min(window.to, from + chunkDays - 1)) });
  }
  return chunks;
}
