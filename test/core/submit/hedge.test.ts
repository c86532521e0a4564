/**
 * When a straggler earns a second execution: the pure rules of lambda/core/submit/hedge.ts and
 * the choice among executions in flight (executions.ts). The examples restate the rules in
 * plain numbers; the properties hold for any slots and timings.
 */
import fc from 'fast-check';
import { clientRequestToken } from '../../../lambda/core/submit/attempts';
import { Executions } from '../../../lambda/core/submit/executions';
import { type HedgeSlots, shouldHedge } from '../../../lambda/core/submit/hedge';
import type { Flight } from '../../../lambda/core/submit/scheduler-options';
import { sampleStatements } from '../../support/core-fakes';

const TAIL: HedgeSlots = {
  now: 1_000_000,
  startDeadline: Infinity,
  inFlight: 3,
  limit: 18,
  hedgesInFlight: 0,
  workWaiting: false,
  measuredEnds: 20,
};

describe('shouldHedge, in numbers', () => {
  test.each([
    // [what, seen running ms, expected ms, slots, hedge?]
    ['tail: 2.9 × a 10-s median is within the noise', 29_000, 10_000, TAIL, false],
    ['tail: 3.1 × a 10-s median is a straggler', 31_000, 10_000, TAIL, true],
    ['tail: a 1-s statement needs 5 s past its median, not 3 ×', 5_900, 1000, TAIL, false],
    ['tail: a 1-s statement 6.1 s in is a straggler', 6_100, 1000, TAIL, true],
    [
      'work waiting: 3.5 × takes no slot from new work',
      35_000,
      10_000,
      { ...TAIL, workWaiting: true },
      false,
    ],
    ['work waiting: 4.1 × does', 41_000, 10_000, { ...TAIL, workWaiting: true }, true],
    [
      'work waiting: not past the cap of hedges in flight (¼ of 18 = 4)',
      41_000,
      10_000,
      { ...TAIL, workWaiting: true, hedgesInFlight: 4 },
      false,
    ],
    [
      'a limit of 2 still allows one hedge',
      41_000,
      10_000,
      { ...TAIL, workWaiting: true, limit: 2, inFlight: 1 },
      true,
    ],
    ['four ends measured are not yet a prediction', 90_000, 10_000, { ...TAIL, measuredEnds: 4 }, false],
    ['no slot free within the limit', 90_000, 10_000, { ...TAIL, inFlight: 18 }, false],
    ['at the start deadline', 90_000, 10_000, { ...TAIL, startDeadline: TAIL.now }, false],
  ])('%s', (_what, seenRunningMs, expectedMs, slots, expected) => {
    // GIVEN an execution seen running for seenRunningMs, WHEN asked THEN the answer is as stated
    expect(shouldHedge({ seenRunningMs, expectedMs, hedged: false }, slots)).toBe(expected);
  });
});

const slotsArb = fc.record({
  now: fc.integer({ min: 0, max: 10_000_000 }),
  startDeadline: fc.oneof(fc.constant(Infinity), fc.integer({ min: 0, max: 10_000_000 })),
  inFlight: fc.integer({ min: 0, max: 25 }),
  limit: fc.integer({ min: 1, max: 20 }),
  hedgesInFlight: fc.integer({ min: 0, max: 20 }),
  workWaiting: fc.boolean(),
  measuredEnds: fc.integer({ min: 0, max: 50 }),
});
const candidateArb = fc.record({
  seenRunningMs: fc.integer({ min: 0, max: 3_600_000 }),
  expectedMs: fc.integer({ min: 1, max: 600_000 }),
  hedged: fc.boolean(),
});

