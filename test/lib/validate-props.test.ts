import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import type { CloudTrailPartitionerProps } from '../../lib/cloudtrail-partitioner';
import {
  DEFAULT_BYTES_SCANNED_CUTOFF,
  MIN_BYTES_SCANNED_CUTOFF,
  validatePartitionerProps,
} from '../../lib/validate-props';

const base: CloudTrailPartitionerProps = { trailBucketName: 'example-trail-bucket' };

function errorOf(props: Partial<CloudTrailPartitionerProps>): string {
  try {
    validatePartitionerProps({ ...base, ...props });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected validation to fail');
}

describe('validatePartitionerProps', () => {
  it('applies every default', () => {
    // GIVEN only the bucket
    // WHEN validated
    const settings = validatePartitionerProps(base);
    // THEN each default is the documented one
    expect(settings).toEqual({
      trailBucketName: 'example-trail-bucket',
      trailPrefix: '',
      orgId: undefined,
      accounts: [],
      regions: [],
      databaseName: 'cloudtrail',
      tableName: 'cloudtrail_logs',
      createTable: true,
      createDatabase: true,
      reserveConcurrency: false,
      scheduleExpression: 'cron(15 0 * * ? *)',
      heartbeatWindowHours: 26,
      lookbackDays: 1,
      auditWindowDays: 7,
      silentAfterDays: 3,
      alarmEmail: undefined,
      resultsRetentionDays: 30,
      bytesScannedCutoffPerQueryBytes: DEFAULT_BYTES_SCANNED_CUTOFF,
      maxPartitionsPerStatement: undefined,
      maxConcurrentQueries: 18,
      apiPatienceSeconds: 300,
      maxRangeDays: 7305,
      backfillMaxConcurrency: 3,
      backfillChunkDays: undefined,
      initialBackfill: undefined,
      timeoutMinutes: 15,
      activeDdlQueryQuota: 20,
      glueMaxPartitionsPerTable: 10_000_000,
      partitionGranularity: 'day',
      lakeFormationPermissions: false,
      lakeFormationDataLocation: false,
      columnarCopy: false,
    });
    expect(DEFAULT_BYTES_SCANNED_CUTOFF).toBe(10 * 1024 ** 3);
  });

  it('normalizes the prefix and treats empty optional strings as unset', () => {
    // GIVEN a prefix with slashes and empty org id and e-mail (as `-c orgId=` gives)
    // WHEN validated
    const settings = validatePartitionerProps({
      ...base,
      trailPrefix: '/logs/org/',
      orgId: '',
      alarmEmail: '',
    });
    // THEN the prefix has no outer slashes and the empties are undefined
    expect(settings.trailPrefix).toBe('logs/org');
    expect(settings.orgId).toBeUndefined();
    expect(settings.alarmEmail).toBeUndefined();
  });

  it('accepts a full valid configuration', () => {
    // GIVEN every prop set to a valid value
    const settings = validatePartitionerProps({
      ...base,
      orgId: 'o-abcdefghij',
      accounts: ['111111111111', '222222222222'],
      regions: ['us-east-1', 'eu-west-1', 'us-gov-west-1'],
      schedule: events.Schedule.rate(Duration.hours(6)),
      initialBackfillFrom: '2024-02-29',
      backfillChunkDays: 31,
      alarmEmail: 'ops@example.com',
    });
    // THEN derived values follow
    expect(settings.heartbeatWindowHours).toBe(8);
    expect(settings.initialBackfill).toEqual({ from: '2024-02-29' });
  });

  it('turns a number initialBackfillFrom into daysBack', () => {
    // GIVEN / WHEN a number of days
    const settings = validatePartitionerProps({ ...base, initialBackfillFrom: 90 });
    // THEN it is a daysBack input
    expect(settings.initialBackfill).toEqual({ daysBack: 90 });
  });

  it.each<[string, Partial<CloudTrailPartitionerProps>, RegExp]>([
    ['bucket with uppercase', { trailBucketName: 'My_Bucket' }, /invalid bucket name "My_Bucket"/],
    ['bucket with a quote', { trailBucketName: "bucket'x" }, /invalid bucket name/],
    ['prefix with a double slash', { trailPrefix: 'a//b' }, /invalid prefix "a\/\/b"/],
    ['prefix with a quote', { trailPrefix: "logs'; drop" }, /invalid prefix/],
    ['prefix with a backtick', { trailPrefix: 'logs`x' }, /invalid prefix/],
    ['prefix with a semicolon', { trailPrefix: 'logs;x' }, /invalid prefix/],
    ['prefix with whitespace', { trailPrefix: 'my logs' }, /invalid prefix/],
    ['prefix with non-ASCII', { trailPrefix: 'lögs' }, /invalid prefix/],
    ['prefix naming AWSLogs', { trailPrefix: 'logs/AWSLogs' }, /before AWSLogs/],
    ['org id', { orgId: 'o-short' }, /invalid organization id "o-short"/],
    ['account', { accounts: ['12345'] }, /invalid account "12345": expected 12 digits/],
    ['duplicate account', { accounts: ['111111111111', '111111111111'] }, /listed twice/],
    ['region', { regions: ['US-EAST-1'] }, /invalid region "US-EAST-1"/],
    ['database name', { databaseName: 'Cloud-Trail' }, /invalid database name "Cloud-Trail"/],
    ['table name with quote', { tableName: 'logs"; drop table x; --' }, /invalid table name/],
    [
      'lookbackDays too high',
      { lookbackDays: 91 },
      /invalid lookbackDays 91: expected an integer from 0 to 90/,
    ],
    ['lookbackDays fractional', { lookbackDays: 1.5 }, /invalid lookbackDays 1.5/],
    ['maxPartitionsPerStatement', { maxPartitionsPerStatement: 5001 }, /from 1 to 5000/],
    ['maxConcurrentQueries', { maxConcurrentQueries: 0 }, /invalid maxConcurrentQueries 0/],
    ['maxRangeDays', { maxRangeDays: 7306 }, /invalid maxRangeDays 7306/],
    ['timeoutMinutes', { timeoutMinutes: 16 }, /invalid timeoutMinutes 16: expected an integer from 1 to 15/],
    ['resultsRetentionDays', { resultsRetentionDays: 0 }, /invalid resultsRetentionDays 0/],
    [
      'cutoff below Athena minimum',
      { bytesScannedCutoffPerQueryBytes: MIN_BYTES_SCANNED_CUTOFF - 1 },
      /invalid bytesScannedCutoffPerQueryBytes 10485759/,
    ],
    ['backfillChunkDays', { backfillChunkDays: 367 }, /invalid backfillChunkDays 367/],
    [
      'initialBackfillFrom not a date',
      { initialBackfillFrom: '2024-02-30' },
      /invalid initialBackfillFrom "2024-02-30"/,
    ],
    ['initialBackfillFrom zero', { initialBackfillFrom: 0 }, /invalid initialBackfillFrom 0/],
    ['alarm e-mail', { alarmEmail: 'not-an-address' }, /invalid alarmEmail "not-an-address"/],
    [
      'columnarCopy not a boolean',
      { columnarCopy: 'yes' as unknown as boolean },
      /invalid columnarCopy "yes": expected true or false/,
    ],
    [
      'a table name too long for its columnar copy',
      { columnarCopy: true, tableName: 'a'.repeat(247) },
      /the copy a+_columnar would exceed 255 characters, expected a table name of at most 246/,
    ],
    [
      'concurrency above the ddl quota',
      { maxConcurrentQueries: 19 },
      /maxConcurrentQueries 19 \+ 2 for the scheduled run = 21 ddl queries, expected at most activeDdlQueryQuota 20/,
    ],
    [
      'a lowered quota left at the default concurrency',
      { activeDdlQueryQuota: 10, maxConcurrentQueries: 12 },
      /maxConcurrentQueries 12 \+ 2 for the scheduled run = 14 ddl queries, expected at most activeDdlQueryQuota 10/,
    ],
    [
      'more backfill chunks than ddl queries',
      { maxConcurrentQueries: 4, backfillMaxConcurrency: 5 },
      /invalid backfillMaxConcurrency 5: each backfill chunk needs one of the maxConcurrentQueries 4/,
    ],
    [
      'apiPatienceSeconds',
      { apiPatienceSeconds: 5 },
      /invalid apiPatienceSeconds 5: expected an integer from 10 to 3600/,
    ],
    [
      'weekly schedule',
      { schedule: events.Schedule.expression('cron(0 1 ? * MON *)') },
      /set heartbeatWindowHours/,
    ],
    [
      'schedule too sparse',
      { schedule: events.Schedule.expression('rate(7 days)') },
      /heartbeat alarm can watch at most 168/,
    ],
    ['heartbeat window', { heartbeatWindowHours: 169 }, /invalid heartbeatWindowHours 169/],
  ])('rejects %s', (_name, props, expected) => {
    // GIVEN one bad prop
    // WHEN validated
    const message = errorOf(props);
    // THEN the message names the value and what is expected, in lowercase
    expect(message).toMatch(expected);
    expect(message.charAt(0)).toBe(message.charAt(0).toLowerCase());
  });

  it('reports every problem at once', () => {
    // GIVEN three bad props
    // WHEN validated
    const message = errorOf({ trailBucketName: 'X', lookbackDays: -1, regions: ['mars-1'] });
    // THEN all three are listed
    expect(message.split('; ')).toHaveLength(3);
  });

  it('accepts a weekly schedule with an explicit heartbeat window', () => {
    // GIVEN a weekly schedule the interval parser does not model, and a window
    const settings = validatePartitionerProps({
      ...base,
      schedule: events.Schedule.expression('cron(0 1 ? * MON-FRI *)'),
      heartbeatWindowHours: 74,
    });
    // THEN the explicit window is used
    expect(settings.heartbeatWindowHours).toBe(74);
  });
});

describe('initialBackfillFrom', () => {
  const now = new Date('2024-03-10T12:00:00Z');
  it.each([
    ['2024-02-29', { from: '2024-02-29' }],
    ['2013-11-01', { from: '2013-11-01' }],
    [30, { daysBack: 30 }],
  ])('accepts %j', (value, expected) => {
    expect(validatePartitionerProps({ ...base, initialBackfillFrom: value }, now).initialBackfill).toEqual(
      expected,
    );
  });

  it.each([
    ['2023-02-29', /2023-02-29/],
    ['2001-01-01', /2001-01-01/],
    ['2030-01-01', /2030-01-01/],
    ['2024-03-11', /2024-03-11/],
    [0, /initialBackfillFrom 0/],
    [7304, /initialBackfillFrom 7304.*1 to 7303/],
  ])('refuses %j at synth, as the split step would after deploy', (value, message) => {
    expect(() => validatePartitionerProps({ ...base, initialBackfillFrom: value }, now)).toThrow(message);
  });

  it('refuses a date whose window exceeds maxRangeDays', () => {
    expect(() =>
      validatePartitionerProps({ ...base, initialBackfillFrom: '2024-01-01', maxRangeDays: 30 }, now),
    ).toThrow(/initialBackfillFrom "2024-01-01": invalid range/);
  });
});

describe('lookbackDays against the schedule', () => {
  it('refuses a lookback too short for the schedule interval, naming both', () => {
    // GIVEN runs every 4 days and the default lookback of 1
    const props = { ...base, schedule: events.Schedule.rate(Duration.days(4)) };
    // THEN day D+2 would never be registered: refused
    expect(() => validatePartitionerProps(props)).toThrow(
      /invalid lookbackDays 1: schedule "rate\(4 days\)" runs 96 hours apart/,
    );
    expect(validatePartitionerProps({ ...props, lookbackDays: 2 }).lookbackDays).toBe(2);
  });
});
