import { createHandler, invocationDeadlines, RunFailedError } from '../lambda/handler';
import { METRIC, METRICS_NAMESPACE } from '../lambda/core/shared/contract';
import type { Report } from '../lambda/core/run/report';
import type { StandIn } from './support/aws-standin';
import {
  BUCKET,
  captureStdout,
  DB,
  lambdaEnv,
  logKeys,
  metricValue,
  scaledClock,
  SERVICE,
  startTrailStandIn,
  TABLE,
  useEnv,
} from './support/handler-harness';

const NOW = new Date('2024-03-10T06:00:00Z');
const ACCOUNTS = ['111111111111', '222222222222'];
const REGIONS = ['eu-west-1', 'us-east-1'];
const SCHEDULED = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
/** What every real scheduled run publishes (the retention metric only where retention is set). */
const SCHEDULED_RUN_METRICS = [
  METRIC.partitionsMissing,
  METRIC.partitionsRepaired,
  METRIC.partitionsStillMissing,
  METRIC.silentTrails,
  METRIC.catalogPartitions,
  METRIC.partitionsRequested,
  METRIC.partitionsSkippedEmpty,
  METRIC.statementsSucceeded,
  METRIC.statementsFailed,
  METRIC.partitionsNotSubmitted,
  METRIC.runSucceeded,
  METRIC.runFailed,
  METRIC.scheduledRunSucceeded,
];

let standIn: StandIn;
let restoreEnv: () => void;
let stdout: ReturnType<typeof captureStdout>;

function context(id = 'request-1') {
  return { awsRequestId: id, getRemainingTimeInMillis: () => 900_000 };
}

function handlerWith(overrides: Record<string, string | undefined> = {}) {
  restoreEnv?.();
  restoreEnv = useEnv(lambdaEnv(standIn, overrides));
  return createHandler({ env: process.env, clock: scaledClock(standIn, NOW) });
}

beforeEach(async () => {
  standIn = await startTrailStandIn();
  standIn.putObjects(BUCKET, logKeys(ACCOUNTS, REGIONS, ['2024-03-08', '2024-03-09']));
  // Neighbours that are not event logs, and a stray folder: discovery must ignore them.
  standIn.putObjects(BUCKET, [
    `AWSLogs/o-abcdefghij/111111111111/CloudTrail-Digest/us-east-1/2024/03/09/d.json.gz`,
    `AWSLogs/o-abcdefghij/111111111111/Config/us-east-1/2024/03/09/c.json.gz`,
    `AWSLogs/o-abcdefghij/notanaccount/CloudTrail/us-east-1/2024/03/09/x.json.gz`,
  ]);
  stdout = captureStdout();
});

afterEach(async () => {
  stdout.restore();
  restoreEnv?.();
  await standIn.close();
});

describe('scheduled run', () => {
  it('adds yesterday, today and tomorrow for every discovered account and region, and reports success', async () => {
    // GIVEN two accounts with logs in two regions, and the default lookback of one day
    const handler = handlerWith();
    // WHEN the schedule fires
    const report = (await handler(SCHEDULED, context())) as Report;
    // THEN 2 accounts × 2 regions × 3 days are in the catalog, with exact locations
    expect(report).toMatchObject({
      ok: true,
      window: { from: '2024-03-09', to: '2024-03-11' },
      partitions: 12,
      failed: 0,
    });
    const catalog = standIn.partitions(DB, TABLE);
    expect(catalog).toHaveLength(12);
    expect(catalog.map((p) => p.location)).toContain(
      `s3://${BUCKET}/AWSLogs/o-abcdefghij/222222222222/CloudTrail/eu-west-1/2024/03/11/`,
    );
    expect(
      catalog.find((p) => p.location?.endsWith('/111111111111/CloudTrail/eu-west-1/2024/03/09/'))?.values,
    ).toEqual(['111111111111', 'eu-west-1', '2024', '03', '09']);
  });

  it('emits every metric the alarms watch, in the namespace and service dimension the alarms use', async () => {
    // GIVEN a healthy bucket
    const handler = handlerWith();
    // WHEN the schedule fires
    await handler(SCHEDULED, context());
    // THEN each metric a scheduled run emits is published once, under the construct's namespace and service
    const metrics = stdout.metrics();
    for (const name of SCHEDULED_RUN_METRICS) {
      expect(
        metrics.filter(
          (m) => m.name === name && m.namespace === METRICS_NAMESPACE && m.dimensions.service === SERVICE,
        ),
      ).toHaveLength(1);
    }
    expect(metricValue(metrics, METRIC.runSucceeded)).toBe(1);
    expect(metricValue(metrics, METRIC.scheduledRunSucceeded)).toBe(1);
    expect(metricValue(metrics, METRIC.statementsFailed)).toBe(0);
    expect(metricValue(metrics, METRIC.partitionsRequested)).toBe(12);
  });

  it('is idempotent: a second run adds nothing new and still succeeds', async () => {
    // GIVEN a first run already done
    const handler = handlerWith();
    await handler(SCHEDULED, context('first'));
    // WHEN it runs again
    const report = (await handler(SCHEDULED, context('second'))) as Report;
    // THEN the catalog is unchanged (IF NOT EXISTS) and the run is ok
    expect(report.ok).toBe(true);
    expect(standIn.partitions(DB, TABLE)).toHaveLength(12);
  });
});

