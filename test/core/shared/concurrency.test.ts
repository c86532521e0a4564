import fc from 'fast-check';
import {
  concurrencyFor,
  DEFAULT_ACTIVE_DDL_QUOTA,
  defaultBackfillConcurrency,
  mapLimit,
  SCHEDULED_RUN_SHARE,
} from '../../../lambda/core/shared/concurrency';

/** Resolves after `ticks` turns of the microtask queue: uneven completion without timers. */
async function ticks(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

describe('mapLimit', () => {
  test('keeps input order and never exceeds the limit (property)', async () => {
    // GIVEN random items with random completion delays, and a random limit
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 10 }),
        async (delays, limit) => {
          let active = 0;
          let maxActive = 0;
          // WHEN they are mapped
          const results = await mapLimit(delays, limit, async (delay, index) => {
            active++;
            maxActive = Math.max(maxActive, active);
            await ticks(delay);
            active--;
            return `${index}:${delay}`;
          });
          // THEN results keep input order, and at most `limit` ran at once (all of it when there was work)
          expect(results).toEqual(delays.map((delay, index) => `${index}:${delay}`));
          expect(maxActive).toBeLessThanOrEqual(limit);
          expect(maxActive).toBe(Math.min(limit, delays.length));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('no items, no calls', async () => {
    // GIVEN nothing WHEN mapped THEN the function is never called
    const fn = async () => {
      throw new Error('called');
    };
    await expect(mapLimit([], 4, fn)).resolves.toEqual([]);
  });

  test('a limit below 1 still makes progress, one at a time', async () => {
    // GIVEN a limit of 0
    let active = 0;
    let maxActive = 0;
    // WHEN items are mapped
    const results = await mapLimit([1, 2, 3], 0, async (x) => {
      active++;
      maxActive = Math.max(maxActive, active);
      await ticks(2);
      active--;
      return x * 2;
    });
    // THEN all are done, sequentially
    expect(results).toEqual([2, 4, 6]);
    expect(maxActive).toBe(1);
  });

  test('a rejection rejects the whole map', async () => {
    // GIVEN one item that fails WHEN mapped THEN the error propagates
    await expect(
      mapLimit([1, 2, 3], 2, async (x) => {
        if (x === 2) throw new Error('listing failed');
        return x;
      }),
    ).rejects.toThrow('listing failed');
  });
});

describe('concurrencyFor: each kind of run takes its share of the active-DDL quota', () => {
  test('the defaults: a backfill takes 18 of 20, each of 3 chunks 6, the schedule 2', () => {
    // GIVEN the default quota and settings
    const limits = { maxConcurrentQueries: defaultBackfillConcurrency(), backfillMaxConcurrency: 3 };
    // WHEN each kind of run asks THEN the shares are these
    expect(DEFAULT_ACTIVE_DDL_QUOTA).toBe(20);
    expect(limits.maxConcurrentQueries).toBe(18);
    expect(concurrencyFor('backfill', limits)).toBe(18);
    expect(concurrencyFor('chunk', limits)).toBe(6);
    expect(concurrencyFor('scheduled', limits)).toBe(SCHEDULED_RUN_SHARE);
  });

  test('no combination the synth check allows can pass the quota (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 1000 }), fc.integer({ min: 1, max: 20 }), (quota, chunks) => {
        // GIVEN a quota and the default backfill share for it, with chunks ≤ that share
        const maxConcurrentQueries = Math.min(20, defaultBackfillConcurrency(quota));
        fc.pre(chunks <= maxConcurrentQueries);
        const limits = { maxConcurrentQueries, backfillMaxConcurrency: chunks };
        // WHEN the state machine runs all its chunks while the schedule runs
        const worst = chunks * concurrencyFor('chunk', limits) + concurrencyFor('scheduled', limits);
        // THEN the DDL queries stay within the quota, and every chunk gets at least one
        expect(worst).toBeLessThanOrEqual(quota);
        expect(concurrencyFor('chunk', limits)).toBeGreaterThanOrEqual(1);
      }),
    );
  });
});