describe('shouldHedge, properties', () => {
  test('never before five ends were measured, past the start deadline, at the limit, or twice', () => {
    fc.assert(
      fc.property(candidateArb, slotsArb, (candidate, slots) => {
        // GIVEN any candidate and slots WHEN the rule says hedge
        if (!shouldHedge(candidate, slots)) return;
        // THEN every guard held
        expect(slots.measuredEnds).toBeGreaterThanOrEqual(5);
        expect(slots.now).toBeLessThan(slots.startDeadline);
        expect(slots.inFlight).toBeLessThan(slots.limit);
        expect(candidate.hedged).toBe(false);
        // AND the statement is at least 3 × and 5 s past what Athena predicts
        expect(candidate.seenRunningMs).toBeGreaterThanOrEqual(3 * candidate.expectedMs);
        expect(candidate.seenRunningMs).toBeGreaterThanOrEqual(candidate.expectedMs + 5000);
      }),
      { numRuns: 2000 },
    );
  });

  test('a straggler that qualifies keeps qualifying as it runs longer (monotone in time)', () => {
    fc.assert(
      fc.property(candidateArb, slotsArb, fc.integer({ min: 0, max: 600_000 }), (candidate, slots, more) => {
        if (!shouldHedge(candidate, slots)) return;
        expect(shouldHedge({ ...candidate, seenRunningMs: candidate.seenRunningMs + more }, slots)).toBe(
          true,
        );
      }),
    );
  });
});

describe('Executions.pickHedge', () => {
  const flights = (count: number): Flight[] =>
    sampleStatements(count, 10).map((statement) => ({ statement, attempt: 1, queryIds: [], startErrors: 0 }));

  test('picks each statement at most once and never fills past the limit (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 200_000 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        (runningMs, limit, workWaiting) => {
          // GIVEN executions seen running for various times, expected to take 10 s each
          const executions = new Executions();
          const all = flights(runningMs.length);
          all.forEach((flight, i) => {
            executions.add(`q${i}`, flight, 0);
            const execution = executions.get(`q${i}`);
            if (execution) execution.seenRunningAt = runningMs[i];
          });
          const slots = { now: 300_000, startDeadline: Infinity, limit, workWaiting, measuredEnds: 10 };
          // WHEN hedges are picked and started until none is allowed
          const picked: number[] = [];
          for (let n = 0; n < 50; n++) {
            const flight = executions.pickHedge(slots, () => 10_000);
            if (!flight) break;
            picked.push(flight.statement.index);
            executions.add(`h${n}`, flight, 300_000, true);
            // THEN the executions in flight never pass the limit
            expect(executions.size).toBeLessThanOrEqual(limit);
          }
          // AND no statement got two hedges
          expect(new Set(picked).size).toBe(picked.length);
          // AND only stragglers were picked
          for (const index of picked) expect(runningMs[index]).toBeGreaterThanOrEqual(30_000);
        },
      ),
    );
  });

  test('a statement whose hedge ended gets no second hedge', () => {
    // GIVEN a straggler already hedged once, its hedge gone
    const executions = new Executions();
    const [flight] = flights(1);
    executions.add('q0', flight, 0);
    const original = executions.get('q0');
    if (original) original.seenRunningAt = 100_000;
    const slots = { now: 100_000, startDeadline: Infinity, limit: 4, workWaiting: false, measuredEnds: 10 };
    expect(executions.pickHedge(slots, () => 10_000)).toBe(flight);
    executions.add('h0', flight, 100_000, true);
    executions.delete('h0');
    // WHEN asked again THEN it is not picked
    expect(executions.pickHedge(slots, () => 10_000)).toBeUndefined();
  });
});

describe("a hedge's ClientRequestToken", () => {
  test('differs from the original and is the same for a retried invocation', () => {
    // GIVEN one statement, one invocation seed, two different per-invocation nonces
    const [statement] = sampleStatements(1);
    const original = clientRequestToken('req-1', statement, 1, 'nonce-a');
    const hedge = clientRequestToken('req-1', statement, 1, 'nonce-a', true);
    // THEN the hedge has its own token (Athena would hand back the straggler otherwise)
    expect(hedge).not.toBe(original);
    expect(hedge).toMatch(/^[0-9a-f]{64}$/);
    // AND a retried invocation (same seed, new nonce) derives the same hedge token
    expect(clientRequestToken('req-1', statement, 1, 'nonce-b', true)).toBe(hedge);
    // AND the original's token is unchanged by the new argument
    expect(clientRequestToken('req-1', statement, 1, 'nonce-a', false)).toBe(original);
  });
});
