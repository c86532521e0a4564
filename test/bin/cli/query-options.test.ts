/**
 * `query`'s newer options (issue 19): relative ranges, readable results, cost limits, and the
 * flags other branches implement, each validated with exit 2, the option named, nothing sent.
 */
import { main } from '../../../bin/cli/main';
import { parseCli } from '../../../bin/cli/program';
import type { QueryRun } from '../../../bin/cli/query-command';
import { sinceRange } from '../../../lambda/core/query/relative-range';

const NOW = new Date('2024-03-10T12:34:56.789Z');
const never = (): never => {
  throw new Error('must not touch AWS');
};

async function cli(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: NOW,
    stackOutputs: never,
    query: { athena: never, s3: never, glue: never, credentialsFound: async () => false },
  });
  return { code, stdout, stderr };
}

const parse = (...argv: string[]): QueryRun => parseCli(['query', ...argv], NOW) as QueryRun;

describe('relative ranges', () => {
  it.each([
    ['12h', '2024-03-10T00:34:56Z'],
    ['7d', '2024-03-03T12:34:56Z'],
    ['2w', '2024-02-25T12:34:56Z'],
  ])('--since %s ends now and starts %s', (since, from) => {
    // GIVEN --since WHEN parsing THEN the window spans from that instant to now, in whole seconds
    const run = parse('root-activity', '--since', since, '--dry-run');
    expect(run.window).toMatchObject({ fromTime: from, toTime: '2024-03-10T12:34:56Z' });
  });

  it('today and yesterday are UTC days, and the header states the absolute range', async () => {
    // GIVEN --from yesterday --to today WHEN dry-running THEN the days around NOW, stated in the SQL header
    const { code, stdout } = await cli([
      'query',
      'root-activity',
      '--from',
      'yesterday',
      '--to',
      'today',
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('-- range: 2024-03-09T00:00:00Z to 2024-03-10T23:59:59Z (UTC)');
    expect(stdout).toContain("year = '2024' AND month = '03' AND day BETWEEN '09' AND '11'");
  });

  it('any duration over the maximum range is refused; any in it resolves to a window that long', () => {
    // GIVEN an independent computation of the start WHEN durations vary THEN the same instant
    for (const [n, unit, hours] of [
      [1, 'h', 1],
      [30, 'd', 720],
      [52, 'w', 8736],
    ] as const) {
      const range = sinceRange(`${n}${unit}`, NOW, 7305);
      expect(Date.parse(range.to) - Date.parse(range.from)).toBe(hours * 3_600_000);
    }
    expect(() => sinceRange('7306d', NOW, 7305)).toThrow('invalid --since "7306d": at most 7305 days');
  });
});

describe('readable results and cost: the parsed values', () => {
  it('carries columns, limit, max-scan and price, and the other branches flags with their defaults', () => {
    // GIVEN no new flags WHEN parsing THEN the contract defaults
    expect(parse('root-activity', '--since', '1d', '--dry-run')).toMatchObject({
      lateDays: 1,
      requireComplete: false,
      offline: false,
      pricePerTb: 5,
      stackName: 'CloudTrailPartitioner',
    });
    // GIVEN every new flag WHEN parsing THEN each reaches its field
    expect(
      parse(
        ...[
          'route53-changes',
          '--since',
          '1d',
          '--dry-run',
          '--columns',
          'eventtime,record_name',
          '--limit',
          '5',
        ],
        ...['--max-scan', '1.5', '--price-per-tb', '6.25', '--late-days', '0', '--require-complete'],
        ...['--offline', '--stack', 'Other-Stack'],
      ),
    ).toMatchObject({
      columns: ['eventtime', 'record_name'],
      limit: 5,
      maxScanBytes: 1.5 * 1024 ** 3,
      pricePerTb: 6.25,
      lateDays: 0,
      requireComplete: true,
      offline: true,
      stackName: 'Other-Stack',
    });
  });
});

describe('bad values exit 2, name the option, and touch nothing', () => {
  const base = ['query', 'route53-changes', '--dry-run'];
  it.each([
    [['--since', '7x'], /invalid --since "7x": expected a positive number and a unit/],
    [['--since', '-1d'], /invalid --since "-1d"/],
    [['--since', '0d'], /invalid --since "0d"/],
    [['--since', '21w'.replace('21', '1100')], /invalid --since "1100w": at most 7305 days/],
    [['--since', '7d', '--from', 'today'], /give --since or --from\/--to, not both/],
    [['--from', 'tomorow', '--to', 'today'], /invalid --from "tomorow"/],
    [['--since', '7d', '--limit', '0'], /invalid --limit "0": expected a whole number from 1/],
    [['--since', '7d', '--limit', 'ten'], /invalid --limit "ten"/],
    [
      ['--since', '7d', '--columns', 'recordname'],
      /invalid --columns entry "recordname"; did you mean record_name\?/,
    ],
    [['--since', '7d', '--max-scan', '0'], /invalid --max-scan "0": expected a positive number of gigabytes/],
    [['--since', '7d', '--max-scan', '-3'], /invalid --max-scan "-3"/],
    [['--since', '7d', '--max-scan', '10GB'], /invalid --max-scan "10GB"/],
    [['--since', '7d', '--price-per-tb', 'free'], /invalid --price-per-tb "free"/],
    [['--since', '7d', '--late-days', '8'], /invalid --late-days "8": expected a whole number from 0 to 7/],
    [['--since', '7d', '--source', 'copy'], /invalid --source "copy": expected raw, columnar or auto/],
    [['--since', '7d', '--source', 'raw', '--source', 'auto'], /--source given twice \("raw" and "auto"\)/],
    [['--since', '7d', '--sorce', 'raw'], /unknown option --sorce; did you mean --source\?/],
    [['--since', '7d', '--stack', '1bad'], /invalid --stack "1bad"/],
    [['--since', '7d', '--since', '1d'], /--since given twice \("7d" and "1d"\)/],
    [['--since', '7d', '--offline', '--offline'], /--offline given twice/],
    [['--since', '7d', '--sinse', '1d'], /unknown option --sinse; did you mean --since\?/],
  ])('%j', async (flags, message) => {
    const { code, stdout, stderr } = await cli([...base, ...flags]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(message);
    expect(stderr).toContain('(see cloudtrail-partitioner query --help)');
  });

  it('--max-scan with --offline is refused: the scan cannot be estimated', async () => {
    const { code, stderr } = await cli([...base, '--since', '7d', '--offline', '--max-scan', '1']);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /--max-scan 1\.00 GB: the scan cannot be estimated with --offline, so nothing was submitted/,
    );
  });
});
