/** `cloudtrail-partitioner query`: listing, dry runs and usage errors (exit 2). */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../../bin/cli/main';
import { noStack } from '../../support/stack-outputs';
import type { QueryIo } from '../../../bin/cli/query';
import { PRESETS } from '../../../lambda/core/query/presets';
import { trinoErrors, trinoStatementCount } from '../../support/query-harness';

const NOW = new Date('2026-12-01T12:00:00Z');

async function cli(
  argv: string[],
  query: Partial<QueryIo> = { hasCredentials: () => false },
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: NOW,
    query,
    stackOutputs: noStack,
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
    expect(code).toBe(0);
    // AND, with no credentials in the test's environment, it says coverage was not checked
    expect(stderr).toMatch(/coverage not checked \((no AWS credentials found|--offline)\)/);
    expect(trinoErrors(stdout)).toEqual([]);
    expect(trinoStatementCount(stdout)).toBe(1);
    expect(stdout).toContain('FROM "cloudtrail"."cloudtrail_logs"\n');
    expect(stdout).toContain(
      "WHERE account = '012345678901' AND region = 'us-east-1' AND year = '2020' AND (month = '06' OR (month = '07' AND day = '01')) AND eventtime >= '2020-06-01' AND eventtime < '2020-07-01'\n",
    );
    expect(stdout).toContain("resourceRecordSet.name'))) IN ('www.mydomain.com', 'www.mydomain.com.')");
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
      `WHERE year = '2024' AND ((month = '02' AND day >= '28') OR (month = '03' AND day <= '02')) AND eventtime >= '2024-02-28T22:00:00Z' AND eventtime < '2024-03-02'\n`,
    );
    expect(stdout).not.toMatch(/\baccount (=|IN)/);
  });

  test('the package bin prints the same statement (npm run cli)', () => {
    // GIVEN the real entry point WHEN run as a process THEN the same statement and exit 0
    const result = spawnSync(
      process.execPath,
      [join(__dirname, '../../../bin/cloudtrail-partitioner.js'), ...DONE_WHEN],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("year = '2020' AND (month = '06' OR (month = '07' AND day = '01'))");
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
      /invalid --accounts entry "123": expected 12 digits/,
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
      /unknown option --bogus \(valid options for query: --list, /,
    ],
  ])('%j', async (argv, message) => {
    const { code, stdout, stderr } = await cli(argv, { athena });
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(message);
  });
});
