import * as logs from 'aws-cdk-lib/aws-logs';
import { DEFAULT_STACK_NAME, parseAppContext } from '../../lib/context';

function reader(context: Record<string, unknown>) {
  return (key: string): unknown => context[key];
}

function errorOf(context: Record<string, unknown>): string {
  try {
    parseAppContext(reader(context));
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected parsing to fail');
}

describe('parseAppContext', () => {
  it('needs only trailBucket', () => {
    // GIVEN just the bucket
    // WHEN parsed
    const config = parseAppContext(reader({ trailBucket: 'example-trail-bucket' }));
    // THEN the default stack name is used and no other prop is set
    expect(config).toEqual({
      stackName: DEFAULT_STACK_NAME,
      props: { trailBucketName: 'example-trail-bucket' },
    });
  });

  it('explains a missing trailBucket', () => {
    // GIVEN no context at all
    // WHEN parsed
    // THEN the error says which flag to pass
    expect(errorOf({})).toBe(
      'missing context trailBucket: pass -c trailBucket=<name of the bucket your trail delivers to>',
    );
  });

  it('parses command-line strings into typed props', () => {
    // GIVEN every key as the CLI gives it: strings
    const config = parseAppContext(
      reader({
        trailBucket: 'example-trail-bucket',
        trailPrefix: 'org',
        orgId: 'o-abcdefghij',
        accounts: '111111111111, 222222222222',
        regions: 'us-east-1,eu-west-1',
        databaseName: 'audit',
        tableName: 'trail',
        createTable: 'FALSE',
        createDatabase: 'true',
        schedule: 'rate(12 hours)',
        lookbackDays: '3',
        alarmEmail: 'ops@example.com',
        resultsRetentionDays: '7',
        bytesScannedCutoffPerQueryBytes: '1073741824',
        initialBackfillFrom: '2024-01-01',
        logRetentionDays: '30',
        stackName: 'TrailParts',
        columnarCopy: 'true',
      }),
    );
    // THEN each arrives with its type
    expect(config.stackName).toBe('TrailParts');
    expect(config.props).toMatchObject({
      trailBucketName: 'example-trail-bucket',
      trailPrefix: 'org',
      orgId: 'o-abcdefghij',
      accounts: ['111111111111', '222222222222'],
      regions: ['us-east-1', 'eu-west-1'],
      databaseName: 'audit',
      tableName: 'trail',
      createTable: false,
      createDatabase: true,
      lookbackDays: 3,
      alarmEmail: 'ops@example.com',
      resultsRetentionDays: 7,
      bytesScannedCutoffPerQueryBytes: 1073741824,
      initialBackfillFrom: '2024-01-01',
      logRetention: logs.RetentionDays.ONE_MONTH,
      columnarCopy: true,
    });
    expect(config.props.schedule?.expressionString).toBe('rate(12 hours)');
  });

  it('reads a number of days for initialBackfillFrom', () => {
    // GIVEN / WHEN a plain number string
    const config = parseAppContext(reader({ trailBucket: 'b-b-b', initialBackfillFrom: '30' }));
    // THEN it becomes a number (days back)
    expect(config.props.initialBackfillFrom).toBe(30);
  });

  it('accepts cdk.json values that are already typed, and empty strings as unset', () => {
    // GIVEN typed values and empties
    const config = parseAppContext(
      reader({
        trailBucket: 'b-b-b',
        accounts: ['111111111111'],
        lookbackDays: 2,
        createTable: false,
        orgId: '',
      }),
    );
    // THEN they pass through, and the empty org id is not set
    expect(config.props).toEqual({
      trailBucketName: 'b-b-b',
      accounts: ['111111111111'],
      lookbackDays: 2,
      createTable: false,
    });
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    [
      'a non-numeric number',
      { lookbackDays: 'x' },
      /invalid context lookbackDays "x": expected a whole number/,
    ],
    ['a negative number', { timeoutMinutes: '-1' }, /invalid context timeoutMinutes "-1"/],
    ['a bad boolean', { createTable: 'no' }, /invalid context createTable "no": expected true or false/],
    ['an empty list entry', { accounts: '111111111111,,2' }, /invalid context accounts/],
    [
      'a bad schedule',
      { schedule: 'daily' },
      /invalid context schedule "daily": expected cron\(...\) or rate\(...\)/,
    ],
    ['a bad stack name', { stackName: '1stack' }, /invalid context stackName "1stack"/],
    [
      'an unknown retention',
      { logRetentionDays: '31' },
      /invalid context logRetentionDays 31: expected one of/,
    ],
    ['a non-string bucket', { trailBucket: 42 }, /invalid context trailBucket 42: expected a string/],
  ])('rejects %s', (_name, context, expected) => {
    // GIVEN one bad value next to a good bucket
    // WHEN parsed
    // THEN the error names the key, the value and what is expected
    expect(errorOf({ trailBucket: 'b-b-b', ...context })).toMatch(expected);
  });
});

describe('unknown context keys', () => {
  it('refuses a misspelt key, suggesting the right one, and ignores CDK feature flags', () => {
    // GIVEN a typo next to CDK's own keys
    const context = {
      trailBucket: 'example-trail-bucket',
      alarmemail: 'ops@example.com',
      '@aws-cdk/core:enablePartitionLiterals': true,
      'aws:cdk:enable-path-metadata': true,
    };
    // WHEN parsed with the keys the app holds THEN the typo is named with its fix
    expect(() => parseAppContext(reader(context), Object.keys(context))).toThrow(
      'unknown context alarmemail: did you mean alarmEmail?',
    );
    expect(() =>
      parseAppContext(reader({ trailBucket: 'b-b-b', bogusSetting: 1 }), ['trailBucket', 'bogusSetting']),
    ).toThrow(/unknown context bogusSetting: expected one of trailBucket/);
  });
});
