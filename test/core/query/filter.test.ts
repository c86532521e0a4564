/**
 * The partition filter is exact: evaluated over every day of a multi-year calendar (and at the
 * first, a middle and the last second of each day), each instant filed in the folder of its
 * DELIVERY (the event plus a delay up to the late-delivery margin), it selects exactly the range,
 * for the three partition schemes, across month, year and leap-day boundaries.
 */
import fc from 'fast-check';
import {
  type Comparison,
  countPredicates,
  FilterError,
  type FilterExpr,
  partitionFilter,
  renderFilter,
} from '../../../lambda/core/query/filter';
import { formatIsoDate, parseIsoDate } from '../../../lambda/core/shared/dates';
import { parseQueryWindow, QueryWindowError } from '../../../lambda/core/query/query-window';
import { schemeFromKeyList } from '../../../lambda/core/partitions/scheme';
import { trinoErrors } from '../../support/query-harness';

const SCHEMES = {
  'account,region,year,month,day': schemeFromKeyList('account,region,year,month,day'),
  'account,region,year,month': schemeFromKeyList('account,region,year,month'),
  'region,year,month,day': schemeFromKeyList('region,year,month,day'),
};
const FIRST = parseIsoDate('2019-01-01') as number;
const LAST = parseIsoDate('2025-12-31') as number;
const SECONDS = ['T00:00:00Z', 'T13:37:00Z', 'T23:58:30Z', 'T23:59:59Z'];
/** Delivery delays in seconds: at once, 1 and 10 minutes (as real keys show), most of a day. */
const DELAYS = [0, 60, 600, 20 * 3600];

/** The folder (UTC day parts) a record lands in, from its own instant plus a delivery delay. */
function deliveryParts(
  eventtime: string,
  delaySeconds: number,
): { year: string; month: string; day: string } {
  const iso = new Date(Date.parse(eventtime) + delaySeconds * 1000).toISOString();
  return { year: iso.slice(0, 4), month: iso.slice(5, 7), day: iso.slice(8, 10) };
}

/** An independent evaluator of the filter tree over one row. */
function holds(expr: FilterExpr, row: Record<string, string | undefined>): boolean {
  if ('true' in expr) return true;
  if ('and' in expr) return expr.and.every((e) => holds(e, row));
  if ('or' in expr) return expr.or.some((e) => holds(e, row));
  const c = expr as Comparison;
  const v = row[c.key];
  if (v === undefined) throw new Error(`filter names ${c.key}, which the table lacks`);
  if (c.op === 'IN') return c.values.includes(v);
  if (c.op === 'BETWEEN') return v >= c.value && v <= c.high;
  return c.op === '='
    ? v === c.value
    : c.op === '>='
      ? v >= c.value
      : c.op === '<='
        ? v <= c.value
        : v < c.value;
}

/** Instants of the calendar the filter selects, compared with the ones the range holds. */
function mismatches(
  from: string,
  to: string,
  scheme: (typeof SCHEMES)[keyof typeof SCHEMES],
  lateDays = 1,
): string[] {
  const window = parseQueryWindow(from, to);
  const { expr } = partitionFilter({ scheme, window, lateDays });
  const start = from.length === 10 ? `${from}T00:00:00Z` : from;
  const end = to.length === 10 ? `${to}T23:59:59Z` : to;
  const wrong: string[] = [];
  const delays = DELAYS.filter((d) => d <= lateDays * 86_400);
  for (let day = FIRST; day <= LAST; day++) {
    for (const second of SECONDS) {
      const eventtime = `${formatIsoDate(day)}${second}`;
      for (const delay of delays) {
        const parts = deliveryParts(eventtime, delay);
        const row = {
          ...parts,
          day: scheme.granularity === 'day' ? parts.day : undefined,
          account: '012345678901',
          region: 'us-east-1',
          eventtime,
        };
        if (holds(expr, row) !== (eventtime >= start && eventtime <= end))
          wrong.push(`${eventtime}+${delay}s`);
      }
    }
  }
  return wrong;
}

const day = fc.integer({ min: FIRST, max: LAST });
const range = fc.tuple(day, day).map(([a, b]) => (a <= b ? [a, b] : [b, a]));
const instant = (d: number, s: number): string =>
  `${formatIsoDate(d)}T${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}Z`;

