import fc from 'fast-check';
import { LatencyEstimator } from '../../../lambda/core/submit/latency';
import { PollPlanner } from '../../../lambda/core/submit/poll-plan';

const PRIOR = { fixedMs: 1500, perPartitionMs: 35 };

/** An Athena written apart from the estimator: each statement takes truth(n) on Athena's clock. */
interface Flight {
  readonly id: string;
  readonly partitions: number;
  readonly startedAt: number;
}

/**
 * Drives the planner as the scheduler does: sleep its delay, one status call, settle each flight.
 * Returns the status calls made and when each end was seen, until every flight ended.
 */
function drive(
  planner: PollPlanner,
  flights: Flight[],
  truth: (n: number) => number,
  from: number,
): { calls: number; seenAt: Map<string, number>; now: number } {
  let now = from;
  let calls = 0;
  const seenAt = new Map<string, number>();
  const open = new Set(flights);
  while (open.size > 0 && calls < 1000) {
    now += planner.delayMs(now);
    calls++;
    for (const flight of [...open]) {
      const endsAt = flight.startedAt + truth(flight.partitions);
      if (now >= endsAt) {
        planner.ended(flight.id, now, { submittedAtMs: flight.startedAt, completedAtMs: endsAt });
        seenAt.set(flight.id, now);
        open.delete(flight);
      } else planner.stillRunning(flight.id, now);
    }
  }
  return { calls, seenAt, now };
}

function start(planner: PollPlanner, id: string, partitions: number, now: number): Flight {
  planner.started(id, partitions, now);
  return { id, partitions, startedAt: now };
}

describe('LatencyEstimator.fromHistory: Athena latency known before the first end', () => {
  test('without samples it is the plain prior, unknown', () => {
    // GIVEN no history
    const estimator = LatencyEstimator.fromHistory([], PRIOR);
    // THEN it knows nothing, and expects what the prior says
    expect(estimator.known).toBe(false);
    expect(estimator.expectMs(100)).toBe(PRIOR.fixedMs + 100 * PRIOR.perPartitionMs);
  });

  test("a statement's first check lands at its expected end: at most one short re-check after (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 20, noNaN: true }),
        fc.integer({ min: 1, max: 3000 }),
        (k, n) => {
          // GIVEN an Athena k × the prior, and history samples of three sizes from it
          const truth = (p: number): number => k * (PRIOR.fixedMs + PRIOR.perPartitionMs * p);
          // (a check never lies past pollMaxMs, 60 s: longer statements are checked by then)
          fc.pre(truth(n) < 60_000);
          const history = [51, 17, 1300].map((p) => ({ partitions: p, ms: truth(p) }));
          const planner = new PollPlanner({}, LatencyEstimator.fromHistory(history, PRIOR));
          // WHEN one statement of n partitions starts
          const flight = start(planner, 'q', n, 0);
          const firstCallAt = planner.delayMs(0);
          const run = drive(planner, [flight], truth, 0);
          // THEN the first status call is planned at its end (to the ms: the fit is exact, up to
          // rounding), and one short re-check at most (a rounding that lands a hair early) sees it
          expect(Math.abs(firstCallAt - truth(n))).toBeLessThan(1);
          expect(run.calls).toBeLessThanOrEqual(2);
          expect(run.seenAt.get('q')).toBeLessThan(truth(n) + 300);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("one own measurement replaces fifteen history samples: they never outvote the run's", () => {
    // GIVEN fifteen history samples, all 10 × slower than this Athena
    const truth = (p: number): number => 800 + 20 * p;
    const history = Array.from({ length: 15 }, (_, i) => ({ partitions: 50 + i, ms: 10 * truth(50 + i) }));
    const estimator = LatencyEstimator.fromHistory(history, PRIOR);
    expect(estimator.expectMs(51)).toBeCloseTo(10 * truth(51), -1);
    // WHEN the run measures one statement of its own
    estimator.observe(51, truth(51));
    // THEN that measurement decides the estimate for its size
    expect(estimator.expectMs(51)).toBeCloseTo(truth(51), 6);
  });

  describe('a stale history costs the first wave at most, in both directions', () => {
    const truth = (p: number): number => 1000 + 30 * p;
    const wave = (planner: PollPlanner, at: number): Flight[] =>
      [200, 220, 240, 260].map((p, i) => start(planner, `w${at}-${i}`, p, at));

    test.each([
      ['10 × too slow', 10],
      ['10 × too fast', 0.1],
    ])('history %s: the second wave is checked at its true end', (_name, factor) => {
      // GIVEN history samples that are `factor` × this Athena
      const history = [100, 300, 500].map((p) => ({ partitions: p, ms: factor * truth(p) }));
      const planner = new PollPlanner({}, LatencyEstimator.fromHistory(history, PRIOR));
      // WHEN a first wave runs to its end, then a second wave starts
      const first = drive(planner, wave(planner, 0), truth, 0);
      const second = drive(planner, wave(planner, first.now), truth, first.now);
      // THEN the first wave is seen late (too slow) or after re-checks (too fast) …
      if (factor > 1) expect(first.now).toBeGreaterThan(5 * truth(260));
      else expect(first.calls).toBeGreaterThan(2);
      // … and the second, learned from the first, is seen within a few hundred ms of each end,
      // in at most one call per statement
      for (const [id, seen] of second.seenAt) {
        const p = [200, 220, 240, 260][Number(id.split('-')[1])];
        expect(seen - (first.now + truth(p))).toBeLessThan(600);
      }
      expect(second.calls).toBeLessThanOrEqual(4);
    });

    test('statements in flight when the first own end arrives are re-planned by it', () => {
      // GIVEN history 10 × too slow, and a short and a long statement started together
      const history = [100, 300, 500].map((p) => ({ partitions: p, ms: 10 * truth(p) }));
      const planner = new PollPlanner({}, LatencyEstimator.fromHistory(history, PRIOR));
      start(planner, 'short', 50, 0);
      start(planner, 'long', 400, 0);
      // WHEN a status call sees the short one end (its first own measurement)
      const now = truth(50) + 5;
      planner.ended('short', now, { submittedAtMs: 0, completedAtMs: truth(50) });
      // THEN the long one is checked at its true end, not at the history's 10 × later one
      expect(now + planner.delayMs(now)).toBeLessThan(1.5 * truth(400));
    });
  });
});
