import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, SERVICE_DIMENSION } from '../lambda/core/shared/contract';
import { MAX_HEARTBEAT_WINDOW_HOURS } from './validate-props';
import { silentTrailsQuery } from './silent-trails-query';
import { columnarFailingQuery } from './columnar-failing-query';
import { FAILING_RUNS } from '../lambda/core/columnar/schedule';

export interface PartitionerAlarmsProps {
  readonly function: lambda.IFunction;
  readonly deadLetterQueue: sqs.IQueue;
  readonly stateMachine: sfn.IStateMachine;
  /** Powertools service name: the `service` dimension of the function's metrics, and the alarm name prefix. */
  readonly serviceName: string;
  /**
   * Hours without a successful run before the heartbeat alarm fires: the schedule interval
   * plus slack. At most 168 (CloudWatch's 7-day evaluation range).
   */
  readonly heartbeatWindowHours: number;
  /**
   * Address subscribed to the alarm topic. The subscription stays pending until confirmed.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * Glue's partitions-per-table quota: the catalog-size alarm fires at 80 % of it.
   * @default 10000000
   */
  readonly glueMaxPartitionsPerTable?: number;
  /**
   * The function's log group: a Logs Insights query definition listing the silent account-regions
   * is saved for it, and the SilentTrails alarm names that query.
   * @default - no saved query; the alarm description carries the query text only
   */
  readonly logGroup?: logs.ILogGroup;
  /**
   * The function keeps the columnar copy: alarm on days it failed to convert, and save the query
   * naming the days that failed FAILING_RUNS runs in a row.
   * @default false
   */
  readonly columnarCopy?: boolean;
}

/**
 * Alarms on everything that can go wrong, all notifying one SNS topic.
 *
 * The topic is encrypted with a customer managed key, not `alias/aws/sns`: CloudWatch must be
 * allowed to use the key to publish, and the policy of an AWS managed key cannot be changed.
 * The key only protects notifications in flight, so it is destroyed with the stack.
 *
 * Heartbeat: CloudWatch limits Period x EvaluationPeriods to 7 days (1 day for periods under
 * an hour), so a "no success in 26 hours" alarm cannot be one 26-hour period. It is 26 one-hour
 * periods that must all breach (Sum of ScheduledRunSucceeded < 1, missing data breaching): any
 * hour in the window with a successful scheduled run keeps it OK. A fresh deploy does not start
 * in ALARM: the stack runs the schedule's own run once at creation (lib/first-run.ts) before
 * this alarm exists.
 */
export class PartitionerAlarms extends Construct {
  public readonly topic: sns.Topic;
  public readonly topicKey: kms.Key;
  /** The function threw: a failed scheduled run or backfill chunk, bad configuration, a timeout. */
  public readonly functionErrorsAlarm: cloudwatch.Alarm;
  /** Athena statements that still failed after retries. */
  public readonly statementsFailedAlarm: cloudwatch.Alarm;
  /** No successful scheduled run within the heartbeat window: the schedule stopped or every scheduled run fails. */
  public readonly heartbeatAlarm: cloudwatch.Alarm;
  /** An invocation or scheduled event ended in the dead-letter queue. */
  public readonly deadLetterQueueAlarm: cloudwatch.Alarm;
  public readonly backfillFailedAlarm: cloudwatch.Alarm;
  public readonly backfillTimedOutAlarm: cloudwatch.Alarm;
  public readonly backfillAbortedAlarm: cloudwatch.Alarm;
  /** The table's estimated partitions reached 80 % of Glue's per-table quota. */
  public readonly catalogPartitionsAlarm: cloudwatch.Alarm;
  /** The scheduled audit found partitions missing and could not add them. */
  public readonly partitionsStillMissingAlarm: cloudwatch.Alarm;
  /** An account-region that delivered recently delivered nothing on the last complete day. */
  public readonly silentTrailsAlarm: cloudwatch.Alarm;
  /** Lists the silent account-regions from the function's logs; undefined without `logGroup`. */
  public readonly silentTrailsQuery?: logs.QueryDefinition;
  /** A day's conversion into the columnar copy failed, or the pass could not run; undefined without `columnarCopy`. */
  public readonly columnarDaysFailedAlarm?: cloudwatch.Alarm;
  /** Lists the days failing FAILING_RUNS runs in a row; undefined without `columnarCopy` and `logGroup`. */
  public readonly columnarFailingQuery?: logs.QueryDefinition;

