import fc from 'fast-check';
import {
  ATHENA_MAX_QUERY_BYTES,
  DEFAULT_MAX_PARTITIONS_PER_STATEMENT,
  DEFAULT_MAX_STATEMENT_BYTES,
  PackError,
  type PartitionSpec,
  packStatements,
  renderClause,
  renderHeader,
  sqlIdentifier,
  sqlString,
  type Statement,
} from '../../../lambda/core/partitions/ddl';
import { explicitTargets } from '../../../lambda/core/discovery/discovery';
import { makeLayout } from '../../../lambda/core/partitions/layout';
import { checkIdentifier } from '../../../lambda/core/shared/names';
import { planPartitions } from '../../../lambda/core/partitions/plan';
import { type PartitionScheme, schemeFromColumns } from '../../../lambda/core/partitions/scheme';
import { parseSettings } from '../../../lambda/core/run/settings';
import {
  accountArb,
  bucketArb,
  dayArb,
  identifierArb,
  orgIdArb,
  prefixArb,
  regionArb,
} from '../../support/core-arbitraries';
import { dayOf, ORG_COLUMNS, partition, SINGLE_ACCOUNT_COLUMNS } from '../../support/core-fakes';
import {
  countKind,
  hiveAllTokenKinds,
  hiveErrors,
  hiveStatementCount,
  hiveTokens,
  quotedIdentifiers,
  stringLiterals,
  unescapeHiveString,
  unquoteHiveIdentifier,
} from '../../support/core-hive';

const ORG = schemeFromColumns(ORG_COLUMNS);
const SINGLE = schemeFromColumns(SINGLE_ACCOUNT_COLUMNS);
const TARGET = { database: 'cloudtrail', table: 'cloudtrail_logs' };
const DEFAULT_LIMITS = {
  maxStatementBytes: DEFAULT_MAX_STATEMENT_BYTES,
  maxPartitionsPerStatement: DEFAULT_MAX_PARTITIONS_PER_STATEMENT,
};

const bytes = (text: string): number => Buffer.byteLength(text);

/** Strings built from the characters that could end a literal, a name or a statement. */
const hostileString = fc.oneof(
  fc.string({
    unit: fc.constantFrom(
      "'",
      '\\',
      '`',
      ';',
      '\n',
      '\r',
      '-',
      '/',
      '*',
      '"',
      ' ',
      'a',
      'u',
      '0',
      '\u0000',
      'é',
      '😀',
    ),
    maxLength: 24,
  }),
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom(
    "'; DROP TABLE cloudtrail_logs; --",
    "\\'",
    "\\\\'",
    "x' OR '1'='1",
    '`; --',
    '\\u0027',
    '\\047',
    '\\',
  ),
);

/** Everything Hive sees in a partition clause, except the values. */
function expectedKinds(scheme: PartitionScheme, partitions: number): string[] {
  const pairs = scheme.columns.flatMap((_, i) => [
    ...(i > 0 ? ['COMMA'] : []),
    'Identifier',
    'EQUAL',
    'StringLiteral',
  ]);
  const clause = ['KW_PARTITION', 'LPAREN', ...pairs, 'RPAREN', 'KW_LOCATION', 'StringLiteral'];
  return [
    ...['KW_ALTER', 'KW_TABLE', 'Identifier', 'DOT', 'Identifier', 'KW_ADD', 'KW_IF', 'KW_NOT', 'KW_EXISTS'],
    ...Array.from({ length: partitions }, () => clause).flat(),
  ];
}

/** Checks one statement the way Athena's Hive parser would read it. */
function expectHiveReadsStatement(
  statement: Statement,
  scheme: PartitionScheme,
  target: { database: string; table: string },
): void {
  expect(hiveErrors(statement.sql)).toEqual([]);
  expect(hiveStatementCount(statement.sql)).toBe(1);
  expect(countKind(statement.sql, 'KW_PARTITION')).toBe(statement.partitions.length);
  expect(hiveTokens(statement.sql).map((token) => token.kind)).toEqual(
    expectedKinds(scheme, statement.partitions.length),
  );
  // The literals, in order, are exactly the partition values and locations.
  expect(stringLiterals(statement.sql)).toEqual(
    statement.partitions.flatMap((p) => [...scheme.columns.map((field) => p[field]), p.location]),
  );
  expect(quotedIdentifiers(statement.sql)).toEqual([
    target.database,
    target.table,
    ...statement.partitions.flatMap(() => scheme.columns),
  ]);
  expect(statement.bytes).toBe(bytes(statement.sql));
}

