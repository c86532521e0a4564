/**
 * The copy's statements as Athena reads them: DDL through dt-sql-parser's Hive grammar, DML
 * through its Trino grammar. Athena extensions the grammars lack are checked apart: the Iceberg
 * partition transform `day(col)` (Hive knows only plain columns), and OPTIMIZE/VACUUM (Athena's
 * own statements: their head is matched against Athena's documented syntax, their WHERE parsed
 * as a Trino predicate).
 */
import { HiveSQL, TrinoSQL } from 'dt-sql-parser';
import fc from 'fast-check';
import { CLOUDTRAIL_COLUMNS } from '../../../lambda/core/shared/cloudtrail-schema';
import {
  renderConversion,
  renderOptimize,
  renderRetentionDelete,
  renderVacuum,
} from '../../../lambda/core/columnar/statements';
import { accountRanges } from '../../../lambda/core/columnar/sizing';
import { type ColumnarTable, renderCreateTable } from '../../../lambda/core/columnar/table';
import { conversionFilter } from '../../../lambda/core/query/columnar-source';
import { schemeFromKeyList } from '../../../lambda/core/partitions/scheme';
import { parseIsoDate } from '../../../lambda/core/shared/dates';

const hive = new HiveSQL();
const trino = new TrinoSQL();
const hiveErrors = (sql: string): string[] => hive.validate(sql).map((e) => e.message);
const trinoErrors = (sql: string): string[] => trino.validate(sql).map((e) => e.message);

const TABLE: ColumnarTable = {
  database: 'cloudtrail',
  rawTable: 'cloudtrail_logs',
  table: 'cloudtrail_columnar',
  location: 's3://my-results-bucket/columnar/',
  columns: CLOUDTRAIL_COLUMNS,
  accountKey: true,
};
const DAY = parseIsoDate('2024-02-29') as number;
const SCHEME = schemeFromKeyList('account,region,year,month,day');

describe('CREATE TABLE', () => {
  const sql = renderCreateTable(TABLE);
  it('parses as Hive once the Iceberg transform is read as its column', () => {
    // GIVEN the DDL WHEN day(`eventtime`) is replaced by `eventtime` THEN Hive accepts it
    expect(sql).toContain('PARTITIONED BY (day(`eventtime`))');
    expect(hiveErrors(sql.replace('day(`eventtime`)', '`eventtime`'))).toEqual([]);
  });
  it('declares an Iceberg table with eventtime as a timestamp and account and region last', () => {
    expect(sql).toMatch(/^CREATE TABLE IF NOT EXISTS `cloudtrail`\.`cloudtrail_columnar` \(/);
    expect(sql).not.toMatch(/EXTERNAL/); // Athena refuses EXTERNAL for ICEBERG
    expect(sql).toContain("'table_type'='ICEBERG'");
    expect(sql).toContain('`eventtime` timestamp');
    expect(sql).toMatch(/`useridentity` struct<type:string,/);
    expect(sql).toMatch(/`account` string,\n {2}`region` string\n\)/);
  });
  it('refuses a bad location or a name that could end the identifier', () => {
    expect(() => renderCreateTable({ ...TABLE, location: 's3://bucket/no-slash' })).toThrow(/ending in \//);
    expect(() => renderCreateTable({ ...TABLE, table: 'x`; DROP' })).toThrow(/table/);
    expect(() => renderCreateTable({ ...TABLE, table: TABLE.rawTable })).toThrow(/other than the raw/);
  });
});

describe('conversion MERGE', () => {
  const filter = conversionFilter(SCHEME, DAY, 1);
  it('parses as Trino, for a whole day and for an account range', () => {
    expect(trinoErrors(renderConversion({ table: TABLE, day: DAY, rawPartitionFilter: filter }))).toEqual([]);
    const ranged = renderConversion({
      table: TABLE,
      day: DAY,
      rawPartitionFilter: filter,
      accounts: { first: '000000000000', last: '499999999999' },
    });
    expect(trinoErrors(ranged)).toEqual([]);
    expect(ranged).toContain("t.account BETWEEN '000000000000' AND '499999999999'");
  });
  it('reads day D and D + 1 folders, keeps day D events, matches on eventid within day D', () => {
    const sql = renderConversion({ table: TABLE, day: DAY, rawPartitionFilter: filter });
    expect(filter).toBe(
      "year = '2024' AND ((month = '02' AND day >= '29') OR (month = '03' AND day = '01'))",
    );
    expect(sql).toContain("AND eventtime >= '2024-02-29' AND eventtime < '2024-03-01'");
    expect(sql).toContain(
      "ON t.eventid = s.eventid AND t.eventtime >= TIMESTAMP '2024-02-29 00:00:00' AND t.eventtime < TIMESTAMP '2024-03-01 00:00:00'",
    );
    expect(sql).toContain('WHEN NOT MATCHED THEN INSERT');
    expect(sql).not.toMatch(/WHEN MATCHED/);
  });
  it('parses for any day and any late margin', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 7 }), (day, late) => {
        const sql = renderConversion({
          table: TABLE,
          day,
          rawPartitionFilter: conversionFilter(SCHEME, day, late),
        });
        return trinoErrors(sql).length === 0;
      }),
      { numRuns: 25 },
    );
  });
  it('refuses a bad account range, and a range on the single-account table', () => {
    const input = { table: TABLE, day: DAY, rawPartitionFilter: filter };
    expect(() => renderConversion({ ...input, accounts: { first: "1'", last: '2' } })).toThrow(/12 digits/);
    expect(() =>
      renderConversion({ ...input, accounts: { first: '200000000000', last: '100000000000' } }),
    ).toThrow(/first is after last/);
    expect(() =>
      renderConversion({
        ...input,
        table: { ...TABLE, accountKey: false },
        accounts: { first: '100000000000', last: '200000000000' },
      }),
    ).toThrow(/one account/);
  });
});

