import { planStatements } from '../../../lambda/core/run/run';
import { countPlan, planPartitions } from '../../../lambda/core/partitions/plan';
import { discoverTargets } from '../../../lambda/core/discovery/discovery';
import { makeLayout } from '../../../lambda/core/partitions/layout';
import { schemeFromKeyList } from '../../../lambda/core/partitions/scheme';
import { parseSettings } from '../../../lambda/core/run/settings';
import { dayOf, FakeS3Listing, trailKey } from '../../support/core-fakes';
import { hiveErrors, hiveStatementCount } from '../../support/core-hive';

const MONTH = schemeFromKeyList('account,region,year,month');
const LAYOUT = makeLayout({ bucket: 'trail-bucket', orgId: 'o-abcdefghij' });
const ACCOUNT = '111122223333';

function keys(days: readonly string[], region = 'us-east-1'): string[] {
  return days.map((iso) => trailKey({ orgId: 'o-abcdefghij' }, ACCOUNT, region, iso));
}

async function monthPlan(logDays: readonly string[], window: { from: string; to: string }, today: string) {
  const s3 = new FakeS3Listing(keys(logDays));
  const request = {
    layout: LAYOUT,
    window: { from: dayOf(window.from), to: dayOf(window.to) },
    today: dayOf(today),
    includeEmptyDays: false,
    concurrency: 4,
  };
  const targets = await discoverTargets(s3, request);
  const partitions = [...planPartitions(LAYOUT, targets, request.window, request.today, 'month')];
  return { targets, request, partitions };
}

describe('month granularity', () => {
  it('registers a past month when any of its days held logs, located at the month folder', async () => {
    // GIVEN logs on one day of January and none in February, and a backfill of both months
    const { partitions } = await monthPlan(
      ['2024-01-17'],
      { from: '2024-01-01', to: '2024-02-29' },
      '2024-06-15',
    );
    // THEN January is registered at .../2024/01/ and February, empty, is skipped
    expect(partitions.map((p) => [p.year, p.month, p.location])).toEqual([
      ['2024', '01', `s3://trail-bucket/AWSLogs/o-abcdefghij/${ACCOUNT}/CloudTrail/us-east-1/2024/01/`],
    ]);
  });

  it("the daily run keeps this month's and next month's partitions, whatever S3 holds", async () => {
    // GIVEN the scheduled window (yesterday .. tomorrow) on 10 March, logs only on 9 March
    const { partitions, targets, request } = await monthPlan(
      ['2024-03-09'],
      { from: '2024-03-09', to: '2024-03-11' },
      '2024-03-10',
    );
    // THEN March and April are registered, once each
    expect(partitions.map((p) => `${p.year}-${p.month}`)).toEqual(['2024-03', '2024-04']);
    expect(countPlan(targets, request.window, request.today, 'month')).toEqual({
      partitions: 2,
      skippedEmpty: 0,
    });
  });

  it('on the first of a month, the lookback keeps last month (when it had logs) as well', async () => {
    // GIVEN the scheduled window on 1 April with logs on 31 March
    const { partitions } = await monthPlan(
      ['2024-03-31'],
      { from: '2024-03-31', to: '2024-04-02' },
      '2024-04-01',
    );
    // THEN March, April and May
    expect(partitions.map((p) => `${p.year}-${p.month}`)).toEqual(['2024-03', '2024-04', '2024-05']);
  });

  it('renders statements that name no day and parse with the Hive grammar', async () => {
    // GIVEN a year of logs, one day a month
    const days = Array.from({ length: 12 }, (_, i) => `2023-${String(i + 1).padStart(2, '0')}-05`);
    const { targets, request } = await monthPlan(
      days,
      { from: '2023-01-01', to: '2023-12-31' },
      '2024-06-15',
    );
    const settings = parseSettings({ bucket: 'trail-bucket', orgId: 'o-abcdefghij' });
    // WHEN planning statements for the month table
    const statements = [...planStatements(settings, MONTH, targets, request.window, request.today)];
    // THEN one statement of 12 month partitions, no `day` key, accepted by Hive
    expect(statements).toHaveLength(1);
    expect(statements[0].partitions).toHaveLength(12);
    expect(statements[0].sql).not.toMatch(/`day`/);
    expect(statements[0].sql).toContain("`month` = '12') LOCATION 's3://trail-bucket/AWSLogs/o-abcdefghij/");
    expect(hiveErrors(statements[0].sql)).toEqual([]);
    expect(hiveStatementCount(statements[0].sql)).toBe(1);
  });
});
