/**
 * The props of {@link CloudTrailPartitioner}, in a file of their own so the construct and its
 * validation both import them without importing each other.
 */
import type * as events from 'aws-cdk-lib/aws-events';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type { PartitionGranularity } from '../lambda/core/shared/cloudtrail-schema';

export interface CloudTrailPartitionerProps {
  /** Bucket the trail delivers to (S3 naming rules). */
  readonly trailBucketName: string;
  /**
   * Key prefix of the trail, the part before `AWSLogs/`; leading and trailing slashes are dropped.
   * @default - none
   */
  readonly trailPrefix?: string;
  /**
   * Organization ID (`o-` + 10 to 32 lowercase letters or digits) of an organization trail.
   * @default - none: an account trail
   */
  readonly orgId?: string;
  /**
   * Accounts (12 digits) to register partitions for.
   * @default - every account folder found in S3 at run time
   */
  readonly accounts?: string[];
  /**
   * Regions to register partitions for.
   * @default - every region folder found in S3 at run time
   */
  readonly regions?: string[];
  /** @default 'cloudtrail' */
  readonly databaseName?: string;
  /** @default 'cloudtrail_logs' */
  readonly tableName?: string;
  /**
   * Create the table (and database). False: manage an existing table with partition keys
   * `account, region, year, month, day`; nothing is created.
   * @default true
   */
  readonly createTable?: boolean;
  /** @default true */
  readonly createDatabase?: boolean;
  /**
   * Reserve `backfillMaxConcurrency + 1` concurrent executions for the function, so no burst
   * of invocations can exceed Athena's DDL quota. Off by default because Lambda keeps 10
   * executions unreserved: in an account whose concurrency quota is still the new-account 10,
   * any reservation fails the deploy. Without it, the function narrows its concurrency
   * whenever Athena answers TooManyRequestsException.
   * @default false
   */
  readonly reserveConcurrency?: boolean;
  /**
   * When the function runs. A run registers today - lookbackDays .. tomorrow (UTC), so any
   * time of day works; 00:15 UTC leaves yesterday's last log deliveries time to land.
   * @default events.Schedule.expression('cron(15 0 * * ? *)')
   */
  readonly schedule?: events.Schedule;
  /**
   * Hours without a successful run before the heartbeat alarm fires (2 to 168).
   * @default - the schedule's interval + 2 hours (26 for the default daily schedule)
   */
  readonly heartbeatWindowHours?: number;
  /** Past days each scheduled run re-checks (0 to 90). @default 1 */
  readonly lookbackDays?: number;
  /**
   * Past days each scheduled run audits against the catalog, repairing what is missing (0 to 90;
   * 0 turns the audit off).
   * @default 7
   */
  readonly auditWindowDays?: number;
  /**
   * An account-region that delivered logs within this many days before yesterday but nothing
   * yesterday is reported silent (0 to 30; 0 turns the check off).
   * @default 3
   */
  readonly silentAfterDays?: number;
  /** Address subscribed to the alarm topic. @default - none */
  readonly alarmEmail?: string;
  /** Days Athena results are kept (1 to 3650). @default 30 */
  readonly resultsRetentionDays?: number;
  /** Workgroup per-query scan cutoff, at least 10 MB. @default 10 GiB */
  readonly bytesScannedCutoffPerQueryBytes?: number;
  /**
   * Partitions per ALTER TABLE statement (1 to 5000), for users who want smaller statements.
   * @default - no cap: each statement is filled to Athena's 262,144-byte limit less a 1,024-byte margin
   */
  readonly maxPartitionsPerStatement?: number;
  /**
   * Athena DDL queries a backfill keeps active in all (1 to 20): `cli run` and a manual invoke
   * take all of them, the Step Functions backfill splits them over its `backfillMaxConcurrency`
   * chunks, and the scheduled run keeps 2. Lower it when other users share the DDL quota.
   * @default - activeDdlQueryQuota less the scheduled run's 2 (18)
   */
  readonly maxConcurrentQueries?: number;
  /**
   * Seconds a start, status, S3 or Glue call may keep failing before the run stops and reports
   * every statement as succeeded, failed, unconfirmed or not submitted (10 to 3600).
   * @default 300
   */
  readonly apiPatienceSeconds?: number;
  /** Longest date range one request may cover (1 to 7305). @default 7305 (20 years) */
  readonly maxRangeDays?: number;
  /** Backfill chunks registered at once (1 to 20). @default 3 */
  readonly backfillMaxConcurrency?: number;
  /** Days per backfill chunk (1 to 366). @default - sized by the function from the account-regions found */
  readonly backfillChunkDays?: number;
  /**
   * Active DDL queries Athena allows in the account and region. Construction fails when
   * maxConcurrentQueries + the scheduled run's 2 exceeds it.
   * @default 20 (Athena's default quota)
   */
  readonly activeDdlQueryQuota?: number;
  /**
   * Start a backfill once, when the stack is created: a `YYYY-MM-DD` date or a number of days back.
   * @default - no initial backfill
   */
  readonly initialBackfillFrom?: string | number;
  /** Function timeout (1 to 15). @default 15 */
  readonly timeoutMinutes?: number;
  /** Retention of the function's and state machine's logs. @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** Bucket for server access logs of the results bucket. @default - none */
  readonly accessLogsBucket?: s3.IBucket;
  /**
   * Days of partitions kept (1 to 7305): each scheduled run drops the partitions whose day is
   * more than this many days before today (UTC); a month partition goes when its last day does.
   * Match it to the trail bucket's lifecycle expiration.
   * @default - none: no partition is ever dropped
   */
  readonly retentionDays?: number;
  /**
   * Glue's partitions-per-table quota for this account (1,000 to 100,000,000): the
   * CatalogPartitions alarm fires at 80 % of it. Raise it with the quota.
   * @default 10000000 (the Glue default)
   */
  readonly glueMaxPartitionsPerTable?: number;
  /**
   * What one partition of the created table covers: `day` (keys account, region, year, month,
   * day) or `month` (account, region, year, month, each at the month folder: 30 x fewer
   * partitions, for the largest organizations). Only for a table this stack creates; changing
   * it on a deployed stack needs a new `tableName`.
   * @default 'day'
   */
  readonly partitionGranularity?: PartitionGranularity;
  /**
   * Grant the function's role Lake Formation permissions on the database (DESCRIBE) and the
   * table (ALTER, DESCRIBE, INSERT, DELETE) with `AWS::LakeFormation::PrincipalPermissions`.
   * Turn it on where Lake Formation permissions are in force on the catalog (the database has
   * no `IAMAllowedPrincipals` grant): there, IAM alone is not enough and every run fails with
   * access denied. The deploying principal must be a Lake Formation data lake administrator.
   * `'dataLocation'`: the same, plus DATA_LOCATION_ACCESS on the trail bucket (`arn:aws:s3:::BUCKET`),
   * which `ADD PARTITION … LOCATION` needs when the trail bucket is registered with Lake Formation;
   * Lake Formation refuses that grant on a bucket that is not registered, so it is not part of `true`.
   * @default false
   */
  readonly lakeFormationPermissions?: boolean | 'dataLocation';
  /**
   * ARN of the KMS key the account's Glue Data Catalog is encrypted with
   * (`arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID`; an alias ARN does not grant use of a key).
   * Every role of this stack that reads or writes the catalog (the function, which also runs the
   * backfill's tasks, and the custom-resource provider that creates the partition index) gets
   * kms:Decrypt, kms:Encrypt and kms:GenerateDataKey on it: Athena's guide for encrypted catalog
   * metadata lists these three. The key's policy must let this account's IAM policies grant its use.
   * @default - none: the catalog is not encrypted with a customer managed key
   */
  readonly glueCatalogKmsKeyArn?: string;
  /**
   * Keep a columnar copy of the logs: an Iceberg table `<tableName>_columnar` in the same
   * database, its data in a bucket of its own (retained, like the raw table), converted by each
   * scheduled run from the days whose late-delivery margin has passed, optimized and vacuumed
   * weekly, and trimmed with `retentionDays`. Turning it off stops conversion and upkeep and
   * keeps the table and its data (docs/columnar-copy.md).
   * @default false
   */
  readonly columnarCopy?: boolean;
}
