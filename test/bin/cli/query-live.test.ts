/**
 * `query` without --dry-run, against the local Athena stand-in over HTTP: the statement starts in
 * the workgroup, state and data scanned show on stderr, every page of results is read, and a
 * failure exits 1 with Athena's reason.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { main } from '../../../bin/cli/main';
import type { Clock } from '../../../lambda/core/shared/ports';
import { type StandIn, startStandIn } from '../../support/aws-standin';

let standIn: StandIn;
beforeAll(async () => {
  standIn = await startStandIn();
});
afterAll(() => standIn.close());

/** Sleeping moves this clock, so polling costs no real time. */
function fakeClock(): Clock {
  let now = 0;
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

async function live(...extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const argv = [
    'query',
    'console-logins',
    '--from',
    '2024-02-28',
    '--to',
    '2024-03-01',
    '--workgroup',
    'investigate',
    ...extra,
  ];
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: new Date('2026-12-01T00:00:00Z'),
    query: {
      athena: () => new AthenaClient({ ...standIn.clientConfig, maxAttempts: 1 }),
      glue: () => new GlueClient({ ...standIn.clientConfig, maxAttempts: 1 }),
      s3: () => new S3Client({ ...standIn.clientConfig, forcePathStyle: true, maxAttempts: 1 }),
      clock: fakeClock(),
      pollMs: 10,
    },
  });
  return { code, stdout, stderr };
}

const COLUMNS = ['eventtime', 'principal', 'result'];
const rows = (n: number): string[][] =>
  Array.from({ length: n }, (_, i) => [
    `2024-02-29T00:00:${String(i % 60).padStart(2, '0')}Z`,
    `arn:aws:iam::012345678901:user/u${i}`,
    i % 2 ? 'Failure' : 'Success',
  ]);

test('runs the statement in the workgroup, shows progress, reads every page and prints a table', async () => {
  // GIVEN a result of 2,500 rows (three pages of at most 1,000) and 3 MiB scanned
  standIn.selects.respond({
    columns: COLUMNS,
    rows: rows(2500),
    scannedBytes: 3 * 1024 * 1024,
    runningPolls: 2,
  });
  // WHEN the query runs
  const { code, stdout, stderr } = await live();
  // THEN it started once, in the workgroup and database, with the filtered statement
  const query = standIn.selects.queries().at(-1);
  expect(query).toMatchObject({
    workGroup: 'investigate',
    database: 'cloudtrail',
    state: 'SUCCEEDED',
    resultPages: 3,
  });
  expect(query?.sql).toContain(
    "WHERE year = '2024' AND ((month = '02' AND day >= '28') OR (month = '03' AND day <= '02')) AND eventtime >= '2024-02-28' AND eventtime < '2024-03-02'\n",
  );
  // AND stderr showed the states with data scanned, then the summary
  expect(stderr).toMatch(/QUEUED, 0 B scanned/);
  expect(stderr).toMatch(/RUNNING, 1.50 MB scanned/);
  expect(stderr).toMatch(/SUCCEEDED, 3.00 MB scanned/);
  expect(stderr).toContain(
    `2500 rows; data scanned 3.00 MB ($0.000048 at $5/TB, the 10 MB minimum); run time 1.2 s; query ID ${query?.id}\n`,
  );
  // AND stdout is a table: header, rule, and every row of every page
  const lines = stdout.trimEnd().split('\n');
  expect(code).toBe(0);
  expect(lines).toHaveLength(2 + 2500);
  expect(lines[0]).toMatch(/^eventtime\s+principal\s+result$/);
  expect(lines.at(-1)).toContain('user/u2499');
});

test('--format csv and --format json carry the same rows', async () => {
  const data = [['2024-02-29T10:00:00Z', 'a,"b"', null]] as (string | null)[][];
  standIn.selects.respond(
    { columns: COLUMNS, rows: data, scannedBytes: 10 },
    { columns: COLUMNS, rows: data, scannedBytes: 10 },
  );
  const csv = await live('--format', 'csv');
  expect(csv.stdout).toBe('eventtime,principal,result\r\n2024-02-29T10:00:00Z,"a,""b""",\r\n');
  const json = await live('--format', 'json');
  const parsed = JSON.parse(json.stdout) as {
    rows: unknown[];
    queryId: string;
    scannedBytes: number;
    sql: string;
  };
  expect(parsed).toMatchObject({
    rows: [{ eventtime: '2024-02-29T10:00:00Z', principal: 'a,"b"', result: null }],
    scannedBytes: 10,
  });
  expect(parsed.sql).toContain("eventname = 'ConsoleLogin'");
});

test("a failed query exits 1 with Athena's reason, the data scanned and the query id", async () => {
  // GIVEN Athena fails the query at the workgroup's scan cutoff
  const reason = 'Query exhausted resources at this scale factor: bytes scanned limit was exceeded';
  standIn.selects.respond({ columns: [], rows: [], failure: reason, scannedBytes: 2048 });
  // WHEN it runs
  const { code, stdout, stderr } = await live();
  // THEN exit 1, nothing on stdout, the reason on stderr
  const query = standIn.selects.queries().at(-1);
  expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
  expect(stderr).toContain(
    `query ${query?.id} FAILED: ${reason}\ndata scanned 2.00 KB; query ID ${query?.id}\n`,
  );
});

test('a query that never ends is stopped at the bounded wait and exits 1', async () => {
  standIn.selects.respond({ columns: [], rows: [], hang: true });
  let stderr = '';
  const code = await main(
    ['query', 'root-activity', '--from', '2024-01-01', '--to', '2024-01-01', '--workgroup', 'w'],
    {
      stdout: () => undefined,
      stderr: (t) => (stderr += t),
      now: new Date(),
      query: {
        athena: () => new AthenaClient({ ...standIn.clientConfig, maxAttempts: 1 }),
        glue: () => new GlueClient({ ...standIn.clientConfig, maxAttempts: 1 }),
        s3: () => new S3Client({ ...standIn.clientConfig, forcePathStyle: true, maxAttempts: 1 }),
        clock: fakeClock(),
        pollMs: 60_000,
      },
    },
  );
  expect(code).toBe(1);
  expect(stderr).toMatch(/still RUNNING after 1800 s: stopped it/);
  expect(standIn.selects.queries().at(-1)?.state).toBe('CANCELLED');
});

test('an Athena API error (no such workgroup) exits 1 with its message', async () => {
  // GIVEN Athena refuses to start the query
  standIn.selects.respond({
    columns: [],
    rows: [],
    startError: { code: 'InvalidRequestException', message: 'WorkGroup investigate is not found.' },
  });
  // WHEN it runs THEN exit 1 and the service's words on stderr
  const { code, stdout, stderr } = await live();
  expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
  expect(stderr).toContain('WorkGroup investigate is not found.');
});
