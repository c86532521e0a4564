import fc from 'fast-check';
import { packStatements } from '../../../lambda/core/partitions/ddl';
import { explicitTargets } from '../../../lambda/core/discovery/discovery';
import type { Target } from '../../../lambda/core/shared/targets';
import { makeLayout } from '../../../lambda/core/partitions/layout';
import { countPlan, planPartitions } from '../../../lambda/core/partitions/plan';
import { planStatements } from '../../../lambda/core/run/run';
import { schemeFromColumns } from '../../../lambda/core/partitions/scheme';
import { parseSettings } from '../../../lambda/core/run/settings';
import { accountArb } from '../../support/core-arbitraries';
import { countingIterable, dayOf, isoOf, ORG_COLUMNS, partitionKey } from '../../support/core-fakes';

const LAYOUT = makeLayout({ bucket: 'trail-bucket', prefix: 'logs', orgId: 'o-abc1234567' });
const ORG = schemeFromColumns(ORG_COLUMNS);
const A = '111111111111';
const B = '222222222222';

describe('planPartitions', () => {
  test('every account × region × day, account by account, region by region, day by day', () => {
    // GIVEN two accounts, two regions, a three-day window all from today on
    const today = dayOf('2024-06-15');
    const window = { from: today, to: today + 2 };
    // WHEN the plan is generated
    const partitions = [
      ...planPartitions(LAYOUT, explicitTargets([A, B], ['us-east-1', 'eu-west-1']), window, today),
    ];
    // THEN it holds 12 partitions in account, region, day order with exact values and locations
    expect(partitions.map(partitionKey)).toEqual(
      [A, B].flatMap((account) =>
        ['us-east-1', 'eu-west-1'].flatMap((region) =>
          ['2024-06-15', '2024-06-16', '2024-06-17'].map((d) => `${account}/${region}/${d}`),
        ),
      ),
    );
    expect(partitions[0]).toEqual({
      account: A,
      region: 'us-east-1',
      year: '2024',
      month: '06',
      day: '15',
      location: `s3://trail-bucket/logs/AWSLogs/o-abc1234567/${A}/CloudTrail/us-east-1/2024/06/15/`,
    });
  });

  test('past days not in pastDays are skipped; today and the future are always kept', () => {
    // GIVEN a window of 5 past days, today and tomorrow, and logs found on two of the past days only
    const today = dayOf('2024-03-01');
    const window = { from: today - 5, to: today + 1 };
    const targets: Target[] = [{ account: A, region: 'us-east-1', pastDays: [today - 4, today - 1] }];
    // WHEN the plan is generated (across the February 29 month end)
    const days = [...planPartitions(LAYOUT, targets, window, today)].map(
      (p) => `${p.year}-${p.month}-${p.day}`,
    );
    // THEN only those past days appear, plus today and tomorrow
    expect(days).toEqual(['2024-02-26', '2024-02-29', '2024-03-01', '2024-03-02']);
  });

  test('a target with no past days still gets today and the future', () => {
    // GIVEN a target whose past days are all empty
    const today = dayOf('2024-06-15');
    const targets: Target[] = [{ account: A, region: 'us-east-1', pastDays: [] }];
    // WHEN the plan covers 3 past days through tomorrow
    const days = [...planPartitions(LAYOUT, targets, { from: today - 3, to: today + 1 }, today)].map(
      partitionKey,
    );
    // THEN today and tomorrow are there
    expect(days).toEqual([`${A}/us-east-1/2024-06-15`, `${A}/us-east-1/2024-06-16`]);
    // AND the counts agree: 2 partitions, 3 skipped
    expect(countPlan(targets, { from: today - 3, to: today + 1 }, today)).toEqual({
      partitions: 2,
      skippedEmpty: 3,
    });
  });

  test("pastDays 'all' keeps every day", () => {
    // GIVEN includeEmptyDays-style targets
    const today = dayOf('2024-06-15');
    const window = { from: today - 10, to: today - 1 };
    // WHEN planned
    const partitions = [...planPartitions(LAYOUT, explicitTargets([A], ['us-east-1']), window, today)];
    // THEN all ten past days are there and nothing is counted as skipped
    expect(partitions).toHaveLength(10);
    expect(countPlan(explicitTargets([A], ['us-east-1']), window, today)).toEqual({
      partitions: 10,
      skippedEmpty: 0,
    });
  });

  test('an empty or reversed window plans nothing', () => {
    // GIVEN a reversed window WHEN planned THEN nothing
    expect([...planPartitions(LAYOUT, explicitTargets([A], ['us-east-1']), { from: 5, to: 4 }, 0)]).toEqual(
      [],
    );
    expect(countPlan(explicitTargets([A], ['us-east-1']), { from: 5, to: 4 }, 0)).toEqual({
      partitions: 0,
      skippedEmpty: 0,
    });
  });
});

