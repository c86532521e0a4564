/** Issue 12: what a new user types by mistake, and what the CLI then says. */
import { main } from '../../../bin/cli/main';
import type { ExecutionsPort } from '../../../bin/cli/backfill';
import { isKnownRegion, unknownRegionWarnings } from '../../../lambda/aws/known-regions';

const NOW = new Date('2024-03-10T12:00:00Z');
const SAMPLE = ['plan', '--bucket', 'my-trail', '--accounts', '111122223333', '--regions', 'us-east-1'];

async function cli(argv: string[], extra: object = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: NOW,
    ...extra,
  });
  return { code, stdout, stderr };
}

describe('messages name what the user typed', () => {
  it.each([
    [
      ['plan', '--bucket', 'my-trail', '--account', '111122223333'],
      /unknown option --account; did you mean --accounts\?/,
    ],
    [[...SAMPLE, '--bucket', 'other-trail'], /--bucket given twice \("my-trail" and "other-trail"\)/],
    [
      ['plan', '--bucket', 'my-trail', '--accounts', '11112222333', '--regions', 'us-east-1'],
      /invalid --accounts entry "11112222333"/,
    ],
    [[...SAMPLE, '--date', '2030-01-01'], /invalid range: --date 2030-01-01 is after tomorrow/],
    [[...SAMPLE, '--date', '2010-01-01'], /--date 2010-01-01 is before cloudtrail existed/],
    [[...SAMPLE, '--from', '2000-01-01', '--to', '2024-01-01'], /--from 2000-01-01 is before/],
    [[...SAMPLE, '--format', 'text'], /invalid --format "text": expected sql or json/],
    [['run', '--bucket', 'my-trail', '--format', 'sql'], /invalid --format "sql": expected text or json/],
    [
      ['backfill', '--from', '2024-01-01', '--to', '2024-01-02', '--accounts', '1234'],
      /invalid --accounts entry "1234"/,
    ],
    [
      ['backfill', '--from', '2024-01-02', '--to', '2024-01-01'],
      /--from 2024-01-02 is after --to 2024-01-01/,
    ],
    [['pan'], /unknown command "pan"; did you mean plan\?/],
  ])('%j', async (argv, message) => {
    // GIVEN a plausible mistake WHEN running THEN exit 2, nothing on stdout, the message in the user's terms
    const { code, stdout, stderr } = await cli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\.0:| to 20\d\d|positional/);
  });

  it('points at the help of the command the user typed', async () => {
    // GIVEN a mistake in plan, and one with no command WHEN running THEN the hint names the right help
    expect((await cli([...SAMPLE, '--bogus'])).stderr).toMatch(
      /\n\(see cloudtrail-partitioner plan --help\)\n$/,
    );
    expect((await cli(['--bogus'])).stderr).toMatch(/\n\(see cloudtrail-partitioner --help\)\n$/);
  });

  it('plan --help lists the formats plan accepts, and the listed one is accepted', async () => {
    // GIVEN plan's help WHEN every format it lists is used THEN each is accepted
    const help = (await cli(['plan', '--help'])).stdout;
    const formats = [
      ...(/--format <FORMAT>[^(]*\(choices: ([^)]*)\)/.exec(help)?.[1].matchAll(/"(\w+)"/g) ?? []),
    ].map((m) => m[1]);
    expect(formats).toEqual(['sql', 'json']);
    for (const format of formats) expect((await cli([...SAMPLE, '--format', format])).code).toBe(0);
  });

  it('counts in singular and plural, and reports skipping only where it can happen', async () => {
    // GIVEN one partition without --discover WHEN planning THEN singular words and no skip count
    const one = await cli([...SAMPLE, '--date', '2024-03-10']);
    expect(one.stderr).toBe('1 partition in 1 statement\n');
    const many = await cli([
      ...SAMPLE,
      '--from',
      '2024-03-01',
      '--to',
      '2024-03-02',
      '--max-partitions-per-statement',
      '1',
    ]);
    expect(many.stderr).toBe('2 partitions in 2 statements\n');
  });

  it('plan and run without dates use the function default window, yesterday to tomorrow', async () => {
    // GIVEN no dates WHEN planning as json THEN the window is the scheduled run's (lookbackDays 1)
    const { stdout } = await cli([...SAMPLE, '--format', 'json']);
    expect(JSON.parse(stdout).window).toEqual({ from: '2024-03-09', to: '2024-03-11' });
  });
});

describe('region names the SDK does not know', () => {
  it('warns on stderr and still plans the region-shaped name', async () => {
    // GIVEN a misspelt region WHEN planning THEN a warning naming it, and the plan still runs
    const { code, stdout, stderr } = await cli([
      ...SAMPLE.slice(0, -1),
      'us-est-1,eu-west-1',
      '--date',
      '2024-03-10',
    ]);
    expect(code).toBe(0);
    expect(stderr).toContain(
      'warning: --regions entry "us-est-1" is not a region the AWS SDK knows (partition aws)',
    );
    expect(stderr).not.toContain('"eu-west-1"');
    expect(stdout).toContain('/us-est-1/2024/03/10/');
  });

  it('knows the regions of every partition from the SDK data', () => {
    // GIVEN names from aws, aws-cn, aws-us-gov and aws-eusc WHEN checked THEN known; typos are not
    for (const region of ['us-east-1', 'cn-north-1', 'us-gov-west-1', 'eusc-de-east-1']) {
      expect(isKnownRegion(region)).toBe(true);
    }
    expect(unknownRegionWarnings(['eu-wst-1', 'cn-nort-1'], 'regions')).toEqual([
      expect.stringContaining('"eu-wst-1" is not a region the AWS SDK knows (partition aws)'),
      expect.stringContaining('"cn-nort-1" is not a region the AWS SDK knows (partition aws-cn)'),
    ]);
  });
});

describe('backfill errors say which step failed', () => {
  const ARN = 'arn:aws:states:us-east-1:111122223333:stateMachine:Backfill';
  const failing = (at: keyof ExecutionsPort): ExecutionsPort => {
    const fail = async () => {
      throw new Error('getaddrinfo ENOTFOUND example.amazonaws.com');
    };
    const port: ExecutionsPort = {
      stateMachineArn: async () => ARN,
      start: async () => `${ARN}:run-1`,
      describe: async () => ({ status: 'RUNNING' }),
      history: async () => [],
    };
    return { ...port, [at]: fail };
  };

  it.each([
    ['stateMachineArn', "reading stack CloudTrailPartitioner's outputs in us-east-1: getaddrinfo ENOTFOUND"],
    ['start', `starting an execution of ${ARN}: getaddrinfo`],
    ['describe', `polling execution ${ARN}:run-1: getaddrinfo`],
    ['history', `reading the history of execution ${ARN}:run-1: getaddrinfo`],
  ] as const)('when %s fails', async (at, message) => {
    // GIVEN the AWS call of one step failing WHEN backfilling THEN exit 1 and the step is named
    const { code, stderr } = await cli(['backfill', '--from', '2024-01-01', '--to', '2024-01-02'], {
      executions: () => failing(at),
      region: 'us-east-1',
    });
    expect(code).toBe(1);
    expect(stderr).toContain(message);
  });
});
