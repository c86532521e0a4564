import fc from 'fast-check';
import {
  DEFAULT_MAX_PARTITIONS_PER_STATEMENT,
  DEFAULT_MAX_STATEMENT_BYTES,
  packStatements,
  type PartitionSpec,
} from '../../../lambda/core/partitions/ddl';
import { schemeFromKeyList } from '../../../lambda/core/partitions/scheme';
import { addedPartitions, HISTORY_MAX_AGE_MS, latencyHistory } from '../../../lambda/core/submit/history';
import type { RecentQuery } from '../../../lambda/core/shared/ports';
import { countKind, hiveErrors } from '../../support/core-hive';

const TABLE = { database: 'cloudtrail', table: 'cloudtrail_logs' };
const SCHEME = schemeFromKeyList('account,region,year,month,day');
const LIMITS = {
  maxStatementBytes: DEFAULT_MAX_STATEMENT_BYTES,
  maxPartitionsPerStatement: DEFAULT_MAX_PARTITIONS_PER_STATEMENT,
};
const NOW = Date.UTC(2026, 11, 7, 0, 15);
const DAY = 86_400_000;

function spec(i: number, location?: string): PartitionSpec {
  const day = String((i % 28) + 1).padStart(2, '0');
  const region = ['us-east-1', 'eu-west-1', 'ap-south-1'][i % 3];
  return {
    account: String(111111111111 + Math.floor(i / 84)),
    region,
    year: '2026',
    month: String((Math.floor(i / 3) % 12) + 1).padStart(2, '0'),
    day,
    location: location ?? `s3://trail/AWSLogs/111111111111/CloudTrail/${region}/2026/01/${day}/`,
  };
}

/** The statements the core would submit for these partitions (the real renderer). */
function rendered(partitions: readonly PartitionSpec[], table = TABLE): string[] {
  return [...packStatements(partitions, SCHEME, table, LIMITS)].map((statement) => statement.sql);
}

function query(sql: string, overrides: Partial<RecentQuery> & { endedAgoMs?: number; ms?: number } = {}) {
  const { endedAgoMs = DAY, ms = 2000, ...rest } = overrides;
  const completedAtMs = NOW - endedAgoMs;
  return {
    queryId: `q-${Math.random()}`,
    sql,
    state: 'SUCCEEDED',
    statementType: 'DDL',
    timing: { submittedAtMs: completedAtMs - ms, completedAtMs },
    ...rest,
  } as RecentQuery;
}

