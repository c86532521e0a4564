/**
 * A tail handed from one submission to the next (a Step Functions lane): the first returns once
 * everything has started, the second adopts what still runs. Against the scripted fake Athena on
 * one virtual clock shared by both, so Athena sees the two submissions as the lane they are.
 */
import fc from 'fast-check';
import type { Statement } from '../../../lambda/core/partitions/ddl';
import type { CarriedQuery } from '../../../lambda/core/submit/carry';
import type { SubmitResult } from '../../../lambda/core/submit/outcomes';
import { submitStatements } from '../../../lambda/core/submit/submit';
import { type QueryPlan, sampleStatements, ScriptedAthena, VirtualClock } from '../../support/core-fakes';

const LIMIT = 4;
/** The table sampleStatements add partitions to. */
const TABLE = { database: 'cloudtrail', table: 'cloudtrail_logs' };

/** Each statement's plan by its SQL: `plans[i]` for statement i of `statements`. */
function athenaFor(
  clock: VirtualClock,
  statements: readonly Statement[],
  plans: readonly QueryPlan[],
  options: { statusSql?: boolean; again?: QueryPlan } = {},
) {
  const bySql = new Map(statements.map((s, i) => [s.sql, plans[i] ?? { runMs: 1000 }]));
  return new ScriptedAthena(clock, {
    statusSql: options.statusSql,
    script: ({ sql, executionsOfSql }) => ({
      kind: 'start',
      plan: {
        queuedMs: 50,
        ...(executionsOfSql > 0 && options.again ? options.again : (bySql.get(sql) ?? { runMs: 1000 })),
      },
    }),
  });
}

function submit(
  athena: ScriptedAthena,
  clock: VirtualClock,
  statements: readonly Statement[],
  options: {
    adopted?: readonly CarriedQuery[];
    handTailOn?: boolean;
    waitDeadline?: number;
    maxAttempts?: number;
  } = {},
): Promise<SubmitResult> {
  return submitStatements(statements, athena, {
    maxConcurrent: LIMIT,
    tokenSeed: 'lane',
    clock,
    table: TABLE,
    ...options,
  });
}

