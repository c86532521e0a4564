import { CfnElement, Names, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, type IConstruct } from 'constructs';
import { AthenaResults } from './athena-results';
import { BackfillStateMachine } from './backfill-state-machine';
import { CloudTrailTable } from './cloudtrail-table';
import { PartitionFunction } from './partition-function';
import { PartitionerAlarms } from './partitioner-alarms';
import type { CloudTrailPartitionerProps } from './partitioner-props';
import { validatePartitionerProps, type PartitionerSettings } from './validate-props';

export type { CloudTrailPartitionerProps } from './partitioner-props';

/**
 * Keeps a partitioned Athena table over CloudTrail logs current: a scheduled Lambda adds each
 * day's `account/region/day` partitions, a Step Functions state machine backfills any range,
 * and alarms report failures and missed runs.
 */
export class CloudTrailPartitioner extends Construct {
  public readonly settings: PartitionerSettings;
  public readonly function: lambda.IFunction;
  public readonly databaseName: string;
  public readonly tableName: string;
  public readonly table: CloudTrailTable;
  public readonly workGroupName: string;
  public readonly resultsBucket: s3.IBucket;
  public readonly stateMachine: sfn.StateMachine;
  public readonly alarmTopic: sns.ITopic;
  public readonly alarms: cloudwatch.Alarm[];
  /** Powertools service name: the `service` dimension of the function's metrics. */
  public readonly serviceName: string;
  /** Starts the initial backfill; undefined without `initialBackfillFrom`. */
  public readonly initialBackfill?: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: CloudTrailPartitionerProps) {
    super(scope, id);
    const s = validatePartitionerProps(props);
    this.settings = s;
    this.serviceName = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });

    this.table = new CloudTrailTable(this, 'Table', {
      databaseName: s.databaseName,
      tableName: s.tableName,
      trailBucketName: s.trailBucketName,
      trailPrefix: s.trailPrefix,
      orgId: s.orgId,
      createDatabase: s.createDatabase,
      createTable: s.createTable,
    });
    const results = new AthenaResults(this, 'Results', {
      resultsRetentionDays: s.resultsRetentionDays,
      bytesScannedCutoffPerQueryBytes: s.bytesScannedCutoffPerQueryBytes,
      accessLogsBucket: props.accessLogsBucket,
    });
    const fn = new PartitionFunction(this, 'Function', {
      table: this.table,
      results,
      trailBucketName: s.trailBucketName,
      trailPrefix: s.trailPrefix,
      orgId: s.orgId,
      accounts: s.accounts,
      regions: s.regions,
      scheduleExpression: s.scheduleExpression,
      lookbackDays: s.lookbackDays,
      maxPartitionsPerStatement: s.maxPartitionsPerStatement,
      maxConcurrentQueries: s.maxConcurrentQueries,
      backfillMaxConcurrency: s.backfillMaxConcurrency,
      apiPatienceSeconds: s.apiPatienceSeconds,
      maxRangeDays: s.maxRangeDays,
      serviceName: this.serviceName,
      reservedConcurrentExecutions: s.reserveConcurrency ? s.backfillMaxConcurrency + 1 : undefined,
      timeoutMinutes: s.timeoutMinutes,
      logRetention: props.logRetention,
    });
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${resultsBucketLogicalId(results)}.Arn>/${AthenaResults.OUTPUT_PREFIX}*]`,
      reason:
        'Athena writes result objects named after query IDs that are not known in advance, under the workgroup output prefix of the stack-owned results bucket.',
    });
    const backfill = new BackfillStateMachine(this, 'Backfill', {
      function: fn.function,
      maxConcurrency: s.backfillMaxConcurrency,
      chunkDays: s.backfillChunkDays,
      logRetention: props.logRetention,
    });
    const alarms = new PartitionerAlarms(this, 'Alarms', {
      function: fn.function,
      deadLetterQueue: fn.deadLetterQueue,
      stateMachine: backfill.stateMachine,
      serviceName: this.serviceName,
      heartbeatWindowHours: s.heartbeatWindowHours,
      alarmEmail: s.alarmEmail,
    });

    this.function = fn.function;
    this.databaseName = this.table.databaseName;
    this.tableName = this.table.tableName;
    this.workGroupName = results.workGroupName;
    this.resultsBucket = results.bucket;
    this.stateMachine = backfill.stateMachine;
    this.alarmTopic = alarms.topic;
    this.alarms = alarms.alarms;

    if (s.initialBackfill)
      this.initialBackfill = this.startInitialBackfill(
        s.initialBackfill,
        props.logRetention,
        results.workGroup,
      );
  }

  /**
   * On stack creation only, start one backfill execution; updates and deletes do nothing. The
   * provider function gets its own role and log group, so no managed policy and no log group
   * without retention is left behind.
   */
  private startInitialBackfill(
    input: NonNullable<PartitionerSettings['initialBackfill']>,
    logRetention: logs.RetentionDays | undefined,
    workGroup: IConstruct,
  ): cr.AwsCustomResource {
    const logGroup = new logs.LogGroup(this, 'InitialBackfillLogs', {
      retention: logRetention ?? logs.RetentionDays.THREE_MONTHS,
    });
    const role = new iam.Role(this, 'InitialBackfillRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Starts the initial CloudTrail partition backfill once, on stack creation',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const start = new cr.AwsCustomResource(this, 'InitialBackfill', {
      installLatestAwsSdk: false,
      role,
      logGroup,
      onCreate: {
        service: 'SFN',
        action: 'StartExecution',
        parameters: { stateMachineArn: this.stateMachine.stateMachineArn, input: JSON.stringify(input) },
        physicalResourceId: cr.PhysicalResourceId.fromResponse('executionArn'),
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['states:StartExecution'],
          resources: [this.stateMachine.stateMachineArn],
        }),
      ]),
    });
    // The function refers to the workgroup by name only: the first chunk must not start before it exists.
    start.node.addDependency(this.table, this.stateMachine, workGroup);
    return start;
  }
}

/** Logical ID of the results bucket, the form cdk-nag prints in IAM5 finding IDs. */
function resultsBucketLogicalId(results: AthenaResults): string {
  return Stack.of(results).getLogicalId(results.bucket.node.defaultChild as CfnElement);
}
