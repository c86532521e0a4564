import { validationErrorOf } from '../../support/core-fakes';
import { ENV } from '../../../lambda/core/shared/contract';
import { DEFAULT_MAX_STATEMENT_BYTES } from '../../../lambda/core/partitions/ddl';
import { DEFAULTS, parseSettings, settingsFromEnv } from '../../../lambda/core/run/settings';
import { splitList } from '../../../lambda/core/shared/validation';

const GOOD_ENV = {
  [ENV.trailBucket]: 'org-trail-bucket',
  [ENV.trailPrefix]: '/team/logs/',
  [ENV.orgId]: 'o-abc1234567',
  [ENV.accounts]: '111122223333, 444455556666',
  [ENV.regions]: 'us-east-1,eu-west-1',
  [ENV.database]: 'security',
  [ENV.table]: 'org_trail',
  [ENV.workgroup]: 'partitioner-wg',
  [ENV.lookbackDays]: '3',
  [ENV.maxPartitionsPerStatement]: '500',
  [ENV.maxConcurrentQueries]: '8',
  [ENV.backfillMaxConcurrency]: '2',
  [ENV.apiPatienceSeconds]: '120',
  [ENV.maxRangeDays]: '366',
  [ENV.auditWindowDays]: '14',
  [ENV.silentAfterDays]: '2',
  // Variables the settings do not read are allowed in the environment.
  AWS_REGION: 'us-east-1',
  [ENV.serviceName]: 'cloudtrail-partitioner',
};

