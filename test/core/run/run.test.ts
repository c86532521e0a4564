import fc from 'fast-check';
import { dayParts } from '../../../lambda/core/shared/dates';
import { PortError } from '../../../lambda/core/shared/ports';
import { summarize, type Report } from '../../../lambda/core/run/report';
import { parseRunPayload, parseSplitPayload, type RunRequest } from '../../../lambda/core/run/request';
import {
  resolveTargets,
  runPartitions,
  type RunLogger,
  SingleAccountError,
} from '../../../lambda/core/run/run';
import { splitBackfill } from '../../../lambda/core/run/backfill-split';
import { SchemeError } from '../../../lambda/core/partitions/scheme';
import { parseSettings, type Settings } from '../../../lambda/core/run/settings';
import {
  dayOf,
  FakeCatalog,
  FakeS3Listing,
  NOW,
  ORG_COLUMNS,
  SINGLE_ACCOUNT_COLUMNS,
  ScriptedAthena,
  type FakeAthenaOptions,
  trailKey,
  VirtualClock,
} from '../../support/core-fakes';
import { countKind, quotedIdentifiers, stringLiterals } from '../../support/core-hive';

const ORG_ID = 'o-abc1234567';
const A = '111111111111';
const B = '222222222222';
const C = '333333333333';
const where = { prefix: 'trails', orgId: ORG_ID };

function settingsWith(overrides: Record<string, unknown> = {}): Settings {
  return parseSettings({
    bucket: 'org-trail-bucket',
    prefix: 'trails',
    orgId: ORG_ID,
    lookbackDays: 1,
    maxPartitionsPerStatement: 4,
    ...overrides,
  });
}

/** An organization bucket: A and B delivered yesterday in some regions, C went quiet a week ago. */
function orgBucket(): FakeS3Listing {
  return new FakeS3Listing([
    trailKey(where, A, 'us-east-1', '2024-06-14'),
    trailKey(where, A, 'us-east-1', '2024-06-15'),
    trailKey(where, A, 'eu-west-1', '2024-06-14'),
    trailKey(where, B, 'us-east-1', '2024-06-14'),
    trailKey(where, C, 'us-east-1', '2024-06-08'),
    `trails/AWSLogs/${ORG_ID}/CloudTrail-Digest/x.json`,
  ]);
}

class RecordingLogger implements RunLogger {
  readonly lines: { level: 'info' | 'warn'; message: string; extra: Record<string, unknown> }[] = [];
  info(message: string, extra: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, extra });
  }
  warn(message: string, extra: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, extra });
  }
}

interface World {
  readonly s3: FakeS3Listing;
  readonly catalog: FakeCatalog;
  readonly athena: ScriptedAthena;
  readonly clock: VirtualClock;
  readonly logger: RecordingLogger;
}

function world(
  options: { s3?: FakeS3Listing; columns?: typeof ORG_COLUMNS; athena?: FakeAthenaOptions } = {},
): World {
  const clock = new VirtualClock();
  return {
    s3: options.s3 ?? orgBucket(),
    catalog: new FakeCatalog({ 'cloudtrail.cloudtrail_logs': options.columns ?? ORG_COLUMNS }),
    athena: new ScriptedAthena(clock, options.athena),
    clock,
    logger: new RecordingLogger(),
  };
}

function run(
  request: RunRequest,
  settings: Settings,
  w: World,
  extra: { startDeadline?: number; waitDeadline?: number } = {},
) {
  return runPartitions(request, settings, w, { now: NOW, tokenSeed: 'req-1', ...extra });
}

/** Every s3:// location Athena was asked to add, as Hive reads the SQL. */
function locationsSubmitted(athena: ScriptedAthena): string[] {
  return athena.starts.flatMap((start) =>
    stringLiterals(start.sql).filter((literal) => literal.startsWith('s3://')),
  );
}