describe.each(Object.entries(SCHEMES))('partition filter on %s', (_keys, scheme) => {
  test.each([
    ['inside one month', '2020-06-03', '2020-06-17'],
    ['across a month end', '2024-02-27', '2024-03-26'],
    ['across a year end', '2023-12-15', '2024-01-10'],
    ['over a leap day', '2024-02-29', '2024-02-29'],
    ['around a leap day', '2020-02-28', '2020-03-01'],
    ['whole years', '2020-01-01', '2023-12-31'],
    ['times inside a day', '2024-02-29T10:00:00Z', '2024-02-29T10:30:00Z'],
    ['a whole year', '2020-01-01', '2020-12-31'],
    ['up to the last second', '2020-06-01', '2020-06-30T23:59:59Z'],
  ])('%s is exact', (_label, from, to) => {
    // GIVEN a range WHEN its filter is evaluated over 2019-2025, records in their delivery folders
    // THEN it selects exactly the range, whatever the delay within the margin
    expect(mismatches(from, to, scheme)).toEqual([]);
    expect(mismatches(from, to, scheme, 0)).toEqual([]);
    expect(mismatches(from, to, scheme, 2)).toEqual([]);
  });

  test('without the margin, a record delivered after midnight would be lost (the margin matters)', () => {
    // GIVEN a range ending on 30 June and a record of 23:58:30 delivered 10 minutes later
    const { expr } = partitionFilter({
      scheme,
      window: parseQueryWindow('2020-06-01', '2020-06-30'),
      lateDays: 0,
    });
    const late = {
      ...deliveryParts('2020-06-30T23:58:30Z', 600),
      account: '012345678901',
      region: 'us-east-1',
    };
    const row = {
      ...late,
      day: scheme.granularity === 'day' ? late.day : undefined,
      eventtime: '2020-06-30T23:58:30Z',
    };
    // THEN --late-days 0 misses it on a day table (a month table reads July anyway only at month end)
    if (scheme.granularity === 'day') expect(holds(expr, row)).toBe(false);
    // AND the default margin finds it
    const withMargin = partitionFilter({ scheme, window: parseQueryWindow('2020-06-01', '2020-06-30') });
    expect(holds(withMargin.expr, row)).toBe(true);
  });

  test('random day ranges are exact (property)', () => {
    fc.assert(
      fc.property(range, ([a, b]) => {
        // GIVEN any range of days WHEN filtered THEN no instant is selected wrongly
        expect(mismatches(formatIsoDate(a), formatIsoDate(b), scheme)).toEqual([]);
      }),
      { numRuns: 15 },
    );
  });

  test('random instant ranges are exact (property)', () => {
    fc.assert(
      fc.property(
        range,
        fc.integer({ min: 0, max: 86_399 }),
        fc.integer({ min: 0, max: 86_399 }),
        ([a, b], s, t) => {
          fc.pre(a < b || s <= t);
          expect(mismatches(instant(a, s), instant(b, t), scheme)).toEqual([]);
        },
      ),
      { numRuns: 15 },
    );
  });

  test('every filter is a Trino expression (property)', () => {
    fc.assert(
      fc.property(range, ([a, b]) => {
        const { sql } = partitionFilter({ scheme, window: { from: a, to: b } });
        expect(trinoErrors(`SELECT 1 FROM t WHERE ${sql}`)).toEqual([]);
      }),
      { numRuns: 30 },
    );
  });
});

