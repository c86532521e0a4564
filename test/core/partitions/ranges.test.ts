import fc from 'fast-check';
import { RangeCollector } from '../../../lambda/core/partitions/ranges';
import { dayOf, expandRanges, partition, partitionKey } from '../../support/core-fakes';

const A = '111111111111';
const B = '222222222222';

describe('RangeCollector', () => {
  test('consecutive days of one account-region merge into one range, across month ends', () => {
    // GIVEN Feb 27 to Mar 2 2024 for one account and region
    const collector = new RangeCollector();
    for (let d = dayOf('2024-02-27'); d <= dayOf('2024-03-02'); d++)
      collector.add(partition(A, 'us-east-1', d));
    // WHEN listed THEN one range, and the count is 5
    expect(collector.list()).toEqual([
      { account: A, region: 'us-east-1', from: '2024-02-27', to: '2024-03-02' },
    ]);
    expect(collector.count).toBe(5);
  });

  test('gaps and other account-regions start new ranges; interleaving still merges per pair', () => {
    // GIVEN two pairs interleaved, with a gap in one
    const collector = new RangeCollector().addAll([
      partition(A, 'us-east-1', dayOf('2024-01-01')),
      partition(B, 'us-east-1', dayOf('2024-01-01')),
      partition(A, 'us-east-1', dayOf('2024-01-02')),
      partition(B, 'us-east-1', dayOf('2024-01-02')),
      partition(A, 'us-east-1', dayOf('2024-01-05')),
      partition(A, 'eu-west-1', dayOf('2024-01-06')),
    ]);
    // WHEN listed THEN each contiguous run per pair is one range, in first-seen order
    expect(collector.list()).toEqual([
      { account: A, region: 'us-east-1', from: '2024-01-01', to: '2024-01-02' },
      { account: B, region: 'us-east-1', from: '2024-01-01', to: '2024-01-02' },
      { account: A, region: 'us-east-1', from: '2024-01-05', to: '2024-01-05' },
      { account: A, region: 'eu-west-1', from: '2024-01-06', to: '2024-01-06' },
    ]);
  });

  test('the ranges describe exactly the partitions added, in plan order (property)', () => {
    // GIVEN partitions in plan order (pair by pair, days ascending) with random gaps
    const input = fc.array(
      fc.record({
        account: fc.constantFrom(A, B),
        region: fc.constantFrom('us-east-1', 'eu-west-1'),
        days: fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 30 }),
      }),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(input, (groups) => {
        const base = dayOf('2024-01-20');
        const partitions = groups.flatMap((g) =>
          [...g.days].sort((x, y) => x - y).map((d) => partition(g.account, g.region, base + d)),
        );
        // WHEN collected
        const collector = new RangeCollector().addAll(partitions);
        // THEN expanding the ranges gives back exactly the partitions (as a multiset), and the count matches
        expect(expandRanges(collector.list()).sort()).toEqual(partitions.map(partitionKey).sort());
        expect(collector.count).toBe(partitions.length);
        // AND no range ends before it starts
        for (const range of collector.list()) expect(range.from <= range.to).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
