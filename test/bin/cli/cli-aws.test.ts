/**
 * The CLI against the local stand-in, through the standard SDK configuration a user has:
 * AWS_REGION, credentials and AWS_ENDPOINT_URL_S3/_ATHENA/_GLUE.
 */
import { main } from '../../../bin/cli/main';
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
const today = NOW.toISOString().slice(0, 10);
const day = (offset: number) =>
  new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate() + offset))
    .toISOString()
    .slice(0, 10);

let standIn: StandIn;
let restore: () => void;

beforeEach(async () => {
  standIn = await startTrailStandIn({ timeScale: 0.001 });
  standIn.putObjects(BUCKET, logKeys(['111111111111', '222222222222'], ['us-east-1'], [day(-3), day(-1)]));
  restore = useEnv(lambdaEnv(standIn));
});
afterEach(async () => {
  restore();
  await standIn.close();
});

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: NOW });
  return { code, stdout, stderr };
}

describe('cli against AWS (local stand-in)', () => {
  it('plan --discover lists accounts and regions from S3 and skips empty past days', async () => {
    // GIVEN logs on day -3 and day -1 only
    // WHEN planning day -3 .. tomorrow with discovery
    const { code, stdout, stderr } = await cli(
      'plan',
      '--bucket',
      BUCKET,
      '--org-id',
      ORG,
      '--discover',
      '--from',
      day(-3),
      '--to',
      day(1),
      '--format',
      'json',
    );
    // THEN 2 accounts × (2 past days with logs + today + tomorrow) = 8 partitions; day -2 skipped
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.partitions).toBe(8);
    expect(doc.skippedEmpty).toBe(2);
    const locations = doc.statements.flatMap((s: { partitions: { location: string }[] }) =>
      s.partitions.map((p) => p.location),
    );
    expect(locations).toContain(
      `s3://${BUCKET}/AWSLogs/${ORG}/222222222222/CloudTrail/us-east-1/${today.replace(/-/g, '/')}/`,
    );
    expect(locations.some((l: string) => l.includes(day(-2).replace(/-/g, '/')))).toBe(false);
    expect(stderr).toContain('8 partitions');
    expect(standIn.stats().calls.StartQueryExecution ?? 0).toBe(0);
  });

  it.each([
    [
      'plan --discover, wrong --org-id',
      ['plan', '--bucket', BUCKET, '--org-id', 'o-wrongwrong', '--discover'],
      `s3://${BUCKET}/AWSLogs/o-wrongwrong/`,
    ],
    [
      'plan --discover, wrong --prefix',
      ['plan', '--bucket', BUCKET, '--org-id', ORG, '--prefix', 'nope', '--discover'],
      `s3://${BUCKET}/nope/AWSLogs/${ORG}/`,
    ],
    [
      'audit, wrong --org-id',
      ['audit', '--bucket', BUCKET, '--org-id', 'o-wrongwrong'],
      `s3://${BUCKET}/AWSLogs/o-wrongwrong/`,
    ],
    [
      'audit, wrong --prefix',
      ['audit', '--bucket', BUCKET, '--org-id', ORG, '--prefix', 'nope'],
      `s3://${BUCKET}/nope/AWSLogs/${ORG}/`,
    ],
  ])('%s fails naming the S3 location searched, like run', async (_label, argv, location) => {
    // GIVEN logs under the right organization only WHEN the command looks elsewhere
    const { code, stderr } = await cli(...argv, '--from', day(-3), '--to', day(-1));
    // THEN exit 1 and the location it searched, not "0 partitions" (or every partition orphaned)
    expect(code).toBe(1);
    expect(stderr).toContain(`no cloudtrail logs found under ${location}`);
    expect(standIn.stats().calls.StartQueryExecution ?? 0).toBe(0);
  });

  it('run adds the partitions in the workgroup, waits, and exits 0', async () => {
    // WHEN running the same window for real
    const { code, stdout, stderr } = await cli(
      'run',
      '--bucket',
      BUCKET,
      '--org-id',
      ORG,
      '--workgroup',
      'partitioner',
      '--from',
      day(-3),
      '--to',
      day(1),
      '--database',
      DB,
      '--table',
      TABLE,
    );
    // THEN every partition is in the catalog and the summary says so
    expect(code).toBe(0);
    expect(stdout).toMatch(/8 partitions in 1 statement; 1 succeeded, 0 failed/);
    expect(stderr).toContain('1 statements done, 8/8 partitions added');
    expect(standIn.partitions(DB, TABLE)).toHaveLength(8);
    expect(standIn.queries().every((q) => q.workGroup === 'partitioner')).toBe(true);
  });

  it('run without --workgroup takes the workgroup and table from the named stack', async () => {
    // GIVEN a stack named with --stack whose outputs name the workgroup and the table
    const asked: string[] = [];
    let stderr = '';
    // WHEN running with no --workgroup, --database or --table
    const code = await main(
      [
        'run',
        '--bucket',
        BUCKET,
        '--org-id',
        ORG,
        '--stack',
        'Prod-Trails',
        '--from',
        day(-3),
        '--to',
        day(1),
      ],
      {
        stdout: () => undefined,
        stderr: (t) => (stderr += t),
        now: NOW,
        stackOutputs: async (name) => {
          asked.push(name);
          return { WorkGroupName: 'from-stack', TableName: `${DB}.${TABLE}` };
        },
      },
    );
    // THEN it read that stack, said so, and added every partition through its workgroup and table
    expect(code).toBe(0);
    expect(asked).toEqual(['Prod-Trails']);
    expect(stderr).toMatch(/workgroup from-stack.*from stack Prod-Trails/);
    expect(standIn.partitions(DB, TABLE)).toHaveLength(8);
    expect(standIn.queries().every((q) => q.workGroup === 'from-stack')).toBe(true);
  });

  it('run exits 1 with the reason when a statement fails', async () => {
    // GIVEN Athena failing the statement for account 2
    standIn.faults.failQueriesMatching(/222222222222/, { reason: 'Access Denied (Service: Amazon S3)' });
    // WHEN running one statement per account
    const { code, stdout } = await cli(
      'run',
      '--bucket',
      BUCKET,
      '--org-id',
      ORG,
      '--workgroup',
      'partitioner',
      '--date',
      day(1),
      '--max-partitions-per-statement',
      '1',
    );
    // THEN exit 1, and the failure line names Athena's reason
    expect(code).toBe(1);
    expect(stdout).toMatch(/1 failed/);
    expect(stdout).toMatch(/statement \d+ failed .*Access Denied/);
  });

  it('run --dry-run plans from S3 and Glue but submits nothing', async () => {
    const { code, stdout } = await cli(
      'run',
      '--bucket',
      BUCKET,
      '--org-id',
      ORG,
      '--workgroup',
      'partitioner',
      '--date',
      day(1),
      '--dry-run',
      '--format',
      'json',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ dryRun: true, partitions: 2, statements: 1 });
    expect(standIn.stats().calls.StartQueryExecution ?? 0).toBe(0);
  });
});
