/**
 * Every preset, for ranges inside one month, across a month end, across a year end and over a
 * leap day: the statement parses with the Trino grammar, and its partition filter, run in DuckDB
 * over every day of a multi-year calendar, selects exactly the days of the range. Hostile
 * parameter values are refused, or escaped so that they stay one literal.
 */
import fc from 'fast-check';
import { formatIsoDate, parseIsoDate } from '../../../lambda/core/shared/dates';
import { composeSql, PRESETS, parsePresetParams, PresetError } from '../../../lambda/core/query/presets';
import { trinoString } from '../../../lambda/core/query/trino';
import { loadCalendar, startDuckDb, type TrinoStandIn } from '../../support/duckdb-trino';
import { buildPreset, trinoErrors, trinoStatementCount } from '../../support/query-harness';

/** A valid value for every parameter, so each preset renders with all its conditions. */
const fullParams = (name: string): Record<string, string> =>
  Object.fromEntries((PRESETS.find((p) => p.name === name)?.params ?? []).map((d) => [d.name, d.example]));

const RANGES = [
  ['inside one month', '2024-06-03', '2024-06-17'],
  ['across a month end', '2024-01-30', '2024-02-02'],
  ['across a year end', '2023-12-30', '2024-01-02'],
  ['over a leap day', '2024-02-28', '2024-03-01'],
] as const;

let db: TrinoStandIn;
beforeAll(async () => {
  db = await startDuckDb();
  await loadCalendar(db, 2019, 2026);
});
afterAll(() => db.close());

async function selectedDays(filterSql: string): Promise<string[]> {
  return (await db.rows(`SELECT date FROM calendar WHERE ${filterSql} ORDER BY date`)).map(
    (r) => r.date as string,
  );
}

function daysOf(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = parseIsoDate(from) as number; d <= (parseIsoDate(to) as number); d++)
    out.push(formatIsoDate(d));
  return out;
}

describe.each(PRESETS.map((p) => [p.name]))('%s', (name) => {
  test.each(RANGES)('%s: one Trino statement, filtered on exactly the days', async (_label, from, to) => {
    // GIVEN the preset with every parameter set
    const { sql, run } = buildPreset(name, { from, to }, fullParams(name), ['--regions', 'us-east-1']);
    // THEN it is one statement the Trino grammar accepts, its partition filter first in WHERE
    expect(trinoErrors(sql)).toEqual([]);
    expect(trinoStatementCount(sql)).toBe(1);
    expect(sql).toContain(`\nWHERE ${run.filterSql}\n`);
    // AND the filter selects exactly the range's days of a 2019-2026 calendar
    expect(await selectedDays(run.filterSql)).toEqual(daysOf(from, to));
  });

  test('random ranges: the filter selects exactly their days (property)', async () => {
    const first = parseIsoDate('2019-01-01') as number;
    const day = fc.integer({ min: first, max: first + 8 * 365 - 1 });
    await fc.assert(
      fc.asyncProperty(day, day, async (a, b) => {
        const [from, to] = [formatIsoDate(Math.min(a, b)), formatIsoDate(Math.max(a, b))];
        const { run } = buildPreset(name, { from, to }, fullParams(name));
        expect(await selectedDays(run.filterSql)).toEqual(daysOf(from, to));
      }),
      { numRuns: 10 },
    );
  });
});

/** Characters that could end a literal, start a comment or a statement, or confuse a lexer. */
const HOSTILE = [
  "'",
  "''",
  '\\',
  "\\'",
  '--',
  '/*',
  '*/',
  ';',
  '\n',
  '\r',
  '\u0000',
  'é',
  'ß',
  '\u202e',
  '"',
  '`',
  ' ',
  '%',
  '_',
];
const hostile = fc
  .tuple(fc.string({ maxLength: 12 }), fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 }))
  .map(([a, h, b]) => `${a}${h}${b}`);

describe('hostile parameter values', () => {
  const withParams = PRESETS.filter((p) => p.params.length > 0);

  test.each(withParams.flatMap((p) => p.params.map((d) => [p.name, d.name] as const)))(
    '%s --param %s=<hostile> is refused, or stays one literal (property)',
    (name, key) => {
      const preset = PRESETS.find((p) => p.name === name) as (typeof PRESETS)[number];
      fc.assert(
        fc.property(hostile, (value) => {
          // GIVEN a value carrying a quote, backslash, comment, semicolon, newline or non-ASCII
          let params;
          try {
            params = parsePresetParams(preset, { [key]: value });
          } catch (error) {
            // THEN either the preset refuses it, naming the parameter
            expect(error).toBeInstanceOf(PresetError);
            expect((error as Error).message).toContain(`--param ${key}`);
            return;
          }
          // OR what it accepts holds nothing that can end a literal or a statement
          expect(value).toMatch(/^[\x21-\x7e]+$/);
          expect(value).not.toMatch(/['\\;"`]/);
          const sql = composeSql(
            preset.sql(params),
            { database: 'cloudtrail', table: 'cloudtrail_logs' },
            'TRUE',
          );
          expect(trinoErrors(sql)).toEqual([]);
          expect(trinoStatementCount(sql)).toBe(1);
        }),
        { numRuns: 60 },
      );
    },
  );

  test('unknown and missing parameters are refused, naming them', () => {
    const whoDid = PRESETS.find((p) => p.name === 'who-did') as (typeof PRESETS)[number];
    expect(() => parsePresetParams(whoDid, {})).toThrow(/missing --param principal for who-did/);
    expect(() => parsePresetParams(whoDid, { principal: 'alice', evil: 'x' })).toThrow(
      /unknown --param evil for who-did: expected principal/,
    );
  });

  test('the escaping wall: any string is one Trino literal that reads back as itself (property)', async () => {
    // Even past the allow-list, a literal cannot end early: DuckDB reads quotes the way Trino does.
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostile, fc.string({ unit: 'binary', maxLength: 20 })), async (value) => {
        fc.pre(!value.includes('\u0000'));
        const sql = `SELECT ${trinoString(value)} AS v`;
        expect(trinoStatementCount(sql)).toBe(1);
        expect((await db.rows(sql))[0].v).toBe(value);
      }),
      { numRuns: 80 },
    );
  });
});