function expectCountsConsistent(report: Report): void {
  const problemPartitions = report.failures.reduce((sum, f) => sum + f.partitions, 0);
  expect(report.partitionsAdded + problemPartitions + report.notSubmitted).toBe(report.partitions);
  expect(report.failed + report.unconfirmed).toBe(report.failures.length);
  expect(report.succeeded + report.failed + report.unconfirmed).toBeLessThanOrEqual(report.statements);
  if (report.notSubmitted === 0)
    expect(report.succeeded + report.failed + report.unconfirmed).toBe(report.statements);
  expect(report.ok).toBe(report.failed === 0 && report.unconfirmed === 0 && report.notSubmitted === 0);
}

describe('runPartitions', () => {
  test('the scheduled run: discovers, skips empty past days, registers today and tomorrow everywhere', async () => {
    // GIVEN an organization bucket and the scheduled event (lookback 1: yesterday, today, tomorrow)
    const w = world();
    const settings = settingsWith();
    const request = parseRunPayload(
      { source: 'aws.events', 'detail-type': 'Scheduled Event' },
      NOW,
      settings,
    );
    // WHEN the run happens
    const report = await run(request, settings, w);
    // THEN 4 account-regions × (today + tomorrow) plus yesterday where logs exist (A/us-east-1, A/eu-west-1, B/us-east-1)
    expect(report).toMatchObject({
      ok: true,
      dryRun: false,
      window: { from: '2024-06-14', to: '2024-06-16' },
      accounts: 3,
      regions: 2,
      partitions: 11,
      skippedEmpty: 1,
      statements: 3,
      succeeded: 3,
      failed: 0,
      partitionsAdded: 11,
      notSubmitted: 0,
      unconfirmed: 0,
      failures: [],
      notSubmittedRanges: [],
    });
    expectCountsConsistent(report);
    // AND exactly those folders were submitted, C's empty yesterday not among them
    const root = `s3://org-trail-bucket/trails/AWSLogs/${ORG_ID}`;
    expect(locationsSubmitted(w.athena).sort()).toEqual(
      [
        `${A}/CloudTrail/eu-west-1/2024/06/14/`,
        `${A}/CloudTrail/eu-west-1/2024/06/15/`,
        `${A}/CloudTrail/eu-west-1/2024/06/16/`,
        `${A}/CloudTrail/us-east-1/2024/06/14/`,
        `${A}/CloudTrail/us-east-1/2024/06/15/`,
        `${A}/CloudTrail/us-east-1/2024/06/16/`,
        `${B}/CloudTrail/us-east-1/2024/06/14/`,
        `${B}/CloudTrail/us-east-1/2024/06/15/`,
        `${B}/CloudTrail/us-east-1/2024/06/16/`,
        `${C}/CloudTrail/us-east-1/2024/06/15/`,
        `${C}/CloudTrail/us-east-1/2024/06/16/`,
      ].map((path) => `${root}/${path}`),
    );
    // AND each statement held at most 4 partitions and named the table
    for (const start of w.athena.starts) {
      expect(countKind(start.sql, 'KW_PARTITION')).toBeLessThanOrEqual(4);
      expect(quotedIdentifiers(start.sql).slice(0, 2)).toEqual(['cloudtrail', 'cloudtrail_logs']);
    }
    expect(w.logger.lines.find((line) => line.message === 'plan ready')?.extra).toMatchObject({
      kind: 'scheduled',
      partitions: 11,
    });
  });

  test('a dry run plans and counts but submits nothing', async () => {
    // GIVEN a backfill dry run
    const w = world();
    const settings = settingsWith();
    const request = parseRunPayload(
      { from: '2024-06-01', to: '2024-06-16', dryRun: true, includeEmptyDays: true },
      NOW,
      settings,
    );
    // WHEN the run happens
    const report = await run(request, settings, w);
    // THEN Athena saw no call at all, and the report shows the plan and a sample statement
    expect(w.athena.startCalls).toBe(0);
    expect(w.athena.pollBatches).toEqual([]);
    expect(report).toMatchObject({
      ok: true,
      dryRun: true,
      partitions: 4 * 16,
      skippedEmpty: 0,
      statements: 16,
      succeeded: 0,
    });
    expect(report.firstStatement).toMatch(
      /^ALTER TABLE `cloudtrail`\.`cloudtrail_logs` ADD IF NOT EXISTS\n {2}PARTITION/,
    );
    expect(summarize(report)).toBe(
      '2024-06-01..2024-06-16: 64 partitions in 16 statements (dry run, nothing submitted; 0 empty days skipped)',
    );
  });

  test('given accounts and regions are used without listing the bucket', async () => {
    // GIVEN a backfill naming one account and one region
    const w = world();
    const settings = settingsWith();
    const request = parseRunPayload(
      {
        from: '2024-06-10',
        to: '2024-06-12',
        accounts: [B],
        regions: ['ap-south-1'],
        includeEmptyDays: true,
      },
      NOW,
      settings,
    );
    // WHEN the run happens
    const report = await run(request, settings, w);
    // THEN only the accounts root was listed (to check the account exists; every day is registered,
    // so its region folder is not needed) and exactly that pair's three days were added
    expect(w.s3.calls).toBe(1);
    expect(report).toMatchObject({ ok: true, accounts: 1, regions: 1, partitions: 3, partitionsAdded: 3 });
    expect(locationsSubmitted(w.athena)).toEqual(
      ['10', '11', '12'].map(
        (d) => `s3://org-trail-bucket/trails/AWSLogs/${ORG_ID}/${B}/CloudTrail/ap-south-1/2024/06/${d}/`,
      ),
    );
  });

  test('request accounts win over the settings accounts', async () => {
    // GIVEN settings fixed to account A, and a request for account C
    const settings = settingsWith({ accounts: [A], regions: ['us-east-1'] });
    const request = parseRunPayload({ from: '2024-06-10', to: '2024-06-10', accounts: [C] }, NOW, settings);
    // WHEN targets are resolved
    const targets = await resolveTargets(orgBucket(), settings, request, NOW);
    // THEN the request's account is used with the settings' regions
    expect(targets.map((t) => `${t.account}/${t.region}`)).toEqual([`${C}/us-east-1`]);
  });

  test('a single-account table with more than one account is refused before anything is submitted', async () => {
    // GIVEN a region/year/month/day table and a bucket with three accounts
    const w = world({ columns: SINGLE_ACCOUNT_COLUMNS });
    const settings = settingsWith();
    const request = parseRunPayload({}, NOW, settings);
    // WHEN the run happens
    // THEN it fails naming the table and the number of accounts, and Athena was never called
    await expect(run(request, settings, w)).rejects.toThrow(SingleAccountError);
    await expect(run(request, settings, w)).rejects.toThrow('found 3 accounts: give exactly one');
    expect(w.athena.startCalls).toBe(0);
  });

  test('a single-account table with exactly one account is filled without an account column', async () => {
    // GIVEN a single-account table and a request for one account
    const w = world({ columns: SINGLE_ACCOUNT_COLUMNS });
    const settings = settingsWith();
    const request = parseRunPayload(
      { from: '2024-06-14', to: '2024-06-14', accounts: [A], regions: ['us-east-1'] },
      NOW,
      settings,
    );
    // WHEN the run happens
    const report = await run(request, settings, w);
    // THEN the statement names region, year, month, day only
    expect(report.ok).toBe(true);
    expect(quotedIdentifiers(w.athena.starts[0].sql)).toEqual([
      'cloudtrail',
      'cloudtrail_logs',
      'region',
      'year',
      'month',
      'day',
    ]);
  });

  test('a missing table fails before S3 or Athena is touched', async () => {
    // GIVEN settings naming a table the catalog does not have
    const w = world();
    const settings = settingsWith({ table: 'no_such_table' });
    // WHEN the run happens
    // THEN the catalog's not-found error comes out, and neither S3 nor Athena was called
    await expect(run(parseRunPayload({}, NOW, settings), settings, w)).rejects.toMatchObject({
      kind: 'not-found',
    });
    expect(w.s3.calls).toBe(0);
    expect(w.athena.startCalls).toBe(0);
  });

  test('unsupported partition keys fail before S3 or Athena is touched', async () => {
    // GIVEN a table partitioned by dt
    const w = world({ columns: [{ name: 'dt', type: 'string' }] });
    const settings = settingsWith();
    // WHEN the run happens THEN a SchemeError names the table, and nothing else was called
    await expect(run(parseRunPayload({}, NOW, settings), settings, w)).rejects.toThrow(SchemeError);
    await expect(run(parseRunPayload({}, NOW, settings), settings, w)).rejects.toThrow(
      'on cloudtrail.cloudtrail_logs',
    );
    expect(w.s3.calls).toBe(0);
    expect(w.athena.startCalls).toBe(0);
  });

  test('failures are reported with reason, query IDs and ranges, and logged', async () => {
    // GIVEN Athena fails every statement touching account B
    const w = world({
      athena: {
        script: ({ sql }) =>
          sql.includes(`/${B}/`)
            ? {
                kind: 'start',
                plan: { state: 'FAILED', reason: 'AccessDeniedException: glue:BatchCreatePartition' },
              }
            : { kind: 'start' },
      },
    });
    const settings = settingsWith({ maxPartitionsPerStatement: 3 });
    const request = parseRunPayload(
      { from: '2024-06-14', to: '2024-06-16', includeEmptyDays: true },
      NOW,
      settings,
    );
    // WHEN the run happens
    const report = await run(request, settings, w);
    // THEN the run is not ok, and the failed statement says why and which days it covered
    expect(report.ok).toBe(false);
    expect(report.failed).toBe(1);
    expect(report.failures).toEqual([
      expect.objectContaining({
        status: 'failed',
        reason: 'AccessDeniedException: glue:BatchCreatePartition',
        attempts: 2,
        partitions: 3,
        queryIds: [expect.any(String), expect.any(String)],
        ranges: [{ account: B, region: 'us-east-1', from: '2024-06-14', to: '2024-06-16' }],
      }),
    ]);
    expect(report.succeeded).toBe(report.statements - 1);
    expectCountsConsistent(report);
    const warning = w.logger.lines.find((line) => line.level === 'warn');
    expect(warning).toMatchObject({
      message: 'statement failed',
      extra: { reason: 'AccessDeniedException: glue:BatchCreatePartition', attempts: 2 },
    });
    expect(summarize(report)).toContain('1 failed');
  });

  test('running out of time: not-submitted ranges and unconfirmed statements are reported', async () => {
    // GIVEN queries that take 30 s, at most 2 at a time, and deadlines 10 s and 40 s away
    const w = world({ athena: { script: () => ({ kind: 'start', plan: { runMs: 30_000 } }) } });
    const settings = settingsWith({ maxConcurrentQueries: 2, maxPartitionsPerStatement: 2 });
    const request = parseRunPayload(
      { from: '2024-06-09', to: '2024-06-16', accounts: [A], regions: ['us-east-1'], includeEmptyDays: true },
      NOW,
      settings,
    );
    // WHEN the run happens
    const start = w.clock.now();
    const report = await run(request, settings, w, {
      startDeadline: start + 10_000,
      waitDeadline: start + 40_000,
    });
    // THEN the first two statements succeeded and the last two were never started, their days listed exactly
    expect(report).toMatchObject({
      ok: false,
      statements: 4,
      succeeded: 2,
      partitionsAdded: 4,
      notSubmitted: 4,
      unconfirmed: 0,
    });
    expect(report.notSubmittedRanges).toEqual([
      { account: A, region: 'us-east-1', from: '2024-06-13', to: '2024-06-16' },
    ]);
    expectCountsConsistent(report);
  });

  test('report counts are consistent whatever Athena and the clock do (property)', async () => {
    // GIVEN random failures, durations and deadlines
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('ok', 'ok', 'permanent', 'rate', 'throttled'), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 100, max: 40_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 1, max: 5 }),
        async (choices, runMs, startAfter, waitExtra, cap) => {
          const w = world({
            athena: {
              script: ({ call }) => {
                const choice = choices[call % choices.length];
                if (choice === 'throttled')
                  return { kind: 'refuse', error: new PortError('throttled', 'Rate exceeded') };
                if (choice === 'permanent')
                  return { kind: 'start', plan: { runMs, state: 'FAILED', reason: 'Table not found' } };
                if (choice === 'rate')
                  return { kind: 'start', plan: { runMs, state: 'FAILED', reason: 'Rate exceeded' } };
                return { kind: 'start', plan: { runMs } };
              },
            },
          });
          const settings = settingsWith({ maxPartitionsPerStatement: cap, maxConcurrentQueries: 3 });
          const request = parseRunPayload({ from: '2024-06-10', to: '2024-06-16' }, NOW, settings);
          const start = w.clock.now();
          // WHEN the run happens
          const report = await run(request, settings, w, {
            startDeadline: start + startAfter,
            waitDeadline: start + startAfter + waitExtra,
          });
          // THEN every partition is added, failed, unconfirmed or not submitted, exactly once
          expectCountsConsistent(report);
          expect(report.athenaCalls.start).toBe(w.athena.startCalls);
          expect(report.athenaCalls.poll).toBe(w.athena.pollBatches.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  test('the plan days use the same calendar as the folders', async () => {
    // GIVEN a backfill across a leap day, for one pair
    const w = world();
    const settings = settingsWith({ maxPartitionsPerStatement: 100 });
    const request = parseRunPayload(
      { from: '2024-02-27', to: '2024-03-01', accounts: [A], regions: ['us-east-1'], includeEmptyDays: true },
      NOW,
      settings,
    );
    // WHEN the run happens
    await run(request, settings, w);
    // THEN the partition values are the zero-padded folder names, leap day included
    const literals = stringLiterals(w.athena.starts[0].sql).filter(
      (l) => !l.startsWith('s3://') && l !== A && l !== 'us-east-1',
    );
    const expected = ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01'].flatMap((iso) => {
      const parts = dayParts(dayOf(iso));
      return [parts.year, parts.month, parts.day];
    });
    expect(literals).toEqual(expected);
  });
});

