/** The user's SELECT gets the partition filter, or is refused; strings and comments never fool it. */
import fc from 'fast-check';
import { applyPartitionFilter, QuerySqlError } from '../../../lambda/core/query/query-sql';
import { trinoErrors } from '../../support/query-harness';

const TARGET = { database: 'cloudtrail', table: 'cloudtrail_logs', allowFullScan: false };
const F = "year = '2024'";

describe('applyPartitionFilter', () => {
  test.each([
    [
      'SELECT 1 FROM cloudtrail_logs WHERE {{partitions}} AND {{partitions}}',
      `SELECT 1 FROM cloudtrail_logs WHERE (${F}) AND (${F})`,
      'placeholder',
    ],
    [
      "SELECT 'FROM cloudtrail_logs WHERE' AS s FROM cloudtrail_logs",
      `SELECT 'FROM cloudtrail_logs WHERE' AS s FROM cloudtrail_logs\nWHERE ${F}`,
      'where',
    ],
    [
      'SELECT * FROM "cloudtrail"."cloudtrail_logs" t WHERE t.errorcode IS NOT NULL LIMIT 5',
      `SELECT * FROM "cloudtrail"."cloudtrail_logs" t WHERE ${F}\n  AND (t.errorcode IS NOT NULL)\nLIMIT 5`,
      'where',
    ],
    [
      'SELECT count(*) FROM other_table /* cloudtrail_logs */',
      'SELECT count(*) FROM other_table /* cloudtrail_logs */',
      'none',
    ],
    [
      'SELECT count(*) FROM elsewhere.cloudtrail_logs',
      'SELECT count(*) FROM elsewhere.cloudtrail_logs',
      'none',
    ],
    [
      'SELECT (SELECT max(x) FROM y WHERE z = 1) FROM cloudtrail_logs GROUP BY 1',
      `SELECT (SELECT max(x) FROM y WHERE z = 1) FROM cloudtrail_logs\nWHERE ${F}\nGROUP BY 1`,
      'where',
    ],
  ])('%s', (sql, expected, how) => {
    // GIVEN a query WHEN the filter is applied THEN it lands where it belongs, and parses
    const result = applyPartitionFilter(sql, F, TARGET);
    expect(result).toEqual({ sql: expected, filter: how });
    expect(trinoErrors(result.sql)).toEqual([]);
  });

  test.each([
    ['SELECT * FROM cloudtrail_logs a JOIN cloudtrail_logs b ON a.eventid = b.eventid'],
    ['SELECT * FROM (SELECT * FROM cloudtrail_logs) t'],
    ['SELECT 1 UNION ALL SELECT 2 FROM cloudtrail_logs'],
  ])('%s needs {{partitions}} or --allow-full-scan', (sql) => {
    expect(() => applyPartitionFilter(sql, F, TARGET)).toThrow(/without a partition filter/);
    expect(applyPartitionFilter(sql, F, { ...TARGET, allowFullScan: true })).toEqual({ sql, filter: 'none' });
  });

  test.each([
    ['', /empty query/],
    ['INSERT INTO x SELECT 1', /refused INSERT statement/],
    ['SELECT 1; SELECT 2', /expected one statement/],
    ['SELECT "unterminated FROM x', /unterminated quoted identifier/],
    ['SELECT 1 /* open', /unterminated comment/],
  ])('%j is refused', (sql, message) => {
    expect(() => applyPartitionFilter(sql, F, TARGET)).toThrow(QuerySqlError);
    expect(() => applyPartitionFilter(sql, F, TARGET)).toThrow(message);
  });

  test('a query naming the table at its top level always gets the filter (property)', () => {
    // GIVEN any harmless condition text WHEN it is the WHERE of a one-table query
    const word = fc
      .stringMatching(/^[a-z][a-z0-9_]{0,8}$/)
      .filter(
        (w) =>
          ![
            'where',
            'group',
            'order',
            'limit',
            'having',
            'offset',
            'fetch',
            'window',
            'union',
            'intersect',
            'except',
            'join',
            'with',
            'cloudtrail_logs',
          ].includes(w),
      );
    fc.assert(
      fc.property(word, fc.string({ maxLength: 10 }), (column, text) => {
        const sql = `SELECT ${column} FROM cloudtrail_logs WHERE ${column} = '${text.replace(/'/g, "''")}'`;
        // THEN the filter comes first and the user's condition is kept whole, in parentheses
        expect(applyPartitionFilter(sql, F, TARGET).sql).toBe(
          `SELECT ${column} FROM cloudtrail_logs WHERE ${F}\n  AND (${column} = '${text.replace(/'/g, "''")}')`,
        );
      }),
    );
  });
});
