import fc from 'fast-check';
import {
  discover,
  discoverTargets,
  type DiscoveryRequest,
  explicitTargets,
  findDaysWithLogs,
  listAccounts,
  listRegions,
} from '../../../lambda/core/discovery/discovery';
import { makeLayout } from '../../../lambda/core/partitions/layout';
import { PortError, type S3ListingPort } from '../../../lambda/core/shared/ports';
import { dayOf, FakeS3Listing, isoOf, trailKey } from '../../support/core-fakes';

const A = '111111111111';
const B = '222222222222';
const ORG_ID = 'o-abc1234567';
const ORG = makeLayout({ bucket: 'trail-bucket', orgId: ORG_ID });
const PLAIN = makeLayout({ bucket: 'trail-bucket' });
const where = { orgId: ORG_ID };

describe('listAccounts', () => {
  test('keeps 12-digit folders only, sorted', () => {
    // GIVEN an organization bucket with account folders and other folders beside them
    const s3 = new FakeS3Listing(
      [
        trailKey(where, B, 'us-east-1', '2024-01-01'),
        trailKey(where, A, 'us-east-1', '2024-01-01'),
        `AWSLogs/${ORG_ID}/CloudTrail-Digest/x.json`,
        `AWSLogs/${ORG_ID}/Config/x.json`,
        `AWSLogs/${ORG_ID}/o-other123456/x.json`,
        `AWSLogs/${ORG_ID}/12345678901/x.json`,
        `AWSLogs/${ORG_ID}/1234567890123/x.json`,
        `AWSLogs/${ORG_ID}/12345678901a/x.json`,
        `AWSLogs/${ORG_ID}/not-a-folder.json`,
      ],
      'reversed',
    );
    // WHEN accounts are listed (names handed back in reverse order)
    // THEN only the two accounts come back, sorted, from the accounts root
    return listAccounts(s3, ORG).then((accounts) => {
      expect(accounts).toEqual([A, B]);
      expect(s3.listCalls).toEqual([`AWSLogs/${ORG_ID}/`]);
    });
  });

  test("a non-organization trail's root holds an org folder, which is not an account", async () => {
    // GIVEN an organization bucket read as if it were a plain trail
    const s3 = new FakeS3Listing([trailKey(where, A, 'us-east-1', '2024-01-01')]);
    // WHEN accounts are listed under AWSLogs/
    // THEN the o-… folder is ignored and nothing is found
    await expect(listAccounts(s3, PLAIN)).resolves.toEqual([]);
  });
});

describe('listRegions', () => {
  test('keeps region-shaped folders only, sorted', async () => {
    // GIVEN an account with region folders and CloudTrail's other folders
    const s3 = new FakeS3Listing(
      [
        trailKey(where, A, 'us-west-2', '2024-01-01'),
        trailKey(where, A, 'eu-west-1', '2024-01-01'),
        trailKey(where, A, 'us-gov-west-1', '2024-01-01'),
        `AWSLogs/${ORG_ID}/${A}/CloudTrail/CloudTrail-Insight/x.json`,
        `AWSLogs/${ORG_ID}/${A}/CloudTrail/Global/x.json`,
        `AWSLogs/${ORG_ID}/${A}/CloudTrail/US-EAST-1/x.json`,
        `AWSLogs/${ORG_ID}/${A}/CloudTrail-Digest/us-east-1/x.json`,
      ],
      'reversed',
    );
    // WHEN the account's regions are listed
    // THEN only the real regions come back, sorted, from the account's CloudTrail folder
    await expect(listRegions(s3, ORG, A)).resolves.toEqual(['eu-west-1', 'us-gov-west-1', 'us-west-2']);
    expect(s3.listCalls).toEqual([`AWSLogs/${ORG_ID}/${A}/CloudTrail/`]);
  });
});

