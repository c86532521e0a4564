/** `cloudtrail-partitioner query`: listing, dry runs, usage errors (exit 2) and --sql files. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../bin/cli';
import type { QueryIo } from '../../bin/query';
import { PRESETS } from '../../lambda/core/presets';
import { trinoErrors, trinoStatementCount } from '../support/query-harness';

const NOW = new Date('2026-12-01T12:00:00Z');

async function cli(
  argv: string[],
  query: Partial<QueryIo> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: NOW,
    query,
  });
  return { code, stdout, stderr };
}

const DONE_WHEN = [
  'query',
  'route53-changes',
  '--from',
  '2020-06-01',
  '--to',
  '2020-06-30',
  '--param',
  'name=www.mydomain.com.',
  '--dry-run',
  '--accounts',
  '012345678901',
  '--regions',
  'us-east-1',
];

describe('query --list', () => {
  test('prints every preset with its description and parameters', async () => {
    // WHEN listing THEN every preset, its description and every parameter appear
    const { code, stdout } = await cli(['query', '--list']);
    expect(code).toBe(0);
    for (const preset of PRESETS) {
      expect(stdout).toContain(`${preset.name}\n    ${preset.description}`);
      for (const param of preset.params) expect(stdout).toContain(`${param.name}=VALUE`);
    }
    expect(stdout).toContain('us-east-1');
  });

  test('--format json is machine-readable', async () => {
    const { stdout } = await cli(['query', '--list', '--format', 'json']);
    expect((JSON.parse(stdout) as { name: string }[]).map((p) => p.name)).toEqual(PRESETS.map((p) => p.name));
  });
});

describe('query --dry-run', () => {
  test("the README's Route 53 question prints one correct, partition-filtered statement", async () => {
    // GIVEN the seed's question WHEN dry-running it
    const { code, stdout, stderr } = await cli(DONE_WHEN);
    // THEN one Trino statement, filtered on the 5-key table's partitions for June 2020
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(trinoErrors(stdout)).toEqual([]);
    expect(trinoStatementCount(stdout)).toBe(1);
    expect(stdout).toContain('FROM "cloudtrail"."cloudtrail_logs"\n');
    expect(stdout).toContain(
      "WHERE account = '012345678901' AND region = 'us-east-1' AND year = '2020' AND month = '06'\n",
    );
    expect(stdout).toContain("resourceRecordSet.name')) IN ('www.mydomain.com', 'www.mydomain.com.')");
    expect(stdout).toContain("eventname = 'ChangeResourceRecordSets'");
  });

  test('--format json prints an object whose sql is the statement', async () => {
    const text = (await cli(DONE_WHEN)).stdout;
    const { stdout } = await cli([...DONE_WHEN, '--format', 'json']);
    expect(JSON.parse(stdout)).toMatchObject({
      sql: text.replace(/;\n$/, ''),
      database: 'cloudtrail',
      table: 'cloudtrail_logs',
    });
  });

  test('the seed-style region,year,month,day table gets its own keys, and times add an eventtime bound', async () => {
    const { stdout } = await cli([
      'query',
      'root-activity',
      '--from',
      '2024-02-28T22:00:00Z',
      '--to',
      '2024-03-01',
      '--partition-keys',
      'region,year,month,day',
      '--table',
      'cloudtrail_logs_cloudtrail',
      '--dry-run',
    ]);
    expect(stdout).toContain(
      `WHERE year = '2024' AND ((month = '02' AND day >= '28') OR (month = '03' AND day = '01')) AND eventtime >= '2024-02-28T22:00:00Z'\n`,
    );
    expect(stdout).not.toMatch(/\baccount (=|IN)/);
  });

  test('the package bin prints the same statement (npm run cli)', () => {
    // GIVEN the real entry point WHEN run as a process THEN the same statement and exit 0
    const result = spawnSync(
      process.execPath,
      [join(__dirname, '../../bin/cloudtrail-partitioner.js'), ...DONE_WHEN],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("year = '2020' AND month = '06'");
  });
});

describe('query usage errors exit 2 and touch nothing', () => {
  const athena = (): never => {
    throw new Error('must not build an athena client');
  };
  test.each([
    [['query', 'route53-changes', '--to', '2020-06-30', '--dry-run'], /missing --from or --to/],
    [
      ['query', 'no-such', '--from', '2020-06-01', '--to', '2020-06-30', '--dry-run'],
      /unknown preset "no-such": expected one of route53-changes/,
    ],
    [
      ['query', 'who-did', '--from', '2020-06-01', '--to', '2020-06-30', '--dry-run'],
      /missing --param principal for who-did/,
    ],
    [
      [
        'query',
        'who-did',
        '--from',
        '2020-06-01',
        '--to',
        '2020-06-30',
        '--param',
        "principal=x' OR '1'='1",
        '--dry-run',
      ],
      /invalid --param principal "x' OR '1'='1" for who-did/,
    ],
    [
      ['query', 'root-activity', '--from', '2020-06-01', '--to', '2020-06-30', '--param', 'x', '--dry-run'],
      /invalid --param "x": expected key=value/,
    ],
    [
      [
        'query',
        'root-activity',
        '--from',
        '2020-06-01',
        '--to',
        '2020-06-30',
        '--accounts',
        '123',
        '--dry-run',
      ],
      /invalid account "123"/,
    ],
    [
      [
        'query',
        'root-activity',
        '--from',
        '2020-06-01',
        '--to',
        '2020-06-30',
        '--dry-run',
        '--format',
        'csv',
      ],
      /invalid --format "csv": expected sql, json with --dry-run/,
    ],
    [['query', 'root-activity', '--from', '2020-06-01', '--to', '2020-06-30'], /missing --workgroup/],
    [
      [
        'query',
        'root-activity',
        '--from',
        '2020-06-01',
        '--to',
        '2020-06-30',
        '--table',
        'Bad-Name',
        '--dry-run',
      ],
      /invalid --table "Bad-Name"/,
    ],
    [
      [
        'query',
        'root-activity',
        '--from',
        '2020-06-01',
        '--to',
        '2020-06-30',
        '--partition-keys',
        'year,month',
        '--dry-run',
      ],
      /unsupported partition keys/,
    ],
    [
      ['query', '--from', '2020-06-01', '--to', '2020-06-30', '--dry-run'],
      /missing query: give a PRESET name/,
    ],
    [
      ['query', 'root-activity', '--from', '2020-06-01', '--to', '2020-06-30', '--bogus'],
      /invalid options: unknown option '--bogus'/,
    ],
  ])('%j', async (argv, message) => {
    const { code, stdout, stderr } = await cli(argv, { athena });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(message);
  });
});

describe('query --sql', () => {
  const run = (sql: string, ...extra: string[]): ReturnType<typeof cli> =>
    cli(
      [
        'query',
        '--sql',
        'mine.sql',
        '--from',
        '2024-02-27',
        '--to',
        '2024-03-26',
        '--regions',
        'us-east-1',
        '--dry-run',
        ...extra,
      ],
      { readSql: () => sql },
    );
  const BARE =
    "region = 'us-east-1' AND year = '2024' AND ((month = '02' AND day >= '27') OR (month = '03' AND day <= '26'))";
  const FILTER = `(${BARE})`;

  test('the filter goes in at {{partitions}}', async () => {
    const { code, stdout } = await run(
      'SELECT eventname, count(*) FROM cloudtrail_logs WHERE {{partitions}} AND errorcode IS NOT NULL GROUP BY 1;',
    );
    expect(code).toBe(0);
    expect(stdout).toBe(
      `SELECT eventname, count(*) FROM cloudtrail_logs WHERE ${FILTER} AND errorcode IS NOT NULL GROUP BY 1;\n`,
    );
    expect(trinoErrors(stdout)).toEqual([]);
  });

  test('a query without a placeholder gets the filter ANDed into its WHERE', async () => {
    const { stdout } = await run(
      "SELECT * FROM cloudtrail.cloudtrail_logs WHERE eventname = 'StopLogging' OR eventname = 'DeleteTrail' ORDER BY eventtime LIMIT 10",
    );
    expect(stdout).toBe(
      `SELECT * FROM cloudtrail.cloudtrail_logs WHERE ${BARE}\n  AND (eventname = 'StopLogging' OR eventname = 'DeleteTrail')\nORDER BY eventtime LIMIT 10;\n`,
    );
  });

  test('a query without a WHERE gets one', async () => {
    const { stdout } = await run(
      'SELECT count(*) FROM "cloudtrail_logs" -- everything\nGROUP BY eventsource',
    );
    expect(stdout).toContain(`FROM "cloudtrail_logs" -- everything\nWHERE ${BARE}\nGROUP BY eventsource`);
  });

  test('a query that reads the table where no filter can go is refused unless --allow-full-scan', async () => {
    const sql = 'WITH e AS (SELECT * FROM cloudtrail_logs) SELECT count(*) FROM e';
    const refused = await run(sql);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /without a partition filter.*put \{\{partitions\}\} where the filter goes, or give --allow-full-scan/,
    );
    const allowed = await run(sql, '--allow-full-scan');
    expect(allowed).toMatchObject({ code: 0, stdout: `${sql};\n` });
  });

  test.each([
    ['DROP TABLE cloudtrail_logs', /refused DROP statement/],
    ['SELECT 1; DROP TABLE cloudtrail_logs', /expected one statement/],
    ["SELECT 'unterminated FROM cloudtrail_logs", /unterminated string literal/],
  ])('%s is refused', async (sql, message) => {
    const { code, stderr } = await run(sql);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  test('an unreadable file is a usage error', async () => {
    const { code, stderr } = await cli([
      'query',
      '--sql',
      '/nonexistent/q.sql',
      '--from',
      '2024-01-01',
      '--to',
      '2024-01-02',
      '--dry-run',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot read --sql \/nonexistent\/q.sql: ENOENT/);
  });
});
