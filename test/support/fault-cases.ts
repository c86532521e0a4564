/**
 * The fault matrix, as data. Each case arms one fault on the stand-in, runs the real
 * handler once under it, and states what must happen: the outcome and summary, the
 * metrics the alarms watch, what the catalog holds right after, and (after the fault
 * clears) what one more run must leave in the catalog. test/faults/matrix.test.ts runs
 * every case; the README cites {@link FAULT_CASE_COUNT} as "faults injected".
 *
 * Default trail (fault-harness DEFAULT_WORLD): 3 accounts, 5 account-regions, logs on
 * 03-01, 03-02, 03-04, 03-08 and 03-09; now is 2024-03-10. MAX_PARTITIONS_PER_STATEMENT 3,
 * so a scheduled run (03-09..03-11) is 15 partitions in 5 statements, one per
 * account-region, in this order: 111 eu-west-1, 111 us-east-1, 222 eu-west-1,
 * 222 us-east-1, 333 us-east-1. The backfill 03-01..03-11 is 35 partitions (20 empty past
 * days skipped) in 12 statements.
 */
import type { MetricName } from '../../lambda/core/shared/contract';
import type { Report } from '../../lambda/core/run/report';
import type { QueryOutcome, StandIn, StandInOptions, StandInStats } from './aws-standin';
import {
  A1,
  A2,
  A3,
  type CatalogSpec,
  DEFAULT_WORLD,
  type Invocation,
  manyAccountsWorld,
  SCHEDULED_EVENT,
  SCHEDULED_WINDOW,
  type TrailWorld,
} from './fault-harness';
import { DB, ORG, TABLE } from './handler-harness';

export type FaultGroup = 'athena-throttling' | 'query-failed' | 'deadline' | 's3-discovery' | 'glue';

export interface FaultExpectation {
  /** 'ok': the fault is survived. 'fails': the handler throws, and the next run recovers. */
  readonly outcome: 'ok' | 'fails';
  /** For 'fails': RunFailedError (statements left undone) or PortError (the run could not start work). */
  readonly error?: 'RunFailedError' | 'PortError';
  /** Matches summarize(report) for 'ok', the error message for 'fails' (RunFailedError's message is the summary). */
  readonly summary: RegExp;
  /** Fields of the report (returned, or logged before RunFailedError). */
  readonly report?: Partial<Report>;
  /** Every failed or unconfirmed statement gives a reason that matches. */
  readonly failureReason?: RegExp;
  /** Values of the alarmed metrics the invocation emitted; names left out are not checked. */
  readonly metrics: Partial<Record<MetricName, number>>;
  /**
   * The catalog right after the faulted run: 'all' expected partitions, 'none', those whose
   * location passes the filter, or 'some' (any subset of the expected: work was in flight).
   */
  readonly catalogAfterFault: 'all' | 'none' | 'some' | ((location: string) => boolean);
  /** What one more run (after faults.clear() and heal) must leave: exactly these partitions. */
  readonly catalog: CatalogSpec;
  /** Proof the fault really hit: counters of the stand-in right after the faulted run, and the run. */
  readonly evidence: (stats: StandInStats, run: Invocation) => void;
}

export interface FaultCase {
  readonly name: string;
  readonly group: FaultGroup;
  readonly world?: TrailWorld;
  readonly standIn?: StandInOptions;
  /** Lambda environment overrides. */
  readonly env?: Readonly<Record<string, string>>;
  /** context.getRemainingTimeInMillis() at the start of the faulted run. @default 900_000 */
  readonly remainingMs?: number;
  readonly payload: unknown;
  /** Arms the fault (before the faulted run). */
  setup(standIn: StandIn): void;
  /** What fixing the fault takes beyond standIn.faults.clear() (re-creating a table, ...). */
  heal?(standIn: StandIn): void;
  readonly expect: FaultExpectation;
}

// ---------------------------------------------------------------------------------------
// Payloads and the expectations most cases share
// ---------------------------------------------------------------------------------------

const BACKFILL = { from: '2024-03-01', to: '2024-03-11' };
const BACKFILL_WINDOW: CatalogSpec = BACKFILL;

const SCHEDULED_SUMMARY = '2024-03-09..2024-03-11: 15 partitions in 5 statements';
const BACKFILL_SUMMARY = '2024-03-01..2024-03-11: 35 partitions in 12 statements';
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const summary = (head: string, tail: string): RegExp => new RegExp(`^${escape(head)}; ${escape(tail)}`);