describe('heartbeat', () => {
  it.each([
    ['a backfill chunk', { from: '2024-03-08', to: '2024-03-09' }],
    ['a manual invoke with an empty payload', {}],
  ])('is not emitted by %s, which still reports RunSucceeded for dashboards', async (_what, payload) => {
    // GIVEN a healthy bucket
    const handler = handlerWith();
    // WHEN the function runs from something other than the schedule
    const report = (await handler(payload, context())) as Report;
    // THEN the run succeeded and says so, but the heartbeat metric is absent
    expect(report.ok).toBe(true);
    const metrics = stdout.metrics();
    expect(metricValue(metrics, METRIC.runSucceeded)).toBe(1);
    expect(metrics.filter((m) => m.name === METRIC.scheduledRunSucceeded)).toEqual([]);
  });

  it('reports 0 from a scheduled run that failed', async () => {
    // GIVEN Athena refusing every statement
    const handler = handlerWith();
    standIn.faults.failQueriesMatching(/ADD/, { reason: 'HIVE_METASTORE_ERROR' });
    // WHEN the schedule fires THEN the run fails and the heartbeat metric is 0, not 1
    await expect(handler(SCHEDULED, context())).rejects.toThrow(RunFailedError);
    expect(metricValue(stdout.metrics(), METRIC.scheduledRunSucceeded)).toBe(0);
  });
});

