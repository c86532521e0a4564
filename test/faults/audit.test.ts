/**
 * The scheduled audit and the silent-trail check under faults, with the production defaults
 * (AUDIT_WINDOW_DAYS 7, SILENT_AFTER_DAYS 3), the real handler and SDK clients, on the stand-in.
 * Default trail: logs on 03-01, 03-02, 03-04, 03-08 and 03-09 for five account-regions; now is
 * 2024-03-10, so the audit covers 03-03..03-09: 03-04, 03-08 and 03-09, 15 partitions.
 */
import { METRIC } from '../../lambda/core/shared/contract';
import { SILENT_TRAIL_MESSAGE } from '../../lambda/scheduled-edge';
import {
  A1,
  A2,
  A3,
  alarmMetrics,
  DEFAULT_WORLD,
  expectedLocations,
  type FaultRuntime,
  type Invocation,
  SCHEDULED_EVENT,
  startFaultRuntime,
  type TrailWorld,
  verifyCatalog,
} from '../support/fault-harness';
import { DB, TABLE } from '../support/handler-harness';

const AUDIT_ENV = { AUDIT_WINDOW_DAYS: '7', SILENT_AFTER_DAYS: '3' };
const AUDITED = [
  METRIC.partitionsMissing,
  METRIC.partitionsRepaired,
  METRIC.partitionsStillMissing,
  METRIC.silentTrails,
];
const BACKFILL = { from: '2024-03-01', to: '2024-03-11' };

let runtime: FaultRuntime | undefined;

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

function silentLines(run: Invocation): Record<string, unknown>[] {
  return run.lines
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((doc) => doc.message === SILENT_TRAIL_MESSAGE);
}

describe('scheduled audit', () => {
  it('finds a partition deleted by hand and repairs it in the next scheduled run', async () => {
    // GIVEN a complete catalog (a backfill), then one partition dropped by hand
    runtime = await startFaultRuntime({ env: AUDIT_ENV });
    const rt = runtime;
    const backfill = await rt.lambda().invoke(BACKFILL, { requestId: 'backfill' });
    expect(backfill.error).toBeUndefined();
    expect(rt.standIn.removePartitions(DB, TABLE, [[A1, 'eu-west-1', '2024', '03', '04']])).toBe(1);
    // WHEN the schedule fires
    const run = await rt.lambda().invoke(SCHEDULED_EVENT, { requestId: 'scheduled' });
    // THEN the gap is found and filled, each audit metric is emitted once, and the catalog is whole again
    expect(run.error).toBeUndefined();
    expect(alarmMetrics(run.metrics, AUDITED)).toEqual({
      PartitionsMissing: 1,
      PartitionsRepaired: 1,
      PartitionsStillMissing: 0,
      SilentTrails: 0,
    });
    for (const name of AUDITED) expect(run.metrics.filter((m) => m.name === name)).toHaveLength(1);
    verifyCatalog(rt.standIn, expectedLocations(DEFAULT_WORLD, BACKFILL));
    // One read of its window by each run (backfill, scheduled: only missing partitions are added), one by the audit
    expect(rt.standIn.stats().calls.GetPartitions).toBe(3);
  });

  it('raises the gap metric when Athena refuses to fill the gap, without failing the run', async () => {
    // GIVEN a dropped partition whose location Athena refuses
    runtime = await startFaultRuntime({ env: AUDIT_ENV });
    const rt = runtime;
    await rt.lambda().invoke(BACKFILL, { requestId: 'backfill' });
    rt.standIn.removePartitions(DB, TABLE, [[A2, 'us-east-1', '2024', '03', '08']]);
    rt.standIn.faults.failQueriesMatching(/us-east-1\/2024\/03\/08\//, {
      reason: 'Access Denied (Service: Amazon S3; Status Code: 403)',
    });
    // WHEN the schedule fires
    const run = await rt.lambda().invoke(SCHEDULED_EVENT, { requestId: 'scheduled' });
    // THEN its own window succeeds, the gap stays, and PartitionsStillMissing says so
    expect(run.error).toBeUndefined();
    expect(alarmMetrics(run.metrics, [...AUDITED, METRIC.statementsFailed])).toEqual({
      PartitionsMissing: 1,
      PartitionsRepaired: 0,
      PartitionsStillMissing: 1,
      SilentTrails: 0,
      StatementsFailed: 0,
    });
    const audit = run.lines.find((line) => line.includes('"scheduled audit"')) ?? '';
    expect(audit).toContain('Access Denied');
    expect(
      rt.standIn
        .partitions(DB, TABLE)
        .some((p) => p.location?.includes(`${A2}/CloudTrail/us-east-1/2024/03/08/`)),
    ).toBe(false);
  });

  it('fails the invocation loudly when the catalog cannot be read, after the run registered its window', async () => {
    // GIVEN GetPartitions denied (the run's read of its window, then the audit's)
    runtime = await startFaultRuntime({ env: AUDIT_ENV });
    const rt = runtime;
    rt.standIn.faults.glueError('AccessDeniedException', 2, 'GetPartitions');
    const run = await rt.lambda().invoke(SCHEDULED_EVENT, { requestId: 'scheduled' });
    // THEN the error names the operation, the run's metrics were still published
    expect(run.error?.message).toMatch(
      /scheduled audit failed: access denied reading table .* \(GetPartitions\)/,
    );
    expect(alarmMetrics(run.metrics, [METRIC.runSucceeded])).toEqual({ RunSucceeded: 1 });
    expect(run.lines.some((line) => line.includes('"scheduled audit failed"'))).toBe(true);
    // AND the run itself fell back to re-adding its whole window, and said so
    expect(
      run.lines.some((line) => line.includes('"catalog not read"') && line.includes('GetPartitions')),
    ).toBe(true);
  });
});

describe('silent trails', () => {
  /** A1 eu-west-1 stops after 03-07; A3 is also configured for ap-south-1, where it never delivered. */
  const world: TrailWorld = {
    series: DEFAULT_WORLD.series.map((s) =>
      s.account === A1 && s.region === 'eu-west-1'
        ? { ...s, days: ['2024-03-01', '2024-03-06', '2024-03-07'] }
        : s,
    ),
    noise: [],
  };

  it('reports an account-region that stopped delivering once, and never one that never delivered', async () => {
    // GIVEN fixed regions including one nobody delivered to
    runtime = await startFaultRuntime({
      world,
      env: { ...AUDIT_ENV, REGIONS: 'eu-west-1,us-east-1,ap-south-1' },
    });
    // WHEN the schedule fires
    const run = await runtime.lambda().invoke(SCHEDULED_EVENT, { requestId: 'scheduled' });
    // THEN one silent trail, named once in the log with its last delivery
    expect(alarmMetrics(run.metrics, [METRIC.silentTrails])).toEqual({ SilentTrails: 1 });
    expect(silentLines(run)).toEqual([
      expect.objectContaining({
        account: A1,
        region: 'eu-west-1',
        lastDelivery: '2024-03-07',
        level: 'WARN',
      }),
    ]);
    expect(silentLines(run).some((line) => line.region === 'ap-south-1' || line.account === A3)).toBe(false);
  });
});
