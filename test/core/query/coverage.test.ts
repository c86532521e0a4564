/**
 * The coverage check compares what Glue returned with the days × account-regions a query reads:
 * the window, the late-delivery margin up to today, the given selection or what the catalog shows.
 */
import {
  checkCoverage,
  coverageReport,
  describePeriods,
  futureRangeProblem,
  periodsRead,
} from '../../../lambda/core/query/coverage';
import { schemeFromKeyList } from '../../../lambda/core/partitions/scheme';
import { parseIsoDate } from '../../../lambda/core/shared/dates';
import { parseQueryWindow } from '../../../lambda/core/query/query-window';

const day5 = schemeFromKeyList('account,region,year,month,day');
const month4 = schemeFromKeyList('account,region,year,month');
const D = (iso: string): number => parseIsoDate(iso) as number;
const A = '012345678901';
const B = '210987654321';
/** Partition values written by hand, as Glue returns them. */
const days = (account: string, region: string, ...isos: string[]): string[][] =>
  isos.map((iso) => [account, region, iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)]);

test('the folders read are the window plus the margin, never past today', () => {
  const w = parseQueryWindow('2024-02-27', '2024-02-29');
  expect(periodsRead(day5, w, 1, D('2024-12-01'))).toEqual([
    '2024-02-27',
    '2024-02-28',
    '2024-02-29',
    '2024-03-01',
  ]);
  expect(periodsRead(day5, w, 1, D('2024-02-29'))).toEqual(['2024-02-27', '2024-02-28', '2024-02-29']);
  expect(periodsRead(month4, w, 1, D('2024-12-01'))).toEqual(['2024-02', '2024-03']);
});

test('given accounts and regions, every missing day of every pair is named, with the backfill command', () => {
  // GIVEN A/us-east-1 complete and B/eu-west-1 missing two days
  const window = parseQueryWindow('2024-02-28', '2024-03-01');
  const partitions = [
    ...days(A, 'us-east-1', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02'),
    ...days(B, 'eu-west-1', '2024-02-28', '2024-03-02'),
  ];
  // WHEN checked
  const coverage = checkCoverage({
    scheme: day5,
    window,
    lateDays: 1,
    accounts: [A, B],
    regions: ['eu-west-1', 'us-east-1'],
    today: D('2024-06-01'),
    partitions,
  });
  // THEN A/eu-west-1 is wholly missing, B/eu-west-1 lacks 29 Feb and 1 Mar
  expect(coverage.gaps).toEqual([
    {
      place: `${A}/eu-west-1`,
      account: A,
      region: 'eu-west-1',
      missing: ['2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02'],
    },
    { place: `${B}/eu-west-1`, account: B, region: 'eu-west-1', missing: ['2024-02-29', '2024-03-01'] },
    {
      place: `${B}/us-east-1`,
      account: B,
      region: 'us-east-1',
      missing: ['2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02'],
    },
  ]);
  expect({ expected: coverage.expected, present: coverage.present }).toEqual({ expected: 16, present: 6 });
  const report = coverageReport(coverage);
  expect(report[0]).toMatch(/lacks 10 of 16 partitions/);
  expect(report).toContain(`  ${B}/eu-west-1: 2024-02-29..2024-03-01`);
  expect(report.at(-1)).toBe(
    `  add them with: cloudtrail-partitioner backfill --from 2024-02-28 --to 2024-03-02 --accounts ${A},${B} --regions eu-west-1,us-east-1`,
  );
});

test('without a selection, the account-regions the catalog shows are checked; a complete one says nothing', () => {
  const window = parseQueryWindow('2024-01-30', '2024-02-01');
  const partitions = [
    ...days(A, 'us-east-1', '2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02'),
    ...days(A, 'us-west-2', '2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02'),
  ];
  const coverage = checkCoverage({ scheme: day5, window, lateDays: 1, today: D('2024-06-01'), partitions });
  expect(coverage).toEqual({ expected: 8, present: 8, gaps: [], nothing: false });
  expect(coverageReport(coverage)).toEqual([]);
});

test('nothing in the catalog for the range: it says no rows will come back', () => {
  const coverage = checkCoverage({
    scheme: day5,
    window: parseQueryWindow('2024-01-01', '2024-01-02'),
    lateDays: 1,
    today: D('2024-06-01'),
    partitions: [],
  });
  expect(coverage.nothing).toBe(true);
  expect(coverageReport(coverage)[0]).toMatch(/no partition for the selected days in any account-region/);
});

test('month partitions are checked by month, the backfill spanning whole months', () => {
  const coverage = checkCoverage({
    scheme: month4,
    window: parseQueryWindow('2024-01-15', '2024-03-31'),
    lateDays: 1,
    accounts: [A],
    regions: ['us-east-1'],
    today: D('2024-12-01'),
    partitions: [[A, 'us-east-1', '2024', '01']],
  });
  expect(coverage.gaps.map((g) => g.missing)).toEqual([['2024-02', '2024-03', '2024-04']]);
  expect(coverageReport(coverage).at(-1)).toMatch(/--from 2024-02-01 --to 2024-04-30 /);
});

test.each([
  [['2024-01-01'], '2024-01-01'],
  [['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-05'], '2024-01-01..2024-01-03, 2024-01-05'],
  [['2023-12-31', '2024-01-01'], '2023-12-31..2024-01-01'],
  [['2024-11', '2024-12', '2025-01'], '2024-11..2025-01'],
])('periods %j read as %s', (periods, text) => {
  expect(describePeriods(periods)).toBe(text);
});

test('a range ending after tomorrow is refused; tomorrow is allowed', () => {
  const today = D('2024-06-01');
  expect(futureRangeProblem(parseQueryWindow('2024-05-01', '2024-06-02'), today)).toBeUndefined();
  expect(futureRangeProblem(parseQueryWindow('2024-05-01', '2024-06-03'), today)).toMatch(
    /ends 2024-06-03, after tomorrow \(2024-06-02 UTC\)/,
  );
});