describe('sqlString and sqlIdentifier: the second wall', () => {
  test('examples', () => {
    // GIVEN values with quotes and backslashes
    // WHEN rendered
    // THEN quotes and backslashes are escaped, backquotes doubled
    expect(sqlString("it's")).toBe("'it\\'s'");
    expect(sqlString('a\\b')).toBe("'a\\\\b'");
    expect(sqlString('')).toBe("''");
    expect(sqlIdentifier('a`b')).toBe('`a``b`');
    expect(sqlIdentifier('cloudtrail')).toBe('`cloudtrail`');
  });

  test('any string renders as exactly one Hive string literal that unescapes to itself (property)', () => {
    // GIVEN arbitrary strings: quotes, backslashes, backticks, semicolons, newlines, comment markers, unicode
    fc.assert(
      fc.property(hostileString, (value) => {
        // WHEN rendered as a literal and read by the Hive lexer
        const literal = sqlString(value);
        const tokens = hiveTokens(literal);
        // THEN it is one StringLiteral token covering the whole text, and Hive's unescaping gives the value back
        expect(tokens).toEqual([{ kind: 'StringLiteral', text: literal }]);
        expect(unescapeHiveString(tokens[0].text)).toBe(value);
        // AND nothing of it lands on a hidden channel (no comment swallowed the rest)
        expect(hiveAllTokenKinds(literal)).toEqual(['StringLiteral']);
      }),
      { numRuns: 300 },
    );
  });

  test('any string renders as exactly one Hive identifier that unquotes to itself (property)', () => {
    // GIVEN arbitrary strings
    fc.assert(
      fc.property(hostileString, (value) => {
        // WHEN rendered as a quoted identifier and read by the Hive lexer
        const identifier = sqlIdentifier(value);
        const tokens = hiveTokens(identifier);
        // THEN it is one Identifier token whose unquoted name is the value
        expect(tokens).toEqual([{ kind: 'Identifier', text: identifier }]);
        expect(unquoteHiveIdentifier(tokens[0].text)).toBe(value);
      }),
      { numRuns: 300 },
    );
  });

  test('hostile values inside a whole statement never change its shape (property)', () => {
    // GIVEN hostile values in every slot of a statement: database, table, every partition value, the location
    const hostile = fc.record({
      database: hostileString,
      table: hostileString,
      account: hostileString,
      region: hostileString,
      year: hostileString,
      month: hostileString,
      day: hostileString,
      location: hostileString,
    });
    fc.assert(
      fc.property(hostile, (values) => {
        const { database, table, ...p } = values;
        // WHEN the statement is rendered (bypassing the validators on purpose)
        const [statement] = [...packStatements([p], ORG, { database, table }, DEFAULT_LIMITS)];
        // THEN Hive reads one ALTER TABLE with one partition whose values are exactly the inputs
        expectHiveReadsStatement(statement, ORG, { database, table });
      }),
      { numRuns: 150 },
    );
  });

  test('hostile names are refused by the validators before anything is rendered', () => {
    // GIVEN settings with hostile bucket, prefix, organization, database, table and account values
    const hostile = {
      bucket: "trail'; DROP TABLE x; --",
      prefix: "logs' --",
      orgId: 'o-abc1234567`',
      database: 'db`; DROP DATABASE x; --',
      table: "t'",
      accounts: ["123456789012'"],
      regions: ['us-east-1;'],
    };
    // WHEN they are parsed
    // THEN every one is refused, each named in the error
    expect(() => parseSettings(hostile)).toThrow(
      /bucket: .*prefix: .*orgId: .*database: .*table: .*accounts\.0: .*regions\.0: /,
    );
    for (const [field, value] of Object.entries(hostile)) {
      expect(() => parseSettings({ bucket: 'trail-bucket', [field]: value })).toThrow(new RegExp(`${field}`));
    }
    expect(checkIdentifier('table', 'cloudtrail_logs; DROP TABLE x')).toBeDefined();
  });

  test("'--' allowed in S3 names stays inside the location literal", () => {
    // GIVEN a bucket and a prefix with '--' (legal in S3 names, a comment marker in SQL)
    const layout = makeLayout({ bucket: 'my--trail--bucket', prefix: '--/a--b' });
    const partitions = planPartitions(
      layout,
      explicitTargets(['111122223333'], ['us-east-1']),
      { from: 0, to: 0 },
      0,
    );
    // WHEN the statement is rendered
    const [statement] = [...packStatements(partitions, ORG, TARGET, DEFAULT_LIMITS)];
    // THEN Hive sees no comment, and the location literal holds the '--' intact
    expect(hiveAllTokenKinds(statement.sql)).not.toContain('LINE_COMMENT');
    expectHiveReadsStatement(statement, ORG, TARGET);
    expect(statement.partitions[0].location).toBe(
      's3://my--trail--bucket/--/a--b/AWSLogs/111122223333/CloudTrail/us-east-1/1970/01/01/',
    );
  });
});

