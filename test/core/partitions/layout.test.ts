import fc from 'fast-check';
import {
  accountsRootKey,
  dayKey,
  type Layout,
  LayoutError,
  makeLayout,
  regionKey,
  regionsRootKey,
  s3Url,
  tableLocation,
} from '../../../lambda/core/partitions/layout';
import {
  accountArb,
  bucketArb,
  dayArb,
  orgIdArb,
  prefixArb,
  regionArb,
} from '../../support/core-arbitraries';
import { dayOf } from '../../support/core-fakes';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const DAY = dayOf('2024-03-07');

describe('makeLayout', () => {
  test('normalizes the prefix and drops an empty organization id', () => {
    // GIVEN a prefix with surrounding slashes and an empty org id (an unset parameter)
    // WHEN the layout is made
    const layout = makeLayout({ bucket: 'trail-bucket', prefix: '/team/logs/', orgId: '' });
    // THEN the prefix is normalized and the org id is absent
    expect(layout).toEqual({ bucket: 'trail-bucket', prefix: 'team/logs', orgId: undefined });
  });

  test('lists every problem at once', () => {
    // GIVEN a bad bucket, a bad prefix and a bad org id
    // WHEN the layout is made
    // THEN one LayoutError names all three values
    let error: unknown;
    try {
      makeLayout({ bucket: "b'; DROP TABLE x; --", prefix: 'a//b', orgId: 'o-`x`' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LayoutError);
    const message = (error as Error).message;
    expect(message).toContain('invalid bucket name "b\'; DROP TABLE x; --"');
    expect(message).toContain('invalid prefix "a//b"');
    expect(message).toContain('invalid organization id "o-`x`"');
  });

  test.each([
    { bucket: "bucket'", prefix: '' },
    { bucket: 'bucket', prefix: "logs'" },
    { bucket: 'bucket', prefix: 'logs;--' + "'" },
    { bucket: 'bucket', prefix: 'a\nb' },
    { bucket: 'bucket', prefix: 'AWSLogs' },
    { bucket: 'bucket', orgId: "o-abc1234567'" },
    { bucket: 'bucket', orgId: 'o-abc1234567\n' },
    { bucket: 'BUCKET' },
    { bucket: '' },
  ])('rejects %j', (input) => {
    // GIVEN a hostile or malformed piece
    // WHEN the layout is made
    // THEN it throws before any key can be built
    expect(() => makeLayout(input)).toThrow(LayoutError);
  });
});

describe('keys and locations', () => {
  const cases: readonly {
    readonly name: string;
    readonly input: { bucket: string; prefix?: string; orgId?: string };
    readonly root: string;
  }[] = [
    { name: 'no prefix', input: { bucket: 'trail-bucket' }, root: 'AWSLogs/' },
    { name: 'prefix', input: { bucket: 'trail-bucket', prefix: 'team/logs/' }, root: 'team/logs/AWSLogs/' },
    {
      name: 'organization',
      input: { bucket: 'trail-bucket', orgId: 'o-abc1234567' },
      root: 'AWSLogs/o-abc1234567/',
    },
    {
      name: 'prefix and organization',
      input: { bucket: 'trail-bucket', prefix: '/logs', orgId: 'o-abc1234567' },
      root: 'logs/AWSLogs/o-abc1234567/',
    },
    {
      name: 'Control Tower (prefix is the organization id)',
      input: {
        bucket: 'aws-controltower-logs-123456789012-us-east-1',
        prefix: 'o-abc1234567',
        orgId: 'o-abc1234567',
      },
      root: 'o-abc1234567/AWSLogs/o-abc1234567/',
    },
  ];

  test.each(cases)('$name', ({ input, root }) => {
    // GIVEN a layout
    const layout = makeLayout(input);
    // WHEN every key and location is built
    // THEN each sits under the accounts root, with zero-padded dates and no double slash
    expect(accountsRootKey(layout)).toBe(root);
    expect(regionsRootKey(layout, ACCOUNT)).toBe(`${root}${ACCOUNT}/CloudTrail/`);
    expect(regionKey(layout, ACCOUNT, REGION)).toBe(`${root}${ACCOUNT}/CloudTrail/${REGION}/`);
    expect(dayKey(layout, ACCOUNT, REGION, DAY)).toBe(`${root}${ACCOUNT}/CloudTrail/${REGION}/2024/03/07/`);
    expect(tableLocation(layout)).toBe(`s3://${input.bucket}/${root}`);
    expect(s3Url(layout, dayKey(layout, ACCOUNT, REGION, DAY))).toBe(
      `s3://${input.bucket}/${root}${ACCOUNT}/CloudTrail/${REGION}/2024/03/07/`,
    );
  });

  test('no generated location contains // after s3://, and months and days have two digits (property)', () => {
    // GIVEN any valid bucket, prefix (with or without slashes around it), organization, account, region and day
    const input = fc.record({
      bucket: bucketArb,
      prefix: fc
        .tuple(prefixArb, fc.constantFrom('', '/'), fc.constantFrom('', '/', '//'))
        .map(([p, lead, trail]) => (p === '' ? lead + trail : lead + p + trail)),
      orgId: fc.option(orgIdArb, { nil: undefined }),
    });
    fc.assert(
      fc.property(input, accountArb, regionArb, dayArb, (raw, account, region, day) => {
        const layout: Layout = makeLayout(raw);
        // WHEN keys and locations are built
        const keys = [
          accountsRootKey(layout),
          regionsRootKey(layout, account),
          regionKey(layout, account, region),
          dayKey(layout, account, region, day),
        ];
        const urls = [tableLocation(layout), ...keys.map((key) => s3Url(layout, key))];
        // THEN keys never start with a slash, every one ends with one, none holds '//'
        for (const key of keys) {
          expect(key.startsWith('/')).toBe(false);
          expect(key.endsWith('/')).toBe(true);
          expect(key).not.toContain('//');
        }
        for (const url of urls) {
          expect(url.startsWith(`s3://${raw.bucket}/`)).toBe(true);
          expect(url.slice('s3://'.length)).not.toContain('//');
        }
        // AND the day folder is YYYY/MM/DD with two-digit month and day
        expect(dayKey(layout, account, region, day)).toMatch(
          new RegExp(`/CloudTrail/${region}/\\d{4}/(0[1-9]|1[0-2])/(0[1-9]|[12]\\d|3[01])/$`),
        );
        // AND the organization folder is there exactly when an org id was given
        expect(accountsRootKey(layout).endsWith(raw.orgId ? `AWSLogs/${raw.orgId}/` : 'AWSLogs/')).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
