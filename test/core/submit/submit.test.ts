import fc from 'fast-check';
import type { Statement } from '../../../lambda/core/partitions/ddl';
import { type AthenaPort, PortError } from '../../../lambda/core/shared/ports';
import {
  clientRequestToken,
  isTransient,
  type StatementOutcome,
  submitStatements,
  type SubmitOptions,
  type SubmitResult,
} from '../../../lambda/core/submit/submit';
import {
  expandRanges,
  type FakeAthenaOptions,
  partitionKey,
  sampleStatements,
  ScriptedAthena,
  type StartContext,
  type StartScript,
  VirtualClock,
} from '../../support/core-fakes';

interface Harness {
  readonly clock: VirtualClock;
  readonly athena: ScriptedAthena;
  readonly outcomes: StatementOutcome[];
  readonly result: SubmitResult;
}

async function submit(
  statements: Iterable<Statement>,
  athenaOptions: FakeAthenaOptions = {},
  options: Partial<Omit<SubmitOptions, 'clock'>> & {
    readonly clock?: VirtualClock;
    readonly athena?: ScriptedAthena;
  } = {},
): Promise<Harness> {
  const clock = options.clock ?? new VirtualClock();
  const athena = options.athena ?? new ScriptedAthena(clock, athenaOptions);
  const outcomes: StatementOutcome[] = [];
  const result = await submitStatements(statements, athena, {
    maxConcurrent: 4,
    tokenSeed: 'invocation-1',
    ...options,
    clock,
    onOutcome: (outcome) => outcomes.push(outcome),
  });
  return { clock, athena, outcomes, result };
}

/** Invariants every run must keep, whatever happened. */
function expectConsistent({ result, outcomes }: Harness, statements: readonly Statement[]): void {
  // Every statement ends with exactly one outcome.
  expect(outcomes.map((o) => o.statement.index).sort((a, b) => a - b)).toEqual(
    statements.map((s) => s.index),
  );
  expect(result.statements).toBe(statements.length);
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  expect(result.succeeded).toBe(count('succeeded'));
  expect(result.failed).toHaveLength(count('failed'));
  expect(result.unconfirmed).toHaveLength(count('unconfirmed'));
  expect(result.notSubmitted.statements).toBe(count('not-submitted'));
  expect(
    result.succeeded + result.failed.length + result.unconfirmed.length + result.notSubmitted.statements,
  ).toBe(result.statements);
  // Partitions add up too.
  const partitions = (status: string) =>
    outcomes.filter((o) => o.status === status).reduce((sum, o) => sum + o.statement.partitions.length, 0);
  expect(result.partitionsAdded).toBe(partitions('succeeded'));
  expect(result.notSubmitted.partitions).toBe(partitions('not-submitted'));
  // The not-submitted ranges describe exactly the not-submitted partitions.
  const undone = outcomes
    .filter((o) => o.status === 'not-submitted')
    .flatMap((o) => o.statement.partitions.map(partitionKey));
  expect(expandRanges(result.notSubmitted.ranges).sort()).toEqual(undone.sort());
  // Each problem's ranges describe exactly its statement's partitions.
  for (const problem of [...result.failed, ...result.unconfirmed]) {
    const statement = statements[problem.index];
    expect(problem.partitions).toBe(statement.partitions.length);
    expect(expandRanges(problem.ranges).sort()).toEqual(statement.partitions.map(partitionKey).sort());
  }
}

const always = (script: StartScript) => (): StartScript => script;

