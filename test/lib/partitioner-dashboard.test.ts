import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { METRIC, METRICS_NAMESPACE } from '../../lambda/core/shared/contract';
import { createHandler } from '../../lambda/handler';
import { PartitionerDashboard } from '../../lib/partitioner-dashboard';
import type { StandIn } from '../support/aws-standin';
import type { EmittedMetric } from '../support/handler-harness';
import {
  BUCKET,
  captureStdout,
  lambdaEnv,
  logKeys,
  scaledClock,
  SERVICE,
  startTrailStandIn,
  useEnv,
} from '../support/handler-harness';
import { newStack } from './fixtures';

/** The event EventBridge sends: only a real scheduled event counts as the heartbeat. */
const SCHEDULED = { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} };

function build() {
  const stack = newStack();
  const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Logs', '/aws/lambda/partitioner');
  const dashboard = new PartitionerDashboard(stack, 'Dashboard', { serviceName: SERVICE, logGroup });
  const template = Template.fromStack(stack);
  const [resource] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = JSON.stringify(resource.Properties.DashboardBody);
  return { dashboard, template, body };
}

/** What a real scheduled run publishes, with the production audit settings. */
async function emittedByScheduledRun(): Promise<EmittedMetric[]> {
  const standIn: StandIn = await startTrailStandIn();
  standIn.putObjects(BUCKET, logKeys(['111111111111'], ['us-east-1'], ['2024-03-08', '2024-03-09']));
  const restore = useEnv(lambdaEnv(standIn, { AUDIT_WINDOW_DAYS: '7', SILENT_AFTER_DAYS: '3' }));
  const stdout = captureStdout();
  try {
    const handler = createHandler({
      env: process.env,
      clock: scaledClock(standIn, new Date('2024-03-10T06:00:00Z')),
    });
    await handler(SCHEDULED, { awsRequestId: 'dashboard', getRemainingTimeInMillis: () => 900_000 });
    return stdout.metrics();
  } finally {
    stdout.restore();
    restore();
    await standIn.close();
  }
}

describe('PartitionerDashboard', () => {
  const { dashboard, body } = build();

  it('shows every metric the issue asks for, each with the service dimension the alarms use', () => {
    // THEN the widgets read these metrics, and the body carries each with namespace and service
    expect(dashboard.metrics.map((m) => m.metricName).sort()).toEqual(
      [
        METRIC.scheduledRunSucceeded,
        METRIC.catalogPartitions,
        METRIC.partitionsRequested,
        METRIC.statementsFailed,
        METRIC.partitionsMissing,
        METRIC.partitionsRepaired,
        METRIC.partitionsStillMissing,
        METRIC.silentTrails,
        METRIC.partitionIndexFailed,
      ].sort(),
    );
    const inBody = [
      ...body.matchAll(/\\"CloudTrailPartitioner\\",\\"(\w+)\\",\\"service\\",\\"([\w-]+)\\"/g),
    ];
    expect(new Set(inBody.map((match) => match[1]))).toEqual(
      new Set(dashboard.metrics.map((m) => m.metricName)),
    );
    expect(inBody.every((match) => match[2] === SERVICE)).toBe(true);
  });

  it('reads only metrics a real scheduled run emits, in the same namespace and dimensions', async () => {
    // GIVEN what the handler published on a scheduled run
    const emitted = await emittedByScheduledRun();
    // THEN each widget metric is among them, with the same namespace and dimensions
    const unmatched = dashboard.metrics.filter(
      (metric) =>
        !emitted.some(
          (e) =>
            e.name === metric.metricName &&
            e.namespace === METRICS_NAMESPACE &&
            JSON.stringify(e.dimensions) === JSON.stringify(metric.dimensions),
        ),
    );
    expect(unmatched.map((metric) => metric.metricName)).toEqual([]);
    expect(emitted.some((e) => e.name === METRIC.silentTrails)).toBe(true);
  });

  it('computes the hours since the last successful scheduled run from the heartbeat metric', () => {
    expect(body).toContain('(EPOCH(TIME_SERIES(0)) - MAX(IF(runs >= 1, EPOCH(runs), 0))) / 3600');
    expect(body).toContain(`${METRIC.scheduledRunSucceeded}`);
  });

  it('lists the silent account-regions from the function log', () => {
    expect(body).toContain("filter message = 'silent trail'");
    expect(body).toContain('/aws/lambda/partitioner');
  });
});
