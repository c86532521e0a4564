/** The daily run's choice of days to convert, and the failure streaks the alarm names. */
import fc from 'fast-check';
import { conversionSchedule, nextFailures } from '../../../lambda/core/columnar/schedule';
import { parseIsoDate } from '../../../lambda/core/shared/dates';

const day = (iso: string): number => parseIsoDate(iso) as number;
const TODAY = day('2024-03-10');

test('converts the days whose margin has passed and the copy lacks, oldest first', () => {
  // GIVEN a 1-day margin, a 5-day look-back, and 2024-03-06 already converted
  const schedule = conversionSchedule({
    today: TODAY,
    lateDays: 1,
    lookbackDays: 5,
    covered: new Set([day('2024-03-06')]),
    failures: new Map(),
  });
  // THEN 03-05, 03-07, 03-08 are due: 03-09's next folder (03-10) is still being written
  expect(schedule.due).toEqual([day('2024-03-05'), day('2024-03-07'), day('2024-03-08')]);
  expect(schedule.failing).toEqual([]);
});

test('a day due is never one whose margin is still open, nor outside retention (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 7 }),
      fc.integer({ min: 1, max: 60 }),
      fc.option(fc.integer({ min: 1, max: 90 }), { nil: undefined }),
      fc.uniqueArray(fc.integer({ min: TODAY - 90, max: TODAY }), { maxLength: 40 }),
      (late, lookback, retention, covered) => {
        const s = conversionSchedule({
          today: TODAY,
          lateDays: late,
          lookbackDays: lookback,
          retentionDays: retention,
          covered: new Set(covered),
          failures: new Map(),
        });
        for (const d of s.due) {
          expect(d + late).toBeLessThan(TODAY); // its last folder has ended
          expect(d).toBeGreaterThanOrEqual(TODAY - lookback);
          if (retention !== undefined) expect(d).toBeGreaterThanOrEqual(TODAY - retention);
          expect(covered).not.toContain(d);
        }
        // Completeness, by plain enumeration: every uncovered day in range is due.
        const lo = Math.max(TODAY - lookback, retention === undefined ? -Infinity : TODAY - retention);
        const expected: number[] = [];
        for (let d = lo; d <= TODAY - late - 1; d++) if (!covered.includes(d)) expected.push(d);
        expect(s.due).toEqual(expected);
      },
    ),
  );
});

test('a failed day is retried next run, and named once it has failed three runs in a row', () => {
  // GIVEN 2024-03-05 failing three runs in a row, 2024-03-07 once, then 2024-03-07 converting
  let failures = new Map<number, number>();
  for (let run = 0; run < 3; run++)
    failures = nextFailures(failures, {
      converted: [],
      failed: [day('2024-03-05'), ...(run === 0 ? [day('2024-03-07')] : [])],
    });
  failures = nextFailures(failures, { converted: [day('2024-03-07')], failed: [] });
  // WHEN the next run plans
  const s = conversionSchedule({
    today: TODAY,
    lateDays: 1,
    lookbackDays: 7,
    covered: new Set([day('2024-03-07')]),
    failures,
  });
  // THEN 03-05 is due again and named; 03-07's streak ended
  expect(s.due).toContain(day('2024-03-05'));
  expect(s.failing).toEqual(['2024-03-05']);
  expect(failures.has(day('2024-03-07'))).toBe(false);
});

test('retention gives the DELETE bound and refuses a bad margin', () => {
  const s = conversionSchedule({
    today: TODAY,
    lateDays: 1,
    lookbackDays: 3,
    retentionDays: 30,
    covered: new Set(),
    failures: new Map(),
  });
  expect(s.firstKept).toBe(TODAY - 30);
  expect(() =>
    conversionSchedule({
      today: TODAY,
      lateDays: 8,
      lookbackDays: 3,
      covered: new Set(),
      failures: new Map(),
    }),
  ).toThrow(/lateDays 8/);
});
