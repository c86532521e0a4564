import fc from 'fast-check';
import {
  checkAccount,
  checkBucket,
  checkIdentifier,
  checkOrgId,
  checkRegion,
  normalizePrefix,
  show,
} from '../../../lambda/core/shared/names';
import { accountArb, identifierArb, orgIdArb, regionArb } from '../../support/core-arbitraries';

/** Values no validator of a SQL-bound name may let through. */
const HOSTILE = [
  "x'",
  "x' OR '1'='1",
  'x`',
  'x;',
  'x; DROP TABLE t',
  'x--',
  '--x',
  'x/*y*/',
  'x\ny',
  'x\r',
  'x\t',
  'x y',
  'x\u0000',
  'x\\',
  'x"',
  'é',
  'x\u200b',
  '１２３',
  '',
];

/** Characters that would let a value end a literal, a quoted name or a statement, or start a comment. */
const SQL_SIGNIFICANT = /['"`;\\\s]|--|\/\*/;

describe('checkAccount', () => {
  test.each(['123456789012', '000000000000', '999999999999'])('accepts %s', (account) => {
    // GIVEN twelve digits WHEN checked THEN accepted
    expect(checkAccount(account)).toBeUndefined();
  });

  test.each([
    ...HOSTILE,
    '12345678901',
    '1234567890123',
    '12345678901a',
    ' 123456789012',
    '123456789012\n',
    '1234-5678-9012',
    'CloudTrail-Digest',
    'o-abc1234567',
  ])('rejects %j naming the value', (account) => {
    // GIVEN something that is not twelve digits
    // WHEN checked
    const error = checkAccount(account);
    // THEN the error names the value as JSON and says what is expected
    expect(error).toBe(`invalid account ${JSON.stringify(account)}: expected 12 digits`);
  });
});

describe('checkRegion', () => {
  test.each([
    'us-east-1',
    'eu-central-2',
    'ap-southeast-5',
    'us-gov-west-1',
    'cn-northwest-1',
    'us-iso-east-1',
    'eusc-de-east-1',
    'il-central-1',
  ])('accepts %s', (region) => {
    // GIVEN a real region name WHEN checked THEN accepted
    expect(checkRegion(region)).toBeUndefined();
  });

  test.each([
    ...HOSTILE,
    'US-EAST-1',
    'us-east',
    'useast1',
    'us_east_1',
    'us-east-1a',
    'us-east-123',
    'us-east-1;',
    'global',
    'aws-global-1-1-1-1',
  ])('rejects %j', (region) => {
    // GIVEN something not shaped like a region WHEN checked THEN rejected, naming the value
    expect(checkRegion(region)).toContain(JSON.stringify(region));
  });
});

describe('checkOrgId', () => {
  test.each(['o-abc1234567', 'o-0123456789abcdefghij0123456789ab'])('accepts %s', (orgId) => {
    // GIVEN o- and 10 to 32 lowercase letters or digits WHEN checked THEN accepted
    expect(checkOrgId(orgId)).toBeUndefined();
  });

  test.each([
    ...HOSTILE,
    'o-abc123456',
    `o-${'a'.repeat(33)}`,
    'O-ABC1234567',
    'abc1234567',
    'o-abc1234567/',
    'o-abc12345-7',
  ])('rejects %j', (orgId) => {
    // GIVEN anything else WHEN checked THEN rejected, naming the value
    expect(checkOrgId(orgId)).toContain(JSON.stringify(orgId));
  });
});

describe('checkIdentifier', () => {
  test.each(['cloudtrail', 'cloudtrail_logs', '_x', '1', 'a'.repeat(255)])('accepts %s', (name) => {
    // GIVEN lowercase letters, digits and underscores, 1 to 255 WHEN checked THEN accepted
    expect(checkIdentifier('table', name)).toBeUndefined();
  });

  test.each([...HOSTILE, 'CloudTrail', 'a-b', 'a.b', 'a'.repeat(256), 'db.table'])('rejects %j', (name) => {
    // GIVEN anything else
    // WHEN checked as a database and as a table name
    // THEN rejected, saying which kind of name it was
    expect(checkIdentifier('database', name)).toMatch(/^invalid database name /);
    expect(checkIdentifier('table', name)).toMatch(/^invalid table name /);
  });
});

describe('checkBucket', () => {
  test.each(['my-trail-bucket', 'abc', 'a.b.c', 'logs-123456789012-us-east-1', 'a'.repeat(63), 'my--bucket'])(
    'accepts %s',
    (bucket) => {
      // GIVEN a general-purpose bucket name WHEN checked THEN accepted
      expect(checkBucket(bucket)).toBeUndefined();
    },
  );

  test.each([
    ...HOSTILE,
    'ab',
    'a'.repeat(64),
    'My-Bucket',
    '-bucket',
    'bucket-',
    '.bucket',
    'bucket.',
    'my..bucket',
    'my_bucket',
    '192.168.1.1',
    'xn--bucket',
    'bucket-s3alias',
    'bucket/key',
  ])('rejects %j', (bucket) => {
    // GIVEN anything else WHEN checked THEN rejected, naming the value
    expect(checkBucket(bucket)).toContain(JSON.stringify(bucket));
  });
});

describe('normalizePrefix', () => {
  test.each([
    ['', ''],
    ['/', ''],
    ['//', ''],
    ['logs', 'logs'],
    ['logs/', 'logs'],
    ['/logs', 'logs'],
    ['/a/b/', 'a/b'],
    ['a/b', 'a/b'],
    ['o-abc1234567', 'o-abc1234567'],
    ['Trail_Logs(1)=+!.x', 'Trail_Logs(1)=+!.x'],
    ['awslogs', 'awslogs'],
  ])('normalizes %j to %j', (input, prefix) => {
    // GIVEN a prefix with or without surrounding slashes
    // WHEN it is normalized
    // THEN the surrounding slashes are gone
    expect(normalizePrefix(input)).toEqual({ prefix });
  });

  test.each([
    'a//b',
    'a/./b',
    'a/../b',
    '..',
    "logs'",
    'logs`',
    'logs;',
    'lo gs',
    'logs\n',
    'logs\\x',
    'logs*',
    'lögs',
    'logs"',
    'a'.repeat(513),
  ])('rejects %j naming the value', (input) => {
    // GIVEN a prefix with an empty, dot-only or unsafe segment, or too long
    // WHEN it is normalized
    const result = normalizePrefix(input);
    // THEN the result is an error naming the value
    expect(result).toEqual({ error: expect.stringContaining('invalid prefix') });
    expect('error' in result && result.error).toContain(show(input).slice(0, 20));
  });

  test.each(['AWSLogs', 'AWSLogs/', 'logs/AWSLogs', 'logs/AWSLogs/o-abc1234567'])(
    'rejects %j: the prefix stops before AWSLogs',
    (input) => {
      // GIVEN a prefix that already contains the AWSLogs folder
      // WHEN it is normalized
      // THEN the error says to give the part before AWSLogs
      expect(normalizePrefix(input)).toEqual({ error: expect.stringContaining('the part before AWSLogs/') });
    },
  );

  test('a 512-character prefix is accepted, 513 is not', () => {
    // GIVEN prefixes at and just over the length limit
    // WHEN normalized
    // THEN the limit is inclusive
    expect(normalizePrefix('a'.repeat(512))).toEqual({ prefix: 'a'.repeat(512) });
    expect(normalizePrefix('a'.repeat(513))).toHaveProperty('error');
  });
});

describe('no accepted value carries a SQL-significant character (property)', () => {
  test('validators reject every string holding a quote, backtick, semicolon, backslash, whitespace or comment marker', () => {
    // GIVEN arbitrary strings, biased towards the characters that matter to SQL
    const risky = fc.string({
      unit: fc.constantFrom("'", '"', '`', ';', '\\', ' ', '\n', '-', '/', '*', 'a', '1', 'o', '-'),
      maxLength: 16,
    });
    const anything = fc.oneof(risky, fc.string({ unit: 'binary', maxLength: 20 }));
    fc.assert(
      fc.property(anything, (value) => {
        // WHEN a value with a SQL-significant character is checked
        fc.pre(SQL_SIGNIFICANT.test(value));
        // THEN account, region, organization and identifier validators all refuse it
        expect(checkAccount(value)).toBeDefined();
        expect(checkRegion(value)).toBeDefined();
        expect(checkOrgId(value)).toBeDefined();
        expect(checkIdentifier('table', value)).toBeDefined();
        // AND bucket and prefix validators refuse it too, except '--', which S3 allows in names
        // and which the renderer keeps inside a string literal (see ddl.test.ts)
        if (/['"`;\\\s]|\/\*/.test(value)) {
          expect(checkBucket(value)).toBeDefined();
          expect(normalizePrefix(value)).toHaveProperty('error');
        }
      }),
      { numRuns: 300 },
    );
  });

  test('generated valid names pass their validators', () => {
    // GIVEN names generated from the allow-lists
    // WHEN checked
    // THEN every one is accepted
    fc.assert(
      fc.property(accountArb, regionArb, orgIdArb, identifierArb, (account, region, orgId, identifier) => {
        expect(checkAccount(account)).toBeUndefined();
        expect(checkRegion(region)).toBeUndefined();
        expect(checkOrgId(orgId)).toBeUndefined();
        expect(checkIdentifier('database', identifier)).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});

describe('show', () => {
  test('quotes values and makes control characters visible', () => {
    // GIVEN a value with a newline and a quote
    // WHEN it is shown
    // THEN strings are JSON-quoted, so the newline is visible as \n; numbers stay numbers
    expect(show('a\n"b')).toBe('"a\\n\\"b"');
    expect(show(42)).toBe('42');
    expect(show(['a'])).toBe('["a"]');
  });

  test('long values are cut short', () => {
    // GIVEN a 200-character value
    // WHEN it is shown
    const shown = show('x'.repeat(200));
    // THEN it keeps the opening quote and 75 characters, then an ellipsis: 79 in all
    expect(shown).toBe(`"${'x'.repeat(75)}...`);
    expect(shown.length).toBeLessThanOrEqual(80);
  });
});