/** Every partition registered, every alarm quiet. */
function survived(
  statements: number,
  partitions: number,
  head: string,
): Omit<FaultExpectation, 'catalog' | 'evidence'> {
  return {
    outcome: 'ok',
    summary: summary(head, `${statements} succeeded, 0 failed, 0 unconfirmed, 0 partitions not submitted`),
    report: { ok: true, failed: 0, unconfirmed: 0, notSubmitted: 0, partitionsAdded: partitions },
    metrics: {
      PartitionsRequested: partitions,
      StatementsSucceeded: statements,
      StatementsFailed: 0,
      PartitionsNotSubmitted: 0,
      RunSucceeded: 1,
      RunFailed: 0,
    },
    catalogAfterFault: 'all',
  };
}

const scheduledSurvived = (evidence: FaultExpectation['evidence']): FaultExpectation => ({
  ...survived(5, 15, SCHEDULED_SUMMARY),
  catalog: SCHEDULED_WINDOW,
  evidence,
});

const backfillSurvived = (evidence: FaultExpectation['evidence']): FaultExpectation => ({
  ...survived(12, 35, BACKFILL_SUMMARY),
  catalog: BACKFILL_WINDOW,
  evidence,
});

/** A scheduled run where `failed` of the 5 statements fail after their attempts and the run throws. */
function scheduledStatementsFail(
  failed: number,
  failureReason: RegExp,
  catalogAfterFault: FaultExpectation['catalogAfterFault'],
  evidence: FaultExpectation['evidence'],
): FaultExpectation {
  return {
    outcome: 'fails',
    error: 'RunFailedError',
    summary: summary(
      SCHEDULED_SUMMARY,
      `${5 - failed} succeeded, ${failed} failed, 0 unconfirmed, 0 partitions not submitted`,
    ),
    report: { ok: false, succeeded: 5 - failed, failed, unconfirmed: 0, notSubmitted: 0 },
    failureReason,
    metrics: {
      PartitionsRequested: 15,
      StatementsSucceeded: 5 - failed,
      StatementsFailed: failed,
      PartitionsNotSubmitted: 0,
      RunSucceeded: 0,
      RunFailed: 1,
    },
    catalogAfterFault,
    catalog: SCHEDULED_WINDOW,
    evidence,
  };
}

/** The run stops before any statement (GetTable or discovery failed): the error propagates. */
function stoppedBeforeStatements(message: RegExp, evidence: FaultExpectation['evidence']): FaultExpectation {
  return {
    outcome: 'fails',
    error: 'PortError',
    summary: message,
    metrics: { RunSucceeded: 0, RunFailed: 1 },
    catalogAfterFault: 'none',
    catalog: SCHEDULED_WINDOW,
    evidence: (stats, run) => {
      expect(stats.calls.StartQueryExecution ?? 0).toBe(0);
      evidence(stats, run);
    },
  };
}

const notIn = (fragment: string) => (location: string) => !location.includes(fragment);

// ---------------------------------------------------------------------------------------
// Athena's words
// ---------------------------------------------------------------------------------------

const TOO_MANY_QUERIES =
  'You have exceeded the limit for the number of queries you can run concurrently. Please reduce the number of concurrent queries submitted by this account.';

/** Query failures Athena reports for work that can succeed on another try. */
const TRANSIENT: Record<string, QueryOutcome> = {
  rateExceeded: {
    reason: 'Rate exceeded (Service: AmazonAthena; Status Code: 400; Error Code: ThrottlingException)',
  },
  glueThrottled: {
    reason:
      'FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. MetaException(message:Rate exceeded (Service: AWSGlue; Status Code: 400; Error Code: ThrottlingException))',
  },
  internalError: {
    reason:
      'GENERIC_INTERNAL_ERROR: Amazon Athena experienced an internal error while executing this query. Please contact AWS support with your request ID.',
    errorCategory: 1,
  },
  retryableFlag: { reason: 'Query exhausted resources at this scale factor', retryable: true },
  cancelled: { reason: 'Query was cancelled', state: 'CANCELLED' },
};

/** Query failures no retry fixes. */
const PERMANENT: Record<string, QueryOutcome> = {
  tableMissing: {
    reason: `FAILED: SemanticException [Error 10001]: Table not found ${DB}.${TABLE}`,
    retryable: false,
  },
  accessDenied: {
    reason:
      'Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 4D2C9B0E1F6A7B3C)',
    retryable: false,
  },
  badLocation: {
    reason:
      'FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. MetaException(message:The specified bucket does not exist (Service: Amazon S3; Status Code: 404; Error Code: NoSuchBucket))',
    retryable: false,
  },
};

