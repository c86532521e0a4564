/** `cloudtrail-partitioner query --sql`: the user's SELECT with the partition filter, or refused (exit 2). */
import { main } from '../../../bin/cli/main';
import type { QueryIo } from '../../../bin/cli/query';
import { trinoErrors } from '../../support/query-harness';

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
    "region = 'us-east-1' AND year = '2024' AND ((month = '02' AND day >= '27') OR (month = '03' AND day <= '27')) AND eventtime >= '2024-02-27' AND eventtime < '2024-03-27'";
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
