import { emptyReport, reportFrom, summarize } from '../../../lambda/core/run/report';
import type { SubmitResult } from '../../../lambda/core/submit/submit';

const BASE = {
  window: { from: '2024-06-14', to: '2024-06-16' },
  dryRun: false,
  accounts: 2,
  regions: 3,
  partitions: 18,
  skippedEmpty: 2,
};

const RANGE = { account: '111122223333', region: 'us-east-1', from: '2024-06-14', to: '2024-06-15' };

function result(overrides: Partial<SubmitResult> = {}): SubmitResult {
  return {
    statements: 4,
    succeeded: 4,
    partitionsAdded: 18,
    failed: [],
    unconfirmed: [],
    notSubmitted: { statements: 0, partitions: 0, ranges: [] },
    retried: 1,
    throttled: 2,
    startCalls: 7,
    pollCalls: 9,
    hedges: { started: 2, won: 1, stopped: 2 },
    ...overrides,
  };
}

describe('reportFrom', () => {
  test('a clean run is ok and carries every count', () => {
    // GIVEN a submit result with everything succeeded
    // WHEN the report is built
    const report = reportFrom(BASE, result());
    // THEN it is ok and copies the counts and call numbers
    expect(report).toEqual({
      ...BASE,
      ok: true,
      statements: 4,
      succeeded: 4,
      failed: 0,
      partitionsAdded: 18,
      notSubmitted: 0,
      unconfirmed: 0,
      retried: 1,
      throttled: 2,
      athenaCalls: { start: 7, poll: 9 },
      hedges: { started: 2, won: 1, stopped: 2 },
      failures: [],
      notSubmittedRanges: [],
    });
  });

  test.each([
    [
      'a failed statement',
      {
        failed: [
          {
            index: 1,
            partitions: 2,
            attempts: 1,
            queryIds: ['q1'],
            reason: 'Table not found',
            ranges: [RANGE],
          },
        ],
      },
    ],
    [
      'an unconfirmed statement',
      {
        unconfirmed: [
          {
            index: 2,
            partitions: 2,
            attempts: 1,
            queryIds: ['q2'],
            reason: 'still running',
            ranges: [RANGE],
          },
        ],
      },
    ],
    ['work not submitted', { notSubmitted: { statements: 1, partitions: 2, ranges: [RANGE] } }],
  ])('%s makes the run not ok', (_name, overrides) => {
    // GIVEN a result with one problem
    // WHEN the report is built
    const report = reportFrom(BASE, result(overrides));
    // THEN the run is not ok
    expect(report.ok).toBe(false);
  });

  test('failures list failed then unconfirmed statements, each with its status', () => {
    // GIVEN one failed and one unconfirmed statement
    const failed = {
      index: 1,
      partitions: 2,
      attempts: 4,
      queryIds: ['a', 'b'],
      reason: 'Rate exceeded',
      ranges: [RANGE],
    };
    const unconfirmed = {
      index: 3,
      partitions: 1,
      attempts: 1,
      queryIds: ['c'],
      reason: 'still running',
      ranges: [RANGE],
    };
    // WHEN the report is built
    const report = reportFrom(BASE, result({ succeeded: 2, failed: [failed], unconfirmed: [unconfirmed] }));
    // THEN both appear, marked, in that order, and the counts match
    expect(report.failures).toEqual([
      { ...failed, status: 'failed' },
      { ...unconfirmed, status: 'unconfirmed' },
    ]);
    expect(report).toMatchObject({ failed: 1, unconfirmed: 1 });
  });
});

describe('summarize', () => {
  test('a run', () => {
    // GIVEN a report with a failure and work not submitted
    const report = reportFrom(
      BASE,
      result({
        succeeded: 2,
        partitionsAdded: 12,
        failed: [{ index: 1, partitions: 2, attempts: 1, queryIds: [], reason: 'x', ranges: [] }],
        notSubmitted: { statements: 1, partitions: 4, ranges: [] },
      }),
    );
    // WHEN summarized THEN one line says what happened
    expect(summarize(report)).toBe(
      '2024-06-14..2024-06-16: 18 partitions in 4 statements; 2 succeeded, 1 failed, 0 unconfirmed, 4 partitions not submitted; 2 empty days skipped; 2 stragglers hedged (1 won)',
    );
  });

  test('a dry run', () => {
    // GIVEN an empty dry-run report WHEN summarized THEN it says nothing was submitted
    const report = { ...emptyReport({ ...BASE, dryRun: true }), statements: 5 };
    expect(summarize(report)).toBe(
      '2024-06-14..2024-06-16: 18 partitions in 5 statements (dry run, nothing submitted; 2 empty days skipped)',
    );
  });
});
