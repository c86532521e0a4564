import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, METRICS_NAMESPACE } from '../lambda/core/shared/contract';
import { trailBucketArn, trailLogsRoot } from './trail-logs';
import { AthenaResults } from './athena-results';
import { catalogKeyStatement } from './catalog-key';
import { CloudTrailTable } from './cloudtrail-table';
import { functionCode } from './function-code';

import { environmentSizeError } from './function-environment';

export interface PartitionFunctionProps {
  /** Names, location and ARNs of the table partitions are added to. */
  readonly table: CloudTrailTable;
  /** Workgroup and results bucket the statements run in. */
  readonly results: AthenaResults;
  readonly trailBucketName: string;
  /** Normalized prefix ('' for none). */
  readonly trailPrefix: string;
  readonly orgId?: string;
  /** Accounts to register; empty means discovered from S3 at run time. */
  readonly accounts: readonly string[];
  /** Regions to register; empty means discovered from S3 at run time. */
  readonly regions: readonly string[];
  /** EventBridge schedule expression of the daily run. */
  readonly scheduleExpression: string;
  readonly lookbackDays: number;
  /** @default - no cap: statements are bound by bytes */
  readonly maxPartitionsPerStatement?: number;
  readonly maxConcurrentQueries: number;
  /** Backfill chunks at once: each chunk takes its part of maxConcurrentQueries. @default 3 */
  readonly backfillMaxConcurrency?: number;
  /** @default 300 */
  readonly apiPatienceSeconds?: number;
  readonly maxRangeDays: number;
  /** Past days the scheduled run audits. @default 7 */
  readonly auditWindowDays?: number;
  /** Days of recent delivery that make a day without logs a silent trail. @default 3 */
  readonly silentAfterDays?: number;
  /** Powertools service name: the `service` dimension of every metric. */
  readonly serviceName: string;
  /** Days of partitions kept; the function may drop partitions only when set. @default - none dropped */
  readonly retentionDays?: number;
  /**
   * Ceiling on concurrent invocations; with `maxConcurrentQueries` it bounds the DDL queries
   * this function can have active at once.
   * @default - none: the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
  /** @default 15 */
  readonly timeoutMinutes?: number;
  /** @default 512 */
  readonly memorySizeMiB?: number;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** Key the Glue Data Catalog is encrypted with. @default - none */
  readonly glueCatalogKmsKeyArn?: string;
  /**
   * The backfill state machine the daily run hands its remainder to when its invocation runs out
   * of time (`states:StartExecution` on exactly this ARN). @default - no hand-off
   */
  readonly backfillStateMachineArn?: string;
}

/**
 * The Lambda that registers partitions, its schedule and its dead-letter queue.
 *
 * The AWS SDK v3 and Powertools are bundled in (`externalModules: []`) rather than taken from
 * the runtime: the function then runs the exact versions in package-lock.json that the tests
 * exercised, and a runtime SDK update cannot change its behaviour. The cost is a larger
 * bundle, which matters little for a function that runs once a day.
 */
