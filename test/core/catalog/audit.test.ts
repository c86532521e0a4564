import fc from 'fast-check';
import { diffCatalog, expectedPartitions, type LoggedDays } from '../../../lambda/core/catalog/audit';
import { makeLayout } from '../../../lambda/core/partitions/layout';
import { schemeFromColumns } from '../../../lambda/core/partitions/scheme';
import { dayOf, ORG_COLUMNS } from '../../support/core-fakes';

const layout = makeLayout({ bucket: 'trail-bucket', orgId: 'o-abcdefghij' });
const scheme = schemeFromColumns(ORG_COLUMNS);
const A = '111111111111';
const B = '222222222222';
const WINDOW = { from: dayOf('2024-03-03'), to: dayOf('2024-03-09') };
const loc = (account: string, region: string, date: string) =>
  `s3://trail-bucket/AWSLogs/o-abcdefghij/${account}/CloudTrail/${region}/${date.replace(/-/g, '/')}/`;
const entry = (account: string, region: string, date: string, location = loc(account, region, date)) => ({
  values: [account, region, ...date.split('-')],
  location,
});
const logged: LoggedDays[] = [
  { account: A, region: 'us-east-1', days: ['2024-03-04', '2024-03-08', '2024-03-09'].map(dayOf) },
  { account: B, region: 'eu-west-1', days: ['2024-03-09'].map(dayOf) },
];

describe('diffCatalog', () => {
  it('finds missing, covered and orphaned partitions in the window', () => {
    // GIVEN logs on four account-region-days, and a catalog with two of them, one pointing elsewhere,
    // one for a day without logs, and one outside the window
    const catalog = [
      entry(A, 'us-east-1', '2024-03-04'),
      entry(A, 'us-east-1', '2024-03-08', 's3://other-bucket/x/'),
      entry(A, 'us-east-1', '2024-03-05'),
      entry(A, 'us-east-1', '2024-02-01'),
    ];
    // WHEN diffed
    const diff = diffCatalog({ layout, scheme, window: WINDOW, logged, catalog });
    // THEN
    expect(diff.expected).toBe(4);
    expect(diff.covered).toBe(1);
    expect(diff.missing.map((p) => p.location)).toEqual([
      loc(A, 'us-east-1', '2024-03-09'),
      loc(B, 'eu-west-1', '2024-03-09'),
    ]);
    expect(diff.orphaned).toEqual([
      {
        values: [A, 'us-east-1', '2024', '03', '08'],
        location: 's3://other-bucket/x/',
        reason: 'wrong-location',
        expectedLocation: loc(A, 'us-east-1', '2024-03-08'),
      },
      {
        values: [A, 'us-east-1', '2024', '03', '05'],
        location: loc(A, 'us-east-1', '2024-03-05'),
        reason: 'no-logs',
      },
    ]);
  });

  it('accepts a location Glue returns without its trailing slash', () => {
    const catalog = [entry(B, 'eu-west-1', '2024-03-09', loc(B, 'eu-west-1', '2024-03-09').slice(0, -1))];
    const diff = diffCatalog({ layout, scheme, window: WINDOW, logged: [logged[1]], catalog });
    expect(diff).toMatchObject({ covered: 1, missing: [], orphaned: [] });
  });

  it('judges only the selected accounts and regions', () => {
    // GIVEN a catalog entry of another account without logs THEN it is not an orphan of this audit
    const catalog = [entry(B, 'eu-west-1', '2024-03-05')];
    const diff = diffCatalog({ layout, scheme, window: WINDOW, logged: [logged[0]], catalog, accounts: [A] });
    expect(diff.orphaned).toEqual([]);
  });

  it('finds exactly the partitions removed from a complete catalog', () => {
    // GIVEN any subset of the expected partitions removed from the catalog
    const all = expectedPartitions(layout, scheme, WINDOW, logged);
    fc.assert(
      fc.property(fc.subarray(all), (removed) => {
        const gone = new Set(removed.map((p) => p.location));
        const catalog = all
          .filter((p) => !gone.has(p.location))
          .map((p) => ({ values: [p.account, p.region, p.year, p.month, p.day], location: p.location }));
        // WHEN diffed THEN the missing are exactly the removed, the rest covered, nothing orphaned
        const diff = diffCatalog({ layout, scheme, window: WINDOW, logged, catalog });
        expect(diff.missing.map((p) => p.location).sort()).toEqual([...gone].sort());
        expect(diff.covered).toBe(all.length - removed.length);
        expect(diff.orphaned).toEqual([]);
      }),
    );
  });

  it('expects one partition per month with logs on a month table, at the month folder', () => {
    const month = schemeFromColumns(
      ['account', 'region', 'year', 'month'].map((name) => ({ name, type: 'string' })),
    );
    const window = { from: dayOf('2024-02-01'), to: dayOf('2024-03-31') };
    const days = ['2024-02-10', '2024-02-11', '2024-03-09'].map(dayOf);
    const catalog = [
      {
        values: [A, 'us-east-1', '2024', '02'],
        location: `${loc(A, 'us-east-1', '2024-02-01').slice(0, -3)}`,
      },
    ];
    const diff = diffCatalog({
      layout,
      scheme: month,
      window,
      logged: [{ account: A, region: 'us-east-1', days }],
      catalog,
    });
    expect(diff.expected).toBe(2);
    expect(diff.covered).toBe(1);
    expect(diff.missing.map((p) => p.location)).toEqual([
      's3://trail-bucket/AWSLogs/o-abcdefghij/111111111111/CloudTrail/us-east-1/2024/03/',
    ]);
  });

  it('does not call a month partition an orphan when the window holds only part of its month', () => {
    const month = schemeFromColumns(
      ['account', 'region', 'year', 'month'].map((name) => ({ name, type: 'string' })),
    );
    const catalog = [{ values: [A, 'us-east-1', '2024', '03'], location: 's3://trail-bucket/x/' }];
    const diff = diffCatalog({ layout, scheme: month, window: WINDOW, logged: [], catalog });
    expect(diff.orphaned).toEqual([]);
  });
});