describe('settingsFromEnv', () => {
  test('reads every variable the construct sets', () => {
    // GIVEN a complete, valid environment
    // WHEN settings are read
    const settings = settingsFromEnv(GOOD_ENV);
    // THEN every value is parsed, the prefix normalized, numbers are numbers
    expect(settings).toEqual({
      layout: { bucket: 'org-trail-bucket', prefix: 'team/logs', orgId: 'o-abc1234567' },
      database: 'security',
      table: 'org_trail',
      workgroup: 'partitioner-wg',
      accounts: ['111122223333', '444455556666'],
      regions: ['us-east-1', 'eu-west-1'],
      lookbackDays: 3,
      maxPartitionsPerStatement: 500,
      maxConcurrentQueries: 8,
      maxRangeDays: 366,
      auditWindowDays: 14,
      silentAfterDays: 2,
      backfillMaxConcurrency: 2,
      apiPatienceSeconds: 120,
      maxStatementBytes: DEFAULT_MAX_STATEMENT_BYTES,
    });
  });

  test('reads the columnar copy settings and refuses a copy without a location', () => {
    // GIVEN the variables the ColumnarCopy construct adds
    const env = {
      ...GOOD_ENV,
      [ENV.columnarCopy]: 'true',
      [ENV.columnarLocation]: 's3://results-bucket/columnar/security/org_trail_columnar/',
      [ENV.columnarStatementBytes]: '8589934592',
    };
    // THEN they arrive typed
    expect(settingsFromEnv(env)).toMatchObject({
      columnarCopy: true,
      columnarLocation: 's3://results-bucket/columnar/security/org_trail_columnar/',
      columnarStatementBytes: 8589934592,
    });
    expect(settingsFromEnv({ ...env, [ENV.columnarCopy]: 'false' }).columnarCopy).toBe(false);
    // AND a value that is not true/false, a copy without a location, or a bad location is refused by name
    expect(validationErrorOf(() => settingsFromEnv({ ...env, [ENV.columnarCopy]: 'yes' }))).toContain(
      ENV.columnarCopy,
    );
    expect(validationErrorOf(() => settingsFromEnv({ ...env, [ENV.columnarLocation]: undefined }))).toContain(
      ENV.columnarLocation,
    );
    expect(
      validationErrorOf(() => settingsFromEnv({ ...env, [ENV.columnarLocation]: 's3://b/no-slash' })),
    ).toContain(ENV.columnarLocation);
  });

  test('only the bucket is required; empty variables mean unset', () => {
    // GIVEN just the bucket, and the optional variables present but empty (as CloudFormation leaves them)
    const env = {
      [ENV.trailBucket]: 'trail-bucket',
      [ENV.orgId]: '',
      [ENV.trailPrefix]: '',
      [ENV.accounts]: '',
      [ENV.lookbackDays]: '',
    };
    // WHEN settings are read
    const settings = settingsFromEnv(env);
    // THEN defaults fill in the rest; accounts and regions are discovered
    expect(settings).toEqual({
      layout: { bucket: 'trail-bucket', prefix: '', orgId: undefined },
      database: DEFAULTS.database,
      table: DEFAULTS.table,
      lookbackDays: DEFAULTS.lookbackDays,
      maxPartitionsPerStatement: DEFAULTS.maxPartitionsPerStatement,
      maxConcurrentQueries: DEFAULTS.maxConcurrentQueries,
      maxRangeDays: DEFAULTS.maxRangeDays,
      auditWindowDays: 7,
      silentAfterDays: 3,
      backfillMaxConcurrency: DEFAULTS.backfillMaxConcurrency,
      apiPatienceSeconds: DEFAULTS.apiPatienceSeconds,
      maxStatementBytes: DEFAULT_MAX_STATEMENT_BYTES,
    });
    // AND the defaults are fast: a backfill takes the quota less the scheduled run's share, statements carry no partition cap
    expect(DEFAULTS.maxConcurrentQueries).toBe(18);
    expect(DEFAULTS.maxPartitionsPerStatement).toBe(Number.POSITIVE_INFINITY);
    expect(DEFAULTS.apiPatienceSeconds).toBe(300);
  });

  test.each<[string, string, string[]]>([
    [
      ENV.maxConcurrentQueries,
      'abc',
      ['MAX_CONCURRENT_QUERIES: expected concurrent queries as a whole number from 1 to 20', '"abc"'],
    ],
    [
      ENV.maxConcurrentQueries,
      '0',
      ['MAX_CONCURRENT_QUERIES: expected concurrent queries from 1 to 20', '(got 0)'],
    ],
    [ENV.maxConcurrentQueries, '21', ['MAX_CONCURRENT_QUERIES:', '(got 21)']],
    [ENV.maxConcurrentQueries, '4.5', ['MAX_CONCURRENT_QUERIES:', '"4.5"']],
    [ENV.maxConcurrentQueries, '1e1', ['MAX_CONCURRENT_QUERIES:', '"1e1"']],
    [ENV.maxConcurrentQueries, ' 4', ['MAX_CONCURRENT_QUERIES:', '" 4"']],
    [ENV.lookbackDays, '-1', ['LOOKBACK_DAYS: expected lookback days from 0 to 90']],
    [ENV.lookbackDays, '91', ['LOOKBACK_DAYS:', '(got 91)']],
    [
      ENV.maxPartitionsPerStatement,
      '0',
      ['MAX_PARTITIONS_PER_STATEMENT: expected partitions per statement from 1 to 5000'],
    ],
    [ENV.maxPartitionsPerStatement, '5001', ['MAX_PARTITIONS_PER_STATEMENT:']],
    [ENV.maxRangeDays, '7306', ['MAX_RANGE_DAYS: expected range days from 1 to 7305']],
    [ENV.auditWindowDays, '91', ['AUDIT_WINDOW_DAYS: expected audit window days from 0 to 90', '(got 91)']],
    [ENV.silentAfterDays, '-1', ['SILENT_AFTER_DAYS: expected silent after days from 0 to 30']],
    [ENV.trailBucket, 'Bad_Bucket', ['TRAIL_BUCKET:', '"Bad_Bucket"']],
    [ENV.trailBucket, "bucket'; --", ['TRAIL_BUCKET:', "bucket'; --"]],
    [ENV.trailPrefix, 'a//b', ['TRAIL_PREFIX:', '"a//b"']],
    [ENV.trailPrefix, 'logs/AWSLogs', ['TRAIL_PREFIX: give the part before AWSLogs/']],
    [
      ENV.orgId,
      'o-short',
      ['ORG_ID: expected o- followed by 10 to 32 lowercase letters or digits', '"o-short"'],
    ],
    [
      ENV.database,
      'Security',
      ['DATABASE: expected 1 to 255 lowercase letters, digits or underscores', '"Security"'],
    ],
    [ENV.table, 'logs`', ['TABLE:', '"logs`"']],
    [
      ENV.workgroup,
      'wg with spaces',
      ['WORKGROUP: expected 1 to 128 letters, digits, dots, hyphens or underscores'],
    ],
    [ENV.accounts, '111122223333,12345', ['ACCOUNTS.1: expected a 12-digit account id', '"12345"']],
    [ENV.accounts, '111122223333,111122223333', ['ACCOUNTS: expected each account once']],
    [ENV.accounts, '111122223333,', ['ACCOUNTS.1:']],
    [
      ENV.regions,
      'us-east-1,moon-base',
      ['REGIONS.1: expected a region name such as us-east-1', '"moon-base"'],
    ],
  ])('%s=%j is refused, naming the variable', (name, value, fragments) => {
    // GIVEN a good environment with one bad variable
    // WHEN settings are read
    const message = validationErrorOf(() => settingsFromEnv({ ...GOOD_ENV, [name]: value }));
    // THEN the error starts with what was read and names the variable and the value
    expect(message).toMatch(/^invalid lambda environment: /);
    for (const fragment of fragments) expect(message).toContain(fragment);
  });

  test('a missing bucket is named', () => {
    // GIVEN no TRAIL_BUCKET WHEN settings are read THEN the error names the variable
    expect(validationErrorOf(() => settingsFromEnv({}))).toContain(
      'TRAIL_BUCKET: expected the trail bucket name',
    );
  });

  test('every problem is listed at once', () => {
    // GIVEN three bad variables
    const message = validationErrorOf(() =>
      settingsFromEnv({
        ...GOOD_ENV,
        [ENV.table]: 'T',
        [ENV.maxConcurrentQueries]: 'many',
        [ENV.orgId]: 'x',
      }),
    );
    // WHEN read THEN each variable is named
    expect(message).toContain('ORG_ID:');
    expect(message).toContain('TABLE:');
    expect(message).toContain('MAX_CONCURRENT_QUERIES:');
  });
});