describe('splitBackfill', () => {
  test('sizes chunks from the account-regions found in the bucket', async () => {
    // GIVEN a bucket with 4 account-regions and a split over 2024 so far
    const s3 = orgBucket();
    const settings = settingsWith();
    const request = parseSplitPayload({ action: 'split', from: '2024-01-01' }, NOW, settings);
    // WHEN it is split
    const result = await splitBackfill(request, settings, { s3, clock: new VirtualClock() }, NOW);
    // THEN 20,000 / 4 → the 366-day cap: one chunk; only accounts and regions were listed
    expect(result).toEqual({
      window: { from: '2024-01-01', to: '2024-06-16' },
      accountRegions: 4,
      chunkDays: 366,
      chunks: [{ from: '2024-01-01', to: '2024-06-16' }],
      lanes: [{ chunks: [{ from: '2024-01-01', to: '2024-06-16' }] }],
      // Every chunk's invocation is marked, so it takes its part of the backfill's concurrency.
      selection: { chunk: true },
    });
    expect(s3.probeCalls).toEqual([]);
  });

  test('a long window over a large organization is cut into at most 1000 chunks', async () => {
    // GIVEN 20,000 account-regions (one day per chunk by size) and twenty years
    const settings = settingsWith();
    const s3 = new FakeS3Listing([]);
    const accounts = Array.from({ length: 1000 }, (_, i) => String(100000000000 + i));
    const regions = Array.from({ length: 20 }, (_, i) => `us-test-${i + 1}`);
    const request = parseSplitPayload({ action: 'split', daysBack: 7300, accounts, regions }, NOW, settings);
    // WHEN it is split
    const result = await splitBackfill(request, settings, { s3, clock: new VirtualClock() }, NOW);
    // THEN chunks grow rather than multiply, and an explicit chunkDays that would pass the cap is refused
    expect(result.chunks.length).toBeLessThanOrEqual(1000);
    expect(result.chunkDays).toBeGreaterThan(1);
    const tooMany = parseSplitPayload({ action: 'split', daysBack: 4000, chunkDays: 1 }, NOW, settings);
    await expect(splitBackfill(tooMany, settings, { s3, clock: new VirtualClock() }, NOW)).rejects.toThrow(
      /chunkDays 1 makes \d+ chunks; at most 1000/,
    );
  });

  test('given chunkDays and a selection: no S3 calls, the selection is returned once beside the chunks', async () => {
    // GIVEN explicit chunk size, accounts and includeEmptyDays
    const s3 = orgBucket();
    const settings = settingsWith();
    const request = parseSplitPayload(
      {
        action: 'split',
        from: '2024-06-01',
        to: '2024-06-10',
        chunkDays: 4,
        accounts: [A],
        includeEmptyDays: true,
      },
      NOW,
      settings,
    );
    // WHEN it is split
    const result = await splitBackfill(request, settings, { s3, clock: new VirtualClock() }, NOW);
    // THEN the fewest chunks of at most 4 days, alike (4, 3, 3), the selection once beside them, and S3 was not asked
    expect(s3.calls).toBe(0);
    expect(result.chunks).toEqual([
      { from: '2024-06-01', to: '2024-06-04' },
      { from: '2024-06-05', to: '2024-06-07' },
      { from: '2024-06-08', to: '2024-06-10' },
    ]);
    expect(result.selection).toEqual({ accounts: [A], includeEmptyDays: true, chunk: true });
    // AND each chunk with the selection merged (as the state machine does) is a valid backfill payload
    for (const chunk of result.chunks) {
      expect(() => parseRunPayload({ ...chunk, ...result.selection }, NOW, settings)).not.toThrow();
    }
  });
});

