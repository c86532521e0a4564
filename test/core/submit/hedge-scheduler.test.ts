/**
 * Hedged re-execution in the scheduler, against the scripted fake Athena on virtual time: a
 * straggler far past what Athena's recent timings predict gets a second execution, the first to
 * succeed settles the statement, the other is stopped, and every statement still has exactly
 * one outcome.
 */
import fc from 'fast-check';
import { PortError, type AthenaPort } from '../../../lambda/core/shared/ports';
import type { StatementOutcome } from '../../../lambda/core/submit/outcomes';
import { submitStatements } from '../../../lambda/core/submit/submit';
import {
  type QueryPlan,
  sampleStatements,
  ScriptedAthena,
  type StartContext,
  VirtualClock,
} from '../../support/core-fakes';

const STATEMENTS = sampleStatements(12, 5);
/** Late enough that Athena's latency is known (8 statements have ended) when it straggles. */
const STRAGGLER = STATEMENTS[9];

/**
 * Every statement takes 1 s; the straggler's first execution `first`, any later one `again`.
 * Each is queued for 100 ms unless the plan says otherwise (Athena reports small DDL queued for
 * 0.1–0.15 s; a straggler runs, it does not wait in the queue).
 */
function story(first: QueryPlan, again: QueryPlan = { runMs: 1000 }) {
  return ({ sql, executionsOfSql }: StartContext) => ({
    kind: 'start' as const,
    plan: {
      queuedMs: 100,
      ...(sql !== STRAGGLER.sql ? { runMs: 1000 } : executionsOfSql === 0 ? first : again),
    },
  });
}

async function run(athena: AthenaPort, clock: VirtualClock, options: { hedging?: boolean } = {}) {
  const outcomes: StatementOutcome[] = [];
  const result = await submitStatements(STATEMENTS, athena, {
    maxConcurrent: 4,
    tokenSeed: 'seed',
    clock,
    onOutcome: (outcome) => outcomes.push(outcome),
    ...options,
  });
  // Hedges take slots within the limit: Athena never ran more than 4 at once.
  if (athena instanceof ScriptedAthena) expect(athena.maxRunning).toBeLessThanOrEqual(4);
  // Exactly one outcome per statement, whatever happened to its executions.
  expect(outcomes.map((o) => o.statement.index).sort((a, b) => a - b)).toEqual(
    STATEMENTS.map((s) => s.index),
  );
  const straggler = outcomes.find((o) => o.statement.index === STRAGGLER.index) as StatementOutcome;
  return { result, straggler };
}

