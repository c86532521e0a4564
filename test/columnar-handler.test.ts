/**
 * The columnar pass through the real handler (fake ports, real Powertools output): a scheduled
 * run converts the due days after registering its partitions, emits ColumnarDaysConverted and
 * ColumnarDaysFailed with the service dimension, and logs the days failing three runs in a row
 * with the message the alarm's saved query filters on. The alarm watches that same metric.
 */
import {
  ENV,
  LOG_MESSAGE,
  METRIC,
  METRICS_NAMESPACE,
  SERVICE_DIMENSION,
} from '../lambda/core/shared/contract';
import { createHandler } from '../lambda/handler';
import { FAILURES_PARAMETER } from '../lambda/core/columnar/failures';
import { COVERAGE_PARAMETER } from '../lambda/core/columnar/coverage';
import type { RunPorts } from '../lambda/core/run/run';
import { FakeCopyTable } from './support/columnar-fakes';
import {
  FakeCatalog,
  FakeS3Listing,
  ORG_COLUMNS,
  ScriptedAthena,
  trailKey,
  VirtualClock,
} from './support/core-fakes';
import { captureStdout, useEnv } from './support/handler-harness';
import { buildStack } from './lib/fixtures';

const SERVICE = 'columnar-test';
const ORG = 'o-abcdefghij';
const SCHEDULED = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };
const COPY = 'cloudtrail.cloudtrail_logs_columnar';

function env(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    [ENV.trailBucket]: 'trail-bucket',
    [ENV.orgId]: ORG,
    [ENV.workgroup]: 'wg',
    [ENV.serviceName]: SERVICE,
    [ENV.metricsNamespace]: METRICS_NAMESPACE,
    [ENV.auditWindowDays]: '0',
    [ENV.silentAfterDays]: '0',
    [ENV.columnarCopy]: 'true',
    [ENV.columnarLocation]: 's3://results/columnar/cloudtrail/cloudtrail_logs_columnar/',
    ...overrides,
  };
}