describe("addedPartitions: the partitions one of this table's ADD statements carries", () => {
  test('counts what the core renders, as Hive reads it', () => {
    // GIVEN statements the real renderer built for 1, 51 and 400 partitions
    for (const n of [1, 51, 400]) {
      const [sql] = rendered(Array.from({ length: n }, (_, i) => spec(i)));
      // THEN Hive accepts the statement, and the count is n, as Hive's PARTITION keywords say
      expect(hiveErrors(sql)).toEqual([]);
      expect(countKind(sql, 'KW_PARTITION')).toBe(n);
      expect(addedPartitions(sql, TABLE)).toBe(n);
    }
  });

  test('never counts PARTITION ( inside a quoted LOCATION, whatever the location holds (property)', () => {
    const hostile = fc.constantFrom(
      'PARTITION (',
      "') PARTITION (x='1",
      '\\',
      "'",
      '`',
      '--',
      '/*',
      ')',
      '"',
    );
    const location = fc
      .array(fc.oneof(hostile, fc.string({ maxLength: 8 })), { maxLength: 6 })
      .map((parts) => `s3://trail/${parts.join('')}/`);
    fc.assert(
      fc.property(fc.array(location, { minLength: 1, maxLength: 12 }), (locations) => {
        // GIVEN a statement whose locations hold anything, escaped by the renderer
        const sql = rendered(locations.map((l, i) => spec(i, l)));
        // THEN each statement counts as Hive's lexer counts its PARTITION keywords, and all sum to n
        let total = 0;
        for (const s of sql) {
          const count = addedPartitions(s, TABLE);
          expect(count).toBe(countKind(s, 'KW_PARTITION'));
          total += count ?? 0;
        }
        expect(total).toBe(locations.length);
      }),
      { numRuns: 300 },
    );
  });

  test('tolerates quoting and case in the names, as Glue stores them lower-case', () => {
    // GIVEN the same table named four ways, and a comment
    const clause =
      "PARTITION (account='1', region='r', year='2026', month='01', day='01') LOCATION 's3://b/x/'";
    const forms = [
      `ALTER TABLE cloudtrail.cloudtrail_logs ADD ${clause} ${clause}`,
      `alter table \`CloudTrail\`.\`CloudTrail_Logs\` add if not exists ${clause} ${clause};`,
      `ALTER TABLE "cloudtrail"."cloudtrail_logs" ADD IF NOT EXISTS -- two\n ${clause} /* and */ ${clause}`,
      `ALTER TABLE cloudtrail.\`cloudtrail_logs\` ADD PARTITION (account='1', region='r', year='2026', month='01', day='01') ${clause}`,
    ];
    // THEN each counts 2
    for (const sql of forms) expect(addedPartitions(sql, TABLE)).toBe(2);
  });

  test('another table, another database, a DROP, ADD COLUMNS or broken text is not a sample', () => {
    const [sql] = rendered([spec(0), spec(1)]);
    const others = [
      rendered([spec(0)], { database: 'cloudtrail', table: 'cloudtrail_logs_copy' })[0],
      rendered([spec(0)], { database: 'other', table: 'cloudtrail_logs' })[0],
      sql.replace(' ADD IF NOT EXISTS', ' DROP IF EXISTS'),
      'ALTER TABLE cloudtrail.cloudtrail_logs ADD COLUMNS (x string)',
      "ALTER TABLE cloudtrail_logs ADD PARTITION (account='1')",
      sql.slice(0, sql.length - 3),
      "SELECT * FROM cloudtrail.cloudtrail_logs WHERE x = 'ALTER TABLE cloudtrail.cloudtrail_logs ADD'",
    ];
    for (const other of others) expect(addedPartitions(other, TABLE)).toBeUndefined();
  });
});

describe('latencyHistory: samples from the workgroup history', () => {
  const [one] = rendered([spec(0)]);
  const [many] = rendered(Array.from({ length: 51 }, (_, i) => spec(i)));

  test('keeps recent successful DDL adds to this table, with Athena’s times, newest first', () => {
    // GIVEN three good statements among failed, DML, stale, untimed and other-table queries
    const queries = [
      query(many, { ms: 3400, endedAgoMs: DAY }),
      query(one, { state: 'FAILED' }),
      query(one, { statementType: 'DML' }),
      query(rendered([spec(0)], { database: 'cloudtrail', table: 'x' })[0]),
      query(one, { ms: 1600, endedAgoMs: 2 * DAY }),
      query(one, { timing: undefined }),
      query(many, { ms: 3000, endedAgoMs: 3 * DAY }),
      query(many, { ms: 9999, endedAgoMs: HISTORY_MAX_AGE_MS + 60_000 }),
    ];
    // WHEN they are read at NOW
    const samples = latencyHistory(queries, TABLE, { nowMs: NOW });
    // THEN exactly the three remain, in order, sized by their partitions
    expect(samples).toEqual([
      { partitions: 51, ms: 3400 },
      { partitions: 1, ms: 1600 },
      { partitions: 51, ms: 3000 },
    ]);
  });

  test('fewer samples than the minimum are not trusted', () => {
    // GIVEN two good statements
    const queries = [query(one), query(many)];
    // THEN none are returned at the default minimum of 3, both at a minimum of 2
    expect(latencyHistory(queries, TABLE, { nowMs: NOW })).toEqual([]);
    expect(latencyHistory(queries, TABLE, { nowMs: NOW, minSamples: 2 })).toHaveLength(2);
  });

  test('uses TotalExecutionTimeInMillis when the dates are missing', () => {
    // GIVEN statements timed by the statistic only (completion date kept for recency)
    const timing = { completedAtMs: NOW - DAY, totalExecutionMs: 2100 };
    const queries = [query(one, { timing }), query(one, { timing }), query(one, { timing })];
    // THEN the statistic is the sample
    expect(latencyHistory(queries, TABLE, { nowMs: NOW }).map((s) => s.ms)).toEqual([2100, 2100, 2100]);
  });
});
