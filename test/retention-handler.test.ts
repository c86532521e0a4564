/**
 * Retention and the catalog-size metric through the real handler, SDK clients and the local
 * stand-in: Glue GetPartitions by expression finds the expired partitions, Athena's
 * DROP IF EXISTS PARTITION removes them, and the metrics carry the alarms' dimensions.
 */
import { createHandler } from '../lambda/handler';
import { ENV, METRIC, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../lambda/core/shared/contract';
import type { Report } from '../lambda/core/run/report';
import type { StandIn } from './support/aws-standin';
import {
  BUCKET,
  captureStdout,
  DB,
  lambdaEnv,
  logKeys,
  metricValue,
  ORG,
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

let standIn: StandIn;
let restoreEnv: (() => void) | undefined;
let stdout: ReturnType<typeof captureStdout>;

function context(id = 'request-1') {
  return { awsRequestId: id, getRemainingTimeInMillis: () => 900_000 };
}

function handlerWith(overrides: Record<string, string | undefined> = {}) {
  restoreEnv?.();
  restoreEnv = useEnv(lambdaEnv(standIn, overrides));
  return createHandler({ env: process.env, clock: scaledClock(standIn, NOW) });
}

/** Every day from `from` to `to`, as YYYY-MM-DD. */
function isoDays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

function seedCatalog(days: readonly string[]): void {
  standIn.seedPartitions(
    DB,
    TABLE,
    ACCOUNTS.flatMap((account) =>
      REGIONS.flatMap((region) =>
        days.map((iso) => {
          const [y, m, d] = iso.split('-');
          return {
            values: [account, region, y, m, d],
            location: `s3://${BUCKET}/AWSLogs/${ORG}/${account}/CloudTrail/${region}/${y}/${m}/${d}/`,
          };
        }),
      ),
    ),
  );
}

beforeEach(async () => {
  standIn = await startTrailStandIn();
  standIn.putObjects(BUCKET, logKeys(ACCOUNTS, REGIONS, ['2024-03-08', '2024-03-09']));
  stdout = captureStdout();
});

afterEach(async () => {
  stdout.restore();
  restoreEnv?.();
  restoreEnv = undefined;
  await standIn.close();
});

describe('retention in the scheduled run', () => {
  it('drops exactly the partitions more than retentionDays before today, and nothing newer', async () => {
    // GIVEN partitions from 2024-01-01 on and 30 days of retention on 2024-03-10 (keep 2024-02-09 on)
    seedCatalog(isoDays('2024-01-01', '2024-03-08'));
    const handler = handlerWith({ [ENV.retentionDays]: '30' });
    // WHEN the schedule fires
    const report = (await handler(SCHEDULED, context())) as Report;
    // THEN 39 days x 4 account-regions are gone, and the oldest left is 2024-02-09
    expect(report.retention).toMatchObject({
      keepFrom: '2024-02-09',
      expired: 156,
      dropped: 156,
      more: false,
    });
    const days = standIn.partitions(DB, TABLE).map((p) => p.values.slice(2).join('-'));
    expect(days.filter((d) => d < '2024-02-09')).toEqual([]);
    expect(new Set(days)).toEqual(new Set(isoDays('2024-02-09', '2024-03-11')));
    expect(standIn.partitions(DB, TABLE)).toHaveLength(4 * isoDays('2024-02-09', '2024-03-11').length);
    // AND the statements ran in Athena as DROP IF EXISTS
    expect(report.ok).toBe(true);
    expect(metricValue(stdout.metrics(), METRIC.partitionsDropped)).toBe(156);
  });

  it('drops nothing without retentionDays', async () => {
    // GIVEN old partitions and no retention
    seedCatalog(isoDays('2020-01-01', '2020-01-31'));
    const handler = handlerWith();
    // WHEN the schedule fires
    const report = (await handler(SCHEDULED, context())) as Report;
    // THEN every old partition is still there
    expect(report.retention).toBeUndefined();
    expect(standIn.partitions(DB, TABLE).filter((p) => p.values[2] === '2020')).toHaveLength(4 * 31);
    expect(metricValue(stdout.metrics(), METRIC.partitionsDropped)).toBe(0);
  });
});

describe('retention belongs to the scheduled run', () => {
  it('a backfill older than the cutoff keeps what it adds: no drop, no estimate', async () => {
    // GIVEN 30 days of retention and a backfill of January (past the cutoff), empty days included
    const handler = handlerWith({ [ENV.retentionDays]: '30' });
    // WHEN the backfill is invoked
    const report = (await handler(
      { from: '2024-01-01', to: '2024-01-31', includeEmptyDays: true },
      context(),
    )) as Report;
    // THEN every January partition it added is still in the catalog, and retention never ran
    expect(report.ok).toBe(true);
    expect(report.retention).toBeUndefined();
    expect(report.catalogPartitions).toBeUndefined();
    expect(standIn.partitions(DB, TABLE)).toHaveLength(4 * 31);
    // Only the run's own read of its window (to add just what is missing): no retention read
    expect(standIn.stats().calls.GetPartitions ?? 0).toBe(1);
  });

  it('a retention read that keeps failing fails the run, after its adds and their metrics', async () => {
    // GIVEN retention on, and Glue refusing every GetPartitions
    const handler = handlerWith({ [ENV.retentionDays]: '30' });
    standIn.faults.glueError('AccessDeniedException', 1000, 'GetPartitions');
    // WHEN the schedule fires
    const run = handler(SCHEDULED, context());
    // THEN the invocation fails naming retention, and the run's adds were still reported as metrics
    await expect(run).rejects.toThrow(/retention failed/);
    expect(standIn.partitions(DB, TABLE)).toHaveLength(12);
    const metrics = stdout.metrics();
    expect(metricValue(metrics, METRIC.partitionsRequested)).toBe(12);
    expect(metricValue(metrics, METRIC.statementsFailed)).toBe(0);
    expect(metricValue(metrics, METRIC.runFailed)).toBe(1);
  });
});

describe('retention and the scheduled audit', () => {
  it('the audit does not re-add what retention just dropped', async () => {
    // GIVEN logs and partitions for 2024-03-03 .. 03-09, a 7-day audit and 3 days of retention (keep 03-07 on)
    standIn.putObjects(BUCKET, logKeys(ACCOUNTS, REGIONS, isoDays('2024-03-03', '2024-03-09')));
    seedCatalog(isoDays('2024-03-03', '2024-03-09'));
    const handler = handlerWith({ [ENV.retentionDays]: '3', AUDIT_WINDOW_DAYS: '7' });
    // WHEN the schedule fires
    const report = (await handler(SCHEDULED, context())) as Report;
    // THEN the expired days stay dropped, and the audit found nothing to repair
    expect(report.ok).toBe(true);
    const days = standIn.partitions(DB, TABLE).map((p) => p.values.slice(2).join('-'));
    expect(days.filter((d) => d < '2024-03-07')).toEqual([]);
    const metrics = stdout.metrics();
    expect(metricValue(metrics, METRIC.partitionsDropped)).toBe(16);
    expect(metricValue(metrics, METRIC.partitionsMissing)).toBe(0);
    expect(metricValue(metrics, METRIC.partitionsRepaired)).toBe(0);
  });
});

describe('CatalogPartitions', () => {
  it("is emitted with the alarm's namespace and service dimension, from the oldest month held", async () => {
    // GIVEN partitions since 2024-01-01 (4 account-regions), no retention
    seedCatalog(isoDays('2024-01-01', '2024-03-08'));
    const handler = handlerWith();
    // WHEN the schedule fires
    const report = (await handler(SCHEDULED, context())) as Report;
    // THEN the estimate is 4 x (2024-01-01 .. tomorrow 2024-03-11) = 4 x 71
    expect(report.catalogPartitions).toBe(4 * 71);
    const emitted = stdout
      .metrics()
      .filter((m) => m.name === METRIC.catalogPartitions && m.namespace === METRICS_NAMESPACE);
    expect(emitted).toHaveLength(1);
    expect(emitted[0].dimensions).toEqual({ [SERVICE_DIMENSION]: SERVICE });
    expect(emitted[0].value).toBe(4 * 71);
  });
});

describe('a month table', () => {
  it("the daily run registers this month's and next month's partitions at the month folders", async () => {
    // GIVEN the table at month granularity (keys account, region, year, month)
    standIn.defineTable(
      DB,
      TABLE,
      ['account', 'region', 'year', 'month'].map((name) => ({ name, type: 'string' })),
    );
    const handler = handlerWith();
    // WHEN the schedule fires on 2024-03-10
    const report = (await handler(SCHEDULED, context())) as Report;
    // THEN March and April for each of the 4 account-regions, at .../YYYY/MM/
    expect(report.ok).toBe(true);
    const catalog = standIn.partitions(DB, TABLE);
    expect(new Set(catalog.map((p) => p.values.slice(2).join('-')))).toEqual(new Set(['2024-03', '2024-04']));
    expect(catalog).toHaveLength(8);
    expect(catalog.map((p) => p.location)).toContain(
      `s3://${BUCKET}/AWSLogs/${ORG}/111111111111/CloudTrail/eu-west-1/2024/04/`,
    );
  });
});
