/**
 * The copy's upkeep: OPTIMIZE the recent complete days every run, the retention DELETE only when
 * the copy covers days before the first kept one (then their coverage goes), VACUUM once a week,
 * and a failed statement changes no parameter. Each statement parses as Trino where the grammar
 * knows it (DELETE); OPTIMIZE and VACUUM heads are Athena's documented syntax.
 */
import { TrinoSQL } from 'dt-sql-parser';
import { CLOUDTRAIL_COLUMNS } from '../../../lambda/core/shared/cloudtrail-schema';
import { COVERAGE_PARAMETER } from '../../../lambda/core/columnar/coverage';
import { FAILURES_PARAMETER } from '../../../lambda/core/columnar/failures';
import type { ColumnarTable } from '../../../lambda/core/columnar/table';
import { keepColumnar, LAST_VACUUM_PARAMETER } from '../../../lambda/core/run/columnar-upkeep';
import type { Submit } from '../../../lambda/core/run/columnar-ports';
import { dayOf } from '../../support/core-fakes';
import { FakeCopyTable } from '../../support/columnar-fakes';

const TABLE: ColumnarTable = {
  database: 'cloudtrail',
  rawTable: 'cloudtrail_logs',
  table: 'cloudtrail_logs_columnar',
  location: 's3://results/columnar/cloudtrail/cloudtrail_logs_columnar/',
  columns: CLOUDTRAIL_COLUMNS,
  accountKey: true,
};
const KEY = 'cloudtrail.cloudtrail_logs_columnar';

function recording(fail: (sql: string) => boolean = () => false) {
  const sql: string[] = [];
  const submit: Submit = async (batch) => {
    sql.push(...batch);
    return batch.map((s) => ({ status: fail(s) ? 'failed' : 'succeeded' }));
  };
  return { sql, submit };
}

describe('keepColumnar', () => {
  it('deletes the days retention drops, then forgets their coverage and streaks', async () => {
    // GIVEN a copy covering 2024-03-01..2024-06-13 with a streak on an old day, 90 days kept
    const copy = new FakeCopyTable();
    copy.tables.set(KEY, {
      [COVERAGE_PARAMETER]: '2024-03-01..2024-06-13',
      [FAILURES_PARAMETER]: '2024-03-02:4,2024-06-10:1',
      [LAST_VACUUM_PARAMETER]: '2024-06-12',
    });
    const { sql, submit } = recording();
    const today = dayOf('2024-06-15');
    // WHEN the upkeep runs
    const report = await keepColumnar(TABLE, { copy }, { submit, today, lateDays: 1, firstKept: today - 90 });
    // THEN OPTIMIZE covers the last 3 complete days, DELETE drops what precedes 2024-03-17, no VACUUM (3 days ago)
    expect(sql[0]).toContain(
      "eventtime >= TIMESTAMP '2024-06-11 00:00:00' AND eventtime < TIMESTAMP '2024-06-14 00:00:00'",
    );
    expect(sql[1]).toBe(
      `DELETE FROM "cloudtrail"."cloudtrail_logs_columnar" WHERE eventtime < TIMESTAMP '2024-03-17 00:00:00'`,
    );
    expect(new TrinoSQL().validate(sql[1])).toEqual([]);
    expect(sql).toHaveLength(2);
    expect(report).toEqual({ optimized: true, deletedBefore: '2024-03-17', vacuumed: false, failed: 0 });
    // AND the coverage and streaks start at the first kept day
    expect(copy.tables.get(KEY)?.[COVERAGE_PARAMETER]).toBe('2024-03-17..2024-06-13');
    expect(copy.tables.get(KEY)?.[FAILURES_PARAMETER]).toBe('2024-06-10:1');
  });

  it('vacuums once a week, and a failed statement changes nothing it would have recorded', async () => {
    // GIVEN the last VACUUM 7 days ago and a retention DELETE that fails
    const copy = new FakeCopyTable();
    copy.tables.set(KEY, {
      [COVERAGE_PARAMETER]: '2024-01-01..2024-06-13',
      [LAST_VACUUM_PARAMETER]: '2024-06-08',
    });
    const { sql, submit } = recording((s) => s.startsWith('DELETE'));
    const today = dayOf('2024-06-15');
    // WHEN the upkeep runs
    const report = await keepColumnar(TABLE, { copy }, { submit, today, lateDays: 1, firstKept: today - 30 });
    // THEN VACUUM ran after the DELETE and is recorded; the coverage still claims the undeleted days
    expect(sql.map((s) => s.split(' ')[0])).toEqual(['OPTIMIZE', 'DELETE', 'VACUUM']);
    expect(sql[2]).toBe('VACUUM "cloudtrail"."cloudtrail_logs_columnar"');
    expect(report).toMatchObject({ vacuumed: true, failed: 1 });
    expect(report.deletedBefore).toBeUndefined();
    expect(copy.tables.get(KEY)?.[LAST_VACUUM_PARAMETER]).toBe('2024-06-15');
    expect(copy.tables.get(KEY)?.[COVERAGE_PARAMETER]).toBe('2024-01-01..2024-06-13');
  });
});
