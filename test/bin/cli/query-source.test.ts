/**
 * `query --source raw|columnar|auto` end to end through the stand-in: the copy's coverage read
 * from its Glue table parameter, one statement (Trino grammar) over the copy and the raw table,
 * stderr naming the days of each, a missing or unreadable copy sending `auto` to the raw logs,
 * `columnar` refused for days the copy lacks with nothing submitted, no lookup with --offline,
 * and the cost estimate counting only the raw side's folders.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { main } from '../../../bin/cli/main';
import { parseCli } from '../../../bin/cli/program';
import type { QueryRun } from '../../../bin/cli/query-command';
import { readStackOutputs } from '../../../lambda/aws/stack-outputs';
import { PRESETS } from '../../../lambda/core/query/presets';
import { type StandIn, startStandIn } from '../../support/aws-standin';
import { trinoErrors, trinoStatementCount } from '../../support/query-harness';

const NOW = new Date('2024-03-20T12:00:00Z');
const BUCKET = 'trail-bucket';
const ACCOUNTS = ['111122223333', '444455556666'];
const REGIONS = ['us-east-1', 'eu-west-1'];
const COVERAGE = 'cloudtrail_partitioner.converted_days';
const RAW = '"cloudtrail"."cloudtrail_logs"';
const COPY = '"cloudtrail"."cloudtrail_logs_columnar"';
const WEEK = ['--from', '2024-03-01', '--to', '2024-03-07'];

let standIn: StandIn;
const objects: [string, number][] = [];

beforeAll(async () => {
  standIn = await startStandIn();
  // GIVEN trail folders for 2 accounts × 2 regions × March 1–20, one file each of a distinct size
  let size = 1000;
  for (const account of ACCOUNTS)
    for (const region of REGIONS)
      for (let day = 1; day <= 20; day++) {
        const dd = String(day).padStart(2, '0');
        const key = `AWSLogs/${account}/CloudTrail/${region}/2024/03/${dd}/${account}_CloudTrail_${region}_202403${dd}T0000Z_a.json.gz`;
        objects.push([key, (size += 137)]);
      }
  standIn.putSizedObjects(BUCKET, objects);
  const outputs = {
    WorkGroupName: 'wg',
    TableName: 'cloudtrail.cloudtrail_logs',
    PartitionKeys: 'account,region,year,month,day',
    TableLocation: `s3://${BUCKET}/AWSLogs/`,
  };
  // The default stack keeps a copy under the default name; Named under its own; Bare keeps none.
  standIn.putStack('CloudTrailPartitioner', {
    ...outputs,
    ColumnarTableName: 'cloudtrail.cloudtrail_logs_columnar',
  });
  standIn.putStack('Named', { ...outputs, ColumnarTableName: 'cloudtrail.trail_copy' });
  standIn.putStack('Bare', outputs);
});
afterAll(() => standIn.close());
beforeEach(() => {
  standIn.dropTable('cloudtrail', 'cloudtrail_logs_columnar');
  standIn.dropTable('cloudtrail', 'trail_copy');
  standIn.faults.clear();
  standIn.resetStats();
});

/** The copy's table as the daily run leaves it: `converted_days` holding `coverage`. */
function copyTable(coverage: string | undefined, name = 'cloudtrail_logs_columnar'): void {
  standIn.defineTable('cloudtrail', name, [], `s3://copy-bucket/columnar/`, {
    ...(coverage !== undefined ? { parameters: { [COVERAGE]: coverage } } : {}),
  });
}

/** Bytes under the day folders from `from` to `to` (day numbers in March), summed apart from the code. */
const truth = (from: number, to: number): number =>
  objects
    .filter(([key]) => {
      const day = Number(key.split('/')[6]);
      return day >= from && day <= to;
    })
    .reduce((sum, [, bytes]) => sum + bytes, 0);

async function cli(argv: string[], options: { credentials?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const config = { ...standIn.clientConfig, maxAttempts: 1 };
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: NOW,
    stackOutputs: (name) => readStackOutputs(new CloudFormationClient(config), name),
    query: {
      athena: () => new AthenaClient(config),
      glue: () => new GlueClient(config),
      s3: () => new S3Client({ ...config, forcePathStyle: true }),
      clock: { now: () => 0, sleep: async () => undefined },
      pollMs: 1,
      ...(options.credentials === false ? { credentialsFound: async () => false } : {}),
    },
  });
  return { code, stdout, stderr, sent: standIn.selects.queries().map((q) => q.sql) };
}