describe('submitStatements', () => {
  test('all statements succeed', async () => {
    // GIVEN 10 statements and an Athena where every query succeeds after 1 s
    const statements = sampleStatements(10, 3);
    // WHEN they are submitted with at most 3 in flight
    const run = await submit(statements, {}, { maxConcurrent: 3 });
    // THEN every statement succeeded on its first attempt, one start call each
    expect(run.result).toMatchObject({
      statements: 10,
      succeeded: 10,
      partitionsAdded: 30,
      failed: [],
      unconfirmed: [],
      notSubmitted: { statements: 0, partitions: 0, ranges: [] },
      retried: 0,
      throttled: 0,
      startCalls: 10,
    });
    expect(
      run.outcomes.every((o) => o.status === 'succeeded' && o.attempts === 1 && o.queryIds.length === 1),
    ).toBe(true);
    expect(run.athena.executionCount).toBe(10);
    expectConsistent(run, statements);
  });

  test('nothing to submit: no calls at all', async () => {
    // GIVEN no statements WHEN submitted THEN Athena is never called
    const run = await submit([]);
    expect(run.result).toMatchObject({ statements: 0, succeeded: 0, startCalls: 0, pollCalls: 0 });
    expect(run.athena.startCalls).toBe(0);
  });

  test('concurrency never exceeds the bound, and reaches it (property)', async () => {
    // GIVEN random statement counts, bounds and query durations
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 1, maxLength: 30 }),
        async (n, maxConcurrent, durations) => {
          const statements = sampleStatements(n, 1);
          // WHEN they are submitted
          const run = await submit(
            statements,
            {
              script: ({ call }) => ({ kind: 'start', plan: { runMs: durations[call % durations.length] } }),
            },
            { maxConcurrent },
          );
          // THEN the queries in flight never exceeded the bound, and the bound was used
          expect(run.athena.maxOutstanding).toBeLessThanOrEqual(maxConcurrent);
          expect(run.athena.maxOutstanding).toBe(Math.min(n, maxConcurrent));
          expect(run.result.succeeded).toBe(n);
          expectConsistent(run, statements);
        },
      ),
      { numRuns: 150 },
    );
  });

  describe('starting', () => {
    /**
     * A port over `inner` whose refusals answer at once and whose accepted starts answer a few
     * turns of the event loop later (Athena answers concurrent calls in any order). It counts
     * the starts sent and not yet answered: `peaks` at each call, `pending()` now.
     */
    function lateAcceptPort(inner: ScriptedAthena): {
      port: AthenaPort;
      peaks: number[];
      pending: () => number;
    } {
      let pending = 0;
      const peaks: number[] = [];
      const port: AthenaPort = {
        startQuery: async (sql, token) => {
          peaks.push(++pending);
          try {
            const id = await inner.startQuery(sql, token);
            for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
            return id;
          } finally {
            pending--;
          }
        },
        getQueryStates: (ids) => inner.getQueryStates(ids),
      };
      return { port, peaks, pending: () => pending };
    }

    test('starts go out together, up to 20 at once and never past the limit', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 60 }),
          fc.integer({ min: 1, max: 40 }),
          async (n, maxConcurrent) => {
            // GIVEN n statements, a limit, and a port that answers a start only after a turn of the event loop
            const statements = sampleStatements(n, 1);
            const clock = new VirtualClock();
            const athena = new ScriptedAthena(clock, {});
            const { port, peaks } = lateAcceptPort(athena);
            // WHEN they are submitted
            const result = await submitStatements(statements, port, {
              maxConcurrent,
              tokenSeed: 'burst',
              clock,
            });
            // THEN the first starts were all in flight together (a wave is not sent one round trip
            // at a time), and never more than 20 at once whatever the limit
            expect(Math.max(...peaks)).toBe(Math.min(20, maxConcurrent, n));
            // AND Athena never held more than the limit, and everything ran once
            expect(athena.maxOutstanding).toBeLessThanOrEqual(maxConcurrent);
            expect(athena.executionCount).toBe(n);
            expect(result.succeeded).toBe(n);
          },
        ),
        { numRuns: 60 },
      );
    });

    test('refusals of one burst back off once: the next try comes within the first backoff step', async () => {
      // GIVEN 8 statements whose first starts are all refused for the start rate ("Rate exceeded")
      const statements = sampleStatements(8, 1);
      const run = await submit(
        statements,
        {
          script: ({ call }) =>
            call < 8
              ? { kind: 'refuse', error: new PortError('throttled', 'Rate exceeded', 'ThrottlingException') }
              : { kind: 'start' },
        },
        { maxConcurrent: 8 },
      );
      // WHEN submitted
      // THEN the 8 refusals came at one instant, and the next starts at most one first step (250 ms) later,
      // not after 8 doublings (2 s)
      const refusedAt = run.athena.starts.filter((s) => s.result === 'refused').map((s) => s.at);
      expect(new Set(refusedAt).size).toBe(1);
      const next = run.athena.starts.find((s) => s.result !== 'refused');
      expect(next).toBeDefined();
      expect((next?.at ?? Infinity) - refusedAt[0]).toBeLessThanOrEqual(250);
      // AND the refused statements were started again in their own order
      const retried = run.athena.starts.filter((s) => s.result !== 'refused').map((s) => s.sql);
      expect(retried).toEqual(statements.map((s) => s.sql));
      expect(run.result.succeeded).toBe(8);
      expectConsistent(run, statements);
    });

    test("a quota refusal answered before the burst's accepted starts cuts the limit to all that run", async () => {
      // GIVEN Athena's quota of 5, statements of 0.4 s, a limit of 8, and a port whose refusals answer at once while
      // accepted starts answer a few turns of the event loop later (Athena answers in any order)
      const statements = sampleStatements(8, 1);
      const clock = new VirtualClock();
      const athena = new ScriptedAthena(clock, {
        quota: 5,
        script: always({ kind: 'start', plan: { runMs: 400 } }),
      });
      const { port } = lateAcceptPort(athena);
      // WHEN submitted
      const result = await submitStatements(statements, port, {
        maxConcurrent: 8,
        tokenSeed: 'order',
        clock,
      });
      // THEN the 3 refused statements started together once the first wave ended: the limit was
      // cut to the 5 running, not to the 0 whose answers had come back when the refusals did
      const later = athena.starts.filter((s) => s.result === 'started' && s.at > clock.start);
      expect(later).toHaveLength(3);
      expect(new Set(later.map((s) => s.at)).size).toBe(1);
      expect(athena.starts.filter((s) => s.result === 'refused' && s.at === clock.start)).toHaveLength(3);
      expect(result.succeeded).toBe(8);
    });

    test('a start that throws is reported only once every start of its burst has answered', async () => {
      // GIVEN a throttle callback that throws, and accepted starts that answer late
      const statements = sampleStatements(6, 1);
      const clock = new VirtualClock();
      const athena = new ScriptedAthena(clock, {
        script: ({ call }) =>
          call === 0
            ? { kind: 'refuse', error: new PortError('throttled', 'Rate exceeded', 'ThrottlingException') }
            : { kind: 'start' },
      });
      const { port, pending } = lateAcceptPort(athena);
      // WHEN submitted
      const run = submitStatements(statements, port, {
        maxConcurrent: 6,
        tokenSeed: 'throws',
        clock,
        onThrottle: () => {
          throw new Error('callback failed');
        },
      });
      // THEN the run fails with the callback's error, and no start of the burst was still unanswered
      await expect(run).rejects.toThrow('callback failed');
      expect(pending()).toBe(0);
    });
  });

  describe('throttling', () => {
    test('a throttled start lowers concurrency; while the quota stays full, probes for more back off', async () => {
      // GIVEN an Athena quota of 2 running queries, a bound of 8, and queries that take 60 s
      const statements = sampleStatements(6, 1);
      const throttles: string[] = [];
      const run = await submit(
        statements,
        { quota: 2, script: always({ kind: 'start', plan: { runMs: 60_000 } }) },
        { maxConcurrent: 8, onThrottle: (where) => throttles.push(where) },
      );
      // WHEN the third start is refused
      // THEN while both queries run, only a few probes are refused, each spell twice the last
      // (no hammering during the minute, yet a storm's end would be found within seconds)
      // (the first moment's starts go out at once: the two the quota takes, the rest refused)
      const beforeFirstFinish = run.athena.starts.filter((s) => s.at < run.clock.start + 60_000);
      const first = beforeFirstFinish.filter((s) => s.at === beforeFirstFinish[0].at);
      expect(first.map((s) => s.result)).toEqual([
        'started',
        'started',
        ...first.slice(2).map(() => 'refused'),
      ]);
      const probes = beforeFirstFinish.slice(first.length);
      expect(probes.length).toBeGreaterThanOrEqual(2);
      expect(probes.every((s) => s.result === 'refused')).toBe(true);
      expect(probes.length).toBeLessThanOrEqual(7);
      const gaps = probes.slice(1).map((s, i) => s.at - probes[i].at);
      for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(gaps[i - 1]);
      // AND every statement still succeeded: throttling is never a failure
      expect(run.result.succeeded).toBe(6);
      expect(run.result.failed).toEqual([]);
      expect(run.result.throttled).toBeGreaterThanOrEqual(1);
      expect(throttles.length).toBe(run.result.throttled);
      expect(run.athena.maxRunning).toBeLessThanOrEqual(2);
      expect(run.athena.executionCount).toBe(6);
      expectConsistent(run, statements);
    });

    test('throttling more times than maxAttempts still never fails a statement', async () => {
      // GIVEN an Athena that throttles the first 9 start calls (other users' load), maxAttempts 2
      const statements = sampleStatements(3, 2);
      const run = await submit(
        statements,
        {
          script: ({ call }) =>
            call < 9
              ? {
                  kind: 'refuse',
                  error: new PortError('throttled', 'Rate exceeded', 'TooManyRequestsException'),
                }
              : { kind: 'start' },
        },
        { maxAttempts: 2 },
      );
      // WHEN submitted
      // THEN all succeed, each on attempt 1 with its first token, and all 9 throttles were counted
      expect(run.result.succeeded).toBe(3);
      expect(run.result.throttled).toBe(9);
      expect(run.result.retried).toBe(0);
      expect(run.outcomes.every((o) => o.attempts === 1)).toBe(true);
      for (const statement of statements) {
        expect(run.athena.tokensFor(statement.sql)).toEqual([
          clientRequestToken('invocation-1', statement, 1),
        ]);
      }
      expectConsistent(run, statements);
    });

    test('throttled and transient status polls are retried later', async () => {
      // GIVEN an Athena whose status calls fail twice, throttled then transient
      const statements = sampleStatements(3, 1);
      const run = await submit(statements, {
        pollScript: (call) =>
          call === 0
            ? new PortError('throttled', 'Rate exceeded', 'ThrottlingException')
            : call === 1
              ? new PortError('transient', 'Internal error', 'InternalServerException')
              : undefined,
      });
      // WHEN submitted
      // THEN everything succeeds and the throttled poll is counted
      expect(run.result.succeeded).toBe(3);
      expect(run.result.throttled).toBe(1);
      expectConsistent(run, statements);
    });
  });

  describe('transient failures are retried with a new ClientRequestToken', () => {
    test.each<[string, { state: 'FAILED' | 'CANCELLED'; reason?: string; retryable?: boolean }]>([
      ['FAILED with Rate exceeded', { state: 'FAILED', reason: 'Rate exceeded' }],
      [
        'FAILED, Athena says retryable',
        { state: 'FAILED', reason: 'HIVE_UNKNOWN_ERROR: something odd', retryable: true },
      ],
      ['CANCELLED', { state: 'CANCELLED' }],
      ['FAILED with a throttling reason', { state: 'FAILED', reason: 'ThrottlingException: slow down' }],
      ['FAILED with an internal error', { state: 'FAILED', reason: 'Internal error' }],
    ])('%s', async (_name, failure) => {
      // GIVEN the first execution of every statement ends transiently, the second succeeds
      const statements = sampleStatements(4, 2);
      const run = await submit(statements, {
        script: ({ executionsOfSql }) => ({ kind: 'start', plan: executionsOfSql === 0 ? failure : {} }),
      });
      // WHEN submitted
      // THEN all succeed on attempt 2, each with two queries and two distinct tokens
      expect(run.result.succeeded).toBe(4);
      expect(run.result.failed).toEqual([]);
      expect(run.result.retried).toBe(4);
      for (const outcome of run.outcomes) {
        expect(outcome.attempts).toBe(2);
        expect(outcome.queryIds).toHaveLength(2);
        const tokens = run.athena.tokensFor(outcome.statement.sql);
        expect(tokens[0]).toBe(clientRequestToken('invocation-1', outcome.statement, 1));
        expect(tokens[0]).toBe(clientRequestToken('invocation-1', outcome.statement, 1, 'any nonce'));
        expect(new Set(tokens).size).toBe(2);
      }
      expectConsistent(run, statements);
    });

    test('a statement that keeps failing transiently fails after maxAttempts, with the last reason', async () => {
      // GIVEN every execution fails with Rate exceeded
      const statements = sampleStatements(2, 2);
      const run = await submit(
        statements,
        { script: always({ kind: 'start', plan: { state: 'FAILED', reason: 'Rate exceeded' } }) },
        { maxAttempts: 3 },
      );
      // WHEN submitted
      // THEN each fails after exactly 3 executions with 3 different tokens
      expect(run.result.failed).toHaveLength(2);
      for (const problem of run.result.failed) {
        expect(problem).toMatchObject({ attempts: 3, reason: 'Rate exceeded', partitions: 2 });
        expect(problem.queryIds).toHaveLength(3);
      }
      for (const statement of statements) expect(new Set(run.athena.tokensFor(statement.sql)).size).toBe(3);
      expect(run.athena.executionCount).toBe(6);
      expectConsistent(run, statements);
    });

    test('a transient start error is retried with the same token, and a query already started is not run twice', async () => {
      // GIVEN the first start call creates the query but the answer is lost (transient), later calls are fine
      const statements = sampleStatements(2, 1);
      const run = await submit(statements, {
        script: ({ call }) =>
          call === 0
            ? { kind: 'start-then-fail', error: new PortError('transient', 'socket hang up', 'ECONNRESET') }
            : { kind: 'start' },
      });
      // WHEN submitted
      // THEN the retry reused the token, Athena deduplicated it, and each statement ran exactly once
      const [lost, ...later] = run.athena.starts;
      const retried = later.filter((s) => s.token === lost.token);
      expect(retried.map((s) => s.result)).toEqual(['deduplicated']);
      expect(run.athena.executionCount).toBe(2);
      expect(run.result.succeeded).toBe(2);
      expect(run.outcomes.every((o) => o.attempts === 1)).toBe(true);
      expectConsistent(run, statements);
    });

    test('transient start errors give up after maxAttempts calls', async () => {
      // GIVEN start calls that always fail transiently
      const statements = sampleStatements(1, 1);
      const run = await submit(
        statements,
        {
          script: always({
            kind: 'refuse',
            error: new PortError('transient', 'Service unavailable', 'ServiceUnavailable'),
          }),
        },
        { maxAttempts: 3 },
      );
      // WHEN submitted
      // THEN the statement fails after 3 start calls, all with the same token, naming the error
      expect(run.athena.startCalls).toBe(3);
      expect(new Set(run.athena.starts.map((s) => s.token)).size).toBe(1);
      expect(run.result.failed).toEqual([
        expect.objectContaining({ index: 0, reason: 'Service unavailable' }),
      ]);
      expectConsistent(run, statements);
    });
  });

  describe('permanent failures', () => {
    test.each([
      ['FAILED: SemanticException [Error 10001]: Table not found cloudtrail_logs'],
      ['AccessDeniedException: User is not authorized to perform glue:BatchCreatePartition'],
      ['line 1:8: mismatched input'],
    ])(
      '%s fails after two attempts (the first may be a stale answer); the other statements still run',
      async (reason) => {
        // GIVEN statement 1 fails permanently
        const statements = sampleStatements(4, 2);
        const run = await submit(statements, {
          script: ({ sql }) => ({
            kind: 'start',
            plan: sql === statements[1].sql ? { state: 'FAILED', reason } : {},
          }),
        });
        // WHEN submitted
        // THEN it failed on its own-token retry too, with Athena's reason and its ranges; the other three succeeded
        expect(run.result.failed).toEqual([
          {
            index: 1,
            partitions: 2,
            attempts: 2,
            queryIds: [expect.any(String), expect.any(String)],
            reason,
            ranges: [{ account: '111122223333', region: 'us-east-1', from: '2024-01-03', to: '2024-01-04' }],
          },
        ]);
        expect(run.result.succeeded).toBe(3);
        expect(run.result.retried).toBe(1);
        expect(run.athena.tokensFor(statements[1].sql)).toHaveLength(2);
        expectConsistent(run, statements);
      },
    );

    test('a FAILED state without a reason is reported as "failed"', async () => {
      // GIVEN a failure without StateChangeReason
      const statements = sampleStatements(1, 1);
      const run = await submit(statements, { script: always({ kind: 'start', plan: { state: 'FAILED' } }) });
      // WHEN submitted THEN the reason is the state's name
      expect(run.result.failed[0].reason).toBe('failed');
    });

    test.each<[string, Error]>([
      [
        'access-denied',
        new PortError('access-denied', 'not authorized to perform athena:StartQueryExecution'),
      ],
      ['not-found', new PortError('not-found', 'WorkGroup primary2 is not found')],
      ['fatal', new PortError('fatal', 'line 1:1: syntax error')],
      ['an unclassified error', new TypeError('boom')],
    ])('a start refused as %s fails at once; the others still run', async (_kind, error) => {
      // GIVEN the start of statement 0 is refused for good
      const statements = sampleStatements(3, 1);
      const run = await submit(statements, {
        script: ({ sql }) => (sql === statements[0].sql ? { kind: 'refuse', error } : { kind: 'start' }),
      });
      // WHEN submitted
      // THEN it failed after one call with the error's message, and the other two succeeded
      expect(run.athena.starts.filter((s) => s.sql === statements[0].sql)).toHaveLength(1);
      expect(run.result.failed).toEqual([
        expect.objectContaining({ index: 0, attempts: 1, queryIds: [], reason: error.message }),
      ]);
      expect(run.result.succeeded).toBe(2);
      expectConsistent(run, statements);
    });
  });

  describe('deadlines', () => {
    test('a start deadline already passed: nothing is started, everything is not-submitted with exact ranges', async () => {
      // GIVEN 4 statements of 3 consecutive days for one account, then 2 for another account
      const statements = [
        ...sampleStatements(4, 3, { firstDay: '2024-01-01' }),
        ...sampleStatements(2, 3, { account: '999988887777', firstDay: '2024-02-27' }),
      ].map((s, index) => ({ ...s, index }));
      const clock = new VirtualClock();
      // WHEN submitted with the start deadline at this instant
      const run = await submit(statements, {}, { clock, startDeadline: clock.now() });
      // THEN Athena is never called, and the ranges say exactly which days were not registered
      expect(run.athena.startCalls).toBe(0);
      expect(run.result.notSubmitted).toEqual({
        statements: 6,
        partitions: 18,
        ranges: [
          { account: '111122223333', region: 'us-east-1', from: '2024-01-01', to: '2024-01-12' },
          { account: '999988887777', region: 'us-east-1', from: '2024-02-27', to: '2024-03-03' },
        ],
      });
      expect(
        run.outcomes.every(
          (o) => o.status === 'not-submitted' && o.reason === 'not started: the invocation ran out of time',
        ),
      ).toBe(true);
      expectConsistent(run, statements);
    });

    test('statements started before the deadline finish; no start is made at or after it', async () => {
      // GIVEN 10 statements, 2 at a time, 1 s each, and a start deadline 2.5 s away
      const statements = sampleStatements(10, 2);
      const clock = new VirtualClock();
      const startDeadline = clock.now() + 2_500;
      // WHEN submitted
      const run = await submit(statements, {}, { clock, maxConcurrent: 2, startDeadline });
      // THEN every start call came before the deadline and every started query was confirmed
      expect(run.athena.starts.every((s) => s.at < startDeadline)).toBe(true);
      const started = new Set(run.athena.starts.map((s) => s.sql)).size;
      expect(started).toBeGreaterThan(0);
      expect(started).toBeLessThan(10);
      expect(run.result.succeeded).toBe(started);
      expect(run.result.unconfirmed).toEqual([]);
      // AND the rest are not-submitted: the days of the statements never started, exactly
      expect(run.result.notSubmitted.statements).toBe(10 - started);
      const firstUndone = statements[started].partitions[0];
      expect(run.result.notSubmitted.ranges).toEqual([
        {
          account: '111122223333',
          region: 'us-east-1',
          from: `${firstUndone.year}-${firstUndone.month}-${firstUndone.day}`,
          to: '2024-01-20',
        },
      ]);
      expectConsistent(run, statements);
    });

    test('retries waiting at the start deadline are reported not-submitted', async () => {
      // GIVEN every first execution is cancelled after 1 s, and the start deadline falls before any retry
      const statements = sampleStatements(3, 1);
      const clock = new VirtualClock();
      const run = await submit(
        statements,
        {
          script: ({ executionsOfSql }) => ({
            kind: 'start',
            plan: executionsOfSql === 0 ? { state: 'CANCELLED' } : {},
          }),
        },
        { clock, startDeadline: clock.now() + 500 },
      );
      // WHEN submitted
      // THEN the three were started once, cancelled, and are not-submitted (not failed, not lost)
      expect(run.athena.startCalls).toBe(3);
      expect(run.result.failed).toEqual([]);
      expect(run.result.notSubmitted.statements).toBe(3);
      expect(run.result.retried).toBe(3);
      expectConsistent(run, statements);
    });

    test('a wait deadline leaves running queries unconfirmed and the rest not-submitted', async () => {
      // GIVEN queries that run for an hour, 2 at a time, and a wait deadline in 10 s
      const statements = sampleStatements(5, 2);
      const clock = new VirtualClock();
      const run = await submit(
        statements,
        { script: always({ kind: 'start', plan: { runMs: 3_600_000 } }) },
        { clock, maxConcurrent: 2, waitDeadline: clock.now() + 10_000 },
      );
      // WHEN submitted
      // THEN the two running ones are unconfirmed, with their query IDs and ranges, and the other three not-submitted
      expect(run.result.unconfirmed).toHaveLength(2);
      for (const problem of run.result.unconfirmed) {
        expect(problem.queryIds).toHaveLength(1);
        expect(problem.reason).toBe('still running in athena when the invocation ran out of time');
      }
      expect(run.result.notSubmitted.statements).toBe(3);
      expect(run.result.succeeded).toBe(0);
      // AND the run stopped at the deadline instead of waiting an hour
      expect(run.clock.elapsed()).toBeLessThan(20_000);
      expectConsistent(run, statements);
    });
  });

  describe('polling', () => {
    test('status is polled in batches of at most 50 IDs, far fewer calls than one per query per poll', async () => {
      // GIVEN 300 statements, up to 120 in flight, each running 5 s
      const statements = sampleStatements(300, 1);
      const run = await submit(
        statements,
        { script: always({ kind: 'start', plan: { runMs: 5_000 } }) },
        { maxConcurrent: 120 },
      );
      // WHEN submitted
      // THEN every status call asked about at most 50 IDs, and full batches of 50 were used
      expect(Math.max(...run.athena.pollBatches)).toBe(50);
      expect(run.athena.pollBatches.every((n) => n >= 1 && n <= 50)).toBe(true);
      expect(run.result.pollCalls).toBe(run.athena.pollBatches.length);
      // AND the number of status calls is far below statements × seconds waited
      const seconds = run.clock.elapsed() / 1000;
      expect(run.result.pollCalls).toBeLessThan(statements.length * seconds);
      expect(run.result.pollCalls).toBeLessThan(statements.length);
      expect(run.result.succeeded).toBe(300);
      expectConsistent(run, statements);
    });

    test('polling backs off while nothing changes', async () => {
      // GIVEN one query that runs 60 s
      const statements = sampleStatements(1, 1);
      const run = await submit(
        statements,
        { script: always({ kind: 'start', plan: { runMs: 60_000 } }) },
        { pollMaxMs: 3000 },
      );
      // WHEN submitted
      // THEN it took far fewer polls than one per initial interval (500 ms), and never more than one per 3 s at the end
      expect(run.result.pollCalls).toBeLessThan(60_000 / 500 / 2);
      expect(run.result.pollCalls).toBeGreaterThanOrEqual(60_000 / 3000);
    });
  });

  describe('ClientRequestTokens', () => {
    test('the same seed gives the same tokens; another seed gives others', async () => {
      // GIVEN the same statements submitted twice with one seed and once with another
      const statements = sampleStatements(6, 2);
      const first = await submit(statements, {}, { tokenSeed: 'request-abc' });
      const again = await submit(statements, {}, { tokenSeed: 'request-abc' });
      const other = await submit(statements, {}, { tokenSeed: 'request-xyz' });
      // WHEN their tokens are compared
      const tokens = (run: Harness) => run.athena.starts.map((s) => `${s.sql.length}:${s.token}`).sort();
      // THEN the same seed reproduces every token; the other seed shares none
      expect(tokens(again)).toEqual(tokens(first));
      const firstSet = new Set(first.athena.starts.map((s) => s.token));
      expect(other.athena.starts.some((s) => firstSet.has(s.token))).toBe(false);
    });

    test('a retried invocation (same seed, same Athena) starts no query twice', async () => {
      // GIVEN an invocation that ran to completion
      const statements = sampleStatements(5, 2);
      const clock = new VirtualClock();
      const athena = new ScriptedAthena(clock);
      await submit(statements, {}, { clock, athena, tokenSeed: 'aws-request-id-1' });
      expect(athena.executionCount).toBe(5);
      // WHEN Lambda retries it with the same request id
      const retry = await submit(statements, {}, { clock, athena, tokenSeed: 'aws-request-id-1' });
      // THEN every start was answered with the existing query, nothing ran again, and all are reported succeeded
      expect(athena.executionCount).toBe(5);
      expect(athena.starts.slice(5).every((s) => s.result === 'deduplicated')).toBe(true);
      expect(retry.result.succeeded).toBe(5);
    });

    test('tokens are 32 to 128 characters and differ per statement and attempt (property)', () => {
      // GIVEN any seed, any statement text and attempt
      const statement = (sql: string): Statement => ({
        index: 0,
        sql,
        bytes: Buffer.byteLength(sql),
        partitions: [],
      });
      fc.assert(
        fc.property(
          fc.string({ maxLength: 100 }),
          fc.string({ maxLength: 200 }),
          fc.integer({ min: 1, max: 10 }),
          (seed, sql, attempt) => {
            // WHEN a token is derived
            const token = clientRequestToken(seed, statement(sql), attempt);
            // THEN its length is within Athena's bounds, it is stable, and another attempt or SQL gives another token
            expect(token.length).toBeGreaterThanOrEqual(32);
            expect(token.length).toBeLessThanOrEqual(128);
            expect(clientRequestToken(seed, statement(sql), attempt)).toBe(token);
            expect(clientRequestToken(seed, statement(sql), attempt + 1)).not.toBe(token);
            expect(clientRequestToken(seed, statement(`${sql} `), attempt)).not.toBe(token);
            expect(clientRequestToken(seed, { ...statement(sql), index: 1 }, attempt)).not.toBe(token);
          },
        ),
        { numRuns: 200 },
      );
    });

    test('two statements with identical SQL each still get exactly one outcome', async () => {
      // GIVEN two statements whose SQL is the same (e.g. a duplicated target), and an Athena that honors tokens
      // (the statement index in the token keeps them apart)
      const [one] = sampleStatements(1, 2);
      const statements: Statement[] = [one, { ...one, index: 1 }];
      // WHEN they are submitted
      const run = await submit(statements);
      // THEN each statement is accounted for exactly once, and both really ran under tokens of their own
      expect(run.outcomes.map((o) => o.statement.index).sort()).toEqual([0, 1]);
      expect(run.result.succeeded).toBe(2);
      expect(new Set(run.athena.tokensFor(one.sql)).size).toBe(2);
      expect(
        run.result.succeeded +
          run.result.failed.length +
          run.result.unconfirmed.length +
          run.result.notSubmitted.statements,
      ).toBe(run.result.statements);
    });
  });

  test('every statement ends with exactly one outcome, whatever Athena does (property)', async () => {
    // GIVEN random Athena behaviour per start call (successes, transient and permanent failures,
    // cancellations, throttles, lost answers), random bounds and random deadlines
    const startChoice = fc.constantFrom(
      'ok',
      'ok',
      'ok',
      'rate',
      'retryable',
      'cancelled',
      'permanent',
      'throttled',
      'transient-start',
      'lost-answer',
      'fatal-start',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          n: fc.integer({ min: 0, max: 25 }),
          per: fc.integer({ min: 1, max: 4 }),
          maxConcurrent: fc.integer({ min: 1, max: 6 }),
          maxAttempts: fc.integer({ min: 1, max: 4 }),
          choices: fc.array(startChoice, { minLength: 1, maxLength: 40 }),
          durations: fc.array(fc.integer({ min: 1, max: 30_000 }), { minLength: 1, maxLength: 10 }),
          startAfter: fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
          waitAfter: fc.integer({ min: 0, max: 180_000 }),
        }),
        async ({ n, per, maxConcurrent, maxAttempts, choices, durations, startAfter, waitAfter }) => {
          const statements = sampleStatements(n, per);
          const clock = new VirtualClock();
          const startDeadline = clock.now() + (startAfter ?? 120_000);
          const script = ({ call }: StartContext): StartScript => {
            const runMs = durations[call % durations.length];
            switch (choices[call % choices.length]) {
              case 'rate':
                return { kind: 'start', plan: { runMs, state: 'FAILED', reason: 'Rate exceeded' } };
              case 'retryable':
                return { kind: 'start', plan: { runMs, state: 'FAILED', reason: 'odd', retryable: true } };
              case 'cancelled':
                return { kind: 'start', plan: { runMs, state: 'CANCELLED' } };
              case 'permanent':
                return { kind: 'start', plan: { runMs, state: 'FAILED', reason: 'Table not found' } };
              case 'throttled':
                return { kind: 'refuse', error: new PortError('throttled', 'Rate exceeded') };
              case 'transient-start':
                return { kind: 'refuse', error: new PortError('transient', 'Service unavailable') };
              case 'lost-answer':
                return {
                  kind: 'start-then-fail',
                  error: new PortError('transient', 'socket hang up'),
                  plan: { runMs },
                };
              case 'fatal-start':
                return { kind: 'refuse', error: new PortError('fatal', 'syntax error') };
              default:
                return { kind: 'start', plan: { runMs } };
            }
          };
          // WHEN they are submitted
          const run = await submit(
            statements,
            { script },
            { clock, maxConcurrent, maxAttempts, startDeadline, waitDeadline: startDeadline + waitAfter },
          );
          // THEN every statement has exactly one outcome and the counts add up
          expectConsistent(run, statements);
          // AND the bound held, no start was made at or after the deadline, no attempt beyond maxAttempts
          expect(run.athena.maxOutstanding).toBeLessThanOrEqual(maxConcurrent);
          expect(run.athena.starts.every((s) => s.at < startDeadline)).toBe(true);
          expect(run.outcomes.every((o) => o.attempts <= maxAttempts)).toBe(true);
          // AND tokens stayed within Athena's bounds
          expect(run.athena.starts.every((s) => s.token.length >= 32 && s.token.length <= 128)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('isTransient', () => {
  test.each([
    [{ state: 'CANCELLED' }, true],
    [{ state: 'FAILED', retryable: true, reason: 'whatever' }, true],
    [{ state: 'FAILED', reason: 'Rate exceeded' }, true],
    [{ state: 'FAILED', reason: 'ThrottlingException' }, true],
    [{ state: 'FAILED', reason: 'Service Unavailable' }, true],
    [{ state: 'FAILED', reason: 'Please try again' }, true],
    [{ state: 'FAILED', reason: 'Table not found' }, false],
    [{ state: 'FAILED', reason: 'AccessDeniedException: not authorized' }, false],
    [{ state: 'FAILED', retryable: false, reason: 'HIVE_METASTORE_ERROR' }, false],
    [{ state: 'FAILED' }, false],
  ] as const)('%j → %s', (state, expected) => {
    // GIVEN a terminal query state WHEN classified THEN transient exactly as Athena means it
    expect(isTransient({ queryId: 'q', ...state })).toBe(expected);
  });
});
