import { FIRST_RUN } from '../lambda/core/run/first-run';
import { INDEX_LOG_MESSAGE } from '../lambda/core/catalog/index-health';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../lambda/core/shared/contract';
import { silentTrailsQuery } from './silent-trails-query';

export interface PartitionerDashboardProps {
  /** Powertools service name: the `service` dimension every widget's metric carries, as the alarms'. */
  readonly serviceName: string;
  /** The function's log group, for the silent-trails log table. */
  readonly logGroup: logs.ILogGroup;
  /** Alarms whose state the dashboard shows. @default - none */
  readonly alarms?: readonly cloudwatch.IAlarm[];
  /** @default - CloudFormation generates one */
  readonly dashboardName?: string;
}

/**
 * One CloudWatch dashboard that says whether everything is fine without reading logs: alarm
 * states, partitions registered and statements failed per day, the audit's missing and
 * repaired partitions, silent trails (with the list from the logs), the catalog's size, and
 * the hours since the last successful scheduled run.
 *
 * Every metric widget reads a metric the function emits, in METRICS_NAMESPACE with the
 * `service` dimension, exactly as the alarms watch it ({@link PartitionerDashboard.metrics}).
 */
export class PartitionerDashboard extends Construct {
  public readonly dashboard: cloudwatch.Dashboard;
  /** Every metric a widget reads, for tests and for adding widgets elsewhere. */
  public readonly metrics: cloudwatch.Metric[] = [];

  constructor(scope: Construct, id: string, props: PartitionerDashboardProps) {
    super(scope, id);
    const day = Duration.days(1);
    const m = (name: string, label: string, statistic: string = cloudwatch.Stats.SUM, period = day) => {
      const metric = new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { [SERVICE_DIMENSION]: props.serviceName },
        statistic,
        period,
        label,
      });
      this.metrics.push(metric);
      return metric;
    };
    const graph = (title: string, left: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({
        title,
        left,
        width: 12,
        height: 6,
        view: cloudwatch.GraphWidgetView.BAR,
        period: day,
      });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      ...(props.dashboardName ? { dashboardName: props.dashboardName } : {}),
      defaultInterval: Duration.days(14),
    });
    if (props.alarms && props.alarms.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.AlarmStatusWidget({
          title: 'Alarms',
          alarms: [...props.alarms],
          width: 24,
          height: 3,
        }),
      );
    }
    this.dashboard.addWidgets(
      this.sinceLastSuccess(
        m(METRIC.scheduledRunSucceeded, 'scheduled runs', cloudwatch.Stats.MAXIMUM, Duration.hours(1)),
      ),
      new cloudwatch.SingleValueWidget({
        title: 'Catalog size (partitions)',
        metrics: [m(METRIC.catalogPartitions, 'partitions in the table', cloudwatch.Stats.MAXIMUM)],
        width: 12,
        height: 4,
        sparkline: true,
      }),
    );
    this.dashboard.addWidgets(
      graph('Partitions registered and statements failed, per day', [
        m(METRIC.partitionsRequested, 'partitions requested'),
        m(METRIC.statementsFailed, 'statements failed'),
      ]),
      graph('Audit: missing partitions found and repaired, per day', [
        m(METRIC.partitionsMissing, 'missing'),
        m(METRIC.partitionsRepaired, 'repaired'),
        m(METRIC.partitionsStillMissing, 'still missing'),
      ]),
    );
    const query = silentTrailsQuery();
    this.dashboard.addWidgets(
      graph('Silent trails, per day', [
        m(METRIC.silentTrails, 'silent account-regions', cloudwatch.Stats.MAXIMUM),
      ]),
      new cloudwatch.LogQueryWidget({
        title: 'Silent account-regions (from the function log)',
        logGroupNames: [props.logGroup.logGroupName],
        queryLines: [
          `fields ${query.fields?.join(', ')}`,
          ...(query.filterStatements ?? []).map((f) => `filter ${f}`),
          `sort ${query.sort}`,
          `limit ${query.limit}`,
        ],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 12,
        height: 6,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.SingleValueWidget({
        title: 'Partition index backfill FAILED (1 = yes; the log below says why)',
        metrics: [m(METRIC.partitionIndexFailed, 'failed index', cloudwatch.Stats.MAXIMUM)],
        width: 6,
        height: 6,
        sparkline: true,
      }),
      new cloudwatch.LogQueryWidget({
        title: 'First run at deploy, and the partition index (from the function log)',
        logGroupNames: [props.logGroup.logGroupName],
        queryLines: [
          'fields @timestamp, message, level, outcome, error, verdict',
          `filter message = '${FIRST_RUN.logMessage}' or message = '${INDEX_LOG_MESSAGE}'`,
          'sort @timestamp desc',
          'limit 20',
        ],
        view: cloudwatch.LogQueryVisualizationType.TABLE,
        width: 18,
        height: 6,
      }),
    );
  }

  /**
   * Hours since the last successful scheduled run. CloudWatch has no "time of the last datapoint"
   * statistic, so metric math builds it: EPOCH gives each datapoint's time in seconds, IF keeps the
   * successful ones, MAX takes the latest, and EPOCH(TIME_SERIES(0)) is "now" for every period.
   * Over 26 hours means the heartbeat alarm is about to fire (or has).
   */
  private sinceLastSuccess(runs: cloudwatch.Metric): cloudwatch.IWidget {
    return new cloudwatch.SingleValueWidget({
      title: 'Hours since the last successful scheduled run',
      metrics: [
        new cloudwatch.MathExpression({
          expression: '(EPOCH(TIME_SERIES(0)) - MAX(IF(runs >= 1, EPOCH(runs), 0))) / 3600',
          usingMetrics: { runs },
          label: 'hours',
          period: Duration.hours(1),
        }),
      ],
      width: 12,
      height: 4,
    });
  }
}
