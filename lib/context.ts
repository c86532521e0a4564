/**
 * Turns CDK context (`-c key=value` on the command line, or cdk.json) into stack props.
 * Pure: it reads through a function, so tests feed it any values without an App.
 * Command-line context always arrives as strings; cdk.json may hold real numbers, booleans
 * and arrays, and both are accepted. An empty string means "not set".
 */
import * as events from 'aws-cdk-lib/aws-events';
import * as logs from 'aws-cdk-lib/aws-logs';
import { DEFAULT_STACK_NAME } from '../lambda/core/shared/contract';
import { show, STACK_NAME } from '../lambda/core/shared/names';
import type { CloudTrailPartitionerProps } from './partitioner-props';

export type ContextReader = (key: string) => unknown;

export interface AppConfig {
  readonly stackName: string;
  readonly props: CloudTrailPartitionerProps;
}

/** Default stack name, when `-c stackName=` is not given (shared with the CLI). */
export { DEFAULT_STACK_NAME };

/** Number-valued props read from context under the same name. */
const NUMBER_KEYS = [
  'heartbeatWindowHours',
  'lookbackDays',
  'resultsRetentionDays',
  'bytesScannedCutoffPerQueryBytes',
  'maxPartitionsPerStatement',
  'maxConcurrentQueries',
  'maxRangeDays',
  'backfillMaxConcurrency',
  'backfillChunkDays',
  'activeDdlQueryQuota',
  'apiPatienceSeconds',
  'timeoutMinutes',
  'retentionDays',
  'glueMaxPartitionsPerTable',
  'auditWindowDays',
  'silentAfterDays',
] as const;

const STRING_KEYS = [
  'trailPrefix',
  'orgId',
  'databaseName',
  'tableName',
  'alarmEmail',
  'partitionGranularity',
  'glueCatalogKmsKeyArn',
] as const;

const SCHEDULE = /^(cron|rate)\([^()]+\)$/;
const RETENTION_DAYS = new Set<number>(
  Object.values(logs.RetentionDays).filter((v) => typeof v === 'number'),
);

/** Missing, null and '' are all "not set". */
function isUnset(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

class Reader {
  readonly errors: string[] = [];

  constructor(private readonly read: ContextReader) {}

  raw(key: string): unknown {
    const value = this.read(key);
    return isUnset(value) ? undefined : value;
  }

  string(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined || typeof value === 'string') return value;
    this.errors.push(`invalid context ${key} ${show(value)}: expected a string`);
    return undefined;
  }

  number(key: string): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
    if (typeof value === 'string' && /^\d{1,15}$/.test(value.trim())) return Number(value.trim());
    this.errors.push(`invalid context ${key} ${show(value)}: expected a whole number`);
    return undefined;
  }

  boolean(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined || typeof value === 'boolean') return value;
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
      return value.trim().toLowerCase() === 'true';
    this.errors.push(`invalid context ${key} ${show(value)}: expected true or false`);
    return undefined;
  }

  /** `a,b` or a JSON array; blanks around commas are dropped. */
  list(key: string): string[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
    if (typeof value === 'string') {
      const items = value.split(',').map((item) => item.trim());
      if (items.every((item) => item !== '')) return items;
    }
    this.errors.push(`invalid context ${key} ${show(value)}: expected a comma-separated list such as a,b`);
    return undefined;
  }
}

/** `true`, `false` or `dataLocation` (also the registered trail bucket's data location). */
function lakeFormationSetting(r: Reader): boolean | 'dataLocation' | undefined {
  const value = r.raw('lakeFormationPermissions');
  if (typeof value === 'string' && value.trim() === 'dataLocation') return 'dataLocation';
  if (value === undefined || typeof value === 'boolean' || /^(true|false)$/i.test(String(value).trim()))
    return r.boolean('lakeFormationPermissions');
  r.errors.push(
    `invalid context lakeFormationPermissions ${show(value)}: expected true, false or dataLocation`,
  );
  return undefined;
}

/** Every context key this app reads. */
export const KNOWN_KEYS: ReadonlySet<string> = new Set([
  'trailBucket',
  'stackName',
  'schedule',
  'logRetentionDays',
  'initialBackfillFrom',
  'accounts',
  'regions',
  'createTable',
  'createDatabase',
  'reserveConcurrency',
  'lakeFormationPermissions',
  'columnarCopy',
  ...STRING_KEYS,
  ...NUMBER_KEYS,
]);