  constructor(scope: Construct, id: string, props: PartitionerAlarmsProps) {
    super(scope, id);
    const window = props.heartbeatWindowHours;
    if (!Number.isSafeInteger(window) || window < 1 || window > MAX_HEARTBEAT_WINDOW_HOURS) {
      throw new Error(
        `invalid heartbeatWindowHours ${window}: expected an integer from 1 to ${MAX_HEARTBEAT_WINDOW_HOURS}`,
      );
    }
    const stack = Stack.of(this);
    const alarmPrefix = props.serviceName;
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: `${alarmPrefix}-*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };

    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: `Encrypts alarm notifications of ${alarmPrefix}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToEncryptedTopic',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'CloudTrail partitioner alarms',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));

    const fiveMinutes = Duration.minutes(5);
    const atLeastOne = (name: string, description: string, metric: cloudwatch.IMetric): cloudwatch.Alarm =>
      this.alarm(name, {
        alarmName: `${alarmPrefix}-${name}`,
        alarmDescription: description,
        metric,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });

    this.functionErrorsAlarm = atLeastOne(
      'FunctionErrors',
      'The partitioner function threw: see its log group for the run summary and error.',
      props.function.metricErrors({ period: fiveMinutes, statistic: cloudwatch.Stats.SUM }),
    );
    this.statementsFailedAlarm = atLeastOne(
      'StatementsFailed',
      'ALTER TABLE ADD PARTITION statements failed after retries; the next run retries them (IF NOT EXISTS).',
      this.serviceMetric(METRIC.statementsFailed, props.serviceName, fiveMinutes),
    );
    this.heartbeatAlarm = this.alarm('Heartbeat', {
      alarmName: `${alarmPrefix}-Heartbeat`,
      alarmDescription: `No successful scheduled partitioner run in the last ${window} hours: the schedule stopped or every scheduled run failed (backfills and manual invokes do not count).`,
      // Only scheduled runs emit this one, so a long backfill cannot hide a dead schedule.
      metric: this.serviceMetric(METRIC.scheduledRunSucceeded, props.serviceName, Duration.hours(1)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: window,
      datapointsToAlarm: window,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.deadLetterQueueAlarm = atLeastOne(
      'DeadLetters',
      'A run or a scheduled event ended in the dead-letter queue: inspect and redrive it.',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: fiveMinutes,
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
    );
    const sm = props.stateMachine;
    const sum = { period: fiveMinutes, statistic: cloudwatch.Stats.SUM };
    this.backfillFailedAlarm = atLeastOne(
      'BackfillFailed',
      'A backfill execution failed: its output lists the failed chunks to rerun.',
      sm.metricFailed(sum),
    );
    this.backfillTimedOutAlarm = atLeastOne(
      'BackfillTimedOut',
      'A backfill execution hit its timeout.',
      sm.metricTimedOut(sum),
    );
    this.backfillAbortedAlarm = atLeastOne(
      'BackfillAborted',
      'A backfill execution was aborted.',
      sm.metricAborted(sum),
    );
    this.partitionsStillMissingAlarm = atLeastOne(
      'PartitionsStillMissing',
      'The scheduled audit found days with logs in S3 but no partition, and could not add them: the log line "scheduled audit" lists the ranges and the reason. Run `cloudtrail-partitioner audit --repair` once the cause is fixed.',
      this.serviceMetric(METRIC.partitionsStillMissing, props.serviceName, fiveMinutes),
    );
    const query = silentTrailsQuery();
    const queryName = `${alarmPrefix}/SilentTrails`;
    if (props.logGroup) {
      this.silentTrailsQuery = new logs.QueryDefinition(this, 'SilentTrailsQuery', {
        queryDefinitionName: queryName,
        queryString: new logs.QueryString(query),
        logGroups: [props.logGroup],
      });
    }
    this.silentTrailsAlarm = atLeastOne(
      'SilentTrails',
      `An account-region that delivered CloudTrail logs in the last days delivered none on the last complete day (stopped logging, changed bucket policy, or an account that left). To see which: CloudWatch Logs Insights, saved query ${queryName}${props.logGroup ? '' : ' (or this query on the function log group)'}: ${query.fields?.join(', ')}, filter ${query.filterStatements?.join(' and ')}.`,
      this.serviceMetric(METRIC.silentTrails, props.serviceName, fiveMinutes),
    );
    this.catalogPartitionsAlarm = this.catalogSizeAlarm(props);
    if (props.columnarCopy) {
      const failing = columnarFailingQuery();
      const failingName = `${alarmPrefix}/ColumnarFailingDays`;
      if (props.logGroup)
        this.columnarFailingQuery = new logs.QueryDefinition(this, 'ColumnarFailingQuery', {
          queryDefinitionName: failingName,
          queryString: new logs.QueryString(failing),
          logGroups: [props.logGroup],
        });
      this.columnarDaysFailedAlarm = atLeastOne(
        'ColumnarDaysFailed',
        `A day's conversion into the columnar copy failed (or the conversion could not run): the next run retries it, and queries read that day from the raw logs meanwhile. The log line "columnar copy" lists failed days; days failing ${FAILING_RUNS} runs in a row: CloudWatch Logs Insights, saved query ${failingName}${props.logGroup ? '' : ' (or this query on the function log group)'}: ${failing.fields?.join(', ')}, filter ${failing.filterStatements?.join(' and ')}.`,
        this.serviceMetric(METRIC.columnarDaysFailed, props.serviceName, fiveMinutes),
      );
    }
  }

  /** Maximum over a day: the estimate is emitted once a run, and one high reading is enough. */
  private catalogSizeAlarm(props: PartitionerAlarmsProps): cloudwatch.Alarm {
    const quota = props.glueMaxPartitionsPerTable ?? 10_000_000;
    const threshold = Math.floor(quota * 0.8);
    return this.alarm('CatalogPartitions', {
      alarmName: `${props.serviceName}-CatalogPartitions`,
      alarmDescription: `The table holds an estimated ${threshold} partitions or more, 80 % of Glue's ${quota} per table: set retentionDays, move to month granularity, or raise the quota (then glueMaxPartitionsPerTable).`,
      metric: new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.catalogPartitions,
        dimensionsMap: { [SERVICE_DIMENSION]: props.serviceName },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.days(1),
      }),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }

  /** Every alarm, for dashboards and tests. */
  public get alarms(): cloudwatch.Alarm[] {
    return [
      this.functionErrorsAlarm,
      this.statementsFailedAlarm,
      this.heartbeatAlarm,
      this.deadLetterQueueAlarm,
      this.backfillFailedAlarm,
      this.backfillTimedOutAlarm,
      this.backfillAbortedAlarm,
      this.catalogPartitionsAlarm,
      this.partitionsStillMissingAlarm,
      this.silentTrailsAlarm,
      ...(this.columnarDaysFailedAlarm ? [this.columnarDaysFailedAlarm] : []),
    ];
  }

  /** A metric the function emits through Powertools (EMF), keyed by its service dimension. */
  private serviceMetric(metricName: string, serviceName: string, period: Duration): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { [SERVICE_DIMENSION]: serviceName },
      statistic: cloudwatch.Stats.SUM,
      period,
    });
  }

  private alarm(id: string, props: cloudwatch.AlarmProps): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, props);
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}