describe('findDaysWithLogs', () => {
  const keysOn = (dates: readonly string[], region = 'us-east-1') =>
    dates.map((d) => trailKey(where, A, region, d));

  test('several past days in one month cost one listing of that month, not a probe per day', async () => {
    // GIVEN logs on the 2nd and 4th of four days
    const s3 = new FakeS3Listing(keysOn(['2024-03-02', '2024-03-04', '2024-02-28', '2024-03-05']));
    // WHEN the days with logs are found
    const days = await findDaysWithLogs(s3, ORG, A, 'us-east-1', {
      from: dayOf('2024-03-01'),
      to: dayOf('2024-03-04'),
    });
    // THEN one listing of the month folder answers for all four days
    expect(days.map(isoOf)).toEqual(['2024-03-02', '2024-03-04']);
    expect(s3.listCalls).toEqual([`AWSLogs/${ORG_ID}/${A}/CloudTrail/us-east-1/2024/03/`]);
    expect(s3.probeCalls).toEqual([]);
  });

  test('where probing costs no more calls (one day per month), the days are probed', async () => {
    // GIVEN the last day of February and the first of March, with logs on the first only
    const s3 = new FakeS3Listing(keysOn(['2024-03-01']));
    // WHEN the days with logs are found
    const days = await findDaysWithLogs(s3, ORG, A, 'us-east-1', {
      from: dayOf('2024-02-29'),
      to: dayOf('2024-03-01'),
    });
    // THEN two probes, no listing: the same two calls either way
    expect(days.map(isoOf)).toEqual(['2024-03-01']);
    expect(s3.probeCalls).toHaveLength(2);
    expect(s3.listCalls).toEqual([]);
  });

  test('longer windows list only the month folders they overlap, across a year boundary', async () => {
    // GIVEN logs around New Year, some outside the window, and folders that are not days
    const s3 = new FakeS3Listing(
      [
        ...keysOn([
          '2023-12-27',
          '2023-12-28',
          '2023-12-31',
          '2024-01-01',
          '2024-01-03',
          '2024-01-04',
          '2022-12-30',
          // In-window years, out-of-window months: never listed
          '2023-11-15',
          '2024-02-01',
        ]),
        `AWSLogs/${ORG_ID}/${A}/CloudTrail/us-east-1/2024/01/xx/x.json`,
        `AWSLogs/${ORG_ID}/${A}/CloudTrail/us-east-1/2024/1/02/x.json`,
        `AWSLogs/${ORG_ID}/${A}/CloudTrail/us-east-1/24/01/02/x.json`,
      ],
      'reversed',
    );
    // WHEN the days with logs from Dec 28 to Jan 3 are found
    const days = await findDaysWithLogs(s3, ORG, A, 'us-east-1', {
      from: dayOf('2023-12-28'),
      to: dayOf('2024-01-03'),
    });
    // THEN exactly the in-window days come back, ascending
    expect(days.map(isoOf)).toEqual(['2023-12-28', '2023-12-31', '2024-01-01', '2024-01-03']);
    // AND no per-day probes were made; only the two month folders the window names were listed,
    // never the region or year folders to find them
    expect(s3.probeCalls).toEqual([]);
    const root = `AWSLogs/${ORG_ID}/${A}/CloudTrail/us-east-1/`;
    expect([...s3.listCalls].sort()).toEqual(['2023/12/', '2024/01/'].map((folder) => `${root}${folder}`));
  });

  test('impossible day folders such as 02/31 and 02/30 are ignored', async () => {
    // GIVEN folders named like days February never has
    const root = `AWSLogs/${ORG_ID}/${A}/CloudTrail/us-east-1/`;
    const s3 = new FakeS3Listing([
      `${root}2023/02/29/x.json`,
      `${root}2023/02/30/x.json`,
      `${root}2023/02/31/x.json`,
      `${root}2023/02/00/x.json`,
      `${root}2023/02/28/x.json`,
      `${root}2023/03/01/x.json`,
      `${root}2023/13/01/x.json`,
    ]);
    // WHEN February and early March are walked
    const days = await findDaysWithLogs(s3, ORG, A, 'us-east-1', {
      from: dayOf('2023-02-01'),
      to: dayOf('2023-03-31'),
    });
    // THEN only real days are returned, never one rolled over into March
    expect(days.map(isoOf)).toEqual(['2023-02-28', '2023-03-01']);
  });

  test('an empty or reversed past window makes no calls', async () => {
    // GIVEN a window that ends before it starts WHEN days are found THEN none, and S3 is not asked
    const s3 = new FakeS3Listing(keysOn(['2024-01-01']));
    await expect(findDaysWithLogs(s3, ORG, A, 'us-east-1', { from: 10, to: 9 })).resolves.toEqual([]);
    expect(s3.calls).toBe(0);
  });

  test('probe and walk agree on any window, including partially overlapping ones (property)', async () => {
    // GIVEN random days with logs over three months around a year boundary, and random windows
    const base = dayOf('2023-11-15');
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 0, max: 90 }), { maxLength: 30 }),
        fc.integer({ min: -10, max: 95 }),
        fc.integer({ min: 0, max: 60 }),
        async (offsets, start, length) => {
          const logDays = offsets.map((o) => base + o);
          const s3 = new FakeS3Listing(keysOn(logDays.map(isoOf)));
          const window = { from: base + start, to: base + start + length - 1 };
          // WHEN the days with logs are found
          const found = await findDaysWithLogs(s3, ORG, A, 'us-east-1', window);
          // THEN they are exactly the log days inside the window, ascending
          const expected = logDays.filter((d) => d >= window.from && d <= window.to).sort((x, y) => x - y);
          expect(found).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('discoverTargets', () => {
  const today = dayOf('2024-06-15');
  const request = (overrides: Partial<DiscoveryRequest> = {}): DiscoveryRequest => ({
    layout: ORG,
    window: { from: today - 2, to: today + 1 },
    today,
    includeEmptyDays: false,
    concurrency: 4,
    ...overrides,
  });
  const bucket = () =>
    new FakeS3Listing([
      trailKey(where, A, 'us-east-1', '2024-06-13'),
      trailKey(where, A, 'us-east-1', '2024-06-14'),
      trailKey(where, A, 'eu-west-1', '2024-06-14'),
      trailKey(where, B, 'us-east-1', '2024-06-01'),
      `AWSLogs/${ORG_ID}/CloudTrail-Digest/x.json`,
      `AWSLogs/${ORG_ID}/${B}/CloudTrail/CloudTrail-Insight/x.json`,
    ]);

  test('accounts, regions and past days with logs come from the bucket', async () => {
    // GIVEN a bucket with two accounts, one of them quiet lately
    const s3 = bucket();
    // WHEN targets are discovered for the two past days, today and tomorrow
    const targets = await discoverTargets(s3, request());
    // THEN every account-region pair is a target with the past days that hold logs
    expect(targets).toEqual([
      { account: A, region: 'eu-west-1', pastDays: [dayOf('2024-06-14')] },
      { account: A, region: 'us-east-1', pastDays: [dayOf('2024-06-13'), dayOf('2024-06-14')] },
      { account: B, region: 'us-east-1', pastDays: [] },
    ]);
    // AND days from today on were never probed: they are registered regardless
    expect(
      s3.probeCalls.some((prefix) => prefix.endsWith('/2024/06/15/') || prefix.endsWith('/2024/06/16/')),
    ).toBe(false);
  });

  test('includeEmptyDays registers every past day without probing days', async () => {
    // GIVEN the same bucket
    const s3 = bucket();
    // WHEN targets are discovered with includeEmptyDays
    const targets = await discoverTargets(s3, request({ includeEmptyDays: true }));
    // THEN every pair keeps all days, and only accounts and regions were listed
    expect(targets.map((t) => t.pastDays)).toEqual(['all', 'all', 'all']);
    expect(s3.probeCalls).toEqual([]);
    expect(s3.listCalls).toHaveLength(3);
  });

  test('given accounts and regions are used as they are, and checked against the bucket', async () => {
    // GIVEN accounts and regions from the request, one account and one region absent from the bucket
    const s3 = bucket();
    const accounts = [B, '333333333333'];
    // WHEN the bucket is discovered
    const found = await discover(s3, request({ accounts, regions: ['ap-south-1', 'us-east-1'] }));
    // THEN the pairs follow the given order, and past days come only from folders that exist
    expect(found.targets.map((t) => `${t.account}/${t.region}`)).toEqual([
      `${B}/ap-south-1`,
      `${B}/us-east-1`,
      '333333333333/ap-south-1',
      '333333333333/us-east-1',
    ]);
    expect(found.targets.every((t) => Array.isArray(t.pastDays) && t.pastDays.length === 0)).toBe(true);
    // AND what S3 has no folder for is named: the account, and the region in the account that exists
    expect(found.missingAccounts).toEqual(['333333333333']);
    expect(found.missingRegions).toEqual([{ region: 'ap-south-1', accounts: [B] }]);
    // AND the account root was listed once, the missing account's folders never
    expect(s3.listCalls.filter((p) => p.includes('333333333333'))).toEqual([]);
    expect(s3.listCalls.filter((p) => p === `AWSLogs/${ORG_ID}/`)).toHaveLength(1);
  });

  test('given accounts without regions: regions are listed per given account', async () => {
    // GIVEN only accounts
    const s3 = bucket();
    // WHEN targets are discovered
    const targets = await discoverTargets(s3, request({ accounts: [A] }));
    // THEN the account's regions came from S3; the account root was listed once, to check the account
    expect(targets.map((t) => t.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(s3.listCalls.slice(0, 2)).toEqual([`AWSLogs/${ORG_ID}/`, `AWSLogs/${ORG_ID}/${A}/CloudTrail/`]);
  });

  test('a window entirely from today on needs no day lookups', async () => {
    // GIVEN a window of today and tomorrow
    const s3 = bucket();
    // WHEN targets are discovered
    const targets = await discoverTargets(s3, request({ window: { from: today, to: today + 1 } }));
    // THEN there are no past days to look for
    expect(s3.probeCalls).toEqual([]);
    expect(targets.every((t) => Array.isArray(t.pastDays) && t.pastDays.length === 0)).toBe(true);
  });

  test('an empty bucket yields no targets', async () => {
    // GIVEN no objects WHEN discovered THEN no targets
    await expect(discoverTargets(new FakeS3Listing([]), request())).resolves.toEqual([]);
  });
});

describe('discover: calls at the floor, unreadable and missing folders', () => {
  const today = dayOf('2025-06-15');
  const accounts = [A, B, '333333333333'];
  const regions = ['eu-west-1', 'us-east-1'];
  const keys = (from: string, days: number) =>
    accounts.flatMap((account) =>
      regions.flatMap((region) =>
        Array.from({ length: days }, (_, i) => trailKey(where, account, region, isoOf(dayOf(from) + i))),
      ),
    );

  test('a year-long window costs one listing per account, per account-region and per month (property)', async () => {
    // GIVEN a bucket with logs for three accounts and two regions over a year
    const s3 = new FakeS3Listing(keys('2024-06-01', 380));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 366 }), async (days) => {
        s3.listCalls.length = 0;
        s3.probeCalls.length = 0;
        const window = { from: today - days, to: today + 1 };
        // WHEN the bucket is discovered
        const found = await discover(s3, {
          layout: ORG,
          window,
          today,
          includeEmptyDays: false,
          concurrency: 4,
        });
        // THEN the calls are exactly 1 + accounts + pairs × min(months, past days)
        const past = { from: window.from, to: today - 1 };
        const months = new Set(Array.from({ length: days }, (_, i) => isoOf(past.from + i).slice(0, 7))).size;
        const perPair = Math.min(months, days);
        expect(s3.listCalls.length + s3.probeCalls.length).toBe(1 + 3 + 6 * perPair);
        expect(found.targets).toHaveLength(6);
      }),
      { numRuns: 25 },
    );
  });

  test('access denied on one account: the others are registered and the account is named', async () => {
    // GIVEN a bucket where S3 refuses to list one account's folders
    const inner = new FakeS3Listing(keys('2025-06-01', 14));
    const denied = `AWSLogs/${ORG_ID}/${B}/`;
    const s3: S3ListingPort = {
      listChildNames: (prefix) =>
        prefix.startsWith(denied)
          ? Promise.reject(
              new PortError('access-denied', `access denied listing s3://trail-bucket/${prefix}`),
            )
          : inner.listChildNames(prefix),
      hasAnyObject: (prefix) => inner.hasAnyObject(prefix),
    };
    const request = {
      layout: ORG,
      window: { from: today - 3, to: today + 1 },
      today,
      includeEmptyDays: false,
      concurrency: 4,
    };
    // WHEN the bucket is discovered
    const found = await discover(s3, request);
    // THEN every other account is a target, and the unreadable one is named with S3's reason
    expect([...new Set(found.targets.map((t) => t.account))]).toEqual([A, '333333333333']);
    expect(found.unreadable).toEqual([
      { account: B, reason: expect.stringContaining(`access denied listing s3://trail-bucket/${denied}`) },
    ]);
    // AND callers that cannot leave an account out still get the access-denied error
    await expect(discoverTargets(s3, request)).rejects.toThrow(/access denied/);
  });
});

describe('explicitTargets', () => {
  test('every account × region, with every day', () => {
    // GIVEN accounts and regions WHEN targets are made THEN each pair, account-major, keeps all days
    expect(explicitTargets([A, B], ['us-east-1', 'eu-west-1'])).toEqual([
      { account: A, region: 'us-east-1', pastDays: 'all' },
      { account: A, region: 'eu-west-1', pastDays: 'all' },
      { account: B, region: 'us-east-1', pastDays: 'all' },
      { account: B, region: 'eu-west-1', pastDays: 'all' },
    ]);
    expect(explicitTargets([], ['us-east-1'])).toEqual([]);
  });
});
