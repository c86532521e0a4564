/**
 * The packer reuses the text of leading values and counts bytes from pieces (issue 16, CPU).
 * Whatever it reuses, every statement must be exactly what a plain renderer, written here
 * apart from the code, produces for the same partitions, with the exact UTF-8 size, and the
 * packing must stay greedy under the byte budget.
 */
import fc from 'fast-check';
import { type PartitionSpec, packStatements } from '../../../lambda/core/partitions/ddl';
import { schemeFromKeyList } from '../../../lambda/core/partitions/scheme';

type Field = 'account' | 'region' | 'year' | 'month' | 'day';

/** Hive's string literal and identifier, by the book: no memo, no reuse. */
const literal = (v: string): string => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const ident = (v: string): string => `\`${v.replace(/`/g, '``')}\``;

function plainStatement(
  database: string,
  table: string,
  keys: readonly Field[],
  parts: readonly PartitionSpec[],
): string {
  let sql = `ALTER TABLE ${ident(database)}.${ident(table)} ADD IF NOT EXISTS`;
  for (const p of parts) {
    const values = keys.map((k) => `${ident(k)} = ${literal(p[k])}`).join(', ');
    sql += `\n  PARTITION (${values}) LOCATION ${literal(p.location)}`;
  }
  return sql;
}

// Values mostly repeat (as accounts and regions do), sometimes hold quotes, backslashes or
// non-ASCII text, so reuse, escaping and byte counting are all exercised.
const value = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('111122223333', 'us-east-1', '2024', '03', '07') },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom("o'brien", 'a\\b', 'zürich', '東京', '') },
);
const partitionArb = fc.record({
  account: value,
  region: value,
  year: value,
  month: value,
  day: value,
  location: fc.oneof(fc.constant('s3://b/AWSLogs/1/CloudTrail/r/2024/03/07/'), fc.string({ maxLength: 40 })),
});
/** Runs of partitions sharing their leading values, as the planner yields them. */
const partitionsArb = fc
  .array(
    fc.tuple(partitionArb, fc.integer({ min: 1, max: 4 }), fc.array(value, { minLength: 4, maxLength: 4 })),
    {
      maxLength: 25,
    },
  )
  .map((runs) =>
    runs.flatMap(([first, length, days]) =>
      Array.from({ length }, (_, i): PartitionSpec => (i === 0 ? first : { ...first, day: days[i - 1] })),
    ),
  );
const orderArb = fc.constantFrom<readonly Field[]>(
  ['account', 'region', 'year', 'month', 'day'],
  ['year', 'month', 'day', 'account', 'region'],
  ['region', 'account', 'day', 'month', 'year'],
);

describe('packed statements equal a plain renderer', () => {
  test('same SQL, exact UTF-8 bytes, and greedy packing under the budget (property)', () => {
    fc.assert(
      fc.property(
        partitionsArb,
        orderArb,
        fc.integer({ min: 400, max: 3000 }),
        (partitions, keys, budget) => {
          // GIVEN partitions in runs, a column order and a byte budget
          const scheme = schemeFromKeyList(keys.join(','));
          const target = { database: 'cloud trail', table: 'logs`x' };
          // WHEN packed
          const statements = [
            ...packStatements(partitions, scheme, target, {
              maxStatementBytes: budget,
              maxPartitionsPerStatement: Number.POSITIVE_INFINITY,
            }),
          ];
          // THEN each statement is the plain rendering of its partitions, with its exact size
          expect(statements.flatMap((s) => s.partitions)).toEqual(partitions);
          for (const [i, statement] of statements.entries()) {
            const plain = plainStatement(target.database, target.table, keys, statement.partitions);
            expect(statement.sql).toBe(plain);
            expect(statement.bytes).toBe(Buffer.byteLength(plain));
            expect(statement.bytes).toBeLessThanOrEqual(budget);
            // AND the next partition would not have fitted (greedy)
            const next = statements[i + 1]?.partitions[0];
            if (next) {
              const grown = plainStatement(target.database, target.table, keys, [
                ...statement.partitions,
                next,
              ]);
              expect(Buffer.byteLength(grown)).toBeGreaterThan(budget);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