describe('parseSettings', () => {
  test('labels name fields as the caller wrote them (CLI flags)', () => {
    // GIVEN CLI labels and a bad table
    const message = validationErrorOf(() =>
      parseSettings({ bucket: 'trail-bucket', table: 'Bad' }, 'options', { table: '--table' }),
    );
    // WHEN parsed THEN the flag is named
    expect(message).toBe(
      'invalid options: --table: expected 1 to 255 lowercase letters, digits or underscores (got "Bad")',
    );
  });

  test('unknown settings are refused', () => {
    // GIVEN a misspelled key WHEN parsed THEN refused as unknown
    expect(validationErrorOf(() => parseSettings({ bucket: 'trail-bucket', lookback: 3 }))).toContain(
      'unknown key "lookback"',
    );
  });

  test('numbers given as strings are refused (only settingsFromEnv converts)', () => {
    // GIVEN a string where a number belongs WHEN parsed THEN refused
    expect(validationErrorOf(() => parseSettings({ bucket: 'trail-bucket', lookbackDays: '3' }))).toContain(
      'lookbackDays:',
    );
  });
});

describe('splitList', () => {
  test.each([
    [undefined, undefined],
    ['', undefined],
    ['   ', undefined],
    ['a', ['a']],
    [' a , b ,c', ['a', 'b', 'c']],
    ['a,,b', ['a', '', 'b']],
  ])('%j → %j', (text, list) => {
    // GIVEN comma-separated text WHEN split THEN items are trimmed; empty text means none
    expect(splitList(text)).toEqual(list);
  });
});