describe('runPartitions: what discovery could not read or did not find', () => {
  test('a configured region and account with no folder in S3 are named in the summary and a warning', async () => {
    // GIVEN settings naming a misspelt region and an account that never delivered
    const w = world();
    const settings = settingsWith({ accounts: [A, '444444444444'], regions: ['us-east-1', 'eu-wset-1'] });
    const request = parseRunPayload(undefined, NOW, settings);
    // WHEN the scheduled run happens
    const report = await run(request, settings, w);
    // THEN the run still succeeds (a new account may not have delivered yet), and names both
    expect(report.ok).toBe(true);
    expect(report.missingAccounts).toEqual(['444444444444']);
    expect(report.missingRegions).toEqual([{ region: 'eu-wset-1', accounts: [A] }]);
    expect(summarize(report)).toMatch(
      /no s3 folder for account 444444444444; region eu-wset-1 \(account 111111111111\)$/,
    );
    const warning = w.logger.lines.find((line) => line.level === 'warn');
    expect(warning?.message).toBe(
      'configured but not in s3: account 444444444444; region eu-wset-1 (account 111111111111)',
    );
  });

  test('an unreadable account: every other account is registered, the run fails and names it', async () => {
    // GIVEN S3 refusing to list account B's folders
    const w = world();
    const inner = w.s3;
    const denied = `trails/AWSLogs/${ORG_ID}/${B}/`;
    const s3 = {
      listChildNames: (prefix: string) =>
        prefix.startsWith(denied)
          ? Promise.reject(
              new PortError('access-denied', `access denied listing s3://org-trail-bucket/${prefix}`),
            )
          : inner.listChildNames(prefix),
      hasAnyObject: (prefix: string) => inner.hasAnyObject(prefix),
    };
    const settings = settingsWith();
    // WHEN the scheduled run happens
    const report = await runPartitions(
      parseRunPayload(undefined, NOW, settings),
      settings,
      { ...w, s3 },
      {
        now: NOW,
        tokenSeed: 'req-1',
      },
    );
    // THEN A and C are registered, B is named, and the run is not ok (so the alarm fires)
    expect(report.ok).toBe(false);
    expect(report.failed).toBe(0);
    expect(report.partitionsAdded).toBe(report.partitions);
    expect(locationsSubmitted(w.athena).some((l) => l.includes(`/${B}/`))).toBe(false);
    expect(locationsSubmitted(w.athena).some((l) => l.includes(`/${C}/`))).toBe(true);
    expect(report.unreadableAccounts?.map((u) => u.account)).toEqual([B]);
    expect(summarize(report)).toMatch(/unreadable accounts \(access denied\): 222222222222/);
    expect(w.logger.lines.some((l) => l.level === 'warn' && l.message === `accounts unreadable: ${B}`)).toBe(
      true,
    );
  });
});
