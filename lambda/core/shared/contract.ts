/**
 * Names shared by the Lambda code and the CDK constructs. The constructs import these
 * constants so every environment variable they set and every metric an alarm watches
 * is the one the code reads or emits. No AWS SDK imports here.
 */

/** Environment variables the construct sets and the handler validates at cold start. */
export const ENV = {
  trailBucket: 'TRAIL_BUCKET',
  trailPrefix: 'TRAIL_PREFIX',
  orgId: 'ORG_ID',
  accounts: 'ACCOUNTS',
  regions: 'REGIONS',
  database: 'DATABASE',
  table: 'TABLE',
  workgroup: 'WORKGROUP',
  lookbackDays: 'LOOKBACK_DAYS',
  maxPartitionsPerStatement: 'MAX_PARTITIONS_PER_STATEMENT',
  maxConcurrentQueries: 'MAX_CONCURRENT_QUERIES',
  maxRangeDays: 'MAX_RANGE_DAYS',
  /** Days of partitions kept; unset means none are dropped. */
  retentionDays: 'RETENTION_DAYS',
  /** Past days the scheduled run audits against the catalog (0 turns the audit off). */
  auditWindowDays: 'AUDIT_WINDOW_DAYS',
  /** Days of recent delivery after which a day without logs makes a trail silent (0 turns it off). */
  silentAfterDays: 'SILENT_AFTER_DAYS',
  /** Backfill chunks the state machine runs at once: a chunk takes its part of MAX_CONCURRENT_QUERIES. */
  backfillMaxConcurrency: 'BACKFILL_MAX_CONCURRENCY',
  /** Seconds a start, status, S3 or Glue call may keep failing before the run stops. */
  apiPatienceSeconds: 'API_PATIENCE_SECONDS',
  /** 'true': convert due days into the columnar copy and keep it (docs/columnar-copy.md). */
  columnarCopy: 'COLUMNAR_COPY',
  /** `s3://bucket/prefix/`: where the columnar copy's data and metadata live. */
  columnarLocation: 'COLUMNAR_LOCATION',
  /** Raw bytes one conversion statement may read: the sizing's budget, under the workgroup's scan cutoff. */
  columnarStatementBytes: 'COLUMNAR_STATEMENT_BYTES',
  /** The backfill state machine the daily run hands its remainder to (unset: no hand-off). */
  backfillStateMachineArn: 'BACKFILL_STATE_MACHINE_ARN',
  /** Powertools reads this; it is also the `service` dimension on every metric. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

/** CloudWatch namespace for every metric the Lambda emits. */
export const METRICS_NAMESPACE = 'CloudTrailPartitioner';

/** Dimension Powertools adds to every metric; alarms must match it. */
export const SERVICE_DIMENSION = 'service';

/** Metric names. Alarms in lib/ reference these constants only. */
export const METRIC = {
  /** Partitions the run asked Athena to add (after empty days were skipped). */
  partitionsRequested: 'PartitionsRequested',
  /** Past days skipped because S3 held no objects for them. */
  partitionsSkippedEmpty: 'PartitionsSkippedEmpty',
  statementsSucceeded: 'StatementsSucceeded',
  /** Statements that still failed after retries: the failure alarm watches this. */
  statementsFailed: 'StatementsFailed',
  /** Partitions not submitted because the invocation ran out of time. */
  partitionsNotSubmitted: 'PartitionsNotSubmitted',
  /** 1 for every run that ended with nothing failed and nothing left undone: the heartbeat alarm watches this. */
  runSucceeded: 'RunSucceeded',
  /** 1 for every run that failed for any reason (bad config, discovery, statements). */
  runFailed: 'RunFailed',
  /**
   * 1 for a scheduled run that ended with nothing failed, emitted by scheduled runs only (never by
   * a backfill chunk or a manual invoke): the heartbeat alarm watches this, so it means "the schedule works".
   */
  scheduledRunSucceeded: 'ScheduledRunSucceeded',
  /** Partitions the audit found with logs in S3 and no partition in Glue, before repair. */
  partitionsMissing: 'PartitionsMissing',
  /** Missing partitions the audit's repair added. */
  partitionsRepaired: 'PartitionsRepaired',
  /** Missing partitions still missing after repair: the gap alarm watches this. */
  partitionsStillMissing: 'PartitionsStillMissing',
  /** Account-regions that delivered recently but have no logs for the last complete day. */
  silentTrails: 'SilentTrails',
  /** Estimated partitions in the table, from what discovery sees; alarmed at 80 % of the Glue quota. */
  catalogPartitions: 'CatalogPartitions',
  /** Partitions past the retention cutoff that the run dropped. */
  partitionsDropped: 'PartitionsDropped',
  /**
   * 1 when a partition index of the table is FAILED (its backfill failed: Glue stops using it), else
   * 0; emitted by scheduled runs that could read the indexes. The dashboard shows it.
   */
  partitionIndexFailed: 'PartitionIndexFailed',
  /** Days the columnar copy's pass converted (all their statements succeeded). */
  columnarDaysConverted: 'ColumnarDaysConverted',
  /** Days whose conversion failed (or 1 when the pass itself failed): the ColumnarDaysFailed alarm watches this. */
  columnarDaysFailed: 'ColumnarDaysFailed',
  /**
   * Partitions the scheduled run left to a Step Functions backfill because its invocation ran out
   * of time (0 on every scheduled run that did not hand off); the backfill alarms watch the execution.
   */
  partitionsHandedOff: 'PartitionsHandedOff',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** Log messages that alarms and saved Logs Insights queries filter on. */
export const LOG_MESSAGE = {
  /** One line per silent account-region, with account, region and lastDelivery. */
  silentTrail: 'silent trail',
  /** The scheduled audit's counts, missing ranges and orphans. */
  scheduledAudit: 'scheduled audit',
  /** One line per day the copy failed to convert FAILING_RUNS runs in a row or more, with day, runs and table. */
  columnarDayFailing: 'columnar day failing',
  /** The columnar pass's report: converted, failed and pending days, upkeep. */
  columnarCopy: 'columnar copy',
  /** The run could not read its window from Glue and re-adds all of it, with the reason. */
  catalogNotRead: 'catalog not read',
  /** The daily run handed what it could not submit in time to a Step Functions backfill. */
  handedOff: 'daily run handed off',
} as const;

/** State names of the Step Functions backfill that the CLI reads progress from. */
export const BACKFILL_STATE = {
  split: 'SplitWindow',
  registerChunk: 'RegisterChunk',
  chunkFailed: 'RecordChunkFailure',
} as const;

/** CloudFormation output keys the CLI resolves names from. */
export const STACK_OUTPUT = {
  stateMachineArn: 'StateMachineArn',
  functionName: 'FunctionName',
  workGroupName: 'WorkGroupName',
  tableName: 'TableName',
  /** The function's role: the principal a cross-account trail bucket's policy must allow. */
  functionRoleArn: 'FunctionRoleArn',
  /** The table's partition keys, comma-separated, so `query` filters without asking Glue. */
  partitionKeys: 'PartitionKeys',
  /** The S3 location the table reads (`s3://bucket/prefix/AWSLogs/`): where the cost estimate lists. */
  tableLocation: 'TableLocation',
  /** The managed policy with exactly what `query` needs. */
  queryPolicyArn: 'QueryPolicyArn',
  /** `succeeded`, or `failed: <reason>`: the deploy's own first run. */
  firstRunOutcome: 'FirstRunOutcome',
  /** The columnar copy as `database.table` (with `columnarCopy`). */
  columnarTableName: 'ColumnarTableName',
  /** `s3://bucket/columnar/database/table_columnar/`: the copy's data (with `columnarCopy`). */
  columnarCopyLocation: 'ColumnarCopyLocation',
} as const;

/** The `Kind` property of each deploy-time custom resource lambda/deploy-resources.ts serves. */
export const DEPLOY_RESOURCE = {
  partitionIndex: 'PartitionIndex',
  initialBackfill: 'InitialBackfill',
} as const;

/** The app's stack name unless `-c stackName=` says otherwise. */
export const DEFAULT_STACK_NAME = 'CloudTrailPartitioner';
