import fc from 'fast-check';
import { findSilentTrails } from '../../../lambda/core/discovery/silent';
import { dayOf } from '../../support/core-fakes';

const YESTERDAY = dayOf('2024-03-09');
const trail = (region: string, dates: string[]) => ({
  account: '111111111111',
  region,
  days: dates.map(dayOf),
});

describe('findSilentTrails', () => {
  it('reports an account-region that delivered recently but not yesterday, with its last delivery', () => {
    // GIVEN one trail that stopped after 03-07, one still delivering, one that stopped long ago, one that never did
    const logged = [
      trail('eu-west-1', ['2024-03-06', '2024-03-07']),
      trail('us-east-1', ['2024-03-08', '2024-03-09']),
      trail('ap-south-1', ['2024-03-01']),
      trail('sa-east-1', []),
    ];
    // WHEN checked with the default three days
    // THEN only the first is silent
    expect(findSilentTrails(logged, YESTERDAY, 3)).toEqual([
      { account: '111111111111', region: 'eu-west-1', lastDelivery: '2024-03-07' },
    ]);
  });

  it('names each account-region once, however many sources list its days', () => {
    const logged = [trail('eu-west-1', ['2024-03-08']), trail('eu-west-1', ['2024-03-07'])];
    expect(findSilentTrails(logged, YESTERDAY, 3)).toEqual([
      { account: '111111111111', region: 'eu-west-1', lastDelivery: '2024-03-08' },
    ]);
  });

  it('is off at 0 days', () => {
    expect(findSilentTrails([trail('eu-west-1', ['2024-03-08'])], YESTERDAY, 0)).toEqual([]);
  });

  it('never calls silent a trail with logs yesterday or without logs in the N days before', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -20, max: 0 })),
        fc.integer({ min: 1, max: 10 }),
        (offsets, n) => {
          const days = offsets.map((offset) => YESTERDAY + offset);
          const silent = findSilentTrails([{ account: '1', region: 'r', days }], YESTERDAY, n).length === 1;
          const recent = days.some((day) => day < YESTERDAY && day >= YESTERDAY - n);
          expect(silent).toBe(!days.includes(YESTERDAY) && recent);
        },
      ),
    );
  });
});
