import fc from 'fast-check';
import { ATHENA_MAX_QUERY_BYTES, PackError } from '../../../lambda/core/partitions/ddl';
import { packDropStatements, renderDropHeader } from '../../../lambda/core/partitions/drop';
import { schemeFromKeyList } from '../../../lambda/core/partitions/scheme';
import { accountArb, regionArb } from '../../support/core-arbitraries';
import { dayOf, partition } from '../../support/core-fakes';
import { hiveErrors, hiveStatementCount, hiveTokens } from '../../support/core-hive';
import { parseDropPartitions } from '../../support/aws-standin/ddl-parser';

const DAY = schemeFromKeyList('account,region,year,month,day');
const MONTH = schemeFromKeyList('account,region,year,month');
const TARGET = { database: 'cloudtrail', table: 'cloudtrail_logs' };
const LIMITS = { maxStatementBytes: 256_000, maxPartitionsPerStatement: 1000 };

function days(count: number, account = '111122223333', region = 'us-east-1') {
  const first = dayOf('2020-01-01');
  return Array.from({ length: count }, (_, i) => partition(account, region, first + i));
}

describe('packDropStatements', () => {
  it("renders Athena's documented form: DROP IF EXISTS, comma-separated full specs, no location", () => {
    // GIVEN two day partitions
    const [statement] = [...packDropStatements(days(2), DAY, TARGET, LIMITS)];
    // THEN the statement names every key of both, and nothing else
    expect(statement.sql).toBe(
      'ALTER TABLE `cloudtrail`.`cloudtrail_logs` DROP IF EXISTS\n' +
        "  PARTITION (`account` = '111122223333', `region` = 'us-east-1', `year` = '2020', `month` = '01', `day` = '01'),\n" +
        "  PARTITION (`account` = '111122223333', `region` = 'us-east-1', `year` = '2020', `month` = '01', `day` = '02')",
    );
    expect(statement.sql).not.toMatch(/LOCATION/);
    expect(statement.bytes).toBe(Buffer.byteLength(statement.sql));
  });

  it('parses with the Hive grammar as one statement, at day and month granularity', () => {
    // GIVEN statements of both key sets
    for (const scheme of [DAY, MONTH]) {
      for (const statement of packDropStatements(days(40), scheme, TARGET, LIMITS)) {
        // THEN Hive accepts each, as one statement, and sees DROP IF EXISTS
        expect(hiveErrors(statement.sql)).toEqual([]);
        expect(hiveStatementCount(statement.sql)).toBe(1);
        expect(hiveTokens(statement.sql).map((t) => t.kind)).toEqual(
          expect.arrayContaining(['KW_DROP', 'KW_IF', 'KW_EXISTS', 'KW_PARTITION']),
        );
      }
    }
  });

  it('packs by bytes and by the cap, losing and repeating nothing (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(accountArb, regionArb), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 400, max: 4000 }),
        fc.integer({ min: 1, max: 50 }),
        (pairs, count, maxStatementBytes, maxPartitionsPerStatement) => {
          // GIVEN partitions of a few account-regions and small limits
          const input = pairs.flatMap(([account, region]) => days(count, account, region));
          const limits = { maxStatementBytes, maxPartitionsPerStatement };
          // WHEN packing
          const statements = [...packDropStatements(input, DAY, TARGET, limits)];
          // THEN every statement is within both limits, its byte count is exact, and the order is kept
          for (const s of statements) {
            expect(s.bytes).toBe(Buffer.byteLength(s.sql));
            expect(s.bytes).toBeLessThanOrEqual(maxStatementBytes);
            expect(s.partitions.length).toBeGreaterThan(0);
            expect(s.partitions.length).toBeLessThanOrEqual(maxPartitionsPerStatement);
          }
          expect(statements.flatMap((s) => s.partitions)).toEqual(input);
          expect(statements.map((s) => s.index)).toEqual(statements.map((_, i) => i));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('fills statements up to the byte budget: about 2,000 day drops fit in 256 KB', () => {
    // GIVEN many partitions and no partition cap to speak of
    const statements = [
      ...packDropStatements(days(5000), DAY, TARGET, {
        maxStatementBytes: 256_000,
        maxPartitionsPerStatement: 5000,
      }),
    ];
    // THEN each full statement leaves less than one spec of room
    for (const s of statements.slice(0, -1)) expect(s.bytes).toBeGreaterThan(256_000 - 130);
    expect(statements[0].bytes).toBeLessThan(ATHENA_MAX_QUERY_BYTES);
    expect(statements[0].partitions.length).toBeGreaterThan(1900);
  });

  it('refuses a budget that cannot hold one spec', () => {
    expect(() => [
      ...packDropStatements(days(1), DAY, TARGET, { ...LIMITS, maxStatementBytes: 100 }),
    ]).toThrow(PackError);
  });

  it('is read back by the stand-in parser as the same specs', () => {
    // GIVEN three month partitions
    const [statement] = [...packDropStatements(days(3), MONTH, TARGET, LIMITS)];
    // WHEN the stand-in parses it
    const parsed = parseDropPartitions(statement.sql);
    // THEN it sees IF EXISTS and one spec per partition, keys in table order
    expect(parsed).toMatchObject({
      drop: true,
      database: 'cloudtrail',
      table: 'cloudtrail_logs',
      ifExists: true,
    });
    expect(parsed.partitions).toHaveLength(3);
    expect(parsed.partitions[0].spec.map((e) => e.key)).toEqual(['account', 'region', 'year', 'month']);
  });

  it('quotes the table name as an identifier', () => {
    expect(renderDropHeader('db', 'we`ird')).toBe('ALTER TABLE `db`.`we``ird` DROP IF EXISTS');
  });
});
