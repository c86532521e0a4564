import fc from 'fast-check';
import {
  dayParts,
  defaultWindow,
  formatIsoDate,
  formatWindow,
  parseIsoDate,
  utcDay,
  windowLength,
} from '../../../lambda/core/shared/dates';
import { dayOf } from '../../support/core-fakes';

describe('parseIsoDate', () => {
  test.each([
    '2024-02-29',
    '2000-02-29',
    '2013-11-01',
    '1970-01-01',
    '2024-12-31',
    '9999-12-31',
    '2023-01-31',
  ])('accepts the real date %s', (text) => {
    // GIVEN a real calendar date
    // WHEN it is parsed
    const day = parseIsoDate(text);
    // THEN it is the epoch day Date.parse gives for UTC midnight
    expect(day).toBe(dayOf(text));
  });

  test.each([
    ['2023-02-29', 'not a leap year'],
    ['1900-02-29', 'century, not a leap year'],
    ['2024-02-30', 'February never has 30 days'],
    ['2024-04-31', 'April has 30 days'],
    ['2024-13-01', 'month 13'],
    ['2024-00-10', 'month 0'],
    ['2024-01-00', 'day 0'],
    ['2024-01-32', 'day 32'],
    ['2024-1-1', 'unpadded'],
    ['2024-01-1', 'unpadded day'],
    [' 2024-01-01', 'leading space'],
    ['2024-01-01 ', 'trailing space'],
    ['2024-01-01\n', 'trailing newline'],
    ['2024-01-01T00:00', 'a date-time'],
    ['2024-01-01Z', 'a zone suffix'],
    ['20240101', 'no dashes'],
    ['2024/01/01', 'slashes'],
    ['+2024-01-01', 'a sign'],
    ['２０２４-01-01', 'full-width digits'],
    ['', 'empty'],
  ])('rejects %j (%s)', (text) => {
    // GIVEN text that is not a real YYYY-MM-DD date
    // WHEN it is parsed
    // THEN the answer is undefined, never a rolled-over day
    expect(parseIsoDate(text)).toBeUndefined();
  });

  test('round trip: formatting a parsed date gives the same text back (property)', () => {
    // GIVEN any text of the YYYY-MM-DD shape, real or impossible
    const shaped = fc
      .tuple(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
      )
      .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    fc.assert(
      fc.property(shaped, (text) => {
        // WHEN it is parsed
        const day = parseIsoDate(text);
        // THEN either it is rejected, or formatting the day gives the same text back
        if (day !== undefined) expect(formatIsoDate(day)).toBe(text);
        // AND it is accepted exactly when the calendar has that day
        const [y, m, d] = text.split('-').map(Number);
        const real = m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
        expect(day !== undefined).toBe(real);
      }),
      { numRuns: 300 },
    );
  });

  test('round trip: parsing a formatted day gives the same day back (property)', () => {
    // GIVEN any day from 1970 to 9999
    fc.assert(
      fc.property(fc.integer({ min: 0, max: dayOf('9999-12-31') }), (day) => {
        // WHEN it is formatted and parsed again
        // THEN the day is unchanged
        expect(parseIsoDate(formatIsoDate(day))).toBe(day);
      }),
      { numRuns: 300 },
    );
  });
});

describe('dayParts', () => {
  test.each([
    ['2024-01-05', { year: '2024', month: '01', day: '05' }],
    ['2024-10-10', { year: '2024', month: '10', day: '10' }],
    ['2013-11-01', { year: '2013', month: '11', day: '01' }],
    ['2024-02-29', { year: '2024', month: '02', day: '29' }],
  ])('zero-pads %s', (iso, parts) => {
    // GIVEN a day
    // WHEN it is split into parts
    // THEN month and day have two digits and the year four
    expect(dayParts(dayOf(iso))).toEqual(parts);
  });

  test('months and days always have two digits (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: dayOf('9999-12-31') }), (day) => {
        // GIVEN any day WHEN it is split THEN every part has its fixed width
        const parts = dayParts(day);
        expect(parts.year).toMatch(/^\d{4}$/);
        expect(parts.month).toMatch(/^(0[1-9]|1[0-2])$/);
        expect(parts.day).toMatch(/^(0[1-9]|[12]\d|3[01])$/);
      }),
      { numRuns: 200 },
    );
  });
});

describe('utcDay and windows', () => {
  test('utcDay is the UTC calendar day, whatever the time of day', () => {
    // GIVEN instants at the very start and end of a UTC day
    // WHEN their day is taken
    // THEN both are the same day, and the next millisecond is the next day
    expect(utcDay(new Date('2024-06-15T00:00:00.000Z'))).toBe(dayOf('2024-06-15'));
    expect(utcDay(new Date('2024-06-15T23:59:59.999Z'))).toBe(dayOf('2024-06-15'));
    expect(utcDay(new Date('2024-06-16T00:00:00.000Z'))).toBe(dayOf('2024-06-16'));
  });

  test.each([
    [0, '2024-06-15', '2024-06-16'],
    [1, '2024-06-14', '2024-06-16'],
    [3, '2024-06-12', '2024-06-16'],
  ])('defaultWindow with lookback %i runs from %s through tomorrow %s', (lookback, from, to) => {
    // GIVEN now is 2024-06-15 late in the day
    const now = new Date('2024-06-15T23:30:00Z');
    // WHEN the scheduled window is computed
    const window = defaultWindow(now, lookback);
    // THEN it starts lookback days before today and ends tomorrow
    expect(formatWindow(window)).toEqual({ from, to });
    expect(windowLength(window)).toBe(lookback + 2);
  });

  test('defaultWindow crosses month and year boundaries', () => {
    // GIVEN now is New Year's Eve
    // WHEN the scheduled window with a 2-day lookback is computed
    const window = defaultWindow(new Date('2023-12-31T01:00:00Z'), 2);
    // THEN it ends on the first day of the new year
    expect(formatWindow(window)).toEqual({ from: '2023-12-29', to: '2024-01-01' });
  });

  test('windowLength counts inclusively and is 0 when reversed', () => {
    // GIVEN windows of one day, several days, and a reversed one
    // WHEN their length is taken
    // THEN it counts both ends, and never goes negative
    expect(windowLength({ from: 10, to: 10 })).toBe(1);
    expect(windowLength({ from: 10, to: 14 })).toBe(5);
    expect(windowLength({ from: 10, to: 9 })).toBe(0);
    expect(windowLength({ from: 10, to: 2 })).toBe(0);
  });
});
