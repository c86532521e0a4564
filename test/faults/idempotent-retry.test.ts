/**
 * Lambda retries a failed asynchronous invocation with the same event and the same
 * awsRequestId, and may deliver one twice. ClientRequestTokens derive from the request ID
 * and the statement, so a retry must never start a second query for a statement whose
 * query already ran (or is running), yet must finish what the first attempt left undone.
 */
import type { QueryOutcome } from '../support/aws-standin';
import {
  alarmMetrics,
  DEFAULT_WORLD,
  expectedLocations,
  type FaultRuntime,
  SCHEDULED_EVENT,
  SCHEDULED_WINDOW,
  startFaultRuntime,
  verifyCatalog,
  ALARMED,
} from '../support/fault-harness';

const EXPECTED = expectedLocations(DEFAULT_WORLD, SCHEDULED_WINDOW);

let runtime: FaultRuntime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

/** Every statement's SQL among the stand-in's queries appears once, and so does every token. */
function expectEachStatementStartedOnce(rt: FaultRuntime): void {
  const queries = rt.standIn.queries();
  expect(new Set(queries.map((q) => q.sql)).size).toBe(queries.length);
  expect(new Set(queries.map((q) => q.token)).size).toBe(queries.length);
}

describe('retries of the same invocation (same awsRequestId)', () => {
  it('after a timeout, the retry reuses the queries already started and submits only the rest', async () => {
    // GIVEN one statement per partition, 2 at a time, DDL slower than the 10 minutes the Lambda has left
    runtime = await startFaultRuntime({
      env: { MAX_CONCURRENT_QUERIES: '2', MAX_PARTITIONS_PER_STATEMENT: '1' },
    });
    const rt = runtime;
    rt.standIn.faults.slowQueries(600_000);
    const first = await rt
      .lambda()
      .invoke(SCHEDULED_EVENT, { requestId: 'req-timeout', remainingMs: 600_000 });
    expect(first.error?.name).toBe('RunFailedError');
    expect(first.loggedReport).toMatchObject({ unconfirmed: 2, notSubmitted: 13 });
    // WHEN the slow queries finish and Lambda retries the invocation (another environment, same request ID)
    rt.standIn.faults.clear();
    rt.standIn.clock.advance(300_000);
    const retry = await rt.lambda().invoke(SCHEDULED_EVENT, { requestId: 'req-timeout' });
    // THEN the retry succeeds, starting only the 13 statements never submitted
    expect(retry.error).toBeUndefined();
    expect(retry.report).toMatchObject({ ok: true, statements: 15, succeeded: 15 });
    expect(retry.queries).toHaveLength(13);
    expect(alarmMetrics(retry.metrics, ALARMED)).toEqual({
      RunSucceeded: 1,
      RunFailed: 0,
      StatementsFailed: 0,
      PartitionsNotSubmitted: 0,
    });
    // AND no statement ran twice, and the catalog is complete
    expectEachStatementStartedOnce(rt);
    expect(rt.standIn.stats().statements).toBe(15);
    verifyCatalog(rt.standIn, EXPECTED);
  });

  it('a duplicate delivery of a successful invocation starts no query at all', async () => {
    // GIVEN a scheduled run that succeeded
    runtime = await startFaultRuntime();
    const rt = runtime;
    const lambda = rt.lambda();
    const first = await lambda.invoke(SCHEDULED_EVENT, { requestId: 'req-twice' });
    expect(first.report?.ok).toBe(true);
    // WHEN the same invocation is delivered again
    const again = await lambda.invoke(SCHEDULED_EVENT, { requestId: 'req-twice' });
    // THEN it succeeds on the same queries: Athena was asked again, and answered with the same IDs
    expect(again.report).toMatchObject({ ok: true, succeeded: 5 });
    expect(again.queries).toHaveLength(0);
    const stats = rt.standIn.stats();
    expect(stats.calls.StartQueryExecution).toBe(10);
    expect(stats.statements).toBe(5);
    expect(new Set(again.report?.failures ?? [])).toEqual(new Set());
    expectEachStatementStartedOnce(rt);
    verifyCatalog(rt.standIn, EXPECTED);
  });

  it('after transient query failures inside the first attempt, the retry re-runs only the statements that had failed', async () => {
    // GIVEN 3 queries failing with Glue throttling during a run that still succeeds
    runtime = await startFaultRuntime();
    const rt = runtime;
    rt.standIn.faults.failNextQueries(3, {
      reason:
        'FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. MetaException(message:Rate exceeded (Service: AWSGlue; Status Code: 400; Error Code: ThrottlingException))',
    });
    const lambda = rt.lambda();
    const first = await lambda.invoke(SCHEDULED_EVENT, { requestId: 'req-retried' });
    expect(first.report).toMatchObject({ ok: true, retried: 3 });
    expect(first.queries).toHaveLength(8);
    // WHEN the same invocation is delivered again
    const again = await lambda.invoke(SCHEDULED_EVENT, { requestId: 'req-retried' });
    // THEN statements whose first attempt succeeded are answered by their old queries; the 3 that had
    // failed once get one fresh query each (their first-attempt token returns the old failure, and a retry
    // token is never reused across invocations, so a retried invocation can repair what failed)
    expect(again.report).toMatchObject({ ok: true, succeeded: 5 });
    // (a statement may have failed twice of the three: the count is of statements, not queries)
    const failedFirst = first.queries.filter((q) => q.state === 'FAILED').map((q) => q.sql);
    expect(again.queries).toHaveLength(new Set(failedFirst).size);
    expect(new Set(again.queries.map((q) => q.sql))).toEqual(new Set(failedFirst));
    verifyCatalog(rt.standIn, EXPECTED);
  });

  const throttledGlue: QueryOutcome = {
    reason:
      'FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. MetaException(message:Rate exceeded (Service: AWSGlue; Status Code: 400; Error Code: ThrottlingException))',
  };
  const accessDenied: QueryOutcome = {
    reason:
      'Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 4D2C9B0E1F6A7B3C)',
    retryable: false,
  };
  it.each([
    ['Glue throttling outlasting every attempt', throttledGlue],
    ['S3 access denied, since fixed', accessDenied],
  ])(
    'after statements failed (%s), the retry once the fault clears re-runs only those and completes the catalog',
    async (_what, outcome) => {
      // GIVEN the us-east-1 statements failing, so the first attempt throws with 3 statements failed
      runtime = await startFaultRuntime();
      const rt = runtime;
      rt.standIn.faults.failQueriesMatching(/us-east-1/, outcome);
      const first = await rt.lambda().invoke(SCHEDULED_EVENT, { requestId: 'req-failed' });
      expect(first.error?.name).toBe('RunFailedError');
      expect(first.loggedReport).toMatchObject({ succeeded: 2, failed: 3 });
      const succeededSql = first.queries.filter((q) => q.state === 'SUCCEEDED').map((q) => q.sql);
      // WHEN the fault clears and Lambda retries the invocation with the same request ID
      rt.standIn.faults.clear();
      const retry = await rt.lambda().invoke(SCHEDULED_EVENT, { requestId: 'req-failed' });
      // THEN the retry succeeds and completes the catalog
      expect(retry.error).toBeUndefined();
      expect(retry.report).toMatchObject({ ok: true, succeeded: 5, failed: 0 });
      expect(alarmMetrics(retry.metrics, ALARMED)).toEqual({
        RunSucceeded: 1,
        RunFailed: 0,
        StatementsFailed: 0,
        PartitionsNotSubmitted: 0,
      });
      verifyCatalog(rt.standIn, EXPECTED);
      // AND only the 3 failed statements ran again; the 2 that had succeeded did not
      expect(retry.queries.map((q) => q.state)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      expect(retry.queries.filter((q) => succeededSql.includes(q.sql))).toEqual([]);
    },
  );
});
