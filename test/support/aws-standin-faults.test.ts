/**
 * The stand-in's throttle storms: every window armed stays armed. The bench's storm model
 * arms two (at the start and mid-run); a stand-in that kept only the last one measured a run
 * with one storm and printed its recovery time as if it had survived both.
 */
import fc from 'fast-check';
import { Faults } from './aws-standin/faults';
import { SimClock } from './aws-standin/quota-model';

describe('Faults.stormBetween', () => {
  test('two storms: slots are taken and status calls throttled in both windows, not between (example)', () => {
    // GIVEN a storm from 0 to 3 s and another from 60 to 70 s
    const clock = new SimClock(1, () => 0);
    const faults = new Faults(clock);
    faults.stormBetween(0, 3000, ['BatchGetQueryExecution']);
    faults.stormBetween(60_000, 70_000, ['BatchGetQueryExecution']);
    const at = (ms: number): [boolean, boolean] => {
      clock.advance(ms - clock.now());
      return [faults.slotsTaken(), faults.isThrottled('BatchGetQueryExecution')];
    };
    // WHEN the clock passes through both THEN the first storm holds too (it used to be overwritten)
    expect(at(1000)).toEqual([true, true]);
    expect(at(3000)).toEqual([false, false]);
    expect(at(30_000)).toEqual([false, false]);
    expect(at(60_000)).toEqual([true, true]);
    expect(at(69_999)).toEqual([true, true]);
    expect(at(70_000)).toEqual([false, false]);
    // AND an operation outside the storm's list is never throttled by it
    expect(faults.isThrottled('StartQueryExecution')).toBe(false);
  });

  test('any set of storms: a moment is stormy exactly when some window holds it (property)', () => {
    const window = fc
      .tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 20_000 }))
      .map(([from, length]) => ({ from, to: from + length }));
    fc.assert(
      fc.property(
        fc.array(window, { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 130_000 }), { minLength: 1, maxLength: 20 }),
        (storms, moments) => {
          // GIVEN storms armed in any order
          const clock = new SimClock(1, () => 0);
          const faults = new Faults(clock);
          for (const s of storms) faults.stormBetween(s.from, s.to, ['GetQueryExecution']);
          // WHEN time moves forward through the moments
          for (const t of [...moments].sort((a, b) => a - b)) {
            clock.advance(t - clock.now());
            // THEN both faults follow plain interval arithmetic over every window
            const inside = storms.some((s) => t >= s.from && t < s.to);
            expect(faults.slotsTaken()).toBe(inside);
            expect(faults.isThrottled('GetQueryExecution')).toBe(inside);
          }
        },
      ),
    );
  });

  test('clear() disarms every storm', () => {
    // GIVEN two storms WHEN cleared THEN no moment is stormy
    const clock = new SimClock(1, () => 0);
    const faults = new Faults(clock);
    faults.stormBetween(0, 10, ['GetQueryExecution']);
    faults.stormBetween(5, 20, ['GetQueryExecution']);
    faults.clear();
    clock.advance(7);
    expect(faults.slotsTaken()).toBe(false);
    expect(faults.isThrottled('GetQueryExecution')).toBe(false);
  });
});
