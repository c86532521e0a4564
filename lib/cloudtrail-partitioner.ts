import { QueryPolicy } from './query-policy';
import { trailBucketArn } from './trail-logs';
import { Annotations, CfnElement, Names, Stack, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { CustomResource } from 'aws-cdk-lib';
import { Construct, type IConstruct } from 'constructs';
import { DEPLOY_RESOURCE } from '../lambda/core/shared/contract';
import { DeployResources } from './deploy-resources';
import { AthenaResults } from './athena-results';
import { ColumnarCopy } from './columnar-copy';
import { BackfillStateMachine, backfillStateMachineName, stateMachineArnFor } from './backfill-state-machine';
import { CloudTrailTable } from './cloudtrail-table';
import { FirstRun } from './first-run';
import { LakeFormationGrants } from './lake-formation-grants';
import { partitionKeysFor } from '../lambda/core/shared/cloudtrail-schema';
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
  /** Where the columnar copy lives and the function's grants on it; undefined unless `columnarCopy`. */
  public readonly columnarCopy?: ColumnarCopy;
  /** Starts the initial backfill; undefined without `initialBackfillFrom`. */
  public readonly initialBackfill?: CustomResource;
  /** The handler of the deploy-time custom resources (partition index, initial backfill). */
  public readonly deployResources: DeployResources;

  constructor(scope: Construct, id: string, props: CloudTrailPartitionerProps) {
    super(scope, id);
    const s = validatePartitionerProps(props);
    this.settings = s;
    // Accepted by shape (new regions work), but a name the SDK does not know is probably misspelt.
    for (const warning of unknownRegionWarnings(s.regions, 'regions entry'))
      Annotations.of(this).addWarningV2('cloudtrail-partitioner:unknown-region', warning);
    this.serviceName = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    this.deployResources = new DeployResources(this, 'DeployResources', { logRetention: props.logRetention });

    this.table = new CloudTrailTable(this, 'Table', {
      databaseName: s.databaseName,
      tableName: s.tableName,
      trailBucketName: s.trailBucketName,
      trailPrefix: s.trailPrefix,
      orgId: s.orgId,
      createDatabase: s.createDatabase,
      createTable: s.createTable,
      partitionGranularity: s.partitionGranularity,
      indexProvider: this.deployResources,
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
    // Named, so the function holds its ARN without a reference back (the state machine invokes the function).
    const backfillName = backfillStateMachineName(this.serviceName);
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
    if (s.columnarCopy)
      this.columnarCopy = new ColumnarCopy(this, 'ColumnarCopy', {
        function: fn.function,
        role: fn.role,
        bucket: results.bucket,
        databaseName: this.table.databaseName,
        rawTableName: this.table.tableName,
        bytesScannedCutoffPerQueryBytes: s.bytesScannedCutoffPerQueryBytes,
        trailBucketName: s.trailBucketName,
        trailPrefix: s.trailPrefix,
        orgId: s.orgId,
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
      columnarCopy: this.columnarCopy && {
        tableArn: this.columnarCopy.tableArn,
        bucket: results.bucket,
        prefix: this.columnarCopy.keyPrefix,
      },
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
      columnarCopy: s.columnarCopy,
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
        createsTables: s.columnarCopy,
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
      this.initialBackfill = this.startInitialBackfill(s.initialBackfill, results.workGroup);
    this.firstRun = this.runOnceAtDeploy(fn, results.workGroup, alarms);
  }

  /**
   * The first scheduled run, at deploy: after the table, workgroup, role policy and Lake
   * Formation grants exist, and before the heartbeat alarm, so the alarm's first state is the
   * run's real outcome (lib/first-run.ts).
   */
  private runOnceAtDeploy(fn: PartitionFunction, workGroup: IConstruct, alarms: PartitionerAlarms): FirstRun {
    const grants = this.lakeFormationGrants?.all ?? [];
    if (this.initialBackfill) this.initialBackfill.node.addDependency(...grants);
    const firstRun = new FirstRun(this, 'FirstRun', {
      function: fn.function,
      ruleArn: fn.rule.ruleArn,
      // The role's default policy holds every permission the run uses: it must exist before the run;
      // the state machine too: a first run that runs out of time hands its remainder to it.
      after: [this.table, workGroup, fn.role, this.stateMachine, ...grants],
      serviceName: this.serviceName,
      provider: this.deployResources,
    });
    alarms.heartbeatAlarm.node.addDependency(firstRun);
    return firstRun;
  }

  /**
   * On stack creation only, start one backfill execution; updates and deletes do nothing. A denied
   * start (its policy is seconds old) is retried for a bounded time (lib/deploy-resources.ts).
   */
  private startInitialBackfill(
    input: NonNullable<PartitionerSettings['initialBackfill']>,
    workGroup: IConstruct,
  ): CustomResource {
    const { resource } = this.deployResources.add(
      this,
      'InitialBackfill',
      DEPLOY_RESOURCE.initialBackfill,
      { StateMachineArn: this.stateMachine.stateMachineArn, Input: JSON.stringify(input) },
      [
        new iam.PolicyStatement({
          actions: ['states:StartExecution'],
          resources: [this.stateMachine.stateMachineArn],
        }),
      ],
    );
    // The function refers to the workgroup by name only: the first chunk must not start before it exists.
    resource.node.addDependency(this.table, this.stateMachine, workGroup);
    return resource;
  }
}

/** Logical ID of the results bucket, the form cdk-nag prints in IAM5 finding IDs. */
function resultsBucketLogicalId(results: AthenaResults): string {
  return Stack.of(results).getLogicalId(results.bucket.node.defaultChild as CfnElement);
}