describe('a tail handed on within a lane', () => {
  const first = sampleStatements(10, 3, { firstDay: '2024-01-01' });
  const second = sampleStatements(6, 3, { firstDay: '2024-03-01' });

  test('the first submission returns once every statement has started, handing on what still runs', async () => {
    // GIVEN 10 statements of 1 s to 5 s over 4 slots
    const clock = new VirtualClock();
    const plans = first.map((_, i) => ({ runMs: 1000 + (i % 5) * 1000 }));
    const athena = athenaFor(clock, [...first, ...second], plans);
    // WHEN submitted with the tail handed on
    const result = await submit(athena, clock, first, { handTailOn: true });
    // THEN every statement started exactly once, and none is unconfirmed or failed
    expect(athena.starts.filter((s) => s.result === 'started')).toHaveLength(10);
    expect(result.unconfirmed).toHaveLength(0);
    expect(result.failed).toHaveLength(0);
    // AND what had not ended is handed on, with its IDs, size and start time
    const handed = result.carry?.handedOn ?? [];
    expect(handed.length).toBeGreaterThan(0);
    expect(result.succeeded + handed.length).toBe(10);
    for (const query of handed) {
      const start = athena.starts.find((s) => s.queryId === query.ids[0]);
      expect(query).toEqual({
        ids: [start?.queryId],
        partitions: 3,
        startedAt: start?.at,
        starts: [start?.at],
      });
    }
    // AND it returned at the last start's first status call, not at the last end
    const lastEnd = Math.max(...athena.starts.map((s, i) => s.at + (plans[i]?.runMs ?? 0)));
    expect(clock.now()).toBeLessThan(lastEnd);
  });

  test('the next submission adopts the tail: its slots count, its ends are confirmed', async () => {
    // GIVEN the first submission's tail
    const clock = new VirtualClock();
    const plans = first.map((_, i) => ({ runMs: 1000 + (i % 5) * 1000 }));
    const athena = athenaFor(clock, [...first, ...second], plans);
    const handed = (await submit(athena, clock, first, { handTailOn: true })).carry?.handedOn ?? [];
    const handedAt = clock.now();
    // WHEN the next chunk's statements are submitted with it
    const result = await submit(athena, clock, second, { adopted: handed });
    // THEN each adopted query is confirmed once, with its partitions, and never started again
    expect(result.carry).toMatchObject({
      confirmed: handed.length,
      partitionsConfirmed: 3 * handed.length,
      failed: [],
      handedOn: [],
    });
    expect(athena.starts.filter((s) => s.result === 'started')).toHaveLength(16);
    expect(result.succeeded).toBe(6);
    // AND Athena never ran more than the limit, across both submissions
    expect(athena.maxRunning).toBeLessThanOrEqual(LIMIT);
    // AND the second chunk started before the first chunk's tail had ended: the lane overlapped
    const secondStarts = athena.starts.slice(10).map((s) => s.at);
    expect(Math.min(...secondStarts)).toBeLessThan(handedAt + Math.max(...plans.map((p) => p.runMs)));
  });

  test('an adopted query that fails, its text unknown, is reported, not retried, and stops the hand-off', async () => {
    // GIVEN a tail whose last query fails in Athena, which does not say the query's text
    const clock = new VirtualClock();
    const plans = first.map((_, i) =>
      i === 9 ? { runMs: 5000, state: 'FAILED' as const, reason: 'boom' } : { runMs: 1000 },
    );
    const athena = athenaFor(clock, first, plans, { statusSql: false });
    const handed = (await submit(athena, clock, first, { handTailOn: true })).carry?.handedOn ?? [];
    const failing = handed.find(
      (q) => athena.starts.find((s) => s.queryId === q.ids[0])?.sql === first[9]?.sql,
    );
    expect(failing).toBeDefined();
    // WHEN the next submission adopts it and would hand its own tail on
    const many = sampleStatements(16, 3, { firstDay: '2024-05-01' });
    const result = await submit(athena, clock, many, { adopted: handed, handTailOn: true });
    // THEN the failure is reported with Athena's reason, and no execution of it was started again
    expect(result.carry?.failed).toEqual([
      { ids: failing?.ids, partitions: 3, status: 'failed', reason: 'boom' },
    ]);
    expect(athena.starts.filter((s) => s.sql === first[9]?.sql)).toHaveLength(1);
    expect(athena.starts.some((s) => s.sql === '')).toBe(false);
    // AND nothing is handed on: the run waited for everything, so its window can be repaired
    expect(result.carry?.handedOn).toEqual([]);
    expect(result.succeeded).toBe(16);
  });

  test('an adopted straggler whose text is unknown is never hedged; still running at the deadline, it is unconfirmed', async () => {
    // GIVEN a tail with a query Athena keeps for an hour, and 30 statements of 1 s after it
    const clock = new VirtualClock();
    const many = sampleStatements(30, 3, { firstDay: '2024-05-01' });
    const plans = first.map((_, i) => (i === 9 ? { runMs: 3_600_000, queuedMs: 10 } : { runMs: 1000 }));
    const athena = athenaFor(clock, [...first, ...many], plans, { statusSql: false });
    const handed = (await submit(athena, clock, first, { handTailOn: true })).carry?.handedOn ?? [];
    // WHEN the next submission adopts it, with a wait deadline 10 minutes away
    const result = await submit(athena, clock, many, {
      adopted: handed,
      waitDeadline: clock.now() + 600_000,
    });
    // THEN no second execution of it was started (it has no SQL here), yet the own work finished
    expect(athena.starts.filter((s) => s.sql === first[9]?.sql)).toHaveLength(1);
    expect(athena.starts.some((s) => s.sql === '')).toBe(false);
    expect(result.succeeded).toBe(30);
    // AND it is reported unconfirmed, so a retried invocation adopts it again
    expect(result.carry?.failed).toEqual([expect.objectContaining({ status: 'unconfirmed', partitions: 3 })]);
  });

  test('an adopted query learns its text from the status answer: a failure is retried in place', async () => {
    // GIVEN a tail whose last query fails once in Athena, which says each query's text
    const clock = new VirtualClock();
    const plans = first.map((_, i) =>
      i === 9 ? { runMs: 1200, state: 'FAILED' as const, reason: 'boom' } : { runMs: 1000 },
    );
    const athena = athenaFor(clock, first, plans, { again: { runMs: 1000 } });
    const handed = (await submit(athena, clock, first, { handTailOn: true })).carry?.handedOn ?? [];
    // WHEN the next submission adopts it
    const many = sampleStatements(16, 3, { firstDay: '2024-05-01' });
    const result = await submit(athena, clock, many, { adopted: handed });
    // THEN it ran again with the same text and a new token, and is confirmed: nothing to repair
    const runs = athena.starts.filter((s) => s.sql === first[9]?.sql && s.result === 'started');
    expect(runs).toHaveLength(2);
    expect(new Set(runs.map((r) => r.token)).size).toBe(2);
    expect(result.carry).toMatchObject({ confirmed: handed.length, failed: [] });
    expect(result.retried).toBe(1);
  });

  test("an adopted query whose text is not this table's partitions (or not its carried count) is only watched", async () => {
    // GIVEN carried queries that fail in Athena: one whose text adds partitions to another
    // table, one whose text adds 3 partitions where the carry says 5
    const clock = new VirtualClock();
    const [ours] = sampleStatements(1, 3, { firstDay: '2023-01-01' });
    const foreign = (ours as Statement).sql.replace('`cloudtrail_logs`', '`other`');
    const athena = new ScriptedAthena(clock, {
      script: () => ({ kind: 'start', plan: { runMs: 1000, state: 'FAILED', reason: 'boom' } }),
    });
    const a = await athena.startQuery(foreign, 'a'.repeat(32));
    const b = await athena.startQuery((ours as Statement).sql, 'b'.repeat(32));
    // WHEN adopted
    const result = await submit(athena, clock, [], {
      adopted: [
        { ids: [a], partitions: 3, startedAt: clock.now() },
        { ids: [b], partitions: 5, startedAt: clock.now() },
      ],
    });
    // THEN neither ran again: both are reported failed, for the catalog repair
    expect(athena.starts).toHaveLength(2);
    expect(result.carry?.failed.map((f) => f.ids)).toEqual([[a], [b]]);
  });

  test('a chunk whose own statement failed for good keeps its tail: the retry of the invocation would start it again', async () => {
    // GIVEN a statement that fails every attempt, and others that run long
    const clock = new VirtualClock();
    const plans = first.map((_, i) =>
      i === 0 ? { runMs: 500, state: 'FAILED' as const, reason: 'boom' } : { runMs: 10_000 },
    );
    const athena = athenaFor(clock, first, plans, { again: { runMs: 500, state: 'FAILED', reason: 'boom' } });
    // WHEN submitted with the tail handed on
    const result = await submit(athena, clock, first, { handTailOn: true, maxAttempts: 2 });
    // THEN the failure is reported and nothing is handed on: every other statement was waited for
    expect(result.failed).toHaveLength(1);
    expect(result.carry?.handedOn).toEqual([]);
    expect(result.succeeded).toBe(9);
  });

  test('an adopted ID Athena never answers for fails after a few status calls, not at the deadline', async () => {
    // GIVEN a carry naming a query Athena does not know, and work of its own
    const clock = new VirtualClock();
    const athena = athenaFor(clock, second, []);
    // WHEN adopted
    const result = await submit(athena, clock, second, {
      adopted: [{ ids: ['no-such-query'], partitions: 3, startedAt: clock.now() }],
      waitDeadline: clock.now() + 600_000,
    });
    // THEN it is reported failed (so its days are repaired), long before the deadline
    expect(result.carry?.failed).toEqual([
      expect.objectContaining({
        ids: ['no-such-query'],
        status: 'failed',
        reason: expect.stringMatching(/has no query/),
      }),
    ]);
    expect(result.succeeded).toBe(6);
    expect(clock.elapsed()).toBeLessThan(60_000);
  });

  test('an adopted straggler whose text is known gets a hedge, and the hedge settles it', async () => {
    // GIVEN a tail with a query Athena keeps for an hour (any later execution takes 1 s), and
    // enough ends measured for hedging
    const clock = new VirtualClock();
    const plans = first.map((_, i) => (i === 9 ? { runMs: 3_600_000, queuedMs: 10 } : { runMs: 1000 }));
    const athena = athenaFor(clock, first, plans, { again: { runMs: 1000 } });
    const handed = (await submit(athena, clock, first, { handTailOn: true })).carry?.handedOn ?? [];
    // WHEN the next submission adopts it, with work of its own
    const many = sampleStatements(12, 3, { firstDay: '2024-05-01' });
    const result = await submit(athena, clock, many, { adopted: handed });
    // THEN a second execution of its text settled it, the straggler was stopped, and the run
    // did not wait for the hour
    expect(athena.starts.filter((s) => s.sql === first[9]?.sql && s.result === 'started')).toHaveLength(2);
    expect(result.carry).toMatchObject({ confirmed: handed.length, failed: [] });
    expect(result.hedges).toMatchObject({ started: 1, won: 1 });
    expect(athena.stops).toHaveLength(1);
    expect(clock.elapsed()).toBeLessThan(120_000);
  });

  test('an adopted query is expected by its carried size, not taken for a straggler', async () => {
    // GIVEN a tail of one statement of 300 partitions that takes the 20 s its size says, and
    // small statements of 1 s after it: their ends are measured while it still runs
    const clock = new VirtualClock();
    const big = sampleStatements(5, 300, { firstDay: '2021-01-01' });
    const small = sampleStatements(30, 3, { firstDay: '2022-01-01' });
    const plans = [...big.map(() => ({ runMs: 20_000 })), ...small.map(() => ({ runMs: 1000 }))];
    const athena = athenaFor(clock, [...big, ...small], plans);
    const handed = (await submit(athena, clock, big, { handTailOn: true })).carry?.handedOn ?? [];
    expect(handed).toEqual([expect.objectContaining({ partitions: 300 })]);
    // WHEN the next submission adopts it
    const result = await submit(athena, clock, small, { adopted: handed });
    // THEN no hedge was started: it ran no longer than a statement of its size does
    expect(result.hedges.started).toBe(0);
    expect(result.carry).toMatchObject({ confirmed: 1, failed: [] });
  });

  test('a carried hedged pair: the first execution to succeed confirms it, the other is stopped', async () => {
    // GIVEN a carried statement with two executions, the original stuck and the hedge quick
    const clock = new VirtualClock();
    const [stuck, quick] = sampleStatements(2, 3, { firstDay: '2023-01-01' });
    const athena = athenaFor(
      clock,
      [stuck as Statement, quick as Statement],
      [{ runMs: 3_600_000, queuedMs: 10 }, { runMs: 2000 }],
    );
    const a = await athena.startQuery((stuck as Statement).sql, 'a'.repeat(32));
    const b = await athena.startQuery((quick as Statement).sql, 'b'.repeat(32));
    // WHEN adopted as one query with both IDs
    const result = await submit(athena, clock, [], {
      adopted: [{ ids: [a, b], partitions: 3, startedAt: clock.now() }],
    });
    // THEN it is confirmed once, and the stuck execution was asked to stop
    expect(result.carry).toMatchObject({ confirmed: 1, partitionsConfirmed: 3, failed: [] });
    expect(athena.stops.map((s) => s.queryId)).toEqual([a]);
    expect(clock.elapsed()).toBeLessThan(60_000);
  });

  test('property: along a lane of chunks, every statement is confirmed exactly once and the limit holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: 200, max: 20_000 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        async (chunkSizes, runs, failsFirst) => {
          // GIVEN chunks of statements with arbitrary latencies, one lane on one Athena
          const clock = new VirtualClock();
          let firstDay = 0;
          const chunks = chunkSizes.map((n) => {
            const day = new Date(Date.UTC(2020, 0, 1 + firstDay)).toISOString().slice(0, 10);
            firstDay += n * 3 + 1;
            return sampleStatements(n, 3, { firstDay: day });
          });
          const all = chunks.flat();
          // (some first executions fail in Athena, retryably: their retries may ride on too)
          const athena = athenaFor(
            clock,
            all,
            all.map((_, i) =>
              failsFirst[i % failsFirst.length]
                ? {
                    runMs: runs[i % runs.length] as number,
                    state: 'FAILED' as const,
                    retryable: true,
                    reason: 'try again',
                  }
                : { runMs: runs[i % runs.length] as number },
            ),
            { again: { runMs: 1500 } },
          );
          // WHEN each chunk hands its tail to the next, and the last waits
          let carried: readonly CarriedQuery[] = [];
          let succeeded = 0;
          let confirmed = 0;
          for (const [i, chunk] of chunks.entries()) {
            const last = i === chunks.length - 1;
            const result = await submit(athena, clock, chunk, { adopted: carried, handTailOn: !last });
            succeeded += result.succeeded;
            confirmed += result.carry?.confirmed ?? 0;
            carried = result.carry?.handedOn ?? [];
            expect(result.failed).toHaveLength(0);
            expect(result.unconfirmed).toHaveLength(0);
          }
          // THEN every statement started once and ended confirmed once, and nothing is left
          expect(carried).toEqual([]);
          // (a straggler inside a chunk may have had a hedge: count statements, not executions)
          expect(new Set(athena.starts.map((s) => s.sql)).size).toBe(all.length);
          // AND however often a statement was handed on, it had at most its 4 attempts and one hedge
          for (const statement of all)
            expect(athena.starts.filter((s) => s.sql === statement.sql).length).toBeLessThanOrEqual(5);
          expect(succeeded + confirmed).toBe(all.length);
          expect(athena.maxRunning).toBeLessThanOrEqual(LIMIT);
        },
      ),
      { numRuns: 40 },
    );
  });
});