export class PartitionFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  /** Receives failed async invocations and events the schedule could not deliver. */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: PartitionFunctionProps) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is the dead-letter queue (Lambda on-failure destination and EventBridge target DLQ); a DLQ of a DLQ would only move the same messages again. Its depth is alarmed.',
    });
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      // Kept after a delete, not after a failed create: nothing of a rolled-back attempt stays.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'CloudTrail partitioner: list trail keys, run ALTER TABLE ADD PARTITION in one workgroup',
    });
    for (const statement of this.policyStatements(props)) this.role.addToPolicy(statement);

    const environment: Record<string, string> = {
      [ENV.trailBucket]: props.trailBucketName,
      [ENV.trailPrefix]: props.trailPrefix,
      [ENV.orgId]: props.orgId ?? '',
      [ENV.accounts]: props.accounts.join(','),
      [ENV.regions]: props.regions.join(','),
      [ENV.database]: props.table.databaseName,
      [ENV.table]: props.table.tableName,
      [ENV.workgroup]: props.results.workGroupName,
      [ENV.lookbackDays]: String(props.lookbackDays),
      ...(props.maxPartitionsPerStatement !== undefined
        ? { [ENV.maxPartitionsPerStatement]: String(props.maxPartitionsPerStatement) }
        : {}),
      [ENV.maxConcurrentQueries]: String(props.maxConcurrentQueries),
      [ENV.backfillMaxConcurrency]: String(props.backfillMaxConcurrency ?? 3),
      [ENV.apiPatienceSeconds]: String(props.apiPatienceSeconds ?? 300),
      [ENV.maxRangeDays]: String(props.maxRangeDays),
      ...(props.retentionDays === undefined ? {} : { [ENV.retentionDays]: String(props.retentionDays) }),
      [ENV.auditWindowDays]: String(props.auditWindowDays ?? 7),
      [ENV.silentAfterDays]: String(props.silentAfterDays ?? 3),
      ...(props.backfillStateMachineArn
        ? { [ENV.backfillStateMachineArn]: props.backfillStateMachineArn }
        : {}),
      [ENV.serviceName]: props.serviceName,
      [ENV.metricsNamespace]: METRICS_NAMESPACE,
      NODE_OPTIONS: '--enable-source-maps',
    };
    const sizeError = environmentSizeError(environment);
    if (sizeError) throw new Error(sizeError);

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      description: functionDescription(props.table),
      // The packed bundle in an installed package, else bundled from source (lib/function-code.ts).
      ...functionCode(),
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySizeMiB ?? 512,
      timeout: Duration.minutes(props.timeoutMinutes ?? 15),
      role: this.role,
      logGroup: this.logGroup,
      environment,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      retryAttempts: 2,
      onFailure: new SqsDestination(this.deadLetterQueue),
      bundling: {
        forceDockerBundling: false,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        externalModules: [],
        // esbuild's info-level summary flags the 1.4 MB bundle on every synth; real warnings still show.
        logLevel: nodejs.LogLevel.WARNING,
      },
    });

    this.rule = new events.Rule(this, 'Schedule', {
      description: 'Daily run of the CloudTrail partitioner',
      schedule: events.Schedule.expression(props.scheduleExpression),
    });
    this.rule.addTarget(
      new targets.LambdaFunction(this.function, {
        retryAttempts: 2,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.deadLetterQueue,
      }),
    );
  }

  /** Every permission the function has besides its DLQ destination, each scoped to one resource. */
  private policyStatements(props: PartitionFunctionProps): iam.PolicyStatement[] {
    const stack = Stack.of(this);
    const trailBucket = trailBucketArn(this, props.trailBucketName);
    // Discovery lists `[PREFIX/]AWSLogs/[ORGID/]` and keys below it, nothing else.
    const logsRoot = trailLogsRoot(props);
    const statements = [
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'RunQueriesInOwnWorkGroup',
        // Start and batch status are what the code calls; GetQueryExecution and GetWorkGroup are
        // the reads AWS's "run queries in a workgroup" example pairs with them. Stop cancels the
        // losing execution of a hedged straggler (docs/design.md), in this workgroup only.
        // ListQueryExecutions (resource type: workgroup) reads this workgroup's recent statements,
        // so a run knows Athena's latency before its first statement ends (docs/design.md).
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:BatchGetQueryExecution',
          'athena:GetWorkGroup',
          'athena:ListQueryExecutions',
          'athena:StopQueryExecution',
        ],
        resources: [props.results.workGroupArn],
      }),
      new iam.PolicyStatement({
        sid: 'AddPartitionsToTable',
        actions: [
          'glue:GetDatabase',
          'glue:GetTable',
          'glue:GetPartition',
          'glue:GetPartitions',
          'glue:BatchGetPartition',
          'glue:CreatePartition',
          'glue:BatchCreatePartition',
          // The scheduled run reports the partition index's state (a FAILED backfill, or none).
          'glue:GetPartitionIndexes',
        ],
        resources: [props.table.catalogArn, props.table.databaseArn, props.table.tableArn],
      }),
      new iam.PolicyStatement({
        sid: 'AthenaDefaultDatabase',
        // Athena's Glue client looks up (and where Athena never ran, creates) the `default`
        // database before any DDL, whatever database the statement names (Athena guide,
        // "fine-grained access to Glue resources": full access to the default database).
        actions: ['glue:GetDatabase', 'glue:CreateDatabase'],
        resources: [
          props.table.catalogArn,
          stack.formatArn({ service: 'glue', resource: 'database', resourceName: 'default' }),
        ],
      }),
      new iam.PolicyStatement({
        sid: 'ListTrailLogKeys',
        actions: ['s3:ListBucket'],
        resources: [trailBucket],
        conditions: { StringLike: { 's3:prefix': [logsRoot, `${logsRoot}*`] } },
      }),
      new iam.PolicyStatement({
        sid: 'LocateTrailBucket',
        actions: ['s3:GetBucketLocation'],
        resources: [trailBucket],
      }),
      new iam.PolicyStatement({
        sid: 'UseResultsBucket',
        // The bucket-level actions of Athena's managed policy for its results bucket.
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [props.results.bucket.bucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'WriteQueryResults',
        actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        resources: [props.results.bucket.arnForObjects(`${AthenaResults.OUTPUT_PREFIX}*`)],
      }),
      new iam.PolicyStatement({
        sid: 'ReadTrailLifecycle',
        // Only to warn when retention outlives the logs; without it, retention still runs.
        actions: ['s3:GetLifecycleConfiguration'],
        resources: [trailBucket],
      }),
    ];
    if (props.glueCatalogKmsKeyArn) statements.push(catalogKeyStatement(props.glueCatalogKmsKeyArn));
    if (props.backfillStateMachineArn) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'HandOffToBackfill',
          // The daily run's remainder, when its invocation runs out of time: this state machine only.
          actions: ['states:StartExecution'],
          resources: [props.backfillStateMachineArn],
        }),
      );
    }
    if (props.retentionDays !== undefined) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'DropExpiredPartitions',
          actions: ['glue:BatchDeletePartition', 'glue:DeletePartition'],
          resources: [props.table.catalogArn, props.table.databaseArn, props.table.tableArn],
        }),
      );
    }
    return statements;
  }
}

/** Lambda caps descriptions at 256 characters: long prefixes or names must not fail the synth. */
function functionDescription(table: CloudTrailTable): string {
  const text = `Registers CloudTrail partitions of ${table.location} in ${table.databaseName}.${table.tableName}`;
  return Token.isUnresolved(text) || text.length <= 256 ? text : `${text.slice(0, 255)}…`;
}
