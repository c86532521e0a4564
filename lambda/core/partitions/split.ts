/**
 * Splits a large backfill into chunks that each finish well inside one Lambda invocation,
 * for the Step Functions backfill. Chunks are sized by partitions, not days: a day of an
 * organization with 500 accounts holds as many partitions as a year of one account.
 */
import { type DayWindow, formatIsoDate, windowLength } from '../shared/dates';

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

/** Lanes one split may ask for: the Map's concurrency, far above Athena's 20 DDL queries per account. */
export const MAX_LANES = 40;

/** One Map iteration of the backfill: consecutive chunks registered one after another. */
export interface Lane {
  readonly chunks: readonly Chunk[];
}

/** `total` cut into `parts` whole pieces that differ by at most one, the larger first. */
function evenParts(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total % parts ? 1 : 0));
}

function checkSizes(chunkDays: number, lanes: number): void {
  if (!Number.isInteger(chunkDays) || chunkDays < 1)
    throw new RangeError(`invalid chunk days ${chunkDays}: expected a whole number from 1`);
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > MAX_LANES)
    throw new RangeError(`invalid lanes ${lanes}: expected a whole number from 1 to ${MAX_LANES}`);
}

/**
 * The window cut into `min(lanes, days)` consecutive lanes of near-equal days, each cut into the
 * fewest chunks of at most `chunkDays` days, near-equal too. Lanes end together (no lane waits
 * on a longer one), and a lane's chunks are alike, so its last chunk is not a stub that waits
 * alone. Oldest first: the lanes' chunks, one after the other, are the flat list.
 */
export function splitLanes(window: DayWindow, chunkDays: number, lanes: number): Lane[] {
  checkSizes(chunkDays, lanes);
  const days = windowLength(window);
  if (days === 0) return [];
  let from = window.from;
  return evenParts(days, Math.min(lanes, days)).map((laneDays) => ({
    chunks: evenParts(laneDays, Math.ceil(laneDays / chunkDays)).map((length) => {
      const chunk = { from: formatIsoDate(from), to: formatIsoDate(from + length - 1) };
      from += length;
      return chunk;
    }),
  }));
}

/** Chunks {@link splitLanes} makes, without making them. */
export function laneChunkCount(days: number, chunkDays: number, lanes: number): number {
  checkSizes(chunkDays, lanes);
  if (days <= 0) return 0;
  return evenParts(days, Math.min(lanes, days)).reduce(
    (sum, laneDays) => sum + Math.ceil(laneDays / chunkDays),
    0,
  );
}

/**
 * The fewest days per chunk, from `atLeast`, that keep a window of `days` within
 * `maxChunks` chunks over `lanes` lanes (each lane may add one short chunk).
 */
export function chunkDaysWithin(
  days: number,
  lanes: number,
  atLeast: number,
  maxChunks = MAX_CHUNKS,
): number {
  if (maxChunks < Math.min(lanes, days))
    throw new RangeError(
      `invalid limit ${maxChunks} chunks: ${lanes} lanes need at least ${Math.min(lanes, days)}`,
    );
  let chunkDays = Math.max(atLeast, Math.ceil(days / maxChunks));
  while (laneChunkCount(days, chunkDays, lanes) > maxChunks) chunkDays++;
  return chunkDays;
}