let answerWaiting = false;
/** The SQL of the last query Athena received, when this call sent one. */
async function sentBy(argv: string[]) {
  const before = standIn.selects.queries().length;
  // One empty answer waiting for the SELECT; a refused run leaves it for the next call.
  if (!answerWaiting) standIn.selects.respond({ columns: ['eventtime'], rows: [] });
  const result = await cli(argv);
  const sent = result.sent.length > before;
  answerWaiting = !sent;
  return { ...result, sql: sent ? result.sent.at(-1) : undefined };
}

const parse = (...argv: string[]): QueryRun => parseCli(['query', ...argv], NOW) as QueryRun;

describe('--source parsing', () => {
  it('defaults to auto and carries each value', () => {
    // GIVEN no --source, then each value WHEN parsing THEN the field holds it
    expect(parse('root-activity', '--since', '1d').source).toBe('auto');
    for (const source of ['raw', 'columnar', 'auto'])
      expect(parse('root-activity', '--since', '1d', '--source', source).source).toBe(source);
  });

  it('refuses --source columnar with --sql (exit 2, nothing read), and takes raw', async () => {
    // GIVEN --sql, which reads the raw table WHEN asking for the copy THEN exit 2 naming both
    const bad = await cli(['query', '--sql', 'x.sql', ...WEEK, '--source', 'columnar', '--workgroup', 'wg']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--source columnar is for presets: --sql reads the raw table');
    expect(standIn.stats().calls.GetTable ?? 0).toBe(0);
    expect(parse('--sql', 'x.sql', ...WEEK, '--source', 'raw').source).toBe('raw');
  });
});

describe('auto', () => {
  it('on a stack that keeps no copy, looks nothing up and reads the raw logs silently', async () => {
    // GIVEN a stack without the ColumnarTableName output (columnarCopy off) and a stray copy table
    copyTable('2024-03-01..2024-03-07');
    // WHEN a preset runs with the default source
    const auto = await sentBy(['query', 'console-logins', ...WEEK, '--stack', 'Bare']);
    // THEN no GetTable, the raw statement, no source line (the default deployment stays as it was)
    expect(auto.code).toBe(0);
    expect(standIn.stats().calls.GetTable ?? 0).toBe(0);
    expect(auto.sql).not.toContain('UNION ALL');
    expect(auto.stderr).not.toContain('source:');
    // AND --source columnar says the stack keeps none, submitting nothing
    const columnar = await sentBy([
      'query',
      'console-logins',
      ...WEEK,
      '--stack',
      'Bare',
      '--source',
      'columnar',
    ]);
    expect(columnar.code).toBe(2);
    expect(columnar.stderr).toContain(
      '--source columnar: stack Bare keeps no columnar copy (no ColumnarTableName output); deploy it with columnarCopy=true, or use --source auto',
    );
    expect(columnar.sql).toBeUndefined();
  });

  it('with --workgroup (no stack read) looks for <table>_columnar', async () => {
    // GIVEN a copy under the default name WHEN the stack is not read
    copyTable('2024-03-01..2024-03-03');
    const run = await sentBy(['query', 'console-logins', ...WEEK, '--workgroup', 'wg']);
    // THEN the copy is found by the raw table's name
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      'source: columnar copy: 2024-03-01..2024-03-03; raw logs: 2024-03-04..2024-03-07',
    );
    expect(run.sql).toContain(`FROM ${COPY}`);
  });

  it('when the stack names a copy the run has not created yet, reads the raw logs and says why', async () => {
    // GIVEN the stack's ColumnarTableName but no such table WHEN a preset runs with the default source
    const auto = await sentBy(['query', 'console-logins', ...WEEK]);
    const raw = await sentBy(['query', 'console-logins', ...WEEK, '--source', 'raw']);
    // THEN the statement is the one --source raw sends, and stderr names the missing table
    expect(auto.code).toBe(0);
    expect(auto.sql).toBe(raw.sql);
    expect(auto.sql).not.toContain('UNION ALL');
    expect(auto.stderr).toContain(
      'source: raw logs (no columnar copy: table cloudtrail.cloudtrail_logs_columnar not found)',
    );
  });

  it('reads covered days from the copy and the rest from the raw logs, in one statement', async () => {
    // GIVEN a copy covering March 1–4 and 6 (5 failed, 7 not converted yet)
    copyTable('2024-03-01..2024-03-04,2024-03-06');
    // WHEN a week's preset runs
    const { code, sql, stderr } = await sentBy(['query', 'console-logins', ...WEEK]);
    // THEN stderr names the days of each side, and one Trino statement reads both tables
    expect(code).toBe(0);
    expect(stderr).toContain(
      'source: columnar copy: 2024-03-01..2024-03-04, 2024-03-06; raw logs: 2024-03-05, 2024-03-07 (cloudtrail.cloudtrail_logs_columnar)\n',
    );
    expect(trinoErrors(sql as string)).toEqual([]);
    expect(trinoStatementCount(sql as string)).toBe(1);
    expect((sql as string).split(`FROM ${COPY}`)).toHaveLength(3);
    expect((sql as string).split(`FROM ${RAW}`)).toHaveLength(3);
    // AND the copy branch is bounded by instants, the raw branch by its folders plus a late day
    expect(sql).toContain(
      "eventtime >= TIMESTAMP '2024-03-01 00:00:00' AND eventtime < TIMESTAMP '2024-03-05 00:00:00'",
    );
    expect(sql).toContain("year = '2024' AND month = '03' AND day BETWEEN '05' AND '06'");
  });

  it("takes the copy's name from the stack output ColumnarTableName", async () => {
    // GIVEN a stack naming its copy trail_copy, which covers the whole week
    copyTable('2024-02-01..2024-03-10', 'trail_copy');
    // WHEN a preset runs against that stack
    const { code, sql, stderr } = await sentBy(['query', 'console-logins', ...WEEK, '--stack', 'Named']);
    // THEN every day reads trail_copy and none the raw table
    expect(code).toBe(0);
    expect(sql).toContain('FROM "cloudtrail"."trail_copy"');
    expect(sql).not.toContain(`FROM ${RAW}`);
    expect(stderr).toContain(
      'source: columnar copy: 2024-03-01..2024-03-07; raw logs: none (cloudtrail.trail_copy)',
    );
  });

  it.each([
    [
      'AccessDeniedException',
      /columnar copy cloudtrail\.cloudtrail_logs_columnar not read: User is not authorized to perform: glue:GetTable/,
    ],
    [
      'InternalServiceException',
      /columnar copy cloudtrail\.cloudtrail_logs_columnar not read: Internal service error/,
    ],
  ] as const)('when GetTable fails with %s, reads the raw logs and says so', async (code, message) => {
    // GIVEN a copy whose table cannot be read
    copyTable('2024-03-01..2024-03-07');
    standIn.faults.glueError(code);
    // WHEN the preset runs
    const run = await sentBy(['query', 'console-logins', ...WEEK]);
    // THEN it ran on the raw logs, and stderr says why
    expect(run.code).toBe(0);
    expect(run.sql).not.toContain('UNION ALL');
    expect(run.stderr).toMatch(message);
  });

  it('treats coverage that does not parse as unreadable', async () => {
    // GIVEN a converted_days value nobody could have meant
    copyTable('2024-03-01..2024-02-01');
    const run = await sentBy(['query', 'console-logins', ...WEEK]);
    // THEN the raw logs, and the bad part named
    expect(run.sql).not.toContain('UNION ALL');
    expect(run.stderr).toContain('invalid coverage "2024-03-01..2024-02-01"');
  });

  it('with --offline looks nothing up and reads the raw logs', async () => {
    // GIVEN a copy covering the week WHEN --offline
    copyTable('2024-03-01..2024-03-07');
    const run = await sentBy(['query', 'console-logins', ...WEEK, '--offline']);
    // THEN no GetTable, the raw statement, and stderr says the coverage was not read
    expect(run.code).toBe(0);
    expect(standIn.stats().calls.GetTable ?? 0).toBe(0);
    expect(run.sql).not.toContain('UNION ALL');
    expect(run.stderr).toContain("source: raw logs (the columnar copy's coverage not read: --offline)");
  });

  it('a dry run with credentials prints the statement it would send', async () => {
    copyTable('2024-03-01..2024-03-04');
    const { code, stdout } = await cli(['query', 'root-activity', ...WEEK, '--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toContain(
      '-- source: columnar copy: 2024-03-01..2024-03-04; raw logs: 2024-03-05..2024-03-07',
    );
    expect(stdout).toContain('UNION ALL');
  });

  it('a dry run without credentials looks nothing up', async () => {
    copyTable('2024-03-01..2024-03-04');
    const { code, stdout } = await cli(['query', 'root-activity', ...WEEK, '--dry-run'], {
      credentials: false,
    });
    expect(code).toBe(0);
    expect(stdout).not.toContain('UNION ALL');
    expect(standIn.stats().calls.GetTable ?? 0).toBe(0);
  });
});

describe('columnar', () => {
  it('refuses days the copy does not cover, naming them, and submits nothing', async () => {
    // GIVEN a copy covering March 1–4
    copyTable('2024-03-01..2024-03-04');
    // WHEN the week is asked of the copy alone
    const run = await sentBy(['query', 'console-logins', ...WEEK, '--source', 'columnar']);
    // THEN exit 2, the missing days named, no query
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--source columnar: the copy cloudtrail.cloudtrail_logs_columnar does not cover 2024-03-05..2024-03-07; nothing was submitted',
    );
    expect(run.sql).toBeUndefined();
  });

  it('refuses when the copy table does not exist', async () => {
    const run = await sentBy(['query', 'console-logins', ...WEEK, '--source', 'columnar']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '--source columnar: no columnar copy: table cloudtrail.cloudtrail_logs_columnar not found',
    );
    expect(run.sql).toBeUndefined();
  });

  it('reads only the copy when it covers every day', async () => {
    copyTable('2024-03-01..2024-03-07');
    const run = await sentBy(['query', 'console-logins', ...WEEK, '--source', 'columnar']);
    expect(run.code).toBe(0);
    expect(run.sql).toContain(`FROM ${COPY}`);
    expect(run.sql).not.toContain(`FROM ${RAW}`);
    expect(trinoErrors(run.sql as string)).toEqual([]);
  });

  it('with --offline reads the copy unchecked and says so', async () => {
    const run = await cli([
      'query',
      'root-activity',
      ...WEEK,
      '--source',
      'columnar',
      '--offline',
      '--dry-run',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`FROM ${COPY}`);
    expect(run.stdout).not.toContain(`FROM ${RAW}`);
    expect(run.stderr).toContain('coverage not checked: --offline');
  });
});

describe('cost with a copy', () => {
  it("estimates only the raw side's folders and counts the copy's days", async () => {
    // GIVEN a copy covering March 1–4 WHEN a week's dry run estimates
    copyTable('2024-03-01..2024-03-04');
    const { code, stdout, stderr } = await cli([
      'query',
      'root-activity',
      ...WEEK,
      '--dry-run',
      '--format',
      'json',
    ]);
    // THEN the raw side reads days 5–7 plus the late day 8: 2 accounts × 2 regions × 4 folders
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      partitions: 16,
      estimatedBytes: truth(5, 8),
      source: 'columnar copy: 2024-03-01..2024-03-04; raw logs: 2024-03-05..2024-03-07',
    });
    expect(stderr).toMatch(
      /16 partitions selected; about [\d.]+ KB to scan from the raw logs \(exact, \d+ S3 list calls\); \$[\d.]+ at \$5\/TB; 4 days from the columnar copy not estimated/,
    );
  });

  it("--max-scan counts the copy's days at their raw size, an upper bound", async () => {
    // GIVEN the same copy and a limit below raw 5–8 plus raw 1–4
    copyTable('2024-03-01..2024-03-04');
    const limitGb = (truth(5, 8) + truth(1, 4) - 1) / 1024 ** 3;
    const run = await sentBy(['query', 'console-logins', ...WEEK, '--max-scan', String(limitGb)]);
    // THEN refused, the copy's part named, nothing sent
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("the columnar copy's 4 days counted at their raw size");
    expect(run.sql).toBeUndefined();
    // AND a limit at the sum lets it run
    const ok = await sentBy([
      'query',
      'root-activity',
      ...WEEK,
      '--max-scan',
      String((truth(5, 8) + truth(1, 4)) / 1024 ** 3),
    ]);
    expect(ok.code).toBe(0);
  });
});

test.each(PRESETS.map((p) => [p.name, p] as const))(
  '%s: the auto statement over a mixed week is one Trino statement reading both tables',
  async (_name, preset) => {
    // GIVEN a copy covering part of the week WHEN the preset dry-runs with its required parameters
    copyTable('2024-03-02..2024-03-03,2024-03-06');
    const params = preset.params
      .filter((p) => p.required)
      .flatMap((p) => ['--param', `${p.name}=${p.example}`]);
    const { code, stdout } = await cli(['query', preset.name, ...WEEK, ...params, '--dry-run']);
    // THEN it parses as one statement over both tables
    expect(code).toBe(0);
    expect(trinoErrors(stdout)).toEqual([]);
    expect(trinoStatementCount(stdout)).toBe(1);
    expect(stdout).toContain(`FROM ${COPY}`);
    expect(stdout).toContain(`FROM ${RAW}`);
  },
);
