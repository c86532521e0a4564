import { validationErrorOf } from '../../support/core-fakes';
import fc from 'fast-check';
import { formatWindow } from '../../../lambda/core/shared/dates';
import {
  checkWindow,
  EARLIEST_DAY,
  isSplitPayload,
  parseRunPayload,
  parseSplitPayload,
} from '../../../lambda/core/run/request';
import { parseSettings } from '../../../lambda/core/run/settings';
import { ValidationError } from '../../../lambda/core/shared/validation';
import { dayOf, NOW } from '../../support/core-fakes';

const SETTINGS = parseSettings({ bucket: 'trail-bucket', lookbackDays: 2, maxRangeDays: 400 });
/** NOW is 2024-06-15T12:00Z, so tomorrow is 2024-06-16. */
const TOMORROW = '2024-06-16';

const SCHEDULED_EVENT = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2024-06-15T12:00:00Z',
  region: 'us-east-1',
  resources: ['arn:aws:events:us-east-1:123456789012:rule/partitioner'],
  detail: {},
};

describe('parseRunPayload', () => {
  test.each([
    ['an empty object', {}],
    ['undefined', undefined],
    ['null', null],
    ['an EventBridge scheduled event', SCHEDULED_EVENT],
  ])('%s means the scheduled default window', (_name, payload) => {
    // GIVEN a schedule trigger
    // WHEN it is parsed
    const request = parseRunPayload(payload, NOW, SETTINGS);
    // THEN it is the scheduled run: lookback days before today through tomorrow, discovering everything
    expect(request).toEqual({
      kind: 'scheduled',
      window: { from: dayOf('2024-06-13'), to: dayOf(TOMORROW) },
      dryRun: false,
      includeEmptyDays: false,
    });
  });

  test('a valid backfill with every option', () => {
    // GIVEN a backfill payload naming accounts, regions, dryRun and includeEmptyDays
    const payload = {
      from: '2024-01-01',
      to: '2024-01-31',
      accounts: ['111122223333', '444455556666'],
      regions: ['us-east-1', 'eu-west-1'],
      dryRun: true,
      includeEmptyDays: true,
    };
    // WHEN it is parsed
    const request = parseRunPayload(payload, NOW, SETTINGS);
    // THEN every field is carried over
    expect(request).toEqual({
      kind: 'backfill',
      window: { from: dayOf('2024-01-01'), to: dayOf('2024-01-31') },
      accounts: payload.accounts,
      regions: payload.regions,
      dryRun: true,
      includeEmptyDays: true,
    });
  });

  test('the window may end tomorrow and start on the day CloudTrail launched, within maxRangeDays', () => {
    // GIVEN the widest allowed windows
    const settings = parseSettings({ bucket: 'trail-bucket' });
    // WHEN parsed
    const request = parseRunPayload({ from: '2013-11-01', to: TOMORROW }, NOW, settings);
    // THEN accepted as given, defaults false
    expect(formatWindow(request.window)).toEqual({ from: '2013-11-01', to: TOMORROW });
    expect(request).toMatchObject({ kind: 'backfill', dryRun: false, includeEmptyDays: false });
    // AND a window of exactly maxRangeDays (400) is accepted, one day more is not
    expect(() => parseRunPayload({ from: '2023-05-14', to: TOMORROW }, NOW, SETTINGS)).not.toThrow();
    expect(() => parseRunPayload({ from: '2023-05-13', to: TOMORROW }, NOW, SETTINGS)).toThrow(
      'is 401 days; at most 400',
    );
  });

  test.each<[string, unknown, string[]]>([
    [
      'impossible from date',
      { from: '2023-02-29', to: '2024-01-01' },
      ['from: expected a real calendar date', '2023-02-29'],
    ],
    [
      'impossible to date',
      { from: '2024-01-01', to: '2024-04-31' },
      ['to: expected a real calendar date', '2024-04-31'],
    ],
    ['unpadded date', { from: '2024-1-1', to: '2024-01-02' }, ['from:', '2024-1-1']],
    ['date-time', { from: '2024-01-01T00:00:00Z', to: '2024-01-02' }, ['from:', '2024-01-01T00:00:00Z']],
    ['from after to', { from: '2024-03-02', to: '2024-03-01' }, ['from 2024-03-02 is after to 2024-03-01']],
    [
      'to after tomorrow',
      { from: '2024-06-01', to: '2024-06-17' },
      ['to 2024-06-17 is after tomorrow (2024-06-16 utc)'],
    ],
    [
      'from before CloudTrail',
      { from: '2013-10-31', to: '2014-01-01' },
      ['from 2013-10-31 is before cloudtrail existed (2013-11-01)'],
    ],
    [
      'longer than maxRangeDays',
      { from: '2023-01-01', to: '2024-06-01' },
      ['2023-01-01 to 2024-06-01 is 518 days; at most 400'],
    ],
    [
      'a number for a date',
      { from: 20240101, to: '2024-01-02' },
      ['from: expected a date YYYY-MM-DD', '20240101'],
    ],
    ['missing to', { from: '2024-01-01' }, ['to: expected a date YYYY-MM-DD']],
    [
      'a string for dryRun',
      { from: '2024-01-01', to: '2024-01-02', dryRun: 'yes' },
      ['dryRun: expected true or false', '"yes"'],
    ],
    [
      'a string for includeEmptyDays',
      { from: '2024-01-01', to: '2024-01-02', includeEmptyDays: 'true' },
      ['includeEmptyDays: expected true or false'],
    ],
    [
      'accounts as a string',
      { from: '2024-01-01', to: '2024-01-02', accounts: '111122223333' },
      ['accounts:', '111122223333'],
    ],
    ['an unknown key', { from: '2024-01-01', to: '2024-01-02', form: '2024-01-01' }, ['unknown key "form"']],
    [
      '11-digit account',
      { from: '2024-01-01', to: '2024-01-02', accounts: ['12345678901'] },
      ['accounts.0: expected a 12-digit account id', '12345678901'],
    ],
    [
      '13-digit account',
      { from: '2024-01-01', to: '2024-01-02', accounts: ['1234567890123'] },
      ['accounts.0:', '1234567890123'],
    ],
    [
      'account as a number',
      { from: '2024-01-01', to: '2024-01-02', accounts: [123456789012] },
      ['accounts.0:', '123456789012'],
    ],
    [
      'duplicate accounts',
      { from: '2024-01-01', to: '2024-01-02', accounts: ['111122223333', '111122223333'] },
      ['accounts: expected each account once'],
    ],
    [
      'empty accounts',
      { from: '2024-01-01', to: '2024-01-02', accounts: [] },
      ['accounts: expected at least one account'],
    ],
    [
      'fake region',
      { from: '2024-01-01', to: '2024-01-02', regions: ['us-east-1', 'useast1'] },
      ['regions.1: expected a region name such as us-east-1', 'useast1'],
    ],
    [
      'upper-case region',
      { from: '2024-01-01', to: '2024-01-02', regions: ['US-EAST-1'] },
      ['regions.0:', 'US-EAST-1'],
    ],
    [
      'hostile region',
      { from: '2024-01-01', to: '2024-01-02', regions: ["us-east-1'; --"] },
      ['regions.0:', "us-east-1'; --"],
    ],
    [
      'duplicate regions',
      { from: '2024-01-01', to: '2024-01-02', regions: ['us-east-1', 'us-east-1'] },
      ['regions: expected each region once'],
    ],
    ['an array', [], ['expected object']],
    ['a string', 'backfill please', ['expected object']],
  ])('rejects %s, naming the bad value', (_name, payload, fragments) => {
    // GIVEN an invalid payload
    // WHEN it is parsed
    const message = validationErrorOf(() => parseRunPayload(payload, NOW, SETTINGS));
    // THEN a ValidationError names the field and the value
    for (const fragment of fragments) expect(message).toContain(fragment);
  });

  test('a __proto__ key from JSON.parse is an unknown key, and pollutes nothing', () => {
    // GIVEN a payload whose JSON carries __proto__ (an own property after JSON.parse)
    const payload = JSON.parse(
      '{"from":"2024-01-01","to":"2024-01-02","__proto__":{"dryRun":true,"polluted":1}}',
    );
    // WHEN it is parsed
    const message = validationErrorOf(() => parseRunPayload(payload, NOW, SETTINGS));
    // THEN it is refused as an unknown key, and Object.prototype is untouched
    expect(message).toContain('unknown key "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).dryRun).toBeUndefined();
  });

  test('a payload of only __proto__ is not mistaken for an empty (scheduled) payload', () => {
    // GIVEN {"__proto__": {...}} from JSON
    const payload = JSON.parse('{"__proto__":{"from":"2024-01-01","to":"2024-01-02"}}');
    // WHEN parsed
    // THEN it is refused rather than run as the scheduled window
    expect(validationErrorOf(() => parseRunPayload(payload, NOW, SETTINGS))).toContain(
      'unknown key "__proto__"',
    );
  });

  test('several problems are all listed', () => {
    // GIVEN a payload with three bad fields
    const message = validationErrorOf(() =>
      parseRunPayload({ from: '2024-13-01', to: 'tomorrow', accounts: ['x'], extra: 1 }, NOW, SETTINGS),
    );
    // WHEN parsed THEN each is named
    expect(message).toMatch(/from: .*to: .*accounts\.0: .*unknown key "extra"/);
  });

  test('any real window inside the limits is accepted; any outside is refused (property)', () => {
    // GIVEN random from/to dates between 2013 and 2025
    const iso = fc.integer({ min: dayOf('2013-10-01'), max: dayOf('2024-07-31') });
    fc.assert(
      fc.property(iso, iso, (from, to) => {
        const payload = {
          from: new Date(from * 86_400_000).toISOString().slice(0, 10),
          to: new Date(to * 86_400_000).toISOString().slice(0, 10),
        };
        const valid = from <= to && to <= dayOf(TOMORROW) && from >= EARLIEST_DAY && to - from + 1 <= 400;
        // WHEN parsed
        // THEN it is accepted exactly when it is ordered, not in the future, not before CloudTrail, and short enough
        if (valid) expect(parseRunPayload(payload, NOW, SETTINGS).window).toEqual({ from, to });
        else expect(() => parseRunPayload(payload, NOW, SETTINGS)).toThrow(ValidationError);
      }),
      { numRuns: 300 },
    );
  });
});

describe('checkWindow', () => {
  test('EARLIEST_DAY is 2013-11-01', () => {
    // GIVEN the constant WHEN compared THEN it is CloudTrail's launch month
    expect(EARLIEST_DAY).toBe(dayOf('2013-11-01'));
  });

  test('tomorrow is computed in UTC', () => {
    // GIVEN a time late on June 15 UTC (already June 16 in Asia)
    const late = new Date('2024-06-15T23:59:59Z');
    // WHEN the window ending June 16 / June 17 is checked
    // THEN June 16 is fine and June 17 is after tomorrow
    expect(() =>
      checkWindow({ from: dayOf('2024-06-01'), to: dayOf('2024-06-16') }, late, { maxRangeDays: 100 }),
    ).not.toThrow();
    expect(() =>
      checkWindow({ from: dayOf('2024-06-01'), to: dayOf('2024-06-17') }, late, { maxRangeDays: 100 }),
    ).toThrow('after tomorrow');
  });
});

describe('split payloads', () => {
  test('isSplitPayload recognizes action: split only', () => {
    // GIVEN various payloads WHEN checked THEN only action 'split' counts
    expect(isSplitPayload({ action: 'split', daysBack: 1 })).toBe(true);
    expect(isSplitPayload({ action: 'backfill' })).toBe(false);
    expect(isSplitPayload(null)).toBe(false);
    expect(isSplitPayload('split')).toBe(false);
    expect(isSplitPayload({})).toBe(false);
  });

  test('from: the window runs from it through tomorrow unless to is given', () => {
    // GIVEN split payloads with from, and with from and to
    // WHEN parsed
    // THEN to defaults to tomorrow
    expect(
      formatWindow(parseSplitPayload({ action: 'split', from: '2024-01-01' }, NOW, SETTINGS).window),
    ).toEqual({
      from: '2024-01-01',
      to: TOMORROW,
    });
    expect(
      parseSplitPayload(
        { action: 'split', from: '2024-01-01', to: '2024-02-01', chunkDays: 7 },
        NOW,
        SETTINGS,
      ),
    ).toEqual({
      window: { from: dayOf('2024-01-01'), to: dayOf('2024-02-01') },
      chunkDays: 7,
      includeEmptyDays: false,
      accounts: undefined,
      regions: undefined,
    });
  });

  test('daysBack counts back from today', () => {
    // GIVEN daysBack 30
    // WHEN parsed
    const request = parseSplitPayload(
      { action: 'split', daysBack: 30, includeEmptyDays: true, accounts: ['111122223333'] },
      NOW,
      SETTINGS,
    );
    // THEN the window is 30 days before today through tomorrow
    expect(formatWindow(request.window)).toEqual({ from: '2024-05-16', to: TOMORROW });
    expect(request).toMatchObject({ includeEmptyDays: true, accounts: ['111122223333'] });
  });

  test('daysBack beyond CloudTrail history clamps to 2013-11-01 instead of failing', () => {
    // GIVEN daysBack of twenty years, with the default range limit
    const settings = parseSettings({ bucket: 'trail-bucket' });
    // WHEN parsed
    const request = parseSplitPayload({ action: 'split', daysBack: 7305 }, NOW, settings);
    // THEN the window starts on the day CloudTrail launched
    expect(formatWindow(request.window)).toEqual({ from: '2013-11-01', to: TOMORROW });
  });

  test.each<[string, unknown, string]>([
    ['neither from nor daysBack', { action: 'split' }, 'give exactly one of from or daysBack'],
    [
      'both from and daysBack',
      { action: 'split', from: '2024-01-01', daysBack: 3 },
      'give exactly one of from or daysBack',
    ],
    ['negative daysBack', { action: 'split', daysBack: -1 }, 'daysBack: expected days back from 0 to 7305'],
    [
      'fractional daysBack',
      { action: 'split', daysBack: 1.5 },
      'daysBack: expected days back as a whole number',
    ],
    [
      'chunkDays 0',
      { action: 'split', daysBack: 3, chunkDays: 0 },
      'chunkDays: expected chunk days from 1 to 366',
    ],
    [
      'chunkDays 367',
      { action: 'split', daysBack: 3, chunkDays: 367 },
      'chunkDays: expected chunk days from 1 to 366',
    ],
    ['impossible from', { action: 'split', from: '2023-02-29' }, 'from: expected a real calendar date'],
    ['to after tomorrow', { action: 'split', from: '2024-06-01', to: '2024-07-01' }, 'after tomorrow'],
    ['unknown key', { action: 'split', daysBack: 3, dryRun: true }, 'unknown key "dryRun"'],
    ['wrong action', { action: 'splat', daysBack: 3 }, 'action:'],
  ])('rejects %s', (_name, payload, fragment) => {
    // GIVEN an invalid split payload WHEN parsed THEN the error names the problem
    expect(validationErrorOf(() => parseSplitPayload(payload, NOW, SETTINGS))).toContain(fragment);
  });
});

describe('parseRunPayload: a Step Functions chunk', () => {
  test('a payload marked chunk (by the split selection) is a chunk run; without it, a backfill', () => {
    // GIVEN the same window with and without the chunk mark
    const settings = parseSettings({ bucket: 'trail-bucket' });
    const now = new Date('2024-06-15T06:00:00Z');
    // WHEN parsed THEN the kind tells the function which share of the quota to take
    expect(parseRunPayload({ from: '2024-06-01', to: '2024-06-10', chunk: true }, now, settings).kind).toBe(
      'chunk',
    );
    expect(parseRunPayload({ from: '2024-06-01', to: '2024-06-10' }, now, settings).kind).toBe('backfill');
    expect(() =>
      parseRunPayload({ from: '2024-06-01', to: '2024-06-10', chunk: 'yes' }, now, settings),
    ).toThrow(/chunk/);
  });
});

describe('parseRunPayload: a lane carry', () => {
  const settings = parseSettings({ bucket: 'trail-bucket' });
  const now = new Date('2024-06-15T06:00:00Z');
  const chunk = { from: '2024-06-05', to: '2024-06-10', chunk: true };
  const query = { ids: ['6f1d5a9e-0c1b-4f3e-9a51-3b2f5d7c8e90'], partitions: 1300, startedAt: 1718400000000 };
  const carry = { from: '2024-06-01', to: '2024-06-04', queries: [query] };

  test('a chunk takes the tail of the chunk before: its days and its queries', () => {
    // GIVEN the state machine's payload for a lane's second chunk
    // WHEN parsed
    const request = parseRunPayload({ ...chunk, carry, carryTail: true }, now, settings);
    // THEN the carried days and queries are kept as given, and the tail may be handed on
    expect(request.carry).toEqual({
      window: { from: dayOf('2024-06-01'), to: dayOf('2024-06-04') },
      queries: [query],
    });
    expect(request.carryTail).toBe(true);
    // AND a lane's first chunk (carry null) has none
    expect(parseRunPayload({ ...chunk, carry: null, carryTail: false }, now, settings).carry).toBeUndefined();
  });

  test.each([
    [{ ...chunk, carry: { ...carry, queries: [{ ...query, ids: [] }] } }, /carry\.queries\.0\.ids/],
    [
      { ...chunk, carry: { ...carry, queries: [{ ...query, ids: ['a', 'b', 'c'] }] } },
      /expected 1 or 2 query ids/,
    ],
    [
      { ...chunk, carry: { ...carry, queries: [{ ...query, ids: ['x y'] }] } },
      /expected an athena query execution id/,
    ],
    [
      { ...chunk, carry: { ...carry, queries: [{ ...query, partitions: -1 }] } },
      /expected partitions from 0/,
    ],
    [
      { ...chunk, carry: { ...carry, queries: [{ ...query, startedAt: -1 }] } },
      /carry\.queries\.0\.startedAt/,
    ],
    [{ ...chunk, carry: { ...carry, extra: 1 } }, /extra/],
    [
      { ...chunk, carry: { ...carry, to: '2024-06-05' } },
      /must be a range before the chunk's from 2024-06-05/,
    ],
    [{ ...chunk, carry: { ...carry, from: '2024-06-04', to: '2024-06-01' } }, /must be a range before/],
    [{ from: chunk.from, to: chunk.to, carry }, /carry and carryTail belong to a chunk/],
    [{ from: chunk.from, to: chunk.to, carryTail: true }, /carry and carryTail belong to a chunk/],
  ])('a bad carry is refused, naming the value: %j', (payload, message) => {
    // GIVEN a payload whose carry is malformed or misplaced
    // WHEN parsed THEN a validation error names it
    expect(() => parseRunPayload(payload, now, settings)).toThrow(ValidationError);
    expect(() => parseRunPayload(payload, now, settings)).toThrow(message);
  });
});
