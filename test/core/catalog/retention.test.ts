import fc from 'fast-check';
import type { PartitionSpec } from '../../../lambda/core/partitions/ddl';
import {
  atOrBeforeMonthExpression,
  estimateCatalogPartitions,
  expiredExpression,
  isExpired,
  retentionCutoff,
  specsFromValues,
} from '../../../lambda/core/catalog/retention';
import { schemeFromKeyList } from '../../../lambda/core/partitions/scheme';
import { dayOf, isoOf, partition } from '../../support/core-fakes';
import { parseExpression } from '../../support/aws-standin/glue-expression';
import { expressionShape, keyOf } from '../../support/glue-expression-shape';
import { EARLIEST, LATEST } from '../../support/core-arbitraries';

const DAY = schemeFromKeyList('account,region,year,month,day');
const MONTH = schemeFromKeyList('account,region,year,month');
const dayArb = fc.integer({ min: EARLIEST, max: LATEST });

/** Last day of the month holding `day`, computed with Date rather than the core's helpers. */
function lastOfMonth(day: number): number {
  const date = new Date(day * 86_400_000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0) / 86_400_000;
}

function row(p: PartitionSpec, month = false): Record<string, string> {
  return {
    account: p.account,
    region: p.region,
    year: p.year,
    month: p.month,
    ...(month ? {} : { day: p.day }),
  };
}

describe('retention cutoff', () => {
  it('keeps a day exactly N days before today and drops the day before it', () => {
    // GIVEN today 2024-06-15 and 30 days of retention
    const today = dayOf('2024-06-15');
    const cutoff = retentionCutoff(today, 30);
    // THEN 2024-05-16 (30 days back) stays, 2024-05-15 (31 days back) goes
    expect(isoOf(cutoff)).toBe('2024-05-16');
    expect(isExpired(DAY, partition('111122223333', 'us-east-1', dayOf('2024-05-16')), cutoff)).toBe(false);
    expect(isExpired(DAY, partition('111122223333', 'us-east-1', dayOf('2024-05-15')), cutoff)).toBe(true);
  });

  it('drops a month partition only once its last day is past the cutoff', () => {
    // GIVEN a cutoff inside May and one on 1 June
    const may = partition('111122223333', 'us-east-1', dayOf('2024-05-01'));
    // THEN May stays while any of its days is kept, and goes from a 1 June cutoff on
    expect(isExpired(MONTH, may, dayOf('2024-05-31'))).toBe(false);
    expect(isExpired(MONTH, may, dayOf('2024-06-01'))).toBe(true);
  });

  it.each([
    ['day', DAY, false],
    ['month', MONTH, true],
  ] as const)(
    'the Glue expression selects exactly the expired %s partitions (property)',
    (_name, scheme, month) => {
      fc.assert(
        fc.property(dayArb, dayArb, (partitionDay, cutoff) => {
          // GIVEN any partition and any cutoff
          const p = partition('111122223333', 'us-east-1', partitionDay);
          const matches = parseExpression(expiredExpression(scheme, cutoff), scheme.columns);
          // THEN the expression and the pure check agree, and both say "last day before the cutoff"
          const expected = (month ? lastOfMonth(partitionDay) : partitionDay) < cutoff;
          expect(isExpired(scheme, p, cutoff)).toBe(expected);
          expect(matches(row(p, month))).toBe(expected);
        }),
        { numRuns: 500 },
      );
    },
  );
});

describe('retention expressions and the partition index', () => {
  it.each([
    ['expired days', (cutoff: number) => expiredExpression(DAY, cutoff)],
    ['expired months', (cutoff: number) => expiredExpression(MONTH, cutoff)],
    ['the oldest-month probe', (cutoff: number) => atOrBeforeMonthExpression(cutoff)],
  ])('%s: an AND at the top whose first condition is on year (property)', (_name, build) => {
    fc.assert(
      fc.property(dayArb, (cutoff) => {
        // GIVEN any cutoff WHEN the expression's top level is split apart from the builder
        const shape = expressionShape(build(cutoff));
        // THEN Glue can use the index (year first): no OR at the top
        expect(shape.operator).toBe('AND');
        expect(keyOf(shape.operands[0])).toBe('year');
      }),
      { numRuns: 200 },
    );
  });

  it('the oldest-month probe selects exactly the months at or before its month, in the stand-in', () => {
    fc.assert(
      fc.property(dayArb, dayArb, (probe, day) => {
        const matches = parseExpression(atOrBeforeMonthExpression(probe), ['year', 'month']);
        const [p, d] = [isoOf(probe).slice(0, 7), isoOf(day).slice(0, 7)];
        expect(matches({ year: d.slice(0, 4), month: d.slice(5, 7) })).toBe(d <= p);
      }),
      { numRuns: 200 },
    );
  });
});

describe('specsFromValues', () => {
  it('keeps catalog values that pass the allow-lists and rejects the rest, never rendering them', () => {
    // GIVEN good values and values a hand-made partition could carry
    const { specs, rejected } = specsFromValues(DAY, [
      ['111122223333', 'us-east-1', '2020', '01', '02'],
      ["1111'; DROP", 'us-east-1', '2020', '01', '02'],
      ['111122223333', 'us-east-1', '2020', '1', '2'],
      ['111122223333', 'us-east-1', '2020', '01'],
    ]);
    // THEN only the first is a spec
    expect(specs).toEqual([
      { account: '111122223333', region: 'us-east-1', year: '2020', month: '01', day: '02', location: '' },
    ]);
    expect(rejected).toHaveLength(3);
  });
});

describe('estimateCatalogPartitions', () => {
  it('counts account-regions x days from the first day held through tomorrow', () => {
    // GIVEN 1,000 accounts x 17 regions holding a year, ending today 2024-12-31
    const today = dayOf('2024-12-31');
    const estimate = estimateCatalogPartitions({
      accountRegions: 17_000,
      granularity: 'day',
      today,
      firstDay: dayOf('2024-01-01'),
    });
    // THEN 366 days of 2024 plus tomorrow
    expect(estimate).toBe(17_000 * 367);
  });

  it('counts months at month granularity, next month included', () => {
    // GIVEN the same organization at month granularity since January
    const estimate = estimateCatalogPartitions({
      accountRegions: 17_000,
      granularity: 'month',
      today: dayOf('2024-12-15'),
      firstDay: dayOf('2024-01-01'),
    });
    // THEN 12 months of 2024 plus January 2025
    expect(estimate).toBe(17_000 * 13);
  });
});
