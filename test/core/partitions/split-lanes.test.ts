/**
 * Lanes of the Step Functions backfill: the window cut into one lane per Map slot, each lane
 * into its own consecutive chunks. Checked against an oracle written apart: it deals the days
 * out one at a time and walks the calendar with `Date`, not with the code's day arithmetic.
 */
import fc from 'fast-check';
import {
  chunkDaysWithin,
  laneChunkCount,
  MAX_CHUNKS,
  MAX_LANES,
  splitLanes,
} from '../../../lambda/core/partitions/split';
import { dayOf } from '../../support/core-fakes';

/** Sizes of `parts` piles when `total` days are dealt out one at a time, round the piles. */
function dealt(total: number, parts: number): number[] {
  const piles = new Array<number>(parts).fill(0);
  for (let day = 0; day < total; day++) piles[day % parts]++;
  return piles;
}

/** `YYYY-MM-DD` of `start` plus `days`, by the calendar. */
function isoPlus(start: string, days: number): string {
  const date = new Date(`${start}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The lanes as a plain reading of the contract computes them. */
function oracle(from: string, days: number, chunkDays: number, lanes: number) {
  if (days === 0) return [];
  let offset = 0;
  return dealt(days, Math.min(lanes, days)).map((laneDays) => {
    let count = 1;
    while (Math.ceil(laneDays / count) > chunkDays) count++;
    return {
      chunks: dealt(laneDays, count).map((length) => {
        const chunk = { from: isoPlus(from, offset), to: isoPlus(from, offset + length - 1) };
        offset += length;
        return chunk;
      }),
    };
  });
}

const spread = (values: number[]) => Math.max(...values) - Math.min(...values);
const length = (chunk: { from: string; to: string }) => dayOf(chunk.to) - dayOf(chunk.from) + 1;

describe('splitLanes', () => {
  test('an example: ten days, chunks of at most three days, three lanes', () => {
    // GIVEN 2024-02-26 .. 2024-03-06 (a leap day inside), chunkDays 3, 3 lanes
    const lanes = splitLanes({ from: dayOf('2024-02-26'), to: dayOf('2024-03-06') }, 3, 3);
    // THEN lanes of 4, 3 and 3 days; the 4-day lane in two chunks of 2, not 3 + 1
    expect(lanes).toEqual([
      {
        chunks: [
          { from: '2024-02-26', to: '2024-02-27' },
          { from: '2024-02-28', to: '2024-02-29' },
        ],
      },
      { chunks: [{ from: '2024-03-01', to: '2024-03-03' }] },
      { chunks: [{ from: '2024-03-04', to: '2024-03-06' }] },
    ]);
  });

  test('fewer days than lanes: one lane per day; one lane: every chunk in it', () => {
    // GIVEN 2 days and 5 lanes, then 5 days in one lane
    expect(splitLanes({ from: dayOf('2024-01-01'), to: dayOf('2024-01-02') }, 30, 5)).toEqual([
      { chunks: [{ from: '2024-01-01', to: '2024-01-01' }] },
      { chunks: [{ from: '2024-01-02', to: '2024-01-02' }] },
    ]);
    expect(splitLanes({ from: dayOf('2024-01-01'), to: dayOf('2024-01-05') }, 2, 1)).toEqual([
      {
        chunks: [
          { from: '2024-01-01', to: '2024-01-02' },
          { from: '2024-01-03', to: '2024-01-04' },
          { from: '2024-01-05', to: '2024-01-05' },
        ],
      },
    ]);
  });

  test('refuses lanes and chunk days it cannot honour, naming the value', () => {
    const window = { from: 0, to: 9 };
    expect(() => splitLanes(window, 1, 0)).toThrow(/invalid lanes 0: expected a whole number from 1 to 40/);
    expect(() => splitLanes(window, 1, MAX_LANES + 1)).toThrow(/invalid lanes 41/);
    expect(() => splitLanes(window, 1.5, 2)).toThrow(/invalid chunk days 1.5/);
    expect(splitLanes({ from: 10, to: 9 }, 3, 3)).toEqual([]);
  });

  test('matches the oracle, and every lane and chunk keeps its promises (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: dayOf('2013-11-01'), max: dayOf('2025-01-01') }),
        fc.integer({ min: 0, max: 7305 }),
        fc.integer({ min: 1, max: 366 }),
        fc.integer({ min: 1, max: MAX_LANES }),
        (from, days, chunkDays, laneCount) => {
          // GIVEN any window, chunk size and lane count WHEN split into lanes
          const window = { from, to: from + days - 1 };
          const lanes = splitLanes(window, chunkDays, laneCount);
          // THEN exactly what the oracle deals out
          const start = new Date(Date.UTC(1970, 0, 1 + from)).toISOString().slice(0, 10);
          expect(lanes).toEqual(oracle(start, days, chunkDays, laneCount));
          // AND (stated once more as the contract's words) min(lanes, days) lanes, near-equal,
          // each cut into the fewest chunks of at most chunkDays, near-equal inside the lane
          const flat = lanes.flatMap((lane) => lane.chunks);
          expect(lanes).toHaveLength(Math.min(laneCount, days));
          if (days === 0) return;
          const laneDays = lanes.map((lane) => lane.chunks.reduce((sum, c) => sum + length(c), 0));
          expect(spread(laneDays)).toBeLessThanOrEqual(1);
          const violations = lanes.flatMap((lane, i) => [
            ...(lane.chunks.length !== Math.ceil(laneDays[i] / chunkDays)
              ? [`lane ${i}: not the fewest chunks`]
              : []),
            ...(spread(lane.chunks.map(length)) > 1 ? [`lane ${i}: chunks differ by more than a day`] : []),
            ...(lane.chunks.some((c) => length(c) > chunkDays || length(c) < 1)
              ? [`lane ${i}: chunk size`]
              : []),
          ]);
          expect(violations).toEqual([]);
          // AND the lanes' chunks, one after the other, cover the window in order without gap or overlap
          expect(dayOf(flat[0].from)).toBe(window.from);
          expect(dayOf(flat[flat.length - 1].to)).toBe(window.to);
          const gaps = flat.filter((c, i) => i > 0 && dayOf(c.from) !== dayOf(flat[i - 1].to) + 1);
          expect(gaps).toEqual([]);
          expect(laneChunkCount(days, chunkDays, laneCount)).toBe(flat.length);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('chunkDaysWithin', () => {
  test('the fewest chunk days from the asked size that keep the lanes within MAX_CHUNKS (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 7305 }),
        fc.integer({ min: 1, max: MAX_LANES }),
        fc.integer({ min: 1, max: 366 }),
        (days, lanes, atLeast) => {
          // GIVEN a window length, lanes and a wanted chunk size WHEN sized
          const chunkDays = chunkDaysWithin(days, lanes, atLeast);
          // THEN at most MAX_CHUNKS chunks, never below the wanted size, and one day less would not fit
          const chunks = splitLanes({ from: 0, to: days - 1 }, chunkDays, lanes).flatMap((l) => l.chunks);
          expect(chunks.length).toBeLessThanOrEqual(MAX_CHUNKS);
          expect(chunkDays).toBeGreaterThanOrEqual(atLeast);
          if (chunkDays > atLeast) {
            const tighter = splitLanes({ from: 0, to: days - 1 }, chunkDays - 1, lanes);
            expect(tighter.flatMap((l) => l.chunks).length).toBeGreaterThan(MAX_CHUNKS);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  test('lanes can need a longer chunk than the flat split: 2,000 days in chunks of 2 over 3 lanes', () => {
    // GIVEN lanes of 667, 667 and 666 days: chunks of 2 days would make 334 + 334 + 333 = 1,001
    expect(laneChunkCount(2000, 2, 3)).toBe(1001);
    // WHEN sized THEN 3 days a chunk
    expect(chunkDaysWithin(2000, 3, 2)).toBe(3);
  });
});
