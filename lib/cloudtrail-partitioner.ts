import { QueryPolicy } from './query-policy';
import { trailBucketArn } from './trail-logs';
import { Annotations, CfnElement, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
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
import { BackfillStateMachine, stateMachineArnFor } from './backfill-state-machine';
import { CloudTrailTable } from './cloudtrail-table';
import { FirstRun } from './first-run';
import { LakeFormationGrants } from './lake-formation-grants';
import { partitionKeysFor } from './cloudtrail-schema';
import { PresetNamedQueries } from './named-queries';
import { PartitionFunction } from './partition-function';
import { PartitionerAlarms } from './partitioner-alarms';
import { PartitionerDashboard } from './partitioner-dashboard';
import type { CloudTrailPartitionerProps } from './partitioner-props';
import { validatePartitionerProps, type PartitionerSettings } from './validate-props';
import { unknownRegionWarnings } from '../lambda/aws/known-regions';

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
  /** The role the function runs as: the principal a cross-account bucket policy must name. */
  public readonly functionRole: iam.IRole;
  /** Lake Formation grants for the function's role; undefined unless `lakeFormationPermissions`. */
  public readonly lakeFormationGrants?: LakeFormationGrants;
  /** The schedule's own run, invoked once at stack creation, before the heartbeat alarm exists. */
  public readonly firstRun: FirstRun;
  /** Alarm states, registrations, the audit, silent trails, catalog size and the time since the last scheduled success. */
  public readonly dashboard: PartitionerDashboard;
  /** Every investigation preset, saved as an Athena named query in the workgroup. */
  public readonly namedQueries: PresetNamedQueries;
  /** The managed policy with exactly what `cloudtrail-partitioner query` needs. */
  public readonly queryPolicy: QueryPolicy;
  /** Starts the initial backfill; undefined without `initialBackfillFrom`. */
  public readonly initialBackfill?: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: CloudTrailPartitionerProps) {
    super(scope, id);
    const s = validatePartitionerProps(props);
    this.settings = s;
    // Accepted by shape (new regions work), but a name the SDK does not know is probably misspelt.
    for (const warning of unknownRegionWarnings(s.regions, 'regions entry'))
      Annotations.of(this).addWarningV2('cloudtrail-partitioner:unknown-region', warning);
    this.serviceName = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });

    this.table = new CloudTrailTable(this, 'Table', {
      databaseName: s.databaseName,
      tableName: s.tableName,
      trailBucketName: s.trailBucketName,
      trailPrefix: s.trailPrefix,
      orgId: s.orgId,
      createDatabase: s.createDatabase,
      createTable: s.createTable,
      partitionGranularity: s.partitionGranularity,
      logRetention: props.logRetention,
      glueCatalogKmsKeyArn: s.glueCatalogKmsKeyArn,
    });
    const results = new AthenaResults(this, 'Results', {
      resultsRetentionDays: s.resultsRetentionDays,
      bytesScannedCutoffPerQueryBytes: s.bytesScannedCutoffPerQueryBytes,
      accessLogsBucket: props.accessLogsBucket,
    });
    this.namedQueries = new PresetNamedQueries(this, 'NamedQueries', {
      workGroup: results.workGroup,
      databaseName: this.table.databaseName,
      tableName: this.table.tableName,
      // An existing table's keys are unknown at synth: the saved queries assume the default 5 keys.
      partitionKeys: partitionKeysFor(this.table.partitionGranularity),
    });
    this.queryPolicy = new QueryPolicy(this, 'QueryPolicy', {
      workGroupArn: results.workGroupArn,
      catalogArn: this.table.catalogArn,
      databaseArn: this.table.databaseArn,
      tableArn: this.table.tableArn,
      trailBucketName: s.trailBucketName,
      trailPrefix: s.trailPrefix,
      orgId: s.orgId,
      resultsBucket: results.bucket,
      resultsPrefix: AthenaResults.OUTPUT_PREFIX,
      glueCatalogKmsKeyArn: s.glueCatalogKmsKeyArn,
    });
    // Named, so the function holds its ARN without a reference back (the state machine invokes the function).
    const backfillName = `${this.serviceName}-backfill`;
    const fn = new PartitionFunction(this, 'Function', {
      backfillStateMachineArn: stateMachineArnFor(this, backfillName),
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
      auditWindowDays: s.auditWindowDays,
      silentAfterDays: s.silentAfterDays,
      serviceName: this.serviceName,
      retentionDays: s.retentionDays,
      reservedConcurrentExecutions: s.reserveConcurrency ? s.backfillMaxConcurrency + 1 : undefined,
      timeoutMinutes: s.timeoutMinutes,
      logRetention: props.logRetention,
      glueCatalogKmsKeyArn: s.glueCatalogKmsKeyArn,
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
      stateMachineName: backfillName,
    });
    const alarms = new PartitionerAlarms(this, 'Alarms', {
      function: fn.function,
      deadLetterQueue: fn.deadLetterQueue,
      stateMachine: backfill.stateMachine,
      serviceName: this.serviceName,
      heartbeatWindowHours: s.heartbeatWindowHours,
      alarmEmail: s.alarmEmail,
      glueMaxPartitionsPerTable: s.glueMaxPartitionsPerTable,
      logGroup: fn.logGroup,
    });
    this.dashboard = new PartitionerDashboard(this, 'Dashboard', {
      serviceName: this.serviceName,
      logGroup: fn.logGroup,
      alarms: alarms.alarms,
    });

    this.function = fn.function;
    this.functionRole = fn.role;
    if (s.lakeFormationPermissions) {
      const index = this.table.partitionIndex;
      this.lakeFormationGrants = new LakeFormationGrants(this, 'LakeFormationGrants', {
        role: fn.role,
        table: this.table,
        indexRole: index?.role,
        dropsPartitions: s.retentionDays !== undefined,
        dataLocationArn: s.lakeFormationDataLocation ? trailBucketArn(this, s.trailBucketName) : undefined,
      });
      // Lake Formation refuses CreatePartitionIndex until the provider's role holds its grants.
      index?.resource.node.addDependency(...this.lakeFormationGrants.indexPermissions);
    }
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
    this.firstRun = this.runOnceAtDeploy(fn, results.workGroup, alarms, props.logRetention);
  }

  /**
   * The first scheduled run, at deploy: after the table, workgroup, role policy and Lake
   * Formation grants exist, and before the heartbeat alarm, so the alarm's first state is the
   * run's real outcome. It shares the stack's one custom-resource provider with the initial backfill.
   */
  private runOnceAtDeploy(
    fn: PartitionFunction,
    workGroup: IConstruct,
    alarms: PartitionerAlarms,
    logRetention: logs.RetentionDays | undefined,
  ): FirstRun {
    const grants = this.lakeFormationGrants?.all ?? [];
    if (this.initialBackfill) this.initialBackfill.node.addDependency(...grants);
    const firstRun = new FirstRun(this, 'FirstRun', {
      function: fn.function,
      ruleArn: fn.rule.ruleArn,
      // The state machine too: a first run that runs out of time hands its remainder to it.
      after: [this.table, workGroup, fn.role, this.stateMachine, ...grants],
      role: this.providerIdentity()?.role,
      logGroup: this.providerIdentity()?.logGroup,
      logRetention,
    });
    alarms.heartbeatAlarm.node.addDependency(firstRun);
    return firstRun;
  }

  /**
   * The role and log group of the stack's one custom-resource provider (a CDK singleton that
   * keeps the role of the first AwsCustomResource built): the partition index's when the stack
   * creates the table, else the initial backfill's. Undefined when neither exists yet.
   */
  private providerIdentity(): { role: iam.IRole; logGroup: logs.ILogGroup } | undefined {
    const index = this.table.partitionIndex;
    if (index) return { role: index.role, logGroup: index.logGroup };
    const role = this.node.tryFindChild('InitialBackfillRole') as iam.IRole | undefined;
    const logGroup = this.node.tryFindChild('InitialBackfillLogs') as logs.ILogGroup | undefined;
    return role && logGroup ? { role, logGroup } : undefined;
  }

  /** A role and log group of the provider's own, for a stack that has no partition index. */
  private initialBackfillIdentity(logRetention: logs.RetentionDays | undefined): {
    role: iam.IRole;
    logGroup: logs.ILogGroup;
  } {
    const logGroup = new logs.LogGroup(this, 'InitialBackfillLogs', {
      retention: logRetention ?? logs.RetentionDays.THREE_MONTHS,
      // Kept after a delete, not after a failed create: nothing of a rolled-back attempt stays.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    const role = new iam.Role(this, 'InitialBackfillRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Runs the stack custom resources: the initial backfill and the first run',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    return { role, logGroup };
  }

  /**
   * On stack creation only, start one backfill execution; updates and deletes do nothing. The
   * provider runs as a role and log group of the stack's own, so no managed policy and no log
   * group without retention is left behind.
   */
  private startInitialBackfill(
    input: NonNullable<PartitionerSettings['initialBackfill']>,
    logRetention: logs.RetentionDays | undefined,
    workGroup: IConstruct,
  ): cr.AwsCustomResource {
    const { role, logGroup } = this.providerIdentity() ?? this.initialBackfillIdentity(logRetention);
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