describe('countPlan agrees with the generator (property)', () => {
  test('partitions and skipped days match what planPartitions yields', () => {
    // GIVEN random targets whose pastDays are subsets of the window's past days, as discovery produces them
    const input = fc
      .record({
        from: fc.integer({ min: dayOf('2023-12-01'), max: dayOf('2024-02-01') }),
        length: fc.integer({ min: 0, max: 40 }),
        todayOffset: fc.integer({ min: -5, max: 45 }),
        targets: fc.array(
          fc.record({
            account: accountArb,
            region: fc.constantFrom('us-east-1', 'eu-west-1'),
            all: fc.boolean(),
            keep: fc.array(fc.boolean(), { minLength: 50, maxLength: 50 }),
          }),
          { maxLength: 5 },
        ),
      })
      .map(({ from, length, todayOffset, targets }) => {
        const window = { from, to: from + length - 1 };
        const today = from + todayOffset;
        const pastTo = Math.min(window.to, today - 1);
        return {
          window,
          today,
          targets: targets.map(({ account, region, all, keep }): Target => ({
            account,
            region,
            pastDays: all
              ? 'all'
              : Array.from({ length: Math.max(0, pastTo - from + 1) }, (_, i) => from + i).filter(
                  (_, i) => keep[i],
                ),
          })),
        };
      });
    fc.assert(
      fc.property(input, ({ window, today, targets }) => {
        // WHEN both count
        const counted = countPlan(targets, window, today);
        const generated = [...planPartitions(LAYOUT, targets, window, today)];
        // THEN the partition counts agree, and kept + skipped = targets × window days
        expect(counted.partitions).toBe(generated.length);
        const windowDays = Math.max(0, window.to - window.from + 1);
        expect(counted.partitions + counted.skippedEmpty).toBe(targets.length * windowDays);
        // AND every generated day is in the window, and days from today on are never skipped
        const todayIso = isoOf(today);
        const outside = generated
          .map((p) => dayOf(`${p.year}-${p.month}-${p.day}`))
          .filter((day) => day < window.from || day > window.to);
        expect(outside).toEqual([]);
        for (const target of targets) {
          const future = generated.filter(
            (p) =>
              p.account === target.account &&
              p.region === target.region &&
              `${p.year}-${p.month}-${p.day}` >= todayIso,
          );
          const expectedFuture = Math.max(0, window.to - Math.max(window.from, today) + 1);
          expect(future.length).toBeGreaterThanOrEqual(expectedFuture);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('streaming', () => {
  test('taking the first statement of a 1,000,000-partition plan pulls only what it needs', () => {
    // GIVEN 1000 accounts × 1 region × 1000 days: a million partitions
    const accounts = Array.from({ length: 1000 }, (_, i) => String(100_000_000_000 + i));
    const targets = explicitTargets(accounts, ['us-east-1']);
    const window = { from: dayOf('2020-01-01'), to: dayOf('2020-01-01') + 999 };
    expect(countPlan(targets, window, 0).partitions).toBe(1_000_000);
    const source = countingIterable(planPartitions(LAYOUT, targets, window, 0));
    // WHEN the first statement is taken
    const statements = packStatements(
      source.iterable,
      ORG,
      { database: 'cloudtrail', table: 'cloudtrail_logs' },
      {
        maxStatementBytes: 256_000,
        maxPartitionsPerStatement: 1000,
      },
    );
    const first = statements.next();
    // THEN it holds 1000 partitions, and only 1001 were generated (one look-ahead), not a million
    expect(first.done).toBe(false);
    expect(first.value && first.value.partitions).toHaveLength(1000);
    expect(source.pulled()).toBe(1001);
    // AND the next statement pulls the next thousand
    statements.next();
    expect(source.pulled()).toBe(2001);
  });

  test('planStatements is lazy too: a million-partition plan touches only the first targets', () => {
    // GIVEN settings and 1000 targets whose iteration is counted
    const settings = parseSettings({ bucket: 'trail-bucket', orgId: 'o-abc1234567' });
    const accounts = Array.from({ length: 1000 }, (_, i) => String(100_000_000_000 + i));
    const targets = explicitTargets(accounts, ['us-east-1']);
    let visited = 0;
    const counted = new Proxy(targets, {
      get(array, property, receiver) {
        if (property === Symbol.iterator) {
          return function* () {
            for (const target of array) {
              visited++;
              yield target;
            }
          };
        }
        return Reflect.get(array, property, receiver);
      },
    });
    const window = { from: dayOf('2020-01-01'), to: dayOf('2020-01-01') + 999 };
    // WHEN the statements are planned and only the first is taken
    const statements = planStatements(settings, ORG, counted, window, 0);
    expect(visited).toBe(0);
    const first = statements[Symbol.iterator]().next();
    // THEN the first statement is full (1000 days of one target fill most of the byte budget, the
    // second target tops it up) and only two targets (one plus the look-ahead) were visited
    expect(first.value?.partitions.length).toBeGreaterThan(1000);
    expect(visited).toBe(2);
  });
});
