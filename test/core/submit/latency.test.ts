import fc from 'fast-check';
import { athenaLatencyMs, LatencyEstimator } from '../../../lambda/core/submit/latency';
import { MIN_GAP_MS, PollPlanner } from '../../../lambda/core/submit/poll-plan';

const PRIOR = { fixedMs: 1500, perPartitionMs: 35 };

describe("athenaLatencyMs: the time a query held its slot, by Athena's clock", () => {
  test('submission to completion first, TotalExecutionTimeInMillis next, nothing otherwise', () => {
    // GIVEN answers with both timings, one of them, and none
    // THEN the dates win (queue included), then the statistic, else undefined
    expect(athenaLatencyMs({ submittedAtMs: 1000, completedAtMs: 4500, totalExecutionMs: 9999 })).toBe(3500);
    expect(athenaLatencyMs({ submittedAtMs: 1000, totalExecutionMs: 2200, queueMs: 100 })).toBe(2200);
    expect(athenaLatencyMs({ queueMs: 100 })).toBeUndefined();
    expect(athenaLatencyMs(undefined)).toBeUndefined();
    // AND a completion before the submission (a broken answer) is not a latency
    expect(athenaLatencyMs({ submittedAtMs: 5000, completedAtMs: 4000 })).toBeUndefined();
  });
});

describe('LatencyEstimator learns in both directions', () => {
  const size = fc.integer({ min: 1, max: 2000 });
  const factor = fc.double({ min: 0.02, max: 10, noNaN: true });

  test('converges to any true linear latency, faster or slower than the prior (property)', () => {
    fc.assert(
      fc.property(factor, factor, fc.array(size, { minLength: 6, maxLength: 30 }), (kFixed, kPer, sizes) => {
        // GIVEN an Athena whose latency is the prior scaled by unrelated factors
        const truth = (n: number): number => PRIOR.fixedMs * kFixed + PRIOR.perPartitionMs * kPer * n;
        const estimator = new LatencyEstimator(PRIOR);
        // WHEN statements of the given sizes are measured, then a size already seen is estimated
        for (const n of sizes) estimator.observe(n, truth(n));
        // THEN the estimate is the truth for a size seen (exact data, any mix of sizes)
        expect(estimator.expectMs(sizes[sizes.length - 1]) / truth(sizes[sizes.length - 1])).toBeCloseTo(
          1,
          1,
        );
      }),
      { numRuns: 200 },
    );
  });

  test('a faster Athena lowers the estimate at once, and a slower one raises it (property)', () => {
    fc.assert(
      fc.property(size, fc.double({ min: 0.01, max: 0.9, noNaN: true }), (n, k) => {
        // GIVEN an estimate learned at the prior
        const estimator = new LatencyEstimator(PRIOR);
        const prior = estimator.expectMs(n);
        // WHEN one statement is measured faster THEN the estimate drops below the prior
        estimator.observe(n, prior * k);
        const down = estimator.expectMs(n);
        expect(down).toBeLessThan(prior);
        // AND then slower ones raise it again: the estimate follows Athena, not only upwards
        for (let i = 0; i < 5; i++) estimator.observe(n, prior * 3);
        expect(estimator.expectMs(n)).toBeGreaterThan(down);
      }),
    );
  });
});

