import fc from 'fast-check';
import {
  DEFAULT_KEYS,
  SchemeError,
  schemeFromColumns,
  schemeFromKeyList,
} from '../../../lambda/core/partitions/scheme';

const columns = (names: readonly string[], type = 'string') => names.map((name) => ({ name, type }));

describe('schemeFromColumns', () => {
  test('accepts the organization key set in any order, keeping table order (property)', () => {
    // GIVEN the five organization keys in any order
    fc.assert(
      fc.property(fc.shuffledSubarray([...DEFAULT_KEYS], { minLength: 5, maxLength: 5 }), (order) => {
        // WHEN the scheme is derived
        const scheme = schemeFromColumns(columns(order));
        // THEN the columns keep table order and the table holds many accounts
        expect(scheme).toEqual({ columns: order, singleAccount: false, granularity: 'day' });
      }),
      { numRuns: 120 },
    );
  });

  test('accepts the single-account key set in any order (property)', () => {
    // GIVEN region, year, month, day in any order
    fc.assert(
      fc.property(
        fc.shuffledSubarray(['region', 'year', 'month', 'day'], { minLength: 4, maxLength: 4 }),
        (order) => {
          // WHEN the scheme is derived
          const scheme = schemeFromColumns(columns(order));
          // THEN it is a single-account scheme in table order
          expect(scheme).toEqual({ columns: order, singleAccount: true, granularity: 'day' });
        },
      ),
      { numRuns: 50 },
    );
  });

  test('accepts the month key set in any order, as month granularity (property)', () => {
    // GIVEN account, region, year, month in any order
    fc.assert(
      fc.property(
        fc.shuffledSubarray(['account', 'region', 'year', 'month'], { minLength: 4, maxLength: 4 }),
        (order) => {
          // WHEN the scheme is derived
          const scheme = schemeFromColumns(columns(order));
          // THEN it is a many-account scheme whose partitions are months
          expect(scheme).toEqual({ columns: order, singleAccount: false, granularity: 'month' });
        },
      ),
      { numRuns: 50 },
    );
  });

  test('names and types are case-insensitive', () => {
    // GIVEN upper-case column names and an upper-case STRING type, as some tools write them
    // WHEN the scheme is derived
    const scheme = schemeFromColumns(columns(['Account', 'REGION', 'Year', 'month', 'day'], 'STRING'));
    // THEN the columns are bound by their lower-case names
    expect(scheme.columns).toEqual(['account', 'region', 'year', 'month', 'day']);
  });

  test.each([
    [[], 'none'],
    [['region', 'year', 'month'], 'region, year, month'],
    [['account', 'region', 'year', 'month', 'day', 'hour'], 'hour'],
    [['account', 'region', 'region', 'year', 'month', 'day'], 'region, region'],
    [['dt'], 'dt'],
    [['account', 'region', 'date'], 'date'],
  ])('rejects keys %j with a message naming them', (names, named) => {
    // GIVEN partition keys that are neither supported set
    // WHEN the scheme is derived
    // THEN a SchemeError names the keys found and both sets supported
    expect(() => schemeFromColumns(columns(names), 'db.t')).toThrow(SchemeError);
    expect(() => schemeFromColumns(columns(names), 'db.t')).toThrow(
      new RegExp(
        `unsupported partition keys \\(.*${named}.*\\) on db\\.t: expected account, region, year, month, day; account, region, year, month; or region, year, month, day`,
      ),
    );
  });

  test.each(['int', 'bigint', 'date', 'varchar(4)', 'char(2)'])('rejects a %s partition key', (type) => {
    // GIVEN the right keys, but month typed as a non-string
    const cols = columns(['account', 'region', 'year', 'month', 'day']).map((c) =>
      c.name === 'month' ? { ...c, type } : c,
    );
    // WHEN the scheme is derived
    // THEN it is refused, naming the key and its type: an int month would not match the 0-padded folder
    expect(() => schemeFromColumns(cols, 'db.t')).toThrow(SchemeError);
    expect(() => schemeFromColumns(cols, 'db.t')).toThrow(
      `partition key month on db.t has type ${type}: expected string`,
    );
  });
});

describe('schemeFromKeyList', () => {
  test('parses a comma list with spaces', () => {
    // GIVEN the CLI's --partition-keys value with spaces and an empty item
    // WHEN parsed
    // THEN the scheme has the keys in the order given
    expect(schemeFromKeyList(' region , year,month,day, ')).toEqual({
      columns: ['region', 'year', 'month', 'day'],
      singleAccount: true,
      granularity: 'day',
    });
  });

  test('an unknown key names --partition-keys', () => {
    // GIVEN a list with an unsupported key
    // WHEN parsed
    // THEN the error points at the flag
    expect(() => schemeFromKeyList('account,region,dt')).toThrow(/on --partition-keys/);
  });
});