describe('upkeep', () => {
  it('OPTIMIZE follows Athena syntax and its WHERE parses as Trino', () => {
    const sql = renderOptimize(TABLE, DAY - 2, DAY);
    const [head, where] = sql.split('\nWHERE ');
    expect(head).toBe('OPTIMIZE "cloudtrail"."cloudtrail_columnar" REWRITE DATA USING BIN_PACK');
    expect(trinoErrors(`SELECT 1 FROM t WHERE ${where}`)).toEqual([]);
    expect(where).toBe(
      "eventtime >= TIMESTAMP '2024-02-27 00:00:00' AND eventtime < TIMESTAMP '2024-03-01 00:00:00'",
    );
  });
  it('VACUUM names the table only', () => {
    expect(renderVacuum(TABLE)).toBe('VACUUM "cloudtrail"."cloudtrail_columnar"');
  });
  it('retention DELETE parses as Trino and removes days before the first kept', () => {
    const sql = renderRetentionDelete(TABLE, DAY);
    expect(trinoErrors(sql)).toEqual([]);
    expect(sql).toBe(
      `DELETE FROM "cloudtrail"."cloudtrail_columnar" WHERE eventtime < TIMESTAMP '2024-02-29 00:00:00'`,
    );
  });
});

describe('account ranges', () => {
  it('tile the whole ID space and keep each range under the budget (or one account)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 999_999_999_999 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 60, maxLength: 60 }),
        fc.integer({ min: 1, max: 300 }),
        (ids, sizes, budget) => {
          const accounts = ids.map((n, i) => ({ account: String(n).padStart(12, '0'), bytes: sizes[i] }));
          const ranges = accountRanges(accounts, budget);
          // Tiling: starts at 0, ends at the top, each next first is last + 1.
          expect(ranges[0].first).toBe('000000000000');
          expect(ranges[ranges.length - 1].last).toBe('999999999999');
          ranges.slice(1).forEach((r, i) => expect(Number(r.first)).toBe(Number(ranges[i].last) + 1));
          // Budget, by plain summation apart from the code.
          for (const r of ranges) {
            const inside = accounts.filter((a) => a.account >= r.first && a.account <= r.last);
            const total = inside.reduce((n, a) => n + a.bytes, 0);
            expect(inside.length === 1 || total <= budget).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