describe('access denied', () => {
  it('names the Lake Formation setting in the failure text when Lake Formation refused the statements', async () => {
    // GIVEN Athena failing every statement for lack of Lake Formation grants
    const handler = handlerWith();
    standIn.faults.failQueriesMatching(/ADD/, {
      reason: 'Insufficient Lake Formation permission(s) on cloudtrail_logs',
    });
    // WHEN the schedule fires THEN the error the Errors alarm's log shows says what to turn on
    await expect(handler(SCHEDULED, context())).rejects.toThrow(
      /1 failed.*; first failure: Insufficient Lake Formation permission\(s\) on cloudtrail_logs \(.*-c lakeFormationPermissions=true/,
    );
  });

  it('fails the initial backfill split on a cross-account bucket with what the bucket policy needs', async () => {
    // GIVEN a trail bucket whose policy does not yet allow the function (stack just created)
    const handler = handlerWith();
    standIn.faults.s3ErrorFor('*', 'AccessDenied', Number.POSITIVE_INFINITY);
    // WHEN the state machine's split step runs, as the initial backfill starts it
    const split = handler({ action: 'split', daysBack: 30 }, context());
    // THEN the error (the execution's cause) names the bucket, both actions, the role output and how to restart
    await expect(split).rejects.toThrow(
      /access denied listing s3:\/\/trail-bucket\/AWSLogs\/.*bucket policy must allow s3:ListBucket and s3:GetBucketLocation.*FunctionRoleArn.*StateMachineBackfillCommand/,
    );
  });
});

describe('backfill', () => {
  it('skips past days without logs and registers days with logs', async () => {
    // GIVEN logs only on 03-08 and 03-09
    const handler = handlerWith();
    // WHEN backfilling 03-01..03-09 for one account
    const report = (await handler(
      { from: '2024-03-01', to: '2024-03-09', accounts: ['111111111111'] },
      context(),
    )) as Report;
    // THEN only the two days with logs are added, 7 empty days per region skipped
    expect(report).toMatchObject({ ok: true, partitions: 4, skippedEmpty: 14 });
    expect(standIn.partitions(DB, TABLE)).toHaveLength(4);
  });

  it('dry run plans without submitting anything', async () => {
    // GIVEN a dry-run payload
    const handler = handlerWith();
    // WHEN invoked
    const report = (await handler(
      { from: '2024-03-08', to: '2024-03-11', dryRun: true },
      context(),
    )) as Report;
    // THEN statements are planned but Athena saw no start
    expect(report.dryRun).toBe(true);
    expect(report.statements).toBe(1);
    expect(report.firstStatement).toMatch(/^ALTER TABLE `cloudtrail`.`cloudtrail_logs` ADD IF NOT EXISTS/);
    expect(standIn.stats().calls.StartQueryExecution ?? 0).toBe(0);
    // AND no metric is published: a dry run must not satisfy the heartbeat or move the alarms
    expect(stdout.metrics()).toEqual([]);
  });

  it('fails the run after trying every statement when one fails permanently, and says why', async () => {
    // GIVEN one statement per partition and Athena refusing eu-west-1 locations
    const handler = handlerWith({ MAX_PARTITIONS_PER_STATEMENT: '1' });
    standIn.faults.failQueriesMatching(/eu-west-1/, {
      reason: 'Access Denied (Service: Amazon S3; Status Code: 403)',
    });
    // WHEN the schedule fires
    const run = handler(SCHEDULED, context());
    // THEN the handler throws, the us-east-1 partitions still exist, and the failure metric counts 6
    await expect(run).rejects.toThrow(RunFailedError);
    await expect(run).rejects.toThrow(/6 failed/);
    expect(standIn.partitions(DB, TABLE).every((p) => p.location?.includes('us-east-1'))).toBe(true);
    expect(standIn.partitions(DB, TABLE)).toHaveLength(6);
    const metrics = stdout.metrics();
    expect(metricValue(metrics, METRIC.statementsFailed)).toBe(6);
    expect(metricValue(metrics, METRIC.runSucceeded)).toBe(0);
    expect(metricValue(metrics, METRIC.runFailed)).toBe(1);
    expect(
      stdout.lines().some((line) => line.includes('statement failed') && line.includes('Access Denied')),
    ).toBe(true);
  });

  it('splits a large range into chunks for the Step Functions backfill', async () => {
    // GIVEN 4 account-regions in the bucket
    const handler = handlerWith();
    // WHEN asked to split two years
    const split = await handler({ action: 'split', from: '2022-03-01', to: '2024-02-29' }, context());
    // THEN chunks cover the window in order, sized by account-regions
    expect(split).toMatchObject({
      window: { from: '2022-03-01', to: '2024-02-29' },
      accountRegions: 4,
      chunkDays: 366,
    });
    expect((split as { chunks: readonly unknown[] }).chunks).toEqual([
      { from: '2022-03-01', to: '2023-03-01' },
      { from: '2023-03-02', to: '2024-02-29' },
    ]);
  });
});

describe('bad input', () => {
  it.each([
    [{ from: '2023-02-29', to: '2023-03-01' }, /from: expected a real calendar date.*2023-02-29/],
    [{ from: '2024-03-05', to: '2024-03-01' }, /from 2024-03-05 is after to 2024-03-01/],
    [{ from: '2024-03-01', to: '2024-03-20' }, /after tomorrow/],
    [{ from: '2024-03-01', to: '2024-03-02', accounts: ['12345678901'] }, /accounts\.0.*12345678901/],
    [{ from: '2024-03-01', to: '2024-03-02', bogus: 1 }, /unknown key "bogus"/],
    [
      JSON.parse('{"from":"2024-03-01","to":"2024-03-02","__proto__":{"dryRun":true}}'),
      /unknown key "__proto__"/,
    ],
  ])('refuses %j with a clear error and submits nothing', async (payload, message) => {
    // GIVEN an invalid payload
    const handler = handlerWith();
    // WHEN invoked THEN it throws naming the value, and Athena and S3 were never called
    await expect(handler(payload, context())).rejects.toThrow(message);
    expect(standIn.stats().calls.StartQueryExecution ?? 0).toBe(0);
    expect(standIn.stats().calls.ListObjectsV2 ?? 0).toBe(0);
    expect(metricValue(stdout.metrics(), METRIC.runFailed)).toBe(1);
  });

  it('fails every invocation loudly when its environment is invalid', async () => {
    // GIVEN a bad concurrency setting
    const handler = handlerWith({ MAX_CONCURRENT_QUERIES: '50' });
    // WHEN invoked THEN the error names the variable and nothing is called
    await expect(handler(SCHEDULED, context())).rejects.toThrow(/MAX_CONCURRENT_QUERIES.*50/);
    await expect(handler(SCHEDULED, context('again'))).rejects.toThrow(/MAX_CONCURRENT_QUERIES.*50/);
    expect(standIn.stats().calls.GetTable ?? 0).toBe(0);
  });

  it('fails loudly when the bucket holds no logs where the settings point, rather than succeeding with nothing', async () => {
    // GIVEN a prefix under which nothing was ever delivered
    const handler = handlerWith({ TRAIL_PREFIX: 'wrong-prefix' });
    // WHEN the schedule fires THEN the error names the place it looked, and the run counts as failed
    await expect(handler(SCHEDULED, context())).rejects.toThrow(
      'no cloudtrail logs found under s3://trail-bucket/wrong-prefix/AWSLogs/o-abcdefghij/',
    );
    expect(standIn.stats().calls.StartQueryExecution ?? 0).toBe(0);
    expect(metricValue(stdout.metrics(), METRIC.runFailed)).toBe(1);
    expect(metricValue(stdout.metrics(), METRIC.runSucceeded)).toBe(0);
  });

  it('refuses a table partitioned by other keys before submitting anything', async () => {
    // GIVEN a table partitioned by dt only
    standIn.defineTable(DB, 'other', [{ name: 'dt', type: 'string' }]);
    const handler = handlerWith({ TABLE: 'other' });
    // WHEN the schedule fires THEN a clear error and no query
    await expect(handler(SCHEDULED, context())).rejects.toThrow(/unsupported partition keys \(dt\)/);
    expect(standIn.stats().calls.StartQueryExecution ?? 0).toBe(0);
  });
});

describe('what the logs hold', () => {
  it('never logs credentials or the raw event, only validated fields', async () => {
    // GIVEN credentials in the environment, a secret in a scheduled event's detail, and one in an unknown payload key
    const handler = handlerWith({
      AWS_SECRET_ACCESS_KEY: 'SECRETKEYFROMENV',
      AWS_SESSION_TOKEN: 'SESSIONTOKENFROMENV',
    });
    // WHEN a scheduled run and a refused backfill are logged
    await handler({ ...SCHEDULED, detail: { note: 'SECRETINEVENT' } }, context('a'));
    await expect(
      handler({ from: '2024-03-01', to: '2024-03-02', apiKey: 'SECRETINPAYLOAD' }, context('b')),
    ).rejects.toThrow(/unknown key "apiKey"/);
    // THEN no log line carries any of them
    const logs = stdout.lines().join('\n');
    expect(logs).toContain('run requested');
    const requested = JSON.parse(stdout.lines().find((line) => line.includes('"run requested"')) ?? '{}');
    expect(requested).toMatchObject({ kind: 'scheduled', window: { from: '2024-03-09', to: '2024-03-11' } });
    for (const secret of ['SECRETKEYFROMENV', 'SESSIONTOKENFROMENV', 'SECRETINEVENT', 'SECRETINPAYLOAD']) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('invocation deadlines', () => {
  it('stops starting 90 s before the timeout, or at half time on short invocations, and stops waiting 15 s before', () => {
    // GIVEN a 15-minute invocation and a 2-minute one
    // THEN starts end at 13.5 min and 1 min, waits at 14.75 min and 1.75 min
    expect(invocationDeadlines(1000, 900_000)).toEqual({
      startDeadline: 1000 + 810_000,
      waitDeadline: 1000 + 885_000,
    });
    expect(invocationDeadlines(0, 120_000)).toEqual({ startDeadline: 60_000, waitDeadline: 105_000 });
  });
});
