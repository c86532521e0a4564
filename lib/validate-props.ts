/**
 * Validation and defaulting of {@link CloudTrailPartitionerProps}, as a pure function so a
 * bad-input corpus can drive it without building a stack. Every name that reaches an S3 key,
 * an IAM ARN or a SQL statement goes through the same allow-lists the Lambda applies at cold
 * start (lambda/core/names.ts), so the stack can never deploy a value the function rejects.
 */
import { defaultBackfillConcurrency, SCHEDULED_RUN_SHARE } from '../lambda/core/shared/concurrency';
import { Token } from 'aws-cdk-lib';
import type { CloudTrailPartitionerProps } from './partitioner-props';
import {
  checkAccount,
  checkBucket,
  checkIdentifier,
  checkOrgId,
  checkRegion,
  normalizePrefix,
  show,
} from '../lambda/core/shared/names';
import { DEFAULT_SCHEDULE_EXPRESSION, scheduleIntervalHours } from './schedule-interval';
import { type CatalogSettings, resolveCatalogSettings } from './validate-catalog-props';
import { Collector, type InitialBackfill, resolveHeartbeat, resolveInitialBackfill } from './validate-timing';

export { HEARTBEAT_SLACK_HOURS, MAX_HEARTBEAT_WINDOW_HOURS } from './validate-timing';

/** The `lakeFormationPermissions` value that also grants the registered trail bucket's data location. */
export const LAKE_FORMATION_DATA_LOCATION = 'dataLocation';

/** Athena's per-query data usage control minimum, 10 MB. */
export const MIN_BYTES_SCANNED_CUTOFF = 10 * 1024 * 1024;
/** 10 GiB: see the JSDoc of `bytesScannedCutoffPerQueryBytes`. */
export const DEFAULT_BYTES_SCANNED_CUTOFF = 10 * 1024 * 1024 * 1024;

/** Props with every default applied and every value checked. */
export interface PartitionerSettings extends CatalogSettings {
  readonly trailBucketName: string;
  /** Normalized: no leading or trailing slash, '' when none. */
  readonly trailPrefix: string;
  readonly orgId?: string;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  readonly databaseName: string;
  readonly tableName: string;
  readonly createTable: boolean;
  readonly createDatabase: boolean;
  readonly reserveConcurrency: boolean;
  readonly scheduleExpression: string;
  readonly heartbeatWindowHours: number;
  readonly lookbackDays: number;
  readonly auditWindowDays: number;
  readonly silentAfterDays: number;
  readonly alarmEmail?: string;
  readonly resultsRetentionDays: number;
  readonly bytesScannedCutoffPerQueryBytes: number;
  /** Undefined: no cap, statements are bound by bytes. */
  readonly maxPartitionsPerStatement?: number;
  readonly maxConcurrentQueries: number;
  readonly apiPatienceSeconds: number;
  readonly maxRangeDays: number;
  readonly backfillMaxConcurrency: number;
  readonly backfillChunkDays?: number;
  readonly initialBackfill?: InitialBackfill;
  readonly timeoutMinutes: number;
  readonly activeDdlQueryQuota: number;
  readonly lakeFormationPermissions: boolean;
  /** `lakeFormationPermissions: 'dataLocation'`: also DATA_LOCATION_ACCESS on the trail bucket. */
  readonly lakeFormationDataLocation: boolean;
  /** Keep the columnar copy `<tableName>_columnar` (docs/columnar-copy.md). */
  readonly columnarCopy: boolean;
}

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})+$/;

function checkName(
  kind: 'database' | 'table',
  value: string | undefined,
  fallback: string,
  c: Collector,
): string {
  if (value === undefined) return fallback;
  c.add(typeof value === 'string' ? checkIdentifier(kind, value) : `invalid ${kind} name ${show(value)}`);
  return value;
}

/**
 * Checks every prop, applies defaults and returns the settings the constructs use.
 * @throws Error listing every problem found, each naming the bad value and what is expected.
 */