async function invoke(
  copy: FakeCopyTable,
  options: { env?: Record<string, string>; failDay?: string; event?: object } = {},
) {
  const clock = new VirtualClock();
  const keys = [];
  for (let d = 1; d <= 16; d++)
    keys.push(trailKey({ orgId: ORG }, '111111111111', 'us-east-1', `2024-06-${String(d).padStart(2, '0')}`));
  const athena = new ScriptedAthena(clock, {
    script: ({ sql }) => ({
      kind: 'start',
      plan:
        options.failDay && sql.startsWith('MERGE') && sql.includes(`eventtime >= '${options.failDay}'`)
          ? { state: 'FAILED', reason: 'HIVE_CURSOR_ERROR: Row is not a valid JSON Object' }
          : {},
    }),
  });
  const ports: RunPorts = {
    s3: new FakeS3Listing(keys),
    catalog: new FakeCatalog({ 'cloudtrail.cloudtrail_logs': ORG_COLUMNS }),
    athena,
    clock,
  };
  const restore = useEnv(options.env ?? env());
  const stdout = captureStdout();
  try {
    const handler = createHandler({
      env: process.env,
      clock,
      ports: () => ports,
      columnarPorts: () => ({ copy }),
    });
    const error = await handler(options.event ?? SCHEDULED, {
      awsRequestId: 'columnar',
      getRemainingTimeInMillis: () => 900_000,
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    return { athena, metrics: stdout.metrics(), lines: stdout.lines(), error };
  } finally {
    stdout.restore();
    restore();
  }
}

describe('the columnar pass in the scheduled run', () => {
  it('converts after registering, and emits the alarm metric with the service dimension', async () => {
    // GIVEN an existing copy, and a day whose raw logs hold a malformed record
    const copy = new FakeCopyTable();
    copy.tables.set(COPY, {});
    // WHEN the scheduled run runs
    const { athena, metrics } = await invoke(copy, { failDay: '2024-06-10' });
    // THEN the partitions were registered before the first conversion
    const kinds = athena.starts.map((s) => s.sql.split(' ')[0]);
    expect(kinds.indexOf('ALTER')).toBeLessThan(kinds.indexOf('MERGE'));
    // AND the other 5 due days are covered, the failed one has a streak of 1
    expect(copy.tables.get(COPY)?.[COVERAGE_PARAMETER]).toBe('2024-06-08..2024-06-09,2024-06-11..2024-06-13');
    expect(copy.tables.get(COPY)?.[FAILURES_PARAMETER]).toBe('2024-06-10:1');
    // AND both metrics are emitted in the alarms' namespace with the service dimension
    const find = (name: string) => metrics.find((m) => m.name === name);
    expect(find(METRIC.columnarDaysConverted)).toMatchObject({ value: 5, namespace: METRICS_NAMESPACE });
    expect(find(METRIC.columnarDaysFailed)).toMatchObject({
      value: 1,
      dimensions: { [SERVICE_DIMENSION]: SERVICE },
    });
    // AND the stack's alarm watches exactly that metric name, namespace and dimension key
    const { template } = buildStack({ columnarCopy: true });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (a) => a.Properties.MetricName === METRIC.columnarDaysFailed,
    );
    expect(alarms).toHaveLength(1);
    expect(alarms[0].Properties.Namespace).toBe(METRICS_NAMESPACE);
    expect(alarms[0].Properties.Dimensions.map((d: { Name: string }) => d.Name)).toEqual(
      Object.keys(find(METRIC.columnarDaysFailed)?.dimensions ?? {}),
    );
  });

  it('names a day failing three runs in a row in the line the saved query filters on', async () => {
    // GIVEN a day that already failed twice
    const copy = new FakeCopyTable();
    copy.tables.set(COPY, { [FAILURES_PARAMETER]: '2024-06-10:2' });
    // WHEN it fails again
    const { lines } = await invoke(copy, { failDay: '2024-06-10' });
    // THEN one log line names it, with its streak
    const failing = lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.message === LOG_MESSAGE.columnarDayFailing);
    expect(failing).toEqual([expect.objectContaining({ day: '2024-06-10', runs: 3 })]);
  });

  it('does nothing for the copy when the option is off, and emits no columnar metric', async () => {
    const copy = new FakeCopyTable();
    copy.tables.set(COPY, {});
    const { athena, metrics } = await invoke(copy, {
      env: env({ [ENV.columnarCopy]: 'false' }),
      failDay: '2024-06-10',
    });
    expect(athena.starts.some((s) => s.sql.startsWith('MERGE'))).toBe(false);
    expect(metrics.some((m) => m.name.startsWith('Columnar'))).toBe(false);
    expect(copy.updates).toBe(0);
  });

  it('a backfill chunk with columnar converts its own day, and fails when the day failed', async () => {
    // GIVEN a chunk of `backfill --columnar` for 2024-06-05
    const event = { from: '2024-06-05', to: '2024-06-05', chunk: true, columnar: true };
    const copy = new FakeCopyTable();
    copy.tables.set(COPY, {});
    // WHEN it runs
    const ok = await invoke(copy, { event });
    // THEN it registered 06-05 and 06-06 (the conversion reads both) and converted 06-05 only
    const alters = ok.athena.starts.filter((s) => s.sql.startsWith('ALTER')).map((s) => s.sql);
    expect(alters.join('\n')).toMatch(/2024\/06\/06\//);
    expect(ok.error).toBeUndefined();
    expect(copy.tables.get(COPY)?.[COVERAGE_PARAMETER]).toBe('2024-06-05');
    // AND a failed conversion fails the chunk, so Step Functions retries and records it
    const failing = new FakeCopyTable();
    failing.tables.set(COPY, {});
    const bad = await invoke(failing, { event, failDay: '2024-06-05' });
    expect(bad.error?.message).toMatch(/columnar copy: 1 days failed \(2024-06-05\)/);
  });
});
