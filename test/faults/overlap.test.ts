/**
 * Two runs at once: a scheduled run firing while a backfill is still registering, each in
 * its own Lambda execution environment, sharing the account's Athena quota and the table.
 */
import { METRIC } from '../../lambda/core/shared/contract';
import {
  alarmMetrics,
  DEFAULT_WORLD,
  expectedLocations,
  type FaultRuntime,
  type Invocation,
  openCapture,
  parseMetrics,
  SCHEDULED_EVENT,
  SCHEDULED_WINDOW,
  startFaultRuntime,
  until,
  verifyCatalog,
  ALARMED,
} from '../support/fault-harness';

const BACKFILL = { from: '2024-03-01', to: '2024-03-10' };

let runtime: FaultRuntime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

/** Starts `first`, waits until it has queries in Athena, then starts `second`; both to the end. */
async function overlapping(
  rt: FaultRuntime,
  first: () => Promise<Invocation>,
  second: () => Promise<Invocation>,
): Promise<{ first: Invocation; second: Invocation; metrics: ReturnType<typeof parseMetrics> }> {
  const window = openCapture();
  try {
    const firstRun = first();
    await until(() => rt.standIn.activeQueries() > 0, 'the first run has queries in athena');
    const [a, b] = await Promise.all([firstRun, second()]);
    return { first: a, second: b, metrics: parseMetrics(window.lines()) };
  } finally {
    window.close();
  }
}

describe('overlapping runs', () => {
  it('a scheduled run during a backfill: both succeed within the shared Athena quota, each partition once', async () => {
    // GIVEN an active-query quota of 6, two Lambda environments allowed 4 queries each, and slow DDL
    runtime = await startFaultRuntime({
      standIn: { quotas: { maxActiveDdl: 6 } },
      env: { MAX_CONCURRENT_QUERIES: '4' },
    });
    const rt = runtime;
    rt.standIn.faults.slowQueries(60_000);
    const backfill = rt.lambda();
    const scheduled = rt.lambda();
    // WHEN the schedule fires while the backfill of 03-01..03-10 is registering
    const runs = await overlapping(
      rt,
      () => backfill.invoke(BACKFILL, { requestId: 'backfill-1' }),
      () => scheduled.invoke(SCHEDULED_EVENT, { requestId: 'scheduled-1' }),
    );
    // THEN both runs succeed, and both report it to the alarms
    expect(runs.first.error).toBeUndefined();
    expect(runs.second.error).toBeUndefined();
    expect(runs.first.report).toMatchObject({ ok: true, partitions: 30, failed: 0, notSubmitted: 0 });
    expect(runs.second.report).toMatchObject({ ok: true, partitions: 15, failed: 0, notSubmitted: 0 });
    expect(alarmMetrics(runs.metrics, ALARMED)).toEqual({
      RunSucceeded: 2,
      RunFailed: 0,
      StatementsFailed: 0,
      PartitionsNotSubmitted: 0,
    });
    // AND they really overlapped, above one run's cap and never above Athena's quota
    const stats = rt.standIn.stats();
    expect(stats.maxConcurrentActive).toBeGreaterThan(4);
    expect(stats.maxConcurrentActive).toBeLessThanOrEqual(6);
    // AND the catalog is exactly the union of both windows; days both runs asked for were added once
    const union = [
      ...new Set([
        ...expectedLocations(DEFAULT_WORLD, BACKFILL),
        ...expectedLocations(DEFAULT_WORLD, SCHEDULED_WINDOW),
      ]),
    ];
    expect(union).toHaveLength(35);
    verifyCatalog(rt.standIn, union);
    expect(stats.partitionsAdded).toBe(union.length);
  });

  it('a scheduled run during a backfill under an Athena throttling storm and transient query failures', async () => {
    // GIVEN two Lambda environments, Athena throttling starts for two minutes and failing 4 queries transiently
    runtime = await startFaultRuntime({ env: { MAX_CONCURRENT_QUERIES: '6' } });
    const rt = runtime;
    rt.standIn.faults.slowQueries(20_000);
    rt.standIn.faults.failNextQueries(4, {
      reason:
        'FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. MetaException(message:Rate exceeded (Service: AWSGlue; Status Code: 400; Error Code: ThrottlingException))',
    });
    const backfill = rt.lambda();
    const scheduled = rt.lambda();
    // WHEN the schedule fires during the backfill, and the storm starts with it
    const runs = await overlapping(
      rt,
      () => backfill.invoke(BACKFILL, { requestId: 'backfill-2' }),
      () => {
        rt.standIn.faults.throttleFor('StartQueryExecution', 120_000);
        return scheduled.invoke(SCHEDULED_EVENT, { requestId: 'scheduled-2' });
      },
    );
    // THEN both survive, retrying what failed
    expect(runs.first.report?.ok).toBe(true);
    expect(runs.second.report?.ok).toBe(true);
    expect((runs.first.report?.retried ?? 0) + (runs.second.report?.retried ?? 0)).toBe(4);
    expect(rt.standIn.stats().throttled.StartQueryExecution).toBeGreaterThan(0);
    expect(alarmMetrics(runs.metrics, ALARMED)).toEqual({
      RunSucceeded: 2,
      RunFailed: 0,
      StatementsFailed: 0,
      PartitionsNotSubmitted: 0,
    });
    // AND the catalog is exactly the union of both windows
    const union = [
      ...new Set([
        ...expectedLocations(DEFAULT_WORLD, BACKFILL),
        ...expectedLocations(DEFAULT_WORLD, SCHEDULED_WINDOW),
      ]),
    ];
    verifyCatalog(rt.standIn, union);
    expect(rt.standIn.stats().partitionsAdded).toBe(union.length);
  });

  it('two scheduled runs at once (a duplicate delivery with its own request ID): both succeed, nothing twice in the catalog', async () => {
    // GIVEN two Lambda environments receiving the same schedule
    runtime = await startFaultRuntime();
    const rt = runtime;
    rt.standIn.faults.slowQueries(10_000);
    const one = rt.lambda();
    const two = rt.lambda();
    // WHEN both run at once
    const runs = await overlapping(
      rt,
      () => one.invoke(SCHEDULED_EVENT, { requestId: 'delivery-1' }),
      () => two.invoke(SCHEDULED_EVENT, { requestId: 'delivery-2' }),
    );
    // THEN both succeed, and the catalog holds each partition once
    expect(runs.first.report?.ok).toBe(true);
    expect(runs.second.report?.ok).toBe(true);
    expect(alarmMetrics(runs.metrics, [METRIC.runSucceeded, METRIC.runFailed])).toEqual({
      RunSucceeded: 2,
      RunFailed: 0,
    });
    verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, SCHEDULED_WINDOW));
    expect(rt.standIn.stats().partitionsAdded).toBe(15);
  });
});