describe('hedged re-execution of a straggler', () => {
  test('the hedge wins: the statement succeeds and the straggler is stopped', async () => {
    // GIVEN statements of 1 s, and one whose first execution Athena keeps for 10 minutes
    const clock = new VirtualClock();
    const athena = new ScriptedAthena(clock, { script: story({ runMs: 600_000 }) });
    // WHEN submitted
    const { result, straggler } = await run(athena, clock);
    // THEN every statement succeeded, the straggler through its hedge
    expect(result.succeeded).toBe(12);
    expect(result.hedges).toEqual({ started: 1, won: 1, stopped: 1 });
    expect(straggler).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(straggler.queryIds).toHaveLength(2);
    // AND the original execution was stopped while it still ran
    expect(athena.stops).toEqual([
      expect.objectContaining({ queryId: straggler.queryIds[0], wasRunning: true }),
    ]);
    // AND the run did not wait for the 10-minute draw
    expect(clock.elapsed()).toBeLessThan(60_000);
  });

  test('the original wins: the hedge is stopped and does not count as won', async () => {
    // GIVEN a straggler of 12 s whose hedge Athena would keep for 10 minutes
    const clock = new VirtualClock();
    const athena = new ScriptedAthena(clock, { script: story({ runMs: 12_000 }, { runMs: 600_000 }) });
    // WHEN submitted
    const { result, straggler } = await run(athena, clock);
    // THEN the original settled the statement and its hedge was stopped
    expect(result.succeeded).toBe(12);
    expect(result.hedges).toEqual({ started: 1, won: 0, stopped: 1 });
    expect(athena.stops).toEqual([
      expect.objectContaining({ queryId: straggler.queryIds[1], wasRunning: true }),
    ]);
    expect(clock.elapsed()).toBeLessThan(60_000);
  });

  test('the original fails while the hedge runs: the statement waits for the hedge', async () => {
    // GIVEN a straggler that fails for good after 20 s, and a hedge that succeeds in 1 s
    const clock = new VirtualClock();
    const failing = { runMs: 20_000, state: 'FAILED' as const, reason: 'HIVE_METASTORE_ERROR' };
    const athena = new ScriptedAthena(clock, { script: story(failing, { runMs: 25_000 }) });
    // WHEN submitted
    const { result, straggler } = await run(athena, clock);
    // THEN the failure did not settle it: the hedge's success did, with no retry
    expect(straggler).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(result).toMatchObject({ succeeded: 12, retried: 0, failed: [] });
    expect(result.hedges).toMatchObject({ started: 1, won: 1 });
  });

  test('the hedge fails while the original runs: the original still settles it', async () => {
    // GIVEN a straggler of 30 s whose hedge fails after 1 s
    const clock = new VirtualClock();
    const athena = new ScriptedAthena(clock, {
      script: story({ runMs: 30_000 }, { runMs: 1000, state: 'FAILED', reason: 'HIVE_METASTORE_ERROR' }),
    });
    // WHEN submitted
    const { result, straggler } = await run(athena, clock);
    // THEN the statement succeeded with its original, nothing retried or stopped
    expect(straggler).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(result).toMatchObject({ succeeded: 12, retried: 0, failed: [] });
    expect(result.hedges).toEqual({ started: 1, won: 0, stopped: 0 });
    expect(athena.stops).toEqual([]);
  });

  test('a throttled hedge start is dropped for now and fails nothing', async () => {
    // GIVEN Athena refuses every second execution of the straggler for its quota
    const clock = new VirtualClock();
    const tooMany = new PortError('throttled', 'Too many queries', 'TooManyRequestsException');
    const athena = new ScriptedAthena(clock, {
      script: (context) =>
        context.sql === STRAGGLER.sql && context.executionsOfSql > 0
          ? { kind: 'refuse', error: tooMany }
          : story({ runMs: 40_000 })(context),
    });
    // WHEN submitted
    const { result, straggler } = await run(athena, clock);
    // THEN the hedge was tried and refused, and the statement succeeded with its original
    expect(athena.starts.some((s) => s.sql === STRAGGLER.sql && s.result === 'refused')).toBe(true);
    expect(straggler).toMatchObject({ status: 'succeeded', queryIds: [expect.any(String)] });
    expect(result).toMatchObject({ succeeded: 12, failed: [], unconfirmed: [] });
    expect(result.hedges.started).toBe(0);
  });

  test('a hedge start lost to a server error is tried again with the same token, and wins', async () => {
    // GIVEN the straggler's hedge start fails once with a server error (Athena may have started it)
    const clock = new VirtualClock();
    const serverError = new PortError('transient', 'Internal error', 'InternalServerException');
    let refused = 0;
    const athena = new ScriptedAthena(clock, {
      script: (context) =>
        context.sql === STRAGGLER.sql && context.executionsOfSql > 0 && refused++ === 0
          ? { kind: 'refuse', error: serverError }
          : story({ runMs: 600_000 })(context),
    });
    // WHEN submitted
    const { result, straggler } = await run(athena, clock);
    // THEN the hedge was started on the second try, with the token of the first, and settled it
    const hedgeStarts = athena.starts.filter((s) => s.sql === STRAGGLER.sql).slice(1);
    expect(hedgeStarts.map((s) => s.result)).toEqual(['refused', 'started']);
    expect(hedgeStarts[0].token).toBe(hedgeStarts[1].token);
    expect(straggler).toMatchObject({ status: 'succeeded' });
    expect(result.hedges).toMatchObject({ started: 1, won: 1 });
  });

  test('a straggler Athena still reports QUEUED is not hedged: a second one would queue beside it', async () => {
    // GIVEN a straggler that stays queued for 10 minutes (Athena out of capacity)
    const clock = new VirtualClock();
    const athena = new ScriptedAthena(clock, { script: story({ runMs: 600_000, queuedMs: 600_000 }) });
    // WHEN submitted
    const { result, straggler } = await run(athena, clock);
    // THEN no hedge, and the statement succeeded with its one execution
    expect(result.hedges.started).toBe(0);
    expect(straggler).toMatchObject({ status: 'succeeded', queryIds: [expect.any(String)] });
  });

  test('without StopQueryExecution the loser runs on, and the run does not wait for it', async () => {
    // GIVEN a port that cannot stop queries, and a 10-minute straggler
    const clock = new VirtualClock();
    const fake = new ScriptedAthena(clock, { script: story({ runMs: 600_000 }) });
    const athena: AthenaPort = {
      startQuery: (sql, token) => fake.startQuery(sql, token),
      getQueryStates: (ids) => fake.getQueryStates(ids),
    };
    // WHEN submitted
    const { result } = await run(athena, clock);
    // THEN the hedge settled it, nothing was stopped, and the run ended long before the straggler
    expect(result).toMatchObject({ succeeded: 12, hedges: { started: 1, won: 1, stopped: 0 } });
    expect(clock.elapsed()).toBeLessThan(60_000);
  });

  test('a stop refused for a passing reason is tried again, at most 3 times; the statement stays succeeded', async () => {
    // GIVEN StopQueryExecution keeps failing with a server error
    const clock = new VirtualClock();
    const athena = new ScriptedAthena(clock, {
      script: story({ runMs: 600_000 }),
      stopScript: () => new PortError('transient', 'InternalServerException', 'InternalServerException'),
    });
    // WHEN submitted
    const { result, straggler } = await run(athena, clock);
    // THEN the stop was tried more than once but never more than 3 times, and the outcome is one success
    expect(athena.stops.length).toBeGreaterThanOrEqual(2);
    expect(athena.stops.length).toBeLessThanOrEqual(3);
    expect(straggler.status).toBe('succeeded');
    expect(result).toMatchObject({ succeeded: 12, hedges: { started: 1, won: 1, stopped: 0 } });
  });

  test('a stop refused for good (access denied) is not tried again', async () => {
    // GIVEN a principal without athena:StopQueryExecution
    const clock = new VirtualClock();
    const athena = new ScriptedAthena(clock, {
      script: story({ runMs: 600_000 }),
      stopScript: () => new PortError('access-denied', 'not authorized', 'AccessDeniedException'),
    });
    // WHEN submitted
    const { result } = await run(athena, clock);
    // THEN one stop call, and the run still ends long before the straggler
    expect(athena.stops).toHaveLength(1);
    expect(result).toMatchObject({ succeeded: 12, hedges: { started: 1, won: 1, stopped: 0 } });
    expect(clock.elapsed()).toBeLessThan(60_000);
  });

  test('a stopped loser holds its slot until Athena reports it CANCELLED: no start takes it before', async () => {
    // GIVEN 40 statements of 1 s, 4 at a time, a straggler among the first ones, and a stop
    // that takes Athena 3 s to carry out
    const statements = sampleStatements(40, 5);
    const straggler = statements[9];
    const clock = new VirtualClock();
    const athena = new ScriptedAthena(clock, {
      stopTakesMs: 3000,
      script: ({ sql, executionsOfSql }) => ({
        kind: 'start' as const,
        plan: { queuedMs: 100, runMs: sql === straggler.sql && executionsOfSql === 0 ? 600_000 : 1000 },
      }),
    });
    // WHEN submitted
    const result = await submitStatements(statements, athena, { maxConcurrent: 4, tokenSeed: 'seed', clock });
    // THEN the straggler was hedged and its loser stopped while work still waited...
    expect(result).toMatchObject({ succeeded: 40, hedges: { started: 1, won: 1, stopped: 1 } });
    const stop = athena.stops[0];
    expect(athena.starts.filter((s) => s.at > stop.at).length).toBeGreaterThan(0);
    // ...and Athena never ran more than the limit, the cancelling loser included
    expect(athena.maxRunning).toBeLessThanOrEqual(4);
  });

  test('both executions still running at the wait deadline: one unconfirmed outcome naming both', async () => {
    // GIVEN a straggler whose hedge is as slow, and a wait deadline 60 s after the start
    const clock = new VirtualClock();
    const athena = new ScriptedAthena(clock, { script: story({ runMs: 600_000 }, { runMs: 600_000 }) });
    const outcomes: StatementOutcome[] = [];
    // WHEN submitted
    const result = await submitStatements(STATEMENTS, athena, {
      maxConcurrent: 4,
      tokenSeed: 'seed',
      clock,
      waitDeadline: clock.now() + 60_000,
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    // THEN the straggler has exactly one outcome, unconfirmed, listing both executions
    const straggler = outcomes.filter((o) => o.statement.index === STRAGGLER.index);
    expect(straggler).toEqual([expect.objectContaining({ status: 'unconfirmed' })]);
    expect(straggler[0].queryIds).toHaveLength(2);
    expect(result).toMatchObject({ succeeded: 11, hedges: { started: 1, won: 0 } });
    expect(result.unconfirmed).toHaveLength(1);
  });

  test('hedging off: the run waits for the straggler', async () => {
    // GIVEN the 10-minute straggler and hedging turned off
    const clock = new VirtualClock();
    const athena = new ScriptedAthena(clock, { script: story({ runMs: 600_000 }) });
    // WHEN submitted THEN no hedge, and the run lasts as long as the straggler
    const { result } = await run(athena, clock, { hedging: false });
    expect(result.hedges.started).toBe(0);
    expect(clock.elapsed()).toBeGreaterThanOrEqual(600_000);
  });
});

describe('no hedge when latencies are ordinary', () => {
  test('statements near their median are never hedged (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 10, max: 50 }),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 200, max: 3000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.double({ min: 0.7, max: 1.4, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 20 }),
        async (count, partitions, fixedMs, perPartitionMs, jitter, maxConcurrent) => {
          // GIVEN statements whose latency varies within ×0.7 to ×1.4 of a line unknown to the scheduler
          const clock = new VirtualClock();
          const athena = new ScriptedAthena(clock, {
            script: ({ call }) => ({
              kind: 'start',
              plan: {
                runMs: Math.round((fixedMs + perPartitionMs * partitions) * jitter[call % jitter.length]),
              },
            }),
          });
          // WHEN submitted
          const result = await submitStatements(sampleStatements(count, partitions), athena, {
            maxConcurrent,
            tokenSeed: 'seed',
            clock,
          });
          // THEN all succeed and nothing was run twice
          expect(result.succeeded).toBe(count);
          expect(result.hedges.started).toBe(0);
          expect(athena.executionCount).toBe(count);
        },
      ),
      { numRuns: 40 },
    );
  });
});