/**
 * A misspelt key (`-c alarmemail=…`) would otherwise be ignored silently, leaving, say, no
 * alarm e-mail. Keys shaped like ours (plain camelCase) must be known; CDK's own keys
 * (`@aws-cdk/…`, `aws:cdk:…`, `acknowledged-issue-numbers`) have other shapes and pass.
 */
function checkUnknownKeys(keys: readonly string[], errors: string[]): void {
  for (const key of keys) {
    if (!/^[a-z][A-Za-z0-9]*$/.test(key) || KNOWN_KEYS.has(key)) continue;
    const near = [...KNOWN_KEYS].find((known) => known.toLowerCase() === key.toLowerCase());
    errors.push(
      `unknown context ${key}${near ? `: did you mean ${near}?` : `: expected one of ${[...KNOWN_KEYS].join(', ')}`}`,
    );
  }
}

/**
 * Reads every supported context key. `trailBucket` is required.
 * @throws Error listing every bad or missing value.
 */
export function parseAppContext(read: ContextReader, keys: readonly string[] = []): AppConfig {
  const r = new Reader(read);
  checkUnknownKeys(keys, r.errors);
  const trailBucketName = r.string('trailBucket');
  if (r.raw('trailBucket') === undefined) {
    r.errors.push(
      'missing context trailBucket: pass -c trailBucket=<name of the bucket your trail delivers to>',
    );
  }
  const stackName = r.string('stackName') ?? DEFAULT_STACK_NAME;
  if (!STACK_NAME.test(stackName)) {
    r.errors.push(
      `invalid context stackName ${show(stackName)}: expected a letter, then letters, digits or hyphens`,
    );
  }

  const scheduleText = r.string('schedule');
  let schedule: events.Schedule | undefined;
  if (scheduleText !== undefined) {
    if (SCHEDULE.test(scheduleText.trim())) schedule = events.Schedule.expression(scheduleText.trim());
    else r.errors.push(`invalid context schedule ${show(scheduleText)}: expected cron(...) or rate(...)`);
  }

  const retentionDays = r.number('logRetentionDays');
  if (retentionDays !== undefined && !RETENTION_DAYS.has(retentionDays)) {
    r.errors.push(
      `invalid context logRetentionDays ${retentionDays}: expected one of ${[...RETENTION_DAYS].sort((a, b) => a - b).join(', ')}`,
    );
  }

  const backfillFrom = r.raw('initialBackfillFrom');
  let initialBackfillFrom: string | number | undefined;
  if (typeof backfillFrom === 'number') initialBackfillFrom = backfillFrom;
  else if (typeof backfillFrom === 'string') {
    initialBackfillFrom = /^\d{1,15}$/.test(backfillFrom.trim())
      ? Number(backfillFrom.trim())
      : backfillFrom.trim();
  } else if (backfillFrom !== undefined) {
    r.errors.push(
      `invalid context initialBackfillFrom ${show(backfillFrom)}: expected YYYY-MM-DD or a number of days`,
    );
  }

  const strings = Object.fromEntries(STRING_KEYS.map((key) => [key, r.string(key)]));
  const numbers = Object.fromEntries(NUMBER_KEYS.map((key) => [key, r.number(key)]));
  const props = {
    ...strings,
    ...numbers,
    trailBucketName: trailBucketName ?? '',
    accounts: r.list('accounts'),
    regions: r.list('regions'),
    createTable: r.boolean('createTable'),
    createDatabase: r.boolean('createDatabase'),
    reserveConcurrency: r.boolean('reserveConcurrency'),
    lakeFormationPermissions: lakeFormationSetting(r),
    columnarCopy: r.boolean('columnarCopy'),
    schedule,
    initialBackfillFrom,
    logRetention: retentionDays as logs.RetentionDays | undefined,
  };
  if (r.errors.length > 0) throw new Error(r.errors.join('; '));
  const defined = Object.fromEntries(Object.entries(props).filter(([, value]) => value !== undefined));
  return { stackName, props: defined as unknown as CloudTrailPartitionerProps };
}
