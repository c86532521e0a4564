import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { HiveSQL } from 'dt-sql-parser';
import { main } from '../../../bin/cli/main';
import { noStack } from '../../support/stack-outputs';

const NOW = new Date('2024-03-10T12:00:00Z');

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: NOW,
    stackOutputs: noStack,
  });
  return { code, stdout, stderr };
}

const SAMPLE = [
  'plan',
  '--bucket',
  'my-trail',
  '--accounts',
  '111122223333',
  '--regions',
  'us-east-1,eu-west-1',
];

describe('cli plan', () => {
  it("prints one valid statement per batch for the scheduled function's window by default", async () => {
    // GIVEN a sample layout and no date
    // WHEN planning
    const { code, stdout, stderr } = await cli(...SAMPLE);
    // THEN yesterday to tomorrow (2024-03-09..11) is rendered for both regions, as valid Hive DDL
    expect(code).toBe(0);
    expect(stdout).toContain(
      "LOCATION 's3://my-trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/09/'",
    );
    expect(stdout).not.toContain('/2024/03/08/');
    expect(stdout).toContain(
      "LOCATION 's3://my-trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/11/'",
    );
    expect(stdout).toContain(
      "LOCATION 's3://my-trail/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/11/'",
    );
    const statements = stdout.split(';\n\n').filter((s) => s.trim() !== '');
    expect(statements).toHaveLength(1);
    expect(new HiveSQL().validate(statements[0])).toEqual([]);
    expect(stderr).toBe('6 partitions in 1 statement\n');
  });

  it('renders an organization layout with a prefix, and splits by --max-partitions-per-statement', async () => {
    // GIVEN an org trail under a prefix, a 3-day range and a cap of 4 partitions per statement
    const { code, stdout } = await cli(
      ...SAMPLE,
      '--prefix',
      '/org-logs/',
      '--org-id',
      'o-abcdefghij',
      '--from',
      '2024-02-28',
      '--to',
      '2024-03-01',
      '--max-partitions-per-statement',
      '4',
    );
    // THEN 6 partitions make 2 statements, leap day included, paths without '//'
    expect(code).toBe(0);
    const statements = stdout.split(';\n\n').filter((s) => s.trim() !== '');
    expect(statements).toHaveLength(2);
    expect(stdout).toContain(
      "'s3://my-trail/org-logs/AWSLogs/o-abcdefghij/111122223333/CloudTrail/us-east-1/2024/02/29/'",
    );
    expect(stdout.replace(/s3:\/\//g, '')).not.toContain('//');
  });

  it('prints json with each statement and its partitions values and locations', async () => {
    // GIVEN json output for the classic single-account table keys
    const { code, stdout } = await cli(
      ...SAMPLE,
      '--date',
      '2024-01-05',
      '--format',
      'json',
      '--partition-keys',
      'region,year,month,day',
    );
    // THEN the document parses and names the values per key
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.partitionKeys).toEqual(['region', 'year', 'month', 'day']);
    expect(doc.statements).toHaveLength(1);
    expect(doc.statements[0].partitions[0]).toEqual({
      values: { region: 'us-east-1', year: '2024', month: '01', day: '05' },
      location: 's3://my-trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/05/',
    });
    expect(doc.partitions).toBe(2);
  });

  it.each([
    [['plan', '--accounts', '111122223333', '--regions', 'us-east-1'], /missing --bucket/],
    [[...SAMPLE, '--date', '2023-02-29'], /--date "2023-02-29"/],
    [[...SAMPLE, '--from', '2024-03-02', '--to', '2024-03-01'], /--from 2024-03-02 is after --to 2024-03-01/],
    [[...SAMPLE, '--date', '2024-03-12'], /after tomorrow/],
    [
      ['plan', '--bucket', 'my-trail', '--accounts', '1111222233334', '--regions', 'us-east-1'],
      /invalid --accounts entry "1111222233334"/,
    ],
    [
      ['plan', '--bucket', 'my-trail', '--accounts', '111122223333', '--regions', 'mars-north-1x'],
      /invalid --regions entry "mars-north-1x"/,
    ],
    [[...SAMPLE, '--prefix', "logs'; DROP TABLE x; --"], /--prefix/],
    [[...SAMPLE, '--table', 'logs`x'], /--table/],
    [[...SAMPLE, '--org-id', 'o-ABC'], /--org-id/],
    [[...SAMPLE, '--max-partitions-per-statement', '0'], /--max-partitions-per-statement/],
    [[...SAMPLE, '--format', 'yaml'], /--format "yaml"/],
    [[...SAMPLE, '--partition-keys', 'dt'], /unsupported partition keys/],
    [[...SAMPLE, '--workgroup', 'primary'], /--workgroup is not for plan \(it is for run, query and audit\)/],
    [[...SAMPLE, '--bogus'], /bogus/],
    [['plan', '--bucket', 'my-trail'], /missing --accounts or --regions/],
    [['deploy'], /unknown command "deploy"/],
    [['run', '--bucket', 'my-trail'], /missing --workgroup/],
  ])('refuses %j with exit code 2 and nothing on stdout', async (argv, message) => {
    // GIVEN bad options WHEN running the cli
    const { code, stdout, stderr } = await cli(...argv);
    // THEN usage error, named value, no statements
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('prints usage with --help', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: cloudtrail-partitioner');
  });
});

describe('the installed command (bin/cloudtrail-partitioner.js)', () => {
  const bin = join(__dirname, '../../../bin/cloudtrail-partitioner.js');

  it('prints the plan on stdout and exits 0', () => {
    // GIVEN the package's bin entry WHEN run by node
    const result = spawnSync(process.execPath, [bin, ...SAMPLE, '--date', '2024-01-05'], {
      encoding: 'utf8',
    });
    // THEN the statement is on stdout and the count on stderr
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      "LOCATION 's3://my-trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/05/'",
    );
    expect(result.stderr).toBe('2 partitions in 1 statement\n');
  });

  it('exits 2 on bad usage with nothing on stdout', () => {
    const result = spawnSync(process.execPath, [bin, 'plan', '--bogus'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('bogus');
  });
});
