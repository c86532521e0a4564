/**
 * Which days `query --source` reads from where, for any window and any coverage: every day of the
 * window is read exactly once, from the copy only when the source allows and the copy covers it,
 * and the branches of the one statement match the days (checked against plain code written apart,
 * a day-by-day walk). The rows themselves are compared in DuckDB (test/core/columnar/).
 */
import fc from 'fast-check';
import { CLOUDTRAIL_COLUMNS } from '../../../lambda/core/shared/cloudtrail-schema';
import {
  dayRuns,
  describeSource,
  formatRuns,
  planSource,
  type QuerySource,
} from '../../../lambda/core/query/columnar-source';
import { schemeFromKeyList } from '../../../lambda/core/partitions/scheme';
import { type EpochDay, formatIsoDate, parseIsoDate } from '../../../lambda/core/shared/dates';
import { trinoErrors } from '../../support/query-harness';

const TABLE = {
  database: 'cloudtrail',
  rawTable: 'cloudtrail_logs',
  table: 'cloudtrail_logs_columnar',
  columns: CLOUDTRAIL_COLUMNS,
  accountKey: true,
};
const START = parseIsoDate('2024-02-20') as EpochDay;

/** Each day's side, walked one day at a time from the definition. */
function expectedSide(day: EpochDay, source: QuerySource, covered: ReadonlySet<string>): 'copy' | 'raw' {
  if (source === 'columnar') return 'copy';
  if (source === 'raw') return 'raw';
  return covered.has(formatIsoDate(day)) ? 'copy' : 'raw';
}

const input = fc.record({
  source: fc.constantFrom<QuerySource>('raw', 'columnar', 'auto'),
  from: fc.integer({ min: 0, max: 40 }),
  length: fc.integer({ min: 1, max: 20 }),
  covered: fc.array(fc.integer({ min: 0, max: 70 }), { maxLength: 40 }),
  lateDays: fc.integer({ min: 0, max: 3 }),
});

test('every day of the window is read exactly once, from the side the source and coverage say', () => {
  fc.assert(
    fc.property(input, ({ source, from, length, covered, lateDays }) => {
      // GIVEN any window, coverage and source
      const window = { from: START + from, to: START + from + length - 1 };
      const coveredDays = new Set(covered.map((d) => formatIsoDate(START + d)));
      // WHEN the source is planned
      const plan = planSource({
        source,
        table: TABLE,
        scheme: schemeFromKeyList('account,region,year,month,day'),
        window,
        lateDays,
        covered: coveredDays,
      });
      // THEN each day sits in exactly one run, on the expected side
      const side = new Map<EpochDay, string>();
      for (const [name, runs] of [
        ['copy', plan.columnarDays],
        ['raw', plan.rawDays],
      ] as const)
        for (const r of runs)
          for (let day = r.from; day <= r.to; day++) {
            expect(side.has(day)).toBe(false);
            side.set(day, name);
          }
      for (let day = window.from; day <= window.to; day++)
        expect(side.get(day)).toBe(expectedSide(day, source, coveredDays));
      expect(side.size).toBe(length);
      // AND the relation has one branch per run, reading each table as often
      const branches = plan.relation.split('\nUNION ALL\n');
      expect(branches).toHaveLength(plan.columnarDays.length + plan.rawDays.length);
      expect(plan.relation.split('FROM "cloudtrail"."cloudtrail_logs_columnar"').length - 1).toBe(
        plan.columnarDays.length,
      );
      expect(plan.relation.split('FROM "cloudtrail"."cloudtrail_logs"\n').length - 1).toBe(
        plan.rawDays.length,
      );
    }),
    { numRuns: 200 },
  );
});

test('the statement parses as Trino, and stderr names the runs', () => {
  // GIVEN coverage of Feb 20–22 and 25 WHEN a week is planned with auto
  const covered = new Set(['2024-02-20', '2024-02-21', '2024-02-22', '2024-02-25']);
  const plan = planSource({
    source: 'auto',
    table: { ...TABLE, accountKey: false },
    scheme: schemeFromKeyList('region,year,month,day'),
    window: { from: START, to: START + 6 },
    lateDays: 1,
    covered,
  });
  // THEN the runs, the text, and the grammar
  expect(describeSource(plan)).toBe(
    'columnar copy: 2024-02-20..2024-02-22, 2024-02-25; raw logs: 2024-02-23..2024-02-24, 2024-02-26',
  );
  expect(trinoErrors(`SELECT eventid FROM ${plan.relation} WHERE ${plan.filterSql}`)).toEqual([]);
  // AND a single-account table's raw branch names recipientaccountid as the account
  expect(plan.relation).toContain('recipientaccountid AS account');
});

test('dayRuns and formatRuns gather consecutive days, whatever they are', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 60 })), (offsets) => {
      const days = offsets.map((d) => START + d).sort((a, b) => a - b);
      const runs = dayRuns(days);
      // Every day once, runs separated by at least one missing day
      expect(runs.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i))).toEqual(
        days,
      );
      for (let i = 1; i < runs.length; i++) expect(runs[i].from).toBeGreaterThan(runs[i - 1].to + 1);
      expect(formatRuns(runs).split(', ').filter(Boolean)).toHaveLength(runs.length);
    }),
  );
});
