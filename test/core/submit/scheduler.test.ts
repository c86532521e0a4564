/**
 * The scheduler's timing: polls come when statements are expected to end (learned from the
 * ones that ended), the tail is short, and an Athena call that keeps failing ends the run
 * within the API patience with an outcome for every statement.
 */
import fc from 'fast-check';
import { LatencyEstimator } from '../../../lambda/core/submit/latency';
import { PortError } from '../../../lambda/core/shared/ports';
import { submitStatements } from '../../../lambda/core/submit/submit';
import { sampleStatements, ScriptedAthena, VirtualClock } from '../../support/core-fakes';

/** Athena whose statements take fixed + perPartition × n ms, like the public figure. */
const linear =
  (fixedMs: number, perPartitionMs: number) =>
  ({ sql }: { readonly sql: string }) => ({
    kind: 'start' as const,
    plan: { runMs: fixedMs + perPartitionMs * (sql.match(/PARTITION \(/g) ?? []).length },
  });

describe('polling fits the work', () => {
  test('status calls stay below statements × 3 when DDL latency is near the public figure (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 10, max: 60 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1000, max: 2500 }),
        fc.integer({ min: 25, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        async (count, perStatement, fixedMs, perPartitionMs, maxConcurrent) => {
          // GIVEN statements whose latency grows with their size, unknown to the scheduler
          const clock = new VirtualClock();
          const athena = new ScriptedAthena(clock, { script: linear(fixedMs, perPartitionMs) });
          const statements = sampleStatements(count, perStatement);
          // WHEN they are submitted
          const result = await submitStatements(statements, athena, {
            maxConcurrent,
            tokenSeed: 'seed',
            clock,
          });
          // THEN all succeed, with fewer than 3 status calls per statement
          expect(result.succeeded).toBe(count);
          expect(result.pollCalls).toBeLessThan(count * 3);
        },
      ),
      { numRuns: 40 },
    );
  });

  test('after the first statements end, the next ones are polled once, close to their end', async () => {
    // GIVEN 40 statements of 100 partitions, each running 1.5 s + 37 ms × 100 = 5.2 s, 4 at a time
    const clock = new VirtualClock();
    const athena = new ScriptedAthena(clock, { script: linear(1500, 37) });
    // WHEN submitted
    const result = await submitStatements(sampleStatements(40, 100), athena, {
      maxConcurrent: 4,
      tokenSeed: 'seed',
      clock,
    });
    // THEN about one call per wave of 4 after learning: well under one per statement
    expect(result.succeeded).toBe(40);
    expect(result.pollCalls).toBeLessThan(20);
    // AND each wave's end is seen within a few hundred ms (10 waves of 5.2 s)
    expect(clock.elapsed()).toBeLessThan(10 * 5200 + 10 * 300);
  });
});

describe('the scheduler measures Athena instead of assuming the prior', () => {
  const cases = [
    {
      name: "ten times faster than the prior, with Athena's dates",
      runMs: 520,
      timings: 'dates',
      slack: 1.25,
    },
    {
      name: 'ten times faster than the prior, with statistics only',
      runMs: 520,
      timings: 'statistics',
      slack: 1.25,
    },
    // Without Athena's clock only the observed window is known: a check at 0.5 s, then 0.75 s.
    { name: 'ten times faster than the prior, without any timing', runMs: 520, timings: 'none', slack: 1.5 },
    { name: 'three times slower than the prior', runMs: 15_600, timings: 'dates', slack: 1.25 },
  ] as const;
  test.each(cases)(
    "$name: each wave's end is seen soon, with few status calls",
    async ({ runMs, timings, slack }) => {
      // GIVEN 40 statements of 100 partitions (the prior says 5 s each), 4 at a time, taking runMs
      const clock = new VirtualClock();
      const athena = new ScriptedAthena(clock, {
        script: () => ({ kind: 'start', plan: { runMs } }),
        timings,
      });
      // WHEN submitted
      const result = await submitStatements(sampleStatements(40, 100), athena, {
        maxConcurrent: 4,
        tokenSeed: 'seed',
        clock,
      });
      // THEN all succeed close to the 10 waves Athena needs (the prior would idle each slot 5 s)
      expect(result.succeeded).toBe(40);
      expect(clock.elapsed()).toBeLessThan(10 * runMs * slack + 1000);
      // AND status calls stay below 3 per statement
      expect(result.pollCalls).toBeLessThan(40 * 3);
    },
  );
});