describe('PollPlanner', () => {
  test('no check is ever planned past the API patience or the deadline (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 600_000 }),
        fc.integer({ min: 0, max: 3_600_000 }),
        fc.array(fc.tuple(size(), fc.integer({ min: 0, max: 10_000_000 })), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 10 }),
        (patienceMs, deadlineIn, samples, sizes) => {
          // GIVEN any history, even absurdly slow statements, and a patience and a deadline
          const estimator = new LatencyEstimator(PRIOR);
          for (const [n, ms] of samples) estimator.observe(n, ms);
          const now = 1_000_000;
          const planner = new PollPlanner({}, estimator, {
            maxWaitMs: patienceMs,
            deadline: now + deadlineIn,
          });
          // WHEN statements of any size start
          sizes.forEach((n, i) => planner.started(`q${i}`, n, now));
          // THEN the next status call is within the patience and the deadline
          const delay = planner.delayMs(now);
          expect(delay).toBeLessThanOrEqual(Math.max(MIN_GAP_MS, Math.min(patienceMs, deadlineIn)));
        },
      ),
      { numRuns: 300 },
    );
    function size(): fc.Arbitrary<number> {
      return fc.integer({ min: 1, max: 5000 });
    }
  });

  test('checks a new statement early while latency is unknown: short first check, growing steps', () => {
    // GIVEN nothing measured yet and a statement the prior puts at 36.5 s
    const planner = new PollPlanner({}, new LatencyEstimator(PRIOR));
    planner.started('q', 1000, 0);
    // WHEN it keeps running THEN checks come at 0.5 s, then in steps that grow with the wait
    const checks: number[] = [];
    let now = 0;
    for (let i = 0; i < 6; i++) {
      now += planner.delayMs(now);
      checks.push(now);
      planner.stillRunning('q', now);
    }
    expect(checks[0]).toBe(500);
    const steps = checks.slice(1).map((t, i) => t - checks[i]);
    for (let i = 1; i < steps.length; i++) expect(steps[i]).toBeGreaterThan(steps[i - 1]);
    expect(checks[checks.length - 1]).toBeLessThan(36_500);
  });

  test("while latency is unknown, an end a little past the prior's estimate is seen soon after it (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.double({ min: 1, max: 3, noNaN: true }),
        (partitions, slower) => {
          // GIVEN nothing measured yet, and a statement that runs longer than the prior says
          const planner = new PollPlanner({}, new LatencyEstimator(PRIOR));
          const estimate = PRIOR.fixedMs + PRIOR.perPartitionMs * partitions;
          const end = estimate * slower;
          planner.started('q', partitions, 0);
          // WHEN it is checked until a check lands at or after its end
          let now = 0;
          while (now < end) {
            now += planner.delayMs(now);
            if (now < end) planner.stillRunning('q', now);
          }
          // THEN an end within a tenth past the estimate is seen by then (a step of a quarter of
          // the estimate came next before: 9 s for a 46-s statement); a later one within a third
          // of the time waited
          const late = now - end;
          if (end <= 1.1 * estimate) expect(late).toBeLessThanOrEqual(0.1 * estimate + MIN_GAP_MS);
          else expect(late).toBeLessThanOrEqual(end / 3 + MIN_GAP_MS);
        },
      ),
    );
  });

  test("a step landing just short of the prior's estimate lands on it, and a tenth past it is checked too", () => {
    // GIVEN nothing measured yet and a statement the prior puts at 5 s, whose ladder of steps
    // (0.5 s, then a third of the time waited) would land 5 ms before that
    const planner = new PollPlanner({}, new LatencyEstimator(PRIOR));
    planner.started('q', 100, 0);
    // WHEN it keeps running past 6 s
    const checks: number[] = [];
    let now = 0;
    while (now < 6000) {
      now += planner.delayMs(now);
      checks.push(Math.round(now));
      planner.stillRunning('q', now);
    }
    // THEN the checks include the estimate and a tenth past it, and none just before the estimate
    expect(checks).toContain(5000);
    expect(checks).toContain(5500);
    expect(checks.filter((t) => t > 4800 && t < 5000)).toEqual([]);
  });

  test("learns from Athena's timing, not from when it looked: a late look does not slow the next check", () => {
    // GIVEN a statement that Athena says ran 2 s, seen ended only at 30 s
    const estimator = new LatencyEstimator(PRIOR);
    const planner = new PollPlanner({}, estimator);
    planner.started('a', 100, 0);
    planner.ended('a', 30_000, { submittedAtMs: 50, completedAtMs: 2050 });
    // WHEN the next statement of that size starts THEN it is checked at about 2 s after its start
    expect(estimator.expectMs(100)).toBe(2000);
    planner.started('b', 100, 30_000);
    expect(planner.delayMs(30_000)).toBe(2000);
  });

  test('without timings, the observed window never raises the estimate above the last one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 0, max: 600_000 }), (n, lateBy) => {
        // GIVEN an estimate, and a statement last seen running at its start, seen ended late
        const estimator = new LatencyEstimator(PRIOR);
        const planner = new PollPlanner({}, estimator);
        const before = estimator.expectMs(n);
        planner.started('q', n, 0);
        planner.ended('q', before + lateBy);
        // THEN the estimate is no larger than before: a late look is no proof of a slow Athena
        expect(estimator.expectMs(n)).toBeLessThanOrEqual(before + 1e-6);
      }),
    );
  });

  test('without timings, a sighting past the estimate does raise it (a slower Athena is learned)', () => {
    // GIVEN a statement seen still running at twice its estimate, then ended
    const estimator = new LatencyEstimator(PRIOR);
    const planner = new PollPlanner({}, estimator);
    const before = estimator.expectMs(100);
    planner.started('q', 100, 0);
    planner.stillRunning('q', 2 * before);
    planner.ended('q', 2 * before + 300);
    // THEN the estimate is at least what was seen
    expect(estimator.expectMs(100)).toBeGreaterThanOrEqual(2 * before);
  });
});
