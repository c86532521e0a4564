import fc from 'fast-check';
import {
  chunkDaysFor,
  splitWindow,
  TARGET_PARTITIONS_PER_CHUNK,
} from '../../../lambda/core/partitions/split';
import { dayOf } from '../../support/core-fakes';

describe('chunkDaysFor', () => {
  test.each([
    [0, 366],
    [1, 366],
    [54, 366],
    [55, 363],
    [100, 200],
    [20_000, 1],
    [50_000, 1],
  ])('%i account-regions → %i days per chunk', (accountRegions, days) => {
    // GIVEN a number of account-region pairs WHEN chunks are sized THEN about 20,000 partitions each, 1 to 366 days
    expect(chunkDaysFor(accountRegions)).toBe(days);
  });

  test('chunks hold at most the target partitions unless one day alone is more (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (pairs) => {
        // GIVEN any number of pairs WHEN sized
        const days = chunkDaysFor(pairs);
        // THEN 1..366 days, and a chunk holds at most the target unless a single day already exceeds it
        expect(days).toBeGreaterThanOrEqual(1);
        expect(days).toBeLessThanOrEqual(366);
        expect(Number.isInteger(days)).toBe(true);
        if (pairs <= TARGET_PARTITIONS_PER_CHUNK)
          expect(days * pairs).toBeLessThanOrEqual(TARGET_PARTITIONS_PER_CHUNK);
      }),
      { numRuns: 200 },
    );
  });
});

describe('splitWindow', () => {
  test('an example across a leap day', () => {
    // GIVEN Feb 25 to Mar 5 2024 in chunks of 3 days
    // WHEN split
    // THEN consecutive chunks, the last one shorter
    expect(splitWindow({ from: dayOf('2024-02-25'), to: dayOf('2024-03-05') }, 3)).toEqual([
      { from: '2024-02-25', to: '2024-02-27' },
      { from: '2024-02-28', to: '2024-03-01' },
      { from: '2024-03-02', to: '2024-03-04' },
      { from: '2024-03-05', to: '2024-03-05' },
    ]);
  });

  test('an empty window has no chunks', () => {
    // GIVEN a reversed window WHEN split THEN nothing
    expect(splitWindow({ from: 10, to: 9 }, 5)).toEqual([]);
  });

  test('chunks cover the window exactly, in order, without overlap (property)', () => {
    // GIVEN any window up to 20 years and any chunk size
    fc.assert(
      fc.property(
        fc.integer({ min: dayOf('2013-11-01'), max: dayOf('2025-01-01') }),
        fc.integer({ min: 0, max: 7305 }),
        fc.integer({ min: 1, max: 366 }),
        (from, length, chunkDays) => {
          const window = { from, to: from + length - 1 };
          // WHEN it is split
          const chunks = splitWindow(window, chunkDays).map((c) => ({
            from: dayOf(c.from),
            to: dayOf(c.to),
          }));
          // THEN the first starts at from, the last ends at to, each next starts the day after the previous ends
          if (length === 0) {
            expect(chunks).toEqual([]);
            return;
          }
          expect(chunks[0].from).toBe(window.from);
          expect(chunks[chunks.length - 1].to).toBe(window.to);
          // (checked as one list of violations: thousands of expect calls per run would be slow)
          const violations = chunks.flatMap((chunk, i) => [
            ...(chunk.to < chunk.from ? [`chunk ${i} ends before it starts`] : []),
            ...(chunk.to - chunk.from + 1 > chunkDays ? [`chunk ${i} is longer than ${chunkDays} days`] : []),
            ...(i > 0 && chunk.from !== chunks[i - 1].to + 1
              ? [`chunk ${i} does not follow chunk ${i - 1}`]
              : []),
          ]);
          expect(violations).toEqual([]);
          // AND only the last may be shorter than chunkDays, so the count is the minimum
          expect(chunks.length).toBe(Math.ceil(length / chunkDays));
        },
      ),
      { numRuns: 200 },
    );
  });
});