describe('rendering', () => {
  test('header and clause, exactly', () => {
    // GIVEN one partition
    const p = partition('111122223333', 'us-east-1', dayOf('2024-03-07'));
    // WHEN header and clause are rendered for both schemes
    // THEN they are exactly Athena's ADD IF NOT EXISTS PARTITION syntax
    expect(renderHeader('cloudtrail', 'cloudtrail_logs')).toBe(
      'ALTER TABLE `cloudtrail`.`cloudtrail_logs` ADD IF NOT EXISTS',
    );
    expect(renderClause(ORG, p)).toBe(
      "\n  PARTITION (`account` = '111122223333', `region` = 'us-east-1', `year` = '2024', `month` = '03', `day` = '07') LOCATION 's3://trail-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/07/'",
    );
    expect(renderClause(SINGLE, p)).toBe(
      "\n  PARTITION (`region` = 'us-east-1', `year` = '2024', `month` = '03', `day` = '07') LOCATION 's3://trail-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/07/'",
    );
  });

  test('columns follow table order', () => {
    // GIVEN a table whose partition columns are in an unusual order
    const scheme = schemeFromColumns(
      ['day', 'month', 'year', 'region'].map((name) => ({ name, type: 'string' })),
    );
    // WHEN a clause is rendered
    const clause = renderClause(scheme, partition('111122223333', 'us-east-1', dayOf('2024-03-07')));
    // THEN the values are named in that order
    expect(clause).toContain("(`day` = '07', `month` = '03', `year` = '2024', `region` = 'us-east-1')");
  });

  test('a full statement at the default limits: bound by bytes alone, under the Athena limit, valid Hive', () => {
    // GIVEN two accounts × two regions × one year, an organization trail
    const layout = makeLayout({ bucket: 'trail-bucket', prefix: 'logs', orgId: 'o-abc1234567' });
    const targets = explicitTargets(['111122223333', '222233334444'], ['us-east-1', 'ap-southeast-2']);
    const partitions = planPartitions(
      layout,
      targets,
      { from: dayOf('2023-01-01'), to: dayOf('2023-12-31') },
      0,
    );
    // WHEN they are packed at the default limits
    const statements = [...packStatements(partitions, ORG, TARGET, DEFAULT_LIMITS)];
    // THEN 1460 partitions make 2 statements, the first full to the byte budget (no partition cap),
    // each under Athena's hard limit
    expect(statements.map((s) => s.partitions.length)).toEqual([1203, 257]);
    const clause = statements[0].bytes / statements[0].partitions.length;
    expect(statements[0].bytes).toBeGreaterThan(DEFAULT_MAX_STATEMENT_BYTES - clause * 1.1);
    for (const statement of statements) {
      expect(statement.bytes).toBeLessThanOrEqual(DEFAULT_MAX_STATEMENT_BYTES);
      expect(statement.bytes).toBeLessThan(ATHENA_MAX_QUERY_BYTES);
    }
    // AND Hive reads the full one as one statement with all its partitions
    expectHiveReadsStatement(statements[0], ORG, TARGET);
  });
});

