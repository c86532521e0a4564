/** `cloudtrail-partitioner audit` against the local stand-in, and its argument parsing. */
import { main } from '../../../bin/cli/main';
import { noStack } from '../../support/stack-outputs';
import { parseCli } from '../../../bin/cli/program';
import type { StandIn } from '../../support/aws-standin';
import {
  BUCKET,
  DB,
  lambdaEnv,
  logKeys,
  ORG,
  startTrailStandIn,
  TABLE,
  useEnv,
} from '../../support/handler-harness';

const NOW = new Date();
const day = (offset: number) =>
  new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate() + offset))
    .toISOString()
    .slice(0, 10);
const A = '111111111111';
const B = '222222222222';
const values = (account: string, date: string) => [account, 'us-east-1', ...date.split('-')];
const location = (account: string, date: string) =>
  `s3://${BUCKET}/AWSLogs/${ORG}/${account}/CloudTrail/us-east-1/${date.replace(/-/g, '/')}/`;

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: NOW });
  return { code, stdout, stderr };
}

const LAYOUT = ['--bucket', BUCKET, '--org-id', ORG];

describe('audit against AWS (local stand-in)', () => {
  let standIn: StandIn;
  let restore: () => void;

  beforeEach(async () => {
    // GIVEN logs on days -3 and -1 for two accounts; the catalog has A's day -3 only, B's day -1 at a
    // wrong location, and a partition on day -2 where no logs exist
    standIn = await startTrailStandIn({ timeScale: 0.001 });
    standIn.putObjects(BUCKET, logKeys([A, B], ['us-east-1'], [day(-3), day(-1)]));
    standIn.seedPartitions(DB, TABLE, [
      { values: values(A, day(-3)), location: location(A, day(-3)) },
      { values: values(B, day(-1)), location: 's3://elsewhere/x/' },
      { values: values(A, day(-2)), location: location(A, day(-2)) },
    ]);
    restore = useEnv(lambdaEnv(standIn));
  });
  afterEach(async () => {
    restore();
    await standIn.close();
  });

  it('reports missing, orphaned and covered, and exits 1 while anything is missing', async () => {
    // WHEN audited without repair
    const { code, stdout, stderr } = await cli('audit', ...LAYOUT, '--from', day(-3), '--to', day(-1));
    // THEN 4 expected, 1 covered, 2 missing, 2 orphaned, and nothing was submitted
    expect(code).toBe(1);
    expect(stdout).toContain(
      `${day(-3)}..${day(-1)}: 2 account-regions, 4 partitions expected, 1 covered, 2 missing, 2 orphaned`,
    );
    expect(stdout).toContain(`  missing ${A} us-east-1 ${day(-1)}`);
    expect(stdout).toContain(`  missing ${B} us-east-1 ${day(-3)}`);
    expect(stdout).toContain(`  orphaned ${values(A, day(-2)).join('/')} no-logs`);
    expect(stdout).toContain(`wrong-location at s3://elsewhere/x/ (expected ${location(B, day(-1))})`);
    expect(stderr).toContain('1 GetPartitions calls in 1 segments');
    expect(standIn.stats().calls.StartQueryExecution ?? 0).toBe(0);
  });

  it('--repair adds the missing partitions through athena and exits 0', async () => {
    const { code, stdout } = await cli(
      'audit',
      ...LAYOUT,
      '--workgroup',
      'wg',
      '--from',
      day(-3),
      '--to',
      day(-1),
      '--repair',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('repaired 2, still missing 0');
    const locations = standIn.partitions(DB, TABLE).map((p) => p.location);
    expect(locations).toEqual(expect.arrayContaining([location(A, day(-1)), location(B, day(-3))]));
    expect(standIn.queries()[0].sql).toMatch(/^ALTER TABLE `cloudtrail`.`cloudtrail_logs` ADD IF NOT EXISTS/);
  });

  it('--repair without --workgroup takes the workgroup and table from the stack outputs', async () => {
    // GIVEN a deployed stack whose outputs name the workgroup and the table
    const asked: string[] = [];
    let stdout = '';
    let stderr = '';
    // WHEN repairing with no --workgroup, --database or --table
    const code = await main(['audit', ...LAYOUT, '--from', day(-3), '--to', day(-1), '--repair'], {
      stdout: (t) => (stdout += t),
      stderr: (t) => (stderr += t),
      now: NOW,
      stackOutputs: async (name) => {
        asked.push(name);
        return { WorkGroupName: 'from-stack', TableName: `${DB}.${TABLE}` };
      },
    });
    // THEN it read the default stack, said so, and repaired through that workgroup
    expect(code).toBe(0);
    expect(asked).toEqual(['CloudTrailPartitioner']);
    expect(stderr).toMatch(/workgroup from-stack.*from stack CloudTrailPartitioner/);
    expect(stdout).toContain('repaired 2, still missing 0');
    expect(standIn.queries().map((q) => q.workGroup)).toEqual(['from-stack']);
  });

  it('--format json carries the counts and ranges; --accounts narrows the audit', async () => {
    const { code, stdout } = await cli(
      'audit',
      ...LAYOUT,
      '--accounts',
      A,
      '--from',
      day(-3),
      '--to',
      day(-1),
      '--format',
      'json',
    );
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(code).toBe(1);
    expect(report).toMatchObject({ ok: false, expected: 2, covered: 1, missing: 1, stillMissing: 1 });
    expect(report.missingRanges).toEqual([{ account: A, region: 'us-east-1', from: day(-1), to: day(-1) }]);
  });

  it('exits 1 when athena refuses the repair, naming the reason', async () => {
    standIn.faults.failQueriesMatching(/ADD IF NOT EXISTS/, { reason: 'Access Denied' });
    const { code, stdout } = await cli(
      'audit',
      ...LAYOUT,
      '--workgroup',
      'wg',
      '--from',
      day(-3),
      '--to',
      day(-1),
      '--repair',
    );
    expect(code).toBe(1);
    expect(stdout).toContain('repaired 0, still missing 2');
    expect(stdout).toContain('repair failed: Access Denied');
  });
});

describe('audit --retention-days against AWS (local stand-in)', () => {
  let standIn: StandIn;
  let restore: () => void;

  beforeEach(async () => {
    // GIVEN logs and partitions on days -3 and -1, and an expired partition 40 days back
    standIn = await startTrailStandIn({ timeScale: 0.001 });
    standIn.putObjects(BUCKET, logKeys([A], ['us-east-1'], [day(-3), day(-1)]));
    standIn.seedPartitions(
      DB,
      TABLE,
      [day(-40), day(-3), day(-1)].map((d) => ({ values: values(A, d), location: location(A, d) })),
    );
    restore = useEnv(lambdaEnv(standIn));
  });
  afterEach(async () => {
    restore();
    await standIn.close();
  });

  const audit = (...extra: string[]) =>
    cli('audit', ...LAYOUT, '--from', day(-3), '--to', day(-1), '--retention-days', '30', ...extra);

  it('reports the expired partitions, drops nothing, and exits 0 when the window is complete', async () => {
    // WHEN audited with a 30-day retention and no --repair
    const { code, stdout } = await audit();
    // THEN the expired partition is reported, still in the catalog, and nothing was submitted
    expect(stdout).toMatch(
      /retention 30 days \(keeping \d{4}-\d{2}-\d{2} on\): 1 expired partition.*0 dropped/,
    );
    expect(standIn.partitions(DB, TABLE)).toHaveLength(3);
    expect(standIn.stats().calls.StartQueryExecution ?? 0).toBe(0);
    expect(code).toBe(0);
  });

  it('--repair drops the expired partitions and nothing newer', async () => {
    // WHEN audited with --repair
    const { code, stdout } = await audit('--repair', '--workgroup', 'primary');
    // THEN exactly the partition past the cutoff is gone
    expect(stdout).toMatch(/1 dropped/);
    expect(standIn.partitions(DB, TABLE).map((p) => p.values[4])).toEqual(
      [day(-3), day(-1)].map((d) => d.slice(8)),
    );
    expect(code).toBe(0);
  });
});

describe('audit arguments', () => {
  const now = new Date('2024-03-10T06:00:00Z');

  it('is the first word, like every command, and a misplaced one is pointed at', async () => {
    // GIVEN the command word after a flag WHEN running THEN exit 2, saying the command comes first
    let stderr = '';
    const io = { stdout: () => undefined, stderr: (t: string) => (stderr += t), now };
    expect(await main(['--bucket', 'b', 'audit'], io)).toBe(2);
    expect(stderr).toContain('the command comes first, as in cloudtrail-partitioner audit --help');
  });

  it('carries --retention-days for the retention check', () => {
    const command = parseCli(
      [
        'audit',
        '--bucket',
        'trail-bucket',
        '--from',
        '2024-03-01',
        '--to',
        '2024-03-09',
        '--retention-days',
        '365',
      ],
      now,
    );
    expect(command).toMatchObject({ command: 'audit', retentionDays: 365, repair: false, format: 'text' });
  });

  it.each([
    [['--from', '2024-03-01'], /missing --from or --to/],
    [['--from', '2024-03-01', '--to', '2024-03-10'], /up to yesterday/],
    [['--from', '2024-02-30', '--to', '2024-03-01'], /invalid --from "2024-02-30"/],
    [['--from', '2024-03-05', '--to', '2024-03-01'], /is after to/],
    [['--from', '2024-03-01', '--to', '2024-03-02', '--repair'], /missing --workgroup/],
    [['--from', '2024-03-01', '--to', '2024-03-02', '--format', 'sql'], /expected text or json/],
    [['--from', '2024-03-01', '--to', '2024-03-02', '--accounts', '123'], /invalid --accounts entry "123"/],
    [
      ['--from', '2024-03-01', '--to', '2024-03-02', '--retention-days', '0'],
      /--retention-days: expected retention days from 1 to 7305 \(got 0\)/,
    ],
    [
      ['--from', '2024-03-01', '--to', '2024-03-02', '--date', '2024-03-01'],
      /--date is not for audit \(it is for plan and run\)/,
    ],
  ])('refuses %j with exit code 2', async (flags, message) => {
    let stderr = '';
    const code = await main(['audit', '--bucket', 'trail-bucket', ...flags], {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      now,
      stackOutputs: noStack,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('--help prints the help of audit, and the overall usage lists audit', async () => {
    // GIVEN audit --help and the bare --help WHEN running THEN audit's own help, and audit in the list
    let stdout = '';
    const io = { stdout: (t: string) => (stdout += t), stderr: () => undefined, now };
    expect(await main(['audit', '--help'], io)).toBe(0);
    expect(stdout).toMatch(/^Usage: cloudtrail-partitioner audit \[options\]\n/);
    expect(stdout).toContain('--repair');
    stdout = '';
    expect(await main(['--help'], io)).toBe(0);
    expect(stdout).toMatch(/\n {2}audit \[options\] +compare days with logs in S3/);
  });
});