export function validatePartitionerProps(
  props: CloudTrailPartitionerProps,
  now: Date = new Date(),
): PartitionerSettings {
  const c = new Collector();
  const bucket = props.trailBucketName;
  // A deploy-time token (another construct's bucket) is checked by the function at cold start.
  c.add(
    typeof bucket !== 'string'
      ? `invalid bucket name ${show(bucket)}: expected a string`
      : Token.isUnresolved(bucket)
        ? undefined
        : checkBucket(bucket),
  );
  const prefix = normalizePrefix(typeof props.trailPrefix === 'string' ? props.trailPrefix : '');
  if (props.trailPrefix !== undefined && typeof props.trailPrefix !== 'string') {
    c.add(`invalid prefix ${show(props.trailPrefix)}: expected a string`);
  }
  if ('error' in prefix) c.add(prefix.error);
  const orgId = props.orgId === undefined || props.orgId === '' ? undefined : props.orgId;
  if (orgId !== undefined) c.add(checkOrgId(orgId));

  const accounts = c.list('accounts', props.accounts, checkAccount);
  const regions = c.list('regions', props.regions, checkRegion);
  const databaseName = checkName('database', props.databaseName, 'cloudtrail', c);
  const tableName = checkName('table', props.tableName, 'cloudtrail_logs', c);

  const scheduleExpression = props.schedule?.expressionString ?? DEFAULT_SCHEDULE_EXPRESSION;
  const heartbeatWindowHours = resolveHeartbeat(scheduleExpression, props.heartbeatWindowHours, c);

  const maxRangeDays = c.integer('maxRangeDays', props.maxRangeDays, 7305, 1, 7305);
  const backfillMaxConcurrency = c.integer('backfillMaxConcurrency', props.backfillMaxConcurrency, 3, 1, 20);
  const activeDdlQueryQuota = c.integer('activeDdlQueryQuota', props.activeDdlQueryQuota, 20, 1, 1000);
  const maxConcurrentQueries = c.integer(
    'maxConcurrentQueries',
    props.maxConcurrentQueries,
    Math.min(20, defaultBackfillConcurrency(activeDdlQueryQuota)),
    1,
    20,
  );
  // The backfill's queries (all its chunks together) plus the scheduled run's share must fit the quota.
  const worstCase = maxConcurrentQueries + SCHEDULED_RUN_SHARE;
  if (worstCase > activeDdlQueryQuota) {
    c.add(
      `invalid concurrency: maxConcurrentQueries ${maxConcurrentQueries} + ${SCHEDULED_RUN_SHARE} for the scheduled run = ${worstCase} ddl queries, expected at most activeDdlQueryQuota ${activeDdlQueryQuota}`,
    );
  }
  if (backfillMaxConcurrency > maxConcurrentQueries) {
    c.add(
      `invalid backfillMaxConcurrency ${backfillMaxConcurrency}: each backfill chunk needs one of the maxConcurrentQueries ${maxConcurrentQueries} ddl queries, expected at most ${maxConcurrentQueries}`,
    );
  }

  const alarmEmail = props.alarmEmail === undefined || props.alarmEmail === '' ? undefined : props.alarmEmail;
  if (alarmEmail !== undefined && !(typeof alarmEmail === 'string' && EMAIL.test(alarmEmail))) {
    c.add(`invalid alarmEmail ${show(alarmEmail)}: expected an e-mail address such as ops@example.com`);
  }
  for (const [name, value] of [
    ['createTable', props.createTable],
    ['createDatabase', props.createDatabase],
    ['reserveConcurrency', props.reserveConcurrency],
    ['columnarCopy', props.columnarCopy],
  ] as const) {
    if (value !== undefined && typeof value !== 'boolean')
      c.add(`invalid ${name} ${show(value)}: expected true or false`);
  }

  const lf = props.lakeFormationPermissions;
  if (lf !== undefined && typeof lf !== 'boolean' && lf !== LAKE_FORMATION_DATA_LOCATION)
    c.add(
      `invalid lakeFormationPermissions ${show(lf)}: expected true, false or '${LAKE_FORMATION_DATA_LOCATION}' (true, plus DATA_LOCATION_ACCESS on a trail bucket registered with Lake Formation)`,
    );

  // createDatabase only applies when the table is created: asking for both opposites is a mistake.
  if (props.createTable === false && props.createDatabase === true) {
    c.add(
      'invalid createDatabase true with createTable false: an existing table needs an existing database; drop createDatabase, or set createTable true',
    );
  }

  const lookbackDays = c.integer('lookbackDays', props.lookbackDays, 1, 0, 90);
  // A run covers today - lookbackDays .. tomorrow, so runs further apart than lookbackDays + 2
  // days would leave days that no run ever registers.
  const intervalHours = scheduleIntervalHours(scheduleExpression);
  if (intervalHours !== undefined && lookbackDays < Math.ceil(intervalHours / 24) - 2) {
    c.add(
      `invalid lookbackDays ${lookbackDays}: schedule ${show(scheduleExpression)} runs ${intervalHours} hours apart, so each run must look back at least ${Math.ceil(intervalHours / 24) - 2} days`,
    );
  }

  // The copy's name adds `_columnar` (9 characters) to the table's, within Glue's 255.
  if (props.columnarCopy === true && typeof tableName === 'string' && tableName.length > 255 - 9)
    c.add(
      `invalid tableName ${show(tableName)} with columnarCopy: the copy ${tableName}_columnar would exceed 255 characters, expected a table name of at most 246`,
    );

  const settings: PartitionerSettings = {
    trailBucketName: bucket,
    trailPrefix: 'prefix' in prefix ? prefix.prefix : '',
    orgId,
    accounts,
    regions,
    databaseName,
    tableName,
    createTable: props.createTable !== false,
    createDatabase: props.createDatabase !== false,
    reserveConcurrency: props.reserveConcurrency === true,
    scheduleExpression,
    heartbeatWindowHours,
    lookbackDays,
    auditWindowDays: c.integer('auditWindowDays', props.auditWindowDays, 7, 0, 90),
    silentAfterDays: c.integer('silentAfterDays', props.silentAfterDays, 3, 0, 30),
    alarmEmail,
    resultsRetentionDays: c.integer('resultsRetentionDays', props.resultsRetentionDays, 30, 1, 3650),
    bytesScannedCutoffPerQueryBytes: c.integer(
      'bytesScannedCutoffPerQueryBytes',
      props.bytesScannedCutoffPerQueryBytes,
      DEFAULT_BYTES_SCANNED_CUTOFF,
      MIN_BYTES_SCANNED_CUTOFF,
      Number.MAX_SAFE_INTEGER,
    ),
    maxPartitionsPerStatement:
      props.maxPartitionsPerStatement === undefined
        ? undefined
        : c.integer('maxPartitionsPerStatement', props.maxPartitionsPerStatement, 1, 1, 5000),
    maxConcurrentQueries,
    apiPatienceSeconds: c.integer('apiPatienceSeconds', props.apiPatienceSeconds, 300, 10, 3600),
    maxRangeDays,
    backfillMaxConcurrency,
    backfillChunkDays:
      props.backfillChunkDays === undefined
        ? undefined
        : c.integer('backfillChunkDays', props.backfillChunkDays, 1, 1, 366),
    initialBackfill: resolveInitialBackfill(props.initialBackfillFrom, maxRangeDays, c, now),
    timeoutMinutes: c.integer('timeoutMinutes', props.timeoutMinutes, 15, 1, 15),
    activeDdlQueryQuota,
    ...resolveCatalogSettings(props, c),

    lakeFormationPermissions: lf === true || lf === LAKE_FORMATION_DATA_LOCATION,
    lakeFormationDataLocation: lf === LAKE_FORMATION_DATA_LOCATION,
    columnarCopy: props.columnarCopy === true,
  };
  if (c.errors.length > 0) throw new Error(c.errors.join('; '));
  return settings;
}
