/**
 * `query` checks the catalog first: the Glue stand-in answers GetPartitions with the query's own
 * expression, and what is missing is said on stderr with the backfill command.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { main } from '../../../bin/cli/main';
import { type StandIn, startStandIn } from '../../support/aws-standin';

let standIn: StandIn;
const A = '012345678901';
const KEYS = ['account', 'region', 'year', 'month', 'day'].map((name) => ({ name, type: 'string' }));

beforeAll(async () => {
  standIn = await startStandIn();
  standIn.defineTable('cloudtrail', 'cloudtrail_logs', KEYS);
  // 28 Feb to 2 Mar 2024 in us-east-1; 1 Mar missing in eu-west-1
  standIn.seedPartitions(
    'cloudtrail',
    'cloudtrail_logs',
    [
      ...['28', '29'].map((d) => [A, 'us-east-1', '2024', '02', d]),
      ...['01', '02'].map((d) => [A, 'us-east-1', '2024', '03', d]),
      ...['28', '29'].map((d) => [A, 'eu-west-1', '2024', '02', d]),
      [A, 'eu-west-1', '2024', '03', '02'],
    ].map((values) => ({ values })),
  );
});
afterAll(() => standIn.close());

async function query(
  argv: string[],
  options: { credentials?: boolean; glue?: () => GlueClient } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['query', 'console-logins', ...argv], {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: new Date('2024-06-01T12:00:00Z'),
    query: {
      hasCredentials: () => options.credentials ?? true,
      glue: options.glue ?? (() => new GlueClient({ ...standIn.clientConfig, maxAttempts: 1 })),
      athena: () => new AthenaClient({ ...standIn.clientConfig, maxAttempts: 1 }),
    },
  });
  return { code, stdout, stderr };
}

const RANGE = ['--from', '2024-02-28', '--to', '2024-03-01', '--accounts', A];

test('--dry-run with credentials lists the missing day and the backfill command', async () => {
  // WHEN both regions are asked for
  const { code, stderr, stdout } = await query([...RANGE, '--regions', 'us-east-1,eu-west-1', '--dry-run']);
  // THEN eu-west-1's 1 March is named, with the command that adds it, and the statement still prints
  expect(code).toBe(0);
  expect(stdout).toContain('SELECT');
  expect(stderr).toContain('lacks 1 of 8 partitions');
  expect(stderr).toContain(`${A}/eu-west-1: 2024-03-01`);
  expect(stderr).toContain(`backfill --from 2024-03-01 --to 2024-03-01 --accounts ${A} --regions eu-west-1`);
});

test('a covered range says nothing', async () => {
  const { code, stderr } = await query([...RANGE, '--regions', 'us-east-1', '--dry-run']);
  // THEN no line about coverage (the stack-name and cost lines are other checks' business)
  expect(code).toBe(0);
  expect(stderr).not.toMatch(/coverage|lacks|backfill/i);
});

test('--require-complete exits 1 on a gap, and runs nothing', async () => {
  const before = standIn.selects.queries().length;
  const { code, stderr } = await query([
    ...RANGE,
    '--regions',
    'eu-west-1',
    '--workgroup',
    'wg',
    '--require-complete',
  ]);
  expect(code).toBe(1);
  expect(stderr).toContain('--require-complete: the catalog lacks partitions');
  expect(standIn.selects.queries().length).toBe(before);
});

test('--offline and no credentials say coverage was not checked, without calling Glue', async () => {
  const glue = (): never => {
    throw new Error('must not build a glue client');
  };
  const offline = await query([...RANGE, '--dry-run', '--offline'], { glue });
  expect(offline.code).toBe(0);
  expect(offline.stderr).toContain('coverage not checked (--offline)');
  const none = await query([...RANGE, '--dry-run'], { glue, credentials: false });
  expect(none.stderr).toContain('coverage not checked (no AWS credentials found)');
  // AND --require-complete cannot be satisfied without the check
  expect((await query([...RANGE, '--dry-run', '--offline', '--require-complete'], { glue })).code).toBe(1);
});

test('an unknown region gets the same warning as plan', async () => {
  const { stderr } = await query([...RANGE, '--regions', 'us-esat-1', '--dry-run', '--offline']);
  expect(stderr).toContain('warning: --regions entry "us-esat-1" is not a region the AWS SDK knows');
});

test('a range ending after tomorrow is refused with exit 2', async () => {
  const { code, stderr } = await query(['--from', '2024-05-01', '--to', '2024-06-03', '--dry-run']);
  expect(code).toBe(2);
  expect(stderr).toContain('after tomorrow');
});

test.each([['8'], ['-1'], ['x'], ['1.5']])('--late-days %s is refused with exit 2', async (value) => {
  const { code, stderr } = await query([...RANGE, '--late-days', value, '--dry-run', '--offline']);
  expect(code).toBe(2);
  expect(stderr).toContain(`invalid --late-days "${value}": expected a whole number from 0 to 7`);
});

test('--late-days 3 reads three more days of folders', async () => {
  const { stdout } = await query([...RANGE, '--late-days', '3', '--dry-run', '--offline']);
  expect(stdout).toContain("day <= '04'");
  expect(stdout).toContain("eventtime < '2024-03-02'");
});
