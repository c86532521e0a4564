import fc from 'fast-check';
import { dayParts } from '../../../lambda/core/shared/dates';
import {
  catalogExpression,
  ExpressionError,
  MAX_EXPRESSION_CHARS,
} from '../../../lambda/core/catalog/catalog-expression';
import { schemeFromColumns } from '../../../lambda/core/partitions/scheme';
import { parseExpression } from '../../support/aws-standin/glue-expression';
import { accountArb, dayArb } from '../../support/core-arbitraries';
import { dayOf, ORG_COLUMNS } from '../../support/core-fakes';
import { expressionShape, keyOf } from '../../support/glue-expression-shape';

const DAY = schemeFromColumns(ORG_COLUMNS);
const MONTH = schemeFromColumns(
  ['account', 'region', 'year', 'month'].map((name) => ({ name, type: 'string' })),
);
const KEYS = ['account', 'region', 'year', 'month', 'day'];

const row = (day: number, account = '111111111111', region = 'us-east-1') => ({
  account,
  region,
  ...dayParts(day),
});

describe('catalogExpression', () => {
  it('selects exactly the days of any window, as Glue compares string keys', () => {
    // GIVEN any window of up to three years, and any day near it
    fc.assert(
      fc.property(
        dayArb,
        fc.integer({ min: 0, max: 1100 }),
        fc.integer({ min: -400, max: 1500 }),
        (from, length, offset) => {
          const window = { from, to: from + length };
          // WHEN the expression is evaluated the way the stand-in (and Glue) does
          const expression = catalogExpression(DAY, window);
          const matches = parseExpression(expression, KEYS);
          const day = from + offset;
          // THEN it holds the day exactly when the window does, and fits GetPartitions' limit
          expect(matches(row(day))).toBe(day >= window.from && day <= window.to);
          expect(expression.length).toBeLessThanOrEqual(MAX_EXPRESSION_CHARS);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('selects whole months for month tables', () => {
    fc.assert(
      fc.property(
        dayArb,
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: -60, max: 460 }),
        (from, length, offset) => {
          const window = { from, to: from + length };
          const matches = parseExpression(catalogExpression(MONTH, window), [
            'account',
            'region',
            'year',
            'month',
          ]);
          const day = from + offset;
          const parts = dayParts(day);
          const first = dayParts(window.from);
          const last = dayParts(window.to);
          const ym = `${parts.year}${parts.month}`;
          expect(matches({ account: 'a', region: 'r', year: parts.year, month: parts.month })).toBe(
            ym >= `${first.year}${first.month}` && ym <= `${last.year}${last.month}`,
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays short for a twenty-year window', () => {
    // GIVEN 2014-03-15 .. 2034-06-20 THEN a handful of ranges, not 7,000 days
    const expression = catalogExpression(DAY, { from: dayOf('2014-03-15'), to: dayOf('2034-06-20') });
    expect(expression).toBe(
      "year BETWEEN '2014' AND '2034' AND ((year = '2014' AND month = '03' AND day BETWEEN '15' AND '31') OR (year = '2014' AND month BETWEEN '04' AND '12') OR year BETWEEN '2015' AND '2033' OR (year = '2034' AND month BETWEEN '01' AND '05') OR (year = '2034' AND month = '06' AND day BETWEEN '01' AND '20'))",
    );
  });

  it('narrows to the given accounts and regions, and every account list it adds is exact', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(accountArb, { minLength: 1, maxLength: 5 }),
        accountArb,
        (accounts, other) => {
          const window = { from: dayOf('2024-03-03'), to: dayOf('2024-03-09') };
          const expression = catalogExpression(DAY, window, { accounts, regions: ['eu-west-1'] });
          const matches = parseExpression(expression, KEYS);
          expect(matches(row(window.from, accounts[0], 'eu-west-1'))).toBe(true);
          expect(matches(row(window.from, accounts[0], 'us-east-1'))).toBe(false);
          expect(matches(row(window.from, other, 'eu-west-1'))).toBe(accounts.includes(other));
        },
      ),
    );
  });

  it('drops an account list too long for the limit rather than exceed it (callers filter again)', () => {
    // GIVEN 500 accounts
    const accounts = Array.from({ length: 500 }, (_, i) => String(100_000_000_000 + i));
    // WHEN THEN the expression keeps the window, within 2,048 characters
    const expression = catalogExpression(
      DAY,
      { from: dayOf('2024-03-03'), to: dayOf('2024-03-09') },
      { accounts },
    );
    expect(expression).toBe("(year = '2024' AND month = '03' AND day BETWEEN '03' AND '09')");
  });

  it('refuses a value outside the allow-list instead of quoting it into the expression', () => {
    // GIVEN an account carrying a quote THEN no expression is built
    const window = { from: dayOf('2024-03-03'), to: dayOf('2024-03-09') };
    expect(() => catalogExpression(DAY, window, { accounts: ["1' OR '1'='1"] })).toThrow(ExpressionError);
    expect(() => catalogExpression(DAY, window, { regions: ['us-east-1) OR (1'] })).toThrow(/invalid region/);
    expect(() => catalogExpression(DAY, { from: 2, to: 1 })).toThrow(/empty window/);
  });

  it('leaves the account out for a single-account table', () => {
    const single = schemeFromColumns(
      ['region', 'year', 'month', 'day'].map((name) => ({ name, type: 'string' })),
    );
    const expression = catalogExpression(
      single,
      { from: dayOf('2024-03-09'), to: dayOf('2024-03-09') },
      {
        accounts: ['111111111111'],
      },
    );
    expect(expression).toBe("(year = '2024' AND month = '03' AND day = '09')");
  });

  it('leads with an AND on year, the partition index first key, for any window and selection', () => {
    // GIVEN any window (same month, month-crossing, years) and optional account/region lists
    fc.assert(
      fc.property(
        dayArb,
        fc.integer({ min: 0, max: 1100 }),
        fc.boolean(),
        fc.boolean(),
        (from, length, withAccounts, month) => {
          const expression = catalogExpression(
            month ? MONTH : DAY,
            { from, to: from + length },
            {
              ...(withAccounts ? { accounts: ['111122223333'], regions: ['eu-west-1'] } : {}),
            },
          );
          // WHEN its top level is split apart from the builder's own code
          const shape = expressionShape(expression);
          // THEN Glue can use the index: no OR at the top, and the first condition is on year
          expect(shape.operator).not.toBe('OR');
          expect(keyOf(shape.operands[0])).toBe('year');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('bounds a month-crossing audit window by its year before the OR of its months', () => {
    // GIVEN the audit's week across a month end
    const expression = catalogExpression(DAY, { from: dayOf('2024-01-29'), to: dayOf('2024-02-04') });
    // THEN the year bound is ANDed with the two months' days
    expect(expression).toBe(
      "year = '2024' AND ((year = '2024' AND month = '01' AND day BETWEEN '29' AND '31') OR (year = '2024' AND month = '02' AND day BETWEEN '01' AND '04'))",
    );
  });
});
