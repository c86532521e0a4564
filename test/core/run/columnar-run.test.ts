/**
 * The columnar pass over fake ports: a first run creates the table and converts the due days, a
 * failed statement leaves its day out of the coverage and grows its streak, a rerun converts
 * nothing twice, the deadline leaves days for the next run, and an organization's day is split
 * into account ranges by the bytes the sizes port reports. Every statement is parsed.
 */
import { HiveSQL, TrinoSQL } from 'dt-sql-parser';
import { COVERAGE_PARAMETER } from '../../../lambda/core/columnar/coverage';
import { FAILURES_PARAMETER } from '../../../lambda/core/columnar/failures';
import { runColumnar } from '../../../lambda/core/run/columnar-run';
import { FakeCopyTable } from '../../support/columnar-fakes';
import { LAST_VACUUM_PARAMETER } from '../../../lambda/core/run/columnar-upkeep';
import { parseSettings } from '../../../lambda/core/run/settings';
import {
  FakeCatalog,
  FakeS3Listing,
  NOW,
  ORG_COLUMNS,
  ScriptedAthena,
  trailKey,
  VirtualClock,
} from '../../support/core-fakes';

const hive = new HiveSQL();
const trino = new TrinoSQL();
const LOCATION = 's3://results-bucket/columnar/cloudtrail/cloudtrail_logs_columnar/';
const ORG = 'o-abcdefghij';
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];

/** A trail bucket with a log for every account, region and day of June 2024 before NOW. */
function bucket(): FakeS3Listing {
  const keys: string[] = [];
  for (const account of ACCOUNTS)
    for (let d = 1; d <= 15; d++)
      keys.push(trailKey({ orgId: ORG }, account, 'us-east-1', `2024-06-${String(d).padStart(2, '0')}`));
  return new FakeS3Listing(keys);
}

function setup(
  options: {
    fail?: (sql: string) => boolean;
    budget?: number;
    sizes?: (p: string) => number;
    listMs?: number;
  } = {},
) {
  const clock = new VirtualClock();
  const athena = new ScriptedAthena(clock, {
    script: ({ sql }) => ({
      kind: 'start',
      plan: options.fail?.(sql)
        ? { state: 'FAILED', reason: 'HIVE_CURSOR_ERROR: Row is not a valid JSON Object' }
        : { runMs: 60_000 },
    }),
  });
  const copy = new FakeCopyTable();
  // Lambda's environment settings, as the construct sets them.
  const settings = parseSettings({
    bucket: 'trail-bucket',
    orgId: ORG,
    workgroup: 'wg',
    columnarCopy: true,
    columnarLocation: LOCATION,
    ...(options.budget ? { columnarStatementBytes: options.budget } : {}),
  });
  const ports = {
    s3: bucket(),
    catalog: new FakeCatalog({ 'cloudtrail.cloudtrail_logs': ORG_COLUMNS }),
    athena,
    clock,
    copy,
    ...(options.sizes
      ? {
          sizes: {
            prefixBytes: async (p: string) => {
              // Each listing takes simulated time, as an organization's does.
              if (options.listMs) await clock.sleep(options.listMs);
              return options.sizes!(p);
            },
          },
        }
      : {}),
  };
  const run = (extra: { waitDeadline?: number; startDeadline?: number } = {}) =>
    runColumnar(settings, ports, { now: NOW, tokenSeed: 'request-1', maxConcurrent: 2, ...extra });
  return { athena, copy, clock, run };
}

/** Distinct MERGE statements started (a failed one may be started again by the retry). */
const merges = (athena: ScriptedAthena): string[] => [
  ...new Set(
    athena.starts.filter((s) => s.result === 'started' && s.sql.startsWith('MERGE')).map((s) => s.sql),
  ),
];
const params = (copy: FakeCopyTable) => copy.tables.get('cloudtrail.cloudtrail_logs_columnar') ?? {};