const SLOW_QUERY_MS = 3_600_000;
/** A Lambda with 10 minutes left: starts stop at +8.5 min, waiting at +9.75 min. */
const TEN_MINUTES = 600_000;

// ---------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------

export const FAULT_CASES: readonly FaultCase[] = [
  // ---- Athena throttling storms: the scheduler narrows concurrency and backs off ----
  {
    name: 'Athena ThrottlingException storm on StartQueryExecution for 3 minutes',
    group: 'athena-throttling',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.throttleFor('StartQueryExecution', 180_000),
    expect: scheduledSurvived((stats, run) => {
      expect(stats.throttled.StartQueryExecution).toBeGreaterThan(0);
      expect(run.report?.throttled).toBeGreaterThan(0);
    }),
  },
  {
    name: 'Athena ThrottlingException storm on BatchGetQueryExecution (polling) for 3 minutes',
    group: 'athena-throttling',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.throttleFor('BatchGetQueryExecution', 180_000),
    expect: scheduledSurvived((stats) => expect(stats.throttled.BatchGetQueryExecution).toBeGreaterThan(0)),
  },
  {
    name: 'Athena ThrottlingException storm on starts (3 min) and polls (5 min), during a backfill',
    group: 'athena-throttling',
    payload: BACKFILL,
    setup: (s) => {
      s.faults.throttleFor(['StartQueryExecution', 'GetQueryExecution'], 180_000);
      s.faults.throttleFor('BatchGetQueryExecution', 300_000);
    },
    expect: backfillSurvived((stats) => {
      expect(stats.throttled.StartQueryExecution).toBeGreaterThan(0);
      expect(stats.throttled.BatchGetQueryExecution).toBeGreaterThan(0);
    }),
  },
  {
    name: 'Athena TooManyRequestsException burst (12) on StartQueryExecution',
    group: 'athena-throttling',
    payload: SCHEDULED_EVENT,
    setup: (s) =>
      s.faults.athenaError('StartQueryExecution', 'TooManyRequestsException', 12, TOO_MANY_QUERIES),
    expect: scheduledSurvived((stats) => expect(stats.throttled.StartQueryExecution).toBe(12)),
  },
  {
    name: "Athena's active-query quota (2) below MAX_CONCURRENT_QUERIES (8): TooManyRequestsException from the quota",
    group: 'athena-throttling',
    // Slow DDL keeps two queries active for sure when the third start comes (fast ones could finish first).
    standIn: { quotas: { maxActiveDdl: 2, ddlFixedMs: 60_000 } },
    env: { MAX_CONCURRENT_QUERIES: '8' },
    payload: BACKFILL,
    setup: () => undefined,
    expect: backfillSurvived((stats) => {
      expect(stats.throttled.StartQueryExecution).toBeGreaterThan(0);
      expect(stats.maxConcurrentActive).toBeLessThanOrEqual(2);
    }),
  },
  // ---- Athena's latency unlike any prior: the scheduler measures it instead of assuming it ----
  {
    name: 'Athena DDL faster than any prior (20 ms + 1 ms per partition): few status calls, no idle wait',
    group: 'athena-throttling',
    standIn: { quotas: { ddlQueueMs: 0, ddlFixedMs: 20, ddlPerPartitionMs: 1 } },
    payload: BACKFILL,
    setup: () => undefined,
    expect: backfillSurvived((stats) => {
      // Checked early until the first end is measured, then at Athena's own latency.
      expect(stats.calls.BatchGetQueryExecution ?? 0).toBeLessThan(12 * 3);
      expect(stats.calls.StartQueryExecution).toBe(12);
    }),
  },
  {
    name: 'Athena DDL 3 × slower than the prior (4.5 s + 105 ms per partition)',
    group: 'athena-throttling',
    standIn: { quotas: { ddlFixedMs: 4500, ddlPerPartitionMs: 105 } },
    payload: BACKFILL,
    setup: () => undefined,
    expect: backfillSurvived((stats) => {
      expect(stats.calls.BatchGetQueryExecution ?? 0).toBeLessThan(12 * 3);
      expect(stats.calls.StartQueryExecution).toBe(12);
    }),
  },
  {
    name: 'a throttle storm at the start: every slot taken by others and status calls throttled for 4 minutes',
    group: 'athena-throttling',
    payload: BACKFILL,
    // Under the 5-min API patience: the run waits the storm out rather than giving up.
    setup: (s) => {
      const now = s.clock.now();
      s.faults.stormBetween(now, now + 240_000, ['BatchGetQueryExecution']);
    },
    expect: backfillSurvived((stats, run) => {
      expect(stats.throttled.StartQueryExecution).toBeGreaterThan(0);
      expect(run.report?.throttled).toBeGreaterThan(0);
    }),
  },
  {
    name: 'Athena throttle reported as InvalidRequestException "Rate exceeded" (6 starts)',
    group: 'athena-throttling',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.athenaError('StartQueryExecution', 'InvalidRequestException', 6, 'Rate exceeded'),
    expect: scheduledSurvived((stats, run) => {
      expect(stats.errors.StartQueryExecution).toBe(6);
      expect(run.report?.throttled).toBe(6);
    }),
  },
  {
    name: 'Athena InternalServerException (500) on StartQueryExecution, 4 in a row',
    group: 'athena-throttling',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.athenaError('StartQueryExecution', 'InternalServerException', 4),
    expect: scheduledSurvived((stats) => expect(stats.errors.StartQueryExecution).toBe(4)),
  },
  {
    name: 'Athena InternalServerException (500) on BatchGetQueryExecution, 6 in a row',
    group: 'athena-throttling',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.athenaError('BatchGetQueryExecution', 'InternalServerException', 6),
    expect: scheduledSurvived((stats) => expect(stats.errors.BatchGetQueryExecution).toBe(6)),
  },

  // ---- Queries that end FAILED or CANCELLED for transient reasons: retried, survived ----
  {
    name: 'queries FAILED with "Rate exceeded" (3 queries)',
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.failNextQueries(3, TRANSIENT.rateExceeded),
    expect: scheduledSurvived((stats, run) => {
      expect(stats.failed).toBe(3);
      expect(run.report?.retried).toBe(3);
    }),
  },
  {
    name: 'queries FAILED with Glue ThrottlingException inside the DDL (3 queries)',
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.failNextQueries(3, TRANSIENT.glueThrottled),
    expect: scheduledSurvived((stats, run) => {
      expect(stats.failed).toBe(3);
      expect(run.report?.retried).toBe(3);
    }),
  },
  {
    name: 'queries FAILED with GENERIC_INTERNAL_ERROR (3 queries, during a backfill)',
    group: 'query-failed',
    payload: BACKFILL,
    setup: (s) => s.faults.failNextQueries(3, TRANSIENT.internalError),
    expect: backfillSurvived((stats, run) => {
      expect(stats.failed).toBe(3);
      expect(run.report?.retried).toBe(3);
    }),
  },
  {
    name: 'queries FAILED that Athena marks Retryable (3 queries)',
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.failNextQueries(3, TRANSIENT.retryableFlag),
    expect: scheduledSurvived((stats, run) => {
      expect(stats.failed).toBe(3);
      expect(run.report?.retried).toBe(3);
    }),
  },
  {
    name: 'queries CANCELLED (2 queries)',
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.failNextQueries(2, TRANSIENT.cancelled),
    expect: scheduledSurvived((stats, run) => {
      expect(stats.cancelled).toBe(2);
      expect(run.report?.retried).toBe(2);
    }),
  },

  // ---- Queries that cannot succeed: the run fails, the other statements still land ----
  {
    name: 'queries FAILED: table not found (every statement)',
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.failQueriesMatching(/./, PERMANENT.tableMissing),
    expect: scheduledStatementsFail(5, /Table not found cloudtrail\.cloudtrail_logs/, 'none', (stats) => {
      // Permanent: tried twice, since a first token's failure may be an earlier invocation's answer.
      expect(stats.failed).toBe(10);
      expect(stats.statements).toBe(10);
    }),
  },
  {
    name: 'queries FAILED: S3 access denied on every eu-west-1 location',
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.failQueriesMatching(/eu-west-1/, PERMANENT.accessDenied),
    expect: scheduledStatementsFail(2, /^Access Denied/, notIn('/eu-west-1/'), (stats) => {
      expect(stats.failed).toBe(4);
      expect(stats.statements).toBe(7);
    }),
  },
  {
    name: "queries FAILED: bad location (NoSuchBucket) for account 333's statement",
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.failQueriesMatching(new RegExp(A3), PERMANENT.badLocation),
    expect: scheduledStatementsFail(1, /NoSuchBucket/, notIn(`/${A3}/`), (stats) =>
      expect(stats.failed).toBe(2),
    ),
  },
  {
    name: "queries CANCELLED on every attempt for account 222's statements",
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.failQueriesMatching(new RegExp(A2), TRANSIENT.cancelled),
    expect: {
      ...scheduledStatementsFail(2, /cancelled/, notIn(`/${A2}/`), (stats, run) => {
        expect(stats.cancelled).toBe(8);
        expect(run.loggedReport?.failures.map((f) => f.attempts)).toEqual([4, 4]);
      }),
    },
  },
  {
    name: 'queries FAILED with Glue throttling on every attempt for us-east-1 (transient, outlasting 4 attempts)',
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.failQueriesMatching(/us-east-1/, TRANSIENT.glueThrottled),
    expect: scheduledStatementsFail(
      3,
      /Rate exceeded \(Service: AWSGlue/,
      notIn('/us-east-1/'),
      (stats, run) => {
        expect(stats.failed).toBe(12);
        expect(run.loggedReport?.failures.map((f) => f.attempts)).toEqual([4, 4, 4]);
      },
    ),
  },
  {
    name: 'StartQueryExecution AccessDeniedException (role may not use the workgroup)',
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) =>
      s.faults.athenaError(
        'StartQueryExecution',
        'AccessDeniedException',
        Number.POSITIVE_INFINITY,
        'User: arn:aws:sts::111111111111:assumed-role/partitioner/fn is not authorized to perform: athena:StartQueryExecution on resource: arn:aws:athena:us-east-1:111111111111:workgroup/partitioner',
      ),
    expect: scheduledStatementsFail(
      5,
      /not authorized to perform: athena:StartQueryExecution/,
      'none',
      (stats) => {
        expect(stats.statements).toBe(0);
        // Not retried: one call per statement.
        expect(stats.calls.StartQueryExecution).toBe(5);
      },
    ),
  },
  {
    name: 'StartQueryExecution InvalidRequestException: workgroup disabled',
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) =>
      s.faults.athenaError(
        'StartQueryExecution',
        'InvalidRequestException',
        Number.POSITIVE_INFINITY,
        'WorkGroup partitioner is disabled.',
      ),
    expect: scheduledStatementsFail(5, /WorkGroup partitioner is disabled/, 'none', (stats) => {
      expect(stats.statements).toBe(0);
      expect(stats.calls.StartQueryExecution).toBe(5);
    }),
  },
  {
    name: 'BatchGetQueryExecution answers HTTP 500 forever: status falls back to GetQueryExecution',
    group: 'athena-throttling',
    payload: SCHEDULED_EVENT,
    setup: (s) =>
      s.faults.athenaError('BatchGetQueryExecution', 'InternalServerException', Number.POSITIVE_INFINITY),
    expect: scheduledSurvived((stats) => {
      // Three failed batch calls, then every status comes from GetQueryExecution.
      // (each after the SDK's own retries)
      expect(stats.errors.BatchGetQueryExecution).toBeGreaterThanOrEqual(3);
      expect(stats.errors.BatchGetQueryExecution).toBeLessThanOrEqual(9);
      expect(stats.calls.GetQueryExecution).toBeGreaterThan(0);
    }),
  },
  {
    name: 'every status call answers HTTP 500 forever: the run ends after the API patience',
    group: 'athena-throttling',
    // A 60-s patience inside a 15-minute invocation: the patience ends the run, not the deadline.
    env: { API_PATIENCE_SECONDS: '60' },
    payload: SCHEDULED_EVENT,
    setup: (s) => {
      s.faults.athenaError('BatchGetQueryExecution', 'InternalServerException', Number.POSITIVE_INFINITY);
      s.faults.athenaError('GetQueryExecution', 'InternalServerException', Number.POSITIVE_INFINITY);
    },
    expect: {
      // The 2 queries in flight are unconfirmed (naming the operation and the error), the rest not submitted.
      outcome: 'fails',
      error: 'RunFailedError',
      summary: summary(SCHEDULED_SUMMARY, '0 succeeded, 0 failed, 2 unconfirmed, 9 partitions not submitted'),
      report: { ok: false, succeeded: 0, failed: 0, unconfirmed: 2, notSubmitted: 9 },
      failureReason:
        /athena status unavailable: athena status calls kept failing for 60 s \(api patience\): athena unavailable BatchGetQueryExecution: InternalServerException/,
      metrics: {
        PartitionsRequested: 15,
        StatementsSucceeded: 0,
        StatementsFailed: 0,
        PartitionsNotSubmitted: 9,
        RunSucceeded: 0,
        RunFailed: 1,
      },
      catalogAfterFault: 'some',
      catalog: SCHEDULED_WINDOW,
      evidence: (stats, run) => {
        expect(stats.statements).toBe(2);
        // Bounded: a few dozen status calls in the minute, not one every 100 ms forever.
        expect(run.loggedReport?.athenaCalls.poll).toBeLessThan(60);
        expect(run.loggedReport?.stopReason).toMatch(/kept failing for 60 s/);
      },
    },
  },
  {
    name: 'BatchGetQueryExecution AccessDeniedException while polling',
    group: 'query-failed',
    payload: SCHEDULED_EVENT,
    setup: (s) =>
      s.faults.athenaError(
        'BatchGetQueryExecution',
        'AccessDeniedException',
        Number.POSITIVE_INFINITY,
        'User is not authorized to perform: athena:BatchGetQueryExecution',
      ),
    expect: {
      // No status can be read: the run stops at once, the 2 queries in flight (the scheduled
      // run's share) are unconfirmed (and say why), the other three statements are not submitted.
      outcome: 'fails',
      error: 'RunFailedError',
      summary: summary(SCHEDULED_SUMMARY, '0 succeeded, 0 failed, 2 unconfirmed, 9 partitions not submitted'),
      report: { ok: false, succeeded: 0, failed: 0, unconfirmed: 2, notSubmitted: 9 },
      failureReason: /athena status unavailable: access denied calling athena BatchGetQueryExecution/,
      metrics: {
        PartitionsRequested: 15,
        StatementsSucceeded: 0,
        StatementsFailed: 0,
        PartitionsNotSubmitted: 9,
        RunSucceeded: 0,
        RunFailed: 1,
      },
      catalogAfterFault: 'some',
      catalog: SCHEDULED_WINDOW,
      evidence: (stats, run) => {
        expect(stats.errors.BatchGetQueryExecution).toBe(1);
        expect(stats.statements).toBe(2);
        expect(run.loggedReport?.athenaCalls.poll).toBe(1);
      },
    },
  },
  {
    name: 'Athena refuses every start for 14.5 minutes, past the 10-minute throttle patience',
    group: 'athena-throttling',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.throttleFor('StartQueryExecution', 870_000),
    expect: {
      outcome: 'fails',
      error: 'RunFailedError',
      summary: summary(
        SCHEDULED_SUMMARY,
        '0 succeeded, 0 failed, 0 unconfirmed, 15 partitions not submitted',
      ),
      report: { ok: false, succeeded: 0, failed: 0, unconfirmed: 0, notSubmitted: 15 },
      metrics: {
        PartitionsRequested: 15,
        StatementsSucceeded: 0,
        StatementsFailed: 0,
        PartitionsNotSubmitted: 15,
        RunSucceeded: 0,
        RunFailed: 1,
      },
      catalogAfterFault: 'none',
      catalog: SCHEDULED_WINDOW,
      evidence: (stats, run) => {
        expect(stats.statements).toBe(0);
        expect(run.loggedReport?.throttled).toBeGreaterThan(0);
      },
    },
  },

  // ---- Queries slower than the Lambda's remaining time ----
  {
    name: 'queries slower than the remaining time: every statement started, none confirmed',
    group: 'deadline',
    env: { MAX_CONCURRENT_QUERIES: '8' },
    remainingMs: TEN_MINUTES,
    // A manual invoke over the scheduled window: it takes the whole MAX_CONCURRENT_QUERIES (the schedule keeps 2).
    payload: { from: '2024-03-09', to: '2024-03-11' },
    setup: (s) => s.faults.slowQueries(SLOW_QUERY_MS),
    expect: {
      outcome: 'fails',
      error: 'RunFailedError',
      summary: summary(SCHEDULED_SUMMARY, '0 succeeded, 0 failed, 5 unconfirmed, 0 partitions not submitted'),
      report: { ok: false, succeeded: 0, failed: 0, unconfirmed: 5, notSubmitted: 0 },
      failureReason: /still running in athena/,
      metrics: {
        PartitionsRequested: 15,
        StatementsSucceeded: 0,
        StatementsFailed: 0,
        PartitionsNotSubmitted: 0,
        RunSucceeded: 0,
        RunFailed: 1,
      },
      catalogAfterFault: 'none',
      catalog: SCHEDULED_WINDOW,
      evidence: (stats, run) => {
        expect(stats.statements).toBe(5);
        expect(run.queries.map((q) => q.state)).toEqual(Array(5).fill('RUNNING'));
      },
    },
  },
  {
    name: 'queries slower than the remaining time with the concurrency cap full: the rest not submitted',
    group: 'deadline',
    env: { MAX_CONCURRENT_QUERIES: '2', MAX_PARTITIONS_PER_STATEMENT: '1' },
    remainingMs: TEN_MINUTES,
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.slowQueries(SLOW_QUERY_MS),
    expect: {
      outcome: 'fails',
      error: 'RunFailedError',
      summary: summary(
        '2024-03-09..2024-03-11: 15 partitions in 15 statements',
        '0 succeeded, 0 failed, 2 unconfirmed, 13 partitions not submitted',
      ),
      report: { ok: false, succeeded: 0, failed: 0, unconfirmed: 2, notSubmitted: 13 },
      metrics: {
        PartitionsRequested: 15,
        StatementsSucceeded: 0,
        StatementsFailed: 0,
        PartitionsNotSubmitted: 13,
        RunSucceeded: 0,
        RunFailed: 1,
      },
      catalogAfterFault: 'none',
      catalog: SCHEDULED_WINDOW,
      evidence: (stats, run) => {
        expect(stats.statements).toBe(2);
        // The two first partitions started; the report names exactly the 13 never submitted.
        const range = (account: string, region: string, from: string) => ({
          account,
          region,
          from,
          to: '2024-03-11',
        });
        expect(run.loggedReport?.notSubmittedRanges).toEqual([
          range(A1, 'eu-west-1', '2024-03-11'),
          range(A1, 'us-east-1', '2024-03-09'),
          range(A2, 'eu-west-1', '2024-03-09'),
          range(A2, 'us-east-1', '2024-03-09'),
          range(A3, 'us-east-1', '2024-03-09'),
        ]);
      },
    },
  },
  {
    name: 'Lambda with the default 3 s timeout while S3 answers SlowDown: nothing started in time',
    group: 'deadline',
    remainingMs: 3_000,
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.s3ErrorFor('', 'SlowDown', 3),
    expect: {
      outcome: 'fails',
      error: 'RunFailedError',
      summary: summary(
        SCHEDULED_SUMMARY,
        '0 succeeded, 0 failed, 0 unconfirmed, 15 partitions not submitted',
      ),
      report: { ok: false, succeeded: 0, failed: 0, unconfirmed: 0, notSubmitted: 15 },
      metrics: {
        PartitionsRequested: 15,
        StatementsSucceeded: 0,
        StatementsFailed: 0,
        PartitionsNotSubmitted: 15,
        RunSucceeded: 0,
        RunFailed: 1,
      },
      catalogAfterFault: 'none',
      catalog: SCHEDULED_WINDOW,
      evidence: (stats) => {
        expect(stats.throttled.ListObjectsV2).toBe(3);
        expect(stats.calls.StartQueryExecution ?? 0).toBe(0);
      },
    },
  },

  // ---- S3 during discovery ----
  {
    name: 'S3 SlowDown (503) on 3 listing calls',
    group: 's3-discovery',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.s3ErrorFor('', 'SlowDown', 3),
    expect: scheduledSurvived((stats) => expect(stats.throttled.ListObjectsV2).toBe(3)),
  },
  {
    name: 'S3 InternalError (500) on 3 listing calls, during a backfill',
    group: 's3-discovery',
    payload: BACKFILL,
    setup: (s) => s.faults.s3ErrorFor('', 'InternalError', 3),
    expect: backfillSurvived((stats) => expect(stats.errors.ListObjectsV2).toBe(3)),
  },
  {
    name: "S3 SlowDown on every listing, outlasting the SDK's 5 attempts and the core's 4 tries",
    group: 's3-discovery',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.s3ErrorFor(`AWSLogs/${ORG}/`, 'SlowDown', Number.POSITIVE_INFINITY),
    expect: stoppedBeforeStatements(
      /S3 unavailable listing s3:\/\/trail-bucket\/AWSLogs\/o-abcdefghij\//,
      // 4 tries by the core (lambda/core/retry.ts), each of 5 SDK attempts.
      (stats) => expect(stats.throttled.ListObjectsV2).toBe(20),
    ),
  },
  {
    name: 'S3 AccessDenied on the accounts root',
    group: 's3-discovery',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.s3ErrorFor('AWSLogs/', 'AccessDenied', Number.POSITIVE_INFINITY),
    expect: stoppedBeforeStatements(
      /access denied listing s3:\/\/trail-bucket\/AWSLogs\/o-abcdefghij\/:/,
      (stats) => expect(stats.errors.ListObjectsV2).toBe(1),
    ),
  },
  {
    name: "S3 AccessDenied on one account's folder",
    group: 's3-discovery',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.s3ErrorFor(`AWSLogs/${ORG}/${A2}/`, 'AccessDenied', Number.POSITIVE_INFINITY),
    expect: {
      // Every other account is registered; the unreadable one is named, and the run fails so the alarm fires.
      outcome: 'fails',
      error: 'RunFailedError',
      summary:
        /0 failed, 0 unconfirmed, 0 partitions not submitted; 0 empty days skipped; unreadable accounts \(access denied\): 222222222222$/,
      report: {
        ok: false,
        failed: 0,
        unreadableAccounts: [
          {
            account: A2,
            reason: expect.stringMatching(
              /access denied listing s3:\/\/trail-bucket\/AWSLogs\/o-abcdefghij\/222222222222\/CloudTrail\//,
            ) as string,
          },
        ],
      },
      metrics: { RunSucceeded: 0, RunFailed: 1 },
      catalogAfterFault: notIn(`/${A2}/`),
      catalog: SCHEDULED_WINDOW,
      evidence: (stats) => {
        // Once in the run, once more in the scheduled audit's discovery: both register the others.
        expect(stats.errors.ListObjectsV2).toBeGreaterThanOrEqual(1);
        expect(stats.calls.StartQueryExecution).toBeGreaterThan(0);
      },
    },
  },
  {
    name: 'S3 truncated listing: 1,050 accounts over two pages, SlowDown on the accounts root twice',
    group: 's3-discovery',
    world: manyAccountsWorld(1050, 'us-east-1', ['2024-03-09']),
    env: { MAX_PARTITIONS_PER_STATEMENT: '1000' },
    payload: { from: '2024-03-09', to: '2024-03-11', regions: ['us-east-1'], includeEmptyDays: true },
    setup: (s) => s.faults.s3ErrorFor(`AWSLogs/${ORG}/`, 'SlowDown', 2),
    expect: {
      ...survived(4, 3150, '2024-03-09..2024-03-11: 3150 partitions in 4 statements'),
      report: { ok: true, accounts: 1050, regions: 1, partitionsAdded: 3150 },
      catalog: { from: '2024-03-09', to: '2024-03-11', regions: ['us-east-1'], includeEmptyDays: true },
      evidence: (stats) => {
        // Two SlowDown answers, then page 1 and page 2 (continuation token) of the accounts root.
        expect(stats.throttled.ListObjectsV2).toBe(2);
        expect(stats.calls.ListObjectsV2).toBe(4);
      },
    },
  },
  {
    name: 'S3 trail bucket in another region (eu-west-1) than the Lambda (us-east-1)',
    group: 's3-discovery',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.createBucket('trail-bucket', { region: 'eu-west-1' }),
    expect: scheduledSurvived((stats) => expect(stats.redirects).toBeGreaterThan(0)),
  },

  // ---- Glue GetTable ----
  {
    name: 'Glue GetTable ThrottlingException, 3 in a row',
    group: 'glue',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.glueError('ThrottlingException', 3),
    expect: scheduledSurvived((stats) => expect(stats.throttled.GetTable).toBe(3)),
  },
  {
    name: 'Glue GetTable InternalServiceException (500), 2 in a row',
    group: 'glue',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.glueError('InternalServiceException', 2),
    expect: scheduledSurvived((stats) => expect(stats.errors.GetTable).toBe(2)),
  },
  {
    name: 'Glue GetTable OperationTimeoutException, once',
    group: 'glue',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.glueError('OperationTimeoutException', 1),
    expect: scheduledSurvived((stats) => expect(stats.errors.GetTable).toBe(1)),
  },
  {
    name: 'Glue GetTable AccessDeniedException',
    group: 'glue',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.faults.glueError('AccessDeniedException', Number.POSITIVE_INFINITY),
    expect: stoppedBeforeStatements(
      /access denied reading table cloudtrail\.cloudtrail_logs from glue/,
      (stats) => expect(stats.calls.ListObjectsV2 ?? 0).toBe(0),
    ),
  },
  {
    name: 'Glue table missing (dropped), re-created before the next run',
    group: 'glue',
    payload: SCHEDULED_EVENT,
    setup: (s) => s.dropTable(DB, TABLE),
    heal: (s) =>
      s.defineTable(
        DB,
        TABLE,
        ['account', 'region', 'year', 'month', 'day'].map((name) => ({ name, type: 'string' })),
      ),
    expect: stoppedBeforeStatements(
      /table cloudtrail\.cloudtrail_logs not found in the glue catalog/,
      (stats) => expect(stats.errors.GetTable).toBe(1),
    ),
  },
];

/** "faults injected: N" in the README. */
export const FAULT_CASE_COUNT = FAULT_CASES.length;

/** The trail a case runs against. */
export function worldOf(fault: FaultCase): TrailWorld {
  return fault.world ?? DEFAULT_WORLD;
}