describe('an estimate never delays a check past the patience or the deadline', () => {
  test('long statements under a 20-s patience and a deadline: no gap between status calls exceeds either', async () => {
    // GIVEN statements of 3,000 partitions (the prior says 106 s) that take 90 s, a 20-s patience,
    // and a wait deadline 200 s away
    const clock = new VirtualClock();
    const calls: number[] = [];
    const athena = new ScriptedAthena(clock, {
      script: () => ({ kind: 'start', plan: { runMs: 90_000 } }),
      pollScript: () => {
        calls.push(clock.now());
        return undefined;
      },
    });
    const result = await submitStatements(sampleStatements(4, 3000), athena, {
      maxConcurrent: 2,
      tokenSeed: 'seed',
      clock,
      apiPatienceMs: 20_000,
      waitDeadline: clock.start + 200_000,
    });
    // THEN every gap between status calls is within the patience, and none lies past the deadline
    const gaps = calls.slice(1).map((t, i) => t - calls[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(20_000);
    expect(Math.max(...calls)).toBeLessThanOrEqual(clock.start + 200_000);
    expect(result.succeeded).toBe(4);
  });
});

describe('LatencyEstimator', () => {
  test('learns a linear latency from statements of different sizes', () => {
    // GIVEN observations of 2 s + 10 ms per partition
    const estimator = new LatencyEstimator({ fixedMs: 1000, perPartitionMs: 1 });
    for (const n of [10, 100, 500, 1000]) estimator.observe(n, 2000 + 10 * n);
    // WHEN a new size is estimated THEN the fit is exact
    expect(estimator.expectMs(700)).toBeCloseTo(9000, 5);
  });

  test('scales the prior while only one size has been seen', () => {
    // GIVEN statements of one size that took twice the prior
    const estimator = new LatencyEstimator({ fixedMs: 1000, perPartitionMs: 10 });
    estimator.observe(100, 4000);
    estimator.observe(100, 4000);
    // WHEN another size is estimated THEN the prior's shape, scaled by 2
    expect(estimator.expectMs(200)).toBeCloseTo(6000, 5);
    // AND with nothing observed, the prior itself
    expect(new LatencyEstimator({ fixedMs: 1000, perPartitionMs: 10 }).expectMs(50)).toBe(1500);
  });
});

describe('every wait ends: the API patience', () => {
  test('status calls failing forever end the run after the patience; running statements are unconfirmed', async () => {
    // GIVEN an Athena whose every status call answers a server error, and 6 statements
    const clock = new VirtualClock();
    const athena = new ScriptedAthena(clock, {
      pollScript: () =>
        new PortError(
          'transient',
          'athena unavailable BatchGetQueryExecution: InternalServerException: boom',
        ),
    });
    // WHEN submitted with 2 at a time and a 60-s patience, no deadline (the CLI)
    const result = await submitStatements(sampleStatements(6, 1), athena, {
      maxConcurrent: 2,
      tokenSeed: 'seed',
      clock,
      apiPatienceMs: 60_000,
    });
    // THEN the run ended after about the patience, with a bounded number of calls
    expect(clock.elapsed()).toBeGreaterThanOrEqual(60_000);
    expect(clock.elapsed()).toBeLessThan(90_000);
    expect(result.pollCalls).toBeLessThan(40);
    // AND every statement has an outcome: 2 unconfirmed naming the operation and error, 4 not submitted
    expect(result.unconfirmed).toHaveLength(2);
    for (const problem of result.unconfirmed) {
      expect(problem.reason).toMatch(
        /kept failing for 60 s \(api patience\): .*BatchGetQueryExecution: InternalServerException/,
      );
    }
    expect(result.notSubmitted.statements).toBe(4);
    expect(result.stopReason).toMatch(/athena status calls kept failing/);
  });

  test('starts failing forever end the run after the patience; nothing is left without an outcome', async () => {
    // GIVEN an Athena whose every start answers a server error
    const clock = new VirtualClock();
    const error = new PortError(
      'transient',
      'athena unavailable StartQueryExecution: InternalServerException: down',
    );
    const athena = new ScriptedAthena(clock, { script: () => ({ kind: 'refuse', error }) });
    // WHEN 500 statements are submitted with a 120-s patience
    const result = await submitStatements(sampleStatements(500, 1), athena, {
      maxConcurrent: 4,
      tokenSeed: 'seed',
      clock,
      apiPatienceMs: 120_000,
    });
    // THEN the run ends within the patience plus one backoff, not after 500 × 4 attempts
    expect(clock.elapsed()).toBeLessThan(120_000 + 20_000);
    expect(result.statements).toBe(500);
    expect(result.failed.length + result.notSubmitted.statements).toBe(500);
    expect(result.stopReason).toMatch(/StartQueryExecution kept failing for 120 s .*InternalServerException/);
  });
});