describe('packStatements', () => {
  const partitionArb = fc
    .record({
      account: accountArb,
      region: regionArb,
      day: dayArb,
      pad: fc.string({ unit: fc.constantFrom('p', 'é', '😀'), maxLength: 120 }),
    })
    .map(({ account, region, day, pad }): PartitionSpec => {
      const p = partition(account, region, day);
      return { ...p, location: `${p.location}${pad}/` };
    });

  test('respects both limits, keeps every partition once and in order, and uses the fewest statements (property)', () => {
    // GIVEN random partitions of varying byte sizes (multi-byte characters included) and random limits
    const headerBytes = bytes(renderHeader(TARGET.database, TARGET.table));
    const input = fc
      .record({
        partitions: fc.array(partitionArb, { maxLength: 40 }),
        cap: fc.integer({ min: 1, max: 8 }),
        slack: fc.integer({ min: 0, max: 3000 }),
      })
      .map(({ partitions, cap, slack }) => {
        const largest = Math.max(0, ...partitions.map((p) => bytes(renderClause(ORG, p))));
        return {
          partitions,
          limits: { maxPartitionsPerStatement: cap, maxStatementBytes: headerBytes + largest + slack },
        };
      });
    fc.assert(
      fc.property(input, ({ partitions, limits }) => {
        // WHEN they are packed
        const statements = [...packStatements(partitions, ORG, TARGET, limits)];
        // THEN every statement is within both limits and holds at least one partition
        statements.forEach((statement, i) => {
          expect(statement.index).toBe(i);
          expect(statement.partitions.length).toBeGreaterThanOrEqual(1);
          expect(statement.partitions.length).toBeLessThanOrEqual(limits.maxPartitionsPerStatement);
          expect(statement.bytes).toBe(bytes(statement.sql));
          expect(statement.bytes).toBeLessThanOrEqual(limits.maxStatementBytes);
          expect(statement.sql).toBe(
            renderHeader(TARGET.database, TARGET.table) +
              statement.partitions.map((p) => renderClause(ORG, p)).join(''),
          );
        });
        // AND the partitions come out exactly as they went in: same objects, same order, none lost or doubled
        expect(statements.flatMap((s) => s.partitions)).toEqual(partitions);
        statements
          .flatMap((s) => s.partitions)
          .forEach((p, i) => {
            expect(p).toBe(partitions[i]);
          });
        // AND packing is greedy: each statement was closed only because the next partition did not fit,
        // which for order-preserving packing means no packing uses fewer statements
        for (let i = 0; i + 1 < statements.length; i++) {
          const full = statements[i].partitions.length === limits.maxPartitionsPerStatement;
          const nextClause = bytes(renderClause(ORG, statements[i + 1].partitions[0]));
          expect(full || statements[i].bytes + nextClause > limits.maxStatementBytes).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('with a roomy byte budget the statement count is ceil(partitions / cap) (property)', () => {
    // GIVEN n small partitions, a cap, and bytes to spare
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 50 }), (n, cap) => {
        const partitions = Array.from({ length: n }, (_, i) => partition('111122223333', 'us-east-1', i));
        // WHEN packed
        const statements = [
          ...packStatements(partitions, ORG, TARGET, {
            maxStatementBytes: 10_000_000,
            maxPartitionsPerStatement: cap,
          }),
        ];
        // THEN the count is the ceiling, every statement but the last is full
        expect(statements.length).toBe(Math.ceil(n / cap));
        statements.slice(0, -1).forEach((s) => expect(s.partitions.length).toBe(cap));
      }),
      { numRuns: 150 },
    );
  });

  test('no partitions, no statements', () => {
    // GIVEN nothing to register WHEN packed THEN nothing comes out
    expect([...packStatements([], ORG, TARGET, DEFAULT_LIMITS)]).toEqual([]);
  });

  test('a partition that exactly fits the budget is accepted; one byte less throws PackError naming it', () => {
    // GIVEN one partition and a budget of exactly header + clause bytes
    const p = partition('111122223333', 'us-east-1', dayOf('2024-01-01'));
    const exact = bytes(renderHeader(TARGET.database, TARGET.table)) + bytes(renderClause(ORG, p));
    // WHEN packed with that budget
    const [statement] = [
      ...packStatements([p], ORG, TARGET, { maxStatementBytes: exact, maxPartitionsPerStatement: 10 }),
    ];
    // THEN it fits exactly
    expect(statement.bytes).toBe(exact);
    // AND with one byte less the packer refuses, naming the partition
    expect(() => [
      ...packStatements([p], ORG, TARGET, { maxStatementBytes: exact - 1, maxPartitionsPerStatement: 10 }),
    ]).toThrow(PackError);
    expect(() => [
      ...packStatements([p], ORG, TARGET, { maxStatementBytes: exact - 1, maxPartitionsPerStatement: 10 }),
    ]).toThrow(`partition ${p.location} does not fit in ${exact - 1} bytes`);
  });

  test('an oversized partition in the middle throws when reached', () => {
    // GIVEN small partitions around one with a huge location
    const small = partition('111122223333', 'us-east-1', 1);
    const huge = { ...partition('111122223333', 'us-east-1', 2), location: `s3://b/${'x'.repeat(5000)}/` };
    const limits = { maxStatementBytes: 2000, maxPartitionsPerStatement: 10 };
    // WHEN packed
    // THEN packing throws a PackError rather than emitting an oversized statement
    expect(() => [...packStatements([small, huge, small], ORG, TARGET, limits)]).toThrow(PackError);
  });

  test('packing is lazy: nothing is rendered until a statement is taken', () => {
    // GIVEN a source that counts pulls
    let pulled = 0;
    function* source(): Generator<PartitionSpec> {
      for (let i = 0; ; i++) {
        pulled++;
        yield partition('111122223333', 'us-east-1', i);
      }
    }
    // WHEN the packer is created, then one statement of 5 is taken from an endless source
    const statements = packStatements(source(), ORG, TARGET, {
      maxStatementBytes: 1_000_000,
      maxPartitionsPerStatement: 5,
    });
    expect(pulled).toBe(0);
    const first = statements.next();
    // THEN only the 5 partitions plus one look-ahead were pulled
    expect(first.done).toBe(false);
    expect(pulled).toBe(6);
  });
});

describe('every rendered statement is valid Hive (property over valid inputs)', () => {
  const inputs = fc.record({
    bucket: bucketArb,
    prefix: prefixArb,
    orgId: fc.option(orgIdArb, { nil: undefined }),
    database: identifierArb,
    table: identifierArb,
    accounts: fc.uniqueArray(accountArb, { minLength: 1, maxLength: 2 }),
    regions: fc.uniqueArray(regionArb, { minLength: 1, maxLength: 2 }),
    from: dayArb,
    days: fc.integer({ min: 1, max: 3 }),
    cap: fc.integer({ min: 1, max: 4 }),
    single: fc.boolean(),
  });

  test('each statement parses, is one statement, and its PARTITION count and literals match', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        // GIVEN a valid layout, table, accounts, regions and window
        const layout = makeLayout(input);
        const scheme = input.single ? SINGLE : ORG;
        const accounts = input.single ? input.accounts.slice(0, 1) : input.accounts;
        const window = { from: input.from, to: input.from + input.days - 1 };
        const target = { database: input.database, table: input.table };
        // WHEN the plan is packed into statements
        const statements = [
          ...packStatements(
            planPartitions(layout, explicitTargets(accounts, input.regions), window, 0),
            scheme,
            target,
            {
              maxStatementBytes: DEFAULT_MAX_STATEMENT_BYTES,
              maxPartitionsPerStatement: input.cap,
            },
          ),
        ];
        // THEN Hive accepts every statement as exactly one ALTER TABLE whose partitions are the plan's
        expect(statements.flatMap((s) => s.partitions).length).toBe(
          accounts.length * input.regions.length * input.days,
        );
        for (const statement of statements) expectHiveReadsStatement(statement, scheme, target);
      }),
      { numRuns: 100 },
    );
  });
});