describe('runColumnar', () => {
  it('creates the table before its first conversion and records every converted day', async () => {
    // GIVEN no copy table yet, today 2024-06-15, one late-delivery day
    const { athena, copy, run } = setup();
    copy.tables.clear();
    // The fake "creates" the table when Athena's CREATE succeeds
    const start = athena.startQuery.bind(athena);
    athena.startQuery = async (sql, token) => {
      if (sql.startsWith('CREATE TABLE')) copy.tables.set('cloudtrail.cloudtrail_logs_columnar', {});
      return start(sql, token);
    };
    // WHEN the pass runs
    const report = await run();
    // THEN the first statement is the Iceberg DDL (Hive grammar, the day() transform read as its column)
    const create = athena.starts[0].sql;
    expect(create).toMatch(/^CREATE TABLE IF NOT EXISTS `cloudtrail`\.`cloudtrail_logs_columnar`/);
    expect(create).toContain(`LOCATION '${LOCATION}'`);
    expect(create).toContain('principalid:string'); // lowercased from Glue's principalId
    expect(hive.validate(create.replace('day(`eventtime`)', '`eventtime`'))).toEqual([]);
    // AND the days 06-08 … 06-13 (7 days back, 06-14 still receiving late deliveries) are converted
    expect(report.created).toBe(true);
    expect(report.converted).toEqual([
      '2024-06-08',
      '2024-06-09',
      '2024-06-10',
      '2024-06-11',
      '2024-06-12',
      '2024-06-13',
    ]);
    for (const sql of merges(athena)) expect(trino.validate(sql)).toEqual([]);
    // AND the coverage names exactly those days, with no failure streaks
    expect(params(copy)[COVERAGE_PARAMETER]).toBe('2024-06-08..2024-06-13');
    expect(params(copy)[FAILURES_PARAMETER]).toBe('');
    // AND the upkeep ran: OPTIMIZE the recent days, VACUUM (first time), and its day recorded
    const upkeep = athena.starts
      .filter((s) => /^(OPTIMIZE|VACUUM)/.test(s.sql))
      .map((s) => s.sql.split(' ')[0]);
    expect(upkeep).toEqual(['OPTIMIZE', 'VACUUM']);
    expect(params(copy)[LAST_VACUUM_PARAMETER]).toBe('2024-06-15');
  });

  it('leaves a failed day out of the coverage, grows its streak, and names it after three runs', async () => {
    // GIVEN an existing copy, and a day whose raw logs hold a malformed record
    const { copy, run } = setup({
      fail: (sql) => sql.startsWith('MERGE') && sql.includes("eventtime >= '2024-06-10'"),
    });
    copy.tables.set('cloudtrail.cloudtrail_logs_columnar', { [FAILURES_PARAMETER]: '2024-06-10:1' });
    // WHEN the pass runs twice more
    const first = await run();
    expect(first.failed).toEqual(['2024-06-10']);
    expect(params(copy)[FAILURES_PARAMETER]).toBe('2024-06-10:2');
    expect(first.failing).toEqual([]);
    const second = await run();
    // THEN the day is never covered, its streak reached 3, and it is named
    expect(params(copy)[COVERAGE_PARAMETER]).toBe('2024-06-08..2024-06-09,2024-06-11..2024-06-13');
    expect(second.failing).toEqual([{ day: '2024-06-10', runs: 3 }]);
    expect(second.converted).toEqual([]); // the other days were covered by the first run
  });

  it('converts nothing twice: a rerun after success issues no MERGE', async () => {
    // GIVEN a pass that converted every due day
    const { athena, copy, run } = setup();
    copy.tables.set('cloudtrail.cloudtrail_logs_columnar', {});
    await run();
    const before = merges(athena).length;
    // WHEN it runs again
    const again = await run();
    // THEN no conversion starts and the coverage is unchanged
    // (without a sizes port, one statement per account: 3 accounts × 6 days)
    expect(before).toBe(18);
    expect(merges(athena)).toHaveLength(before);
    expect(again.statements).toBe(0);
    expect(params(copy)[COVERAGE_PARAMETER]).toBe('2024-06-08..2024-06-13');
  });

  it('starts no conversion without time for one to finish: the days wait for the next run', async () => {
    // GIVEN an invocation with 4 minutes left (less than the 5-minute reserve)
    const { athena, copy, clock, run } = setup();
    copy.tables.set('cloudtrail.cloudtrail_logs_columnar', { [FAILURES_PARAMETER]: '2024-06-09:1' });
    // WHEN the pass runs
    const report = await run({ waitDeadline: clock.now() + 4 * 60_000 });
    // THEN nothing was started, every due day is pending, and no streak grew
    expect(merges(athena)).toEqual([]);
    expect(report.pending).toHaveLength(6);
    expect(report.converted).toEqual([]);
    expect(params(copy)[COVERAGE_PARAMETER]).toBeUndefined();
    expect(params(copy)[FAILURES_PARAMETER]).toBe('2024-06-09:1');
  });

  it("splits an organization's day into account ranges under the budget, and a failed range fails the day", async () => {
    // GIVEN 3 accounts of 600 MiB a day folder and a budget of 2 GiB per statement:
    // each account reads 2 folders (D, D + 1) = 1.2 GiB, so each range holds one account
    const MiB = 1024 ** 2;
    const { athena, copy, run } = setup({
      budget: 2048 * MiB,
      sizes: () => 600 * MiB,
      fail: (sql) => sql.includes("eventtime >= '2024-06-13'") && sql.includes("BETWEEN '222222222222'"),
    });
    copy.tables.set('cloudtrail.cloudtrail_logs_columnar', {});
    // WHEN the pass runs
    const report = await run();
    // THEN each day has 3 statements whose ranges tile the account space
    const day13 = merges(athena).filter((sql) => sql.includes("eventtime >= '2024-06-13'"));
    expect(day13).toHaveLength(3);
    expect(day13.map((sql) => /account BETWEEN '(\d{12})' AND '(\d{12})'/.exec(sql)?.slice(1))).toEqual([
      ['000000000000', '222222222221'],
      ['222222222222', '333333333332'],
      ['333333333333', '999999999999'],
    ]);
    // AND the day with a failed range is not covered, though its other ranges succeeded
    expect(report.failed).toEqual(['2024-06-13']);
    expect(params(copy)[COVERAGE_PARAMETER]).toBe('2024-06-08..2024-06-12');
  });

  it('sizes for at most half the time before the last start: the days left unsized wait', async () => {
    // GIVEN listings of 5 s each (the virtual clock adds up concurrent sleeps: a day's 6 folder
    // reads take 30 s), statements that run 60 s, and a start deadline 100 s away: sizing may use 50 s
    const { athena, copy, clock, run } = setup({ sizes: () => 1024, listMs: 5_000 });
    copy.tables.set('cloudtrail.cloudtrail_logs_columnar', {});
    // WHEN the pass runs
    const report = await run({ startDeadline: clock.now() + 100_000 });
    // THEN the two days whose sizing started before 50 s (at 0 s and 30 s) are converted
    expect(report.converted).toEqual(['2024-06-08', '2024-06-09']);
    expect(merges(athena)).toHaveLength(2);
    // AND the four others are pending, not failed, and not covered
    expect(report.pending).toHaveLength(4);
    expect(report.failed).toEqual([]);
    expect(params(copy)[COVERAGE_PARAMETER]).toBe('2024-06-08..2024-06-09');
  });
});