describe('fewest predicates', () => {
  const day5 = SCHEMES['account,region,year,month,day'];
  const keysOnly = (from: string, to: string, lateDays: number): { sql: string; predicates: number } => {
    const { partitions } = partitionFilter({ scheme: day5, window: parseQueryWindow(from, to), lateDays });
    return { sql: renderFilter(partitions), predicates: countPredicates(partitions) };
  };

  test.each([
    ['2020-06-01', '2020-06-30', "year = '2020' AND month = '06'", 2],
    ['2024-01-01', '2024-12-31', "year = '2024'", 1],
    ['2020-01-01', '2023-12-31', "year BETWEEN '2020' AND '2023'", 1],
    ['2020-06-03', '2020-06-17', "year = '2020' AND month = '06' AND day BETWEEN '03' AND '17'", 3],
    [
      '2024-02-27',
      '2024-03-26',
      "year = '2024' AND ((month = '02' AND day >= '27') OR (month = '03' AND day <= '26'))",
      5,
    ],
    ['2024-02-01', '2024-04-30', "year = '2024' AND month BETWEEN '02' AND '04'", 2],
  ])('%s..%s with --late-days 0 reads %s', (from, to, sql, predicates) => {
    // GIVEN an aligned or partial range WHEN filtered THEN whole months and years drop the finer keys
    expect(keysOnly(from, to, 0)).toEqual({ sql, predicates });
  });

  test.each([
    [
      '2020-06-01',
      '2020-06-30',
      "year = '2020' AND (month = '06' OR (month = '07' AND day = '01')) AND eventtime >= '2020-06-01' AND eventtime < '2020-07-01'",
    ],
    [
      '2020-06-03',
      '2020-06-17',
      "year = '2020' AND month = '06' AND day BETWEEN '03' AND '18' AND eventtime >= '2020-06-03' AND eventtime < '2020-06-18'",
    ],
    [
      '2019-12-31',
      '2019-12-31',
      "((year = '2019' AND month = '12' AND day >= '31') OR (year = '2020' AND month = '01' AND day = '01')) AND eventtime >= '2019-12-31' AND eventtime < '2020-01-01'",
    ],
  ])('%s..%s with the default margin is %s', (from, to, sql) => {
    // GIVEN a range WHEN filtered with the default margin THEN one more day is read and eventtime bounds it
    expect(partitionFilter({ scheme: day5, window: parseQueryWindow(from, to) }).sql).toBe(sql);
  });

  test('a range of days never needs more than 9 date comparisons, plus 2 on eventtime (property)', () => {
    // Partial first month, rest of its year, whole years, start of the last year, partial last month.
    fc.assert(
      fc.property(range, fc.integer({ min: 0, max: 7 }), ([a, b], lateDays) => {
        const f = partitionFilter({ scheme: day5, window: { from: a, to: b }, lateDays });
        expect(countPredicates(f.partitions)).toBeLessThanOrEqual(9);
        expect(f.predicates).toBe(countPredicates(f.partitions) + 2);
      }),
    );
  });

  test.each([-1, 8, 1.5])('a margin of %p days is refused', (lateDays) => {
    expect(() => partitionFilter({ scheme: day5, window: { from: 1, to: 2 }, lateDays })).toThrow(
      /invalid late days .*: expected a whole number from 0 to 7/,
    );
  });
});

describe('selection and validation', () => {
  const scheme = SCHEMES['account,region,year,month,day'];
  const window = parseQueryWindow('2020-06-01', '2020-06-30');

  test('accounts and regions become sorted, de-duplicated IN lists', () => {
    const { sql } = partitionFilter({
      scheme,
      window,
      accounts: ['210987654321', '012345678901', '012345678901'],
      regions: ['us-east-1'],
    });
    expect(sql).toBe(
      "account IN ('012345678901', '210987654321') AND region = 'us-east-1' AND year = '2020' AND (month = '06' OR (month = '07' AND day = '01')) AND eventtime >= '2020-06-01' AND eventtime < '2020-07-01'",
    );
  });

  test.each([
    [{ accounts: ["0123456789'1"] }, /invalid account "0123456789'1": expected 12 digits/],
    [{ regions: ['us-east-1; DROP'] }, /invalid region/],
    [{ regions: [] }, /invalid regions: expected at least one value/],
  ])('a bad selection %j is refused', (selection, message) => {
    expect(() => partitionFilter({ scheme, window, ...selection })).toThrow(message);
    expect(() => partitionFilter({ scheme, window, ...selection })).toThrow(FilterError);
  });

  test('the single-account table refuses --accounts, having no account key', () => {
    expect(() =>
      partitionFilter({ scheme: SCHEMES['region,year,month,day'], window, accounts: ['012345678901'] }),
    ).toThrow(/no account key/);
  });

  test.each([
    ['2023-02-29', '2023-03-01', /invalid --from "2023-02-29"/],
    ['2024-03-01', '2024-02-01', /is after/],
    ['2024-03-01T10:00:00Z', '2024-03-01T09:59:59Z', /is after/],
    ['2024-03-01T24:00:00Z', '2024-03-02', /invalid --from/],
    ['2024-03-01T10:00:00+01:00', '2024-03-02', /expected a calendar date YYYY-MM-DD or a UTC time/],
  ])('window %s..%s is refused', (from, to, message) => {
    expect(() => parseQueryWindow(from, to)).toThrow(QueryWindowError);
    expect(() => parseQueryWindow(from, to)).toThrow(message);
  });

  test('midnight-to-last-second instants are whole days, still bounded on eventtime', () => {
    const w = parseQueryWindow('2024-03-01T00:00:00Z', '2024-03-31T23:59:59Z');
    expect(partitionFilter({ scheme, window: w, lateDays: 0 }).sql).toBe(
      "year = '2024' AND month = '03' AND eventtime >= '2024-03-01' AND eventtime < '2024-04-01'",
    );
  });
});
