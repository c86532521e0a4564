import { HiveSQL } from 'dt-sql-parser';
import { main } from '../../../bin/cli/main';
import { parseCli } from '../../../bin/cli/program';

const NOW = new Date('2024-03-10T12:00:00Z');

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), now: NOW });
  return { code, stdout, stderr };
}

const RUN = ['run', '--bucket', 'my-trail', '--workgroup', 'primary'];

describe('cli --retention-days', () => {
  it('carries the retention into run settings', () => {
    // WHEN parsing a run with retention
    const command = parseCli([...RUN, '--retention-days', '400'], NOW);
    // THEN the settings say 400 days
    expect(command).toMatchObject({ command: 'run', settings: { retentionDays: 400 } });
  });

  it.each([
    [['0'], /--retention-days/],
    [['x'], /--retention-days/],
    [['7306'], /--retention-days/],
  ])('refuses --retention-days %j with exit code 2', async ([value], message) => {
    const { code, stdout, stderr } = await cli(...RUN, '--retention-days', value);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('is for run only', async () => {
    const { code, stderr } = await cli(
      'plan',
      '--bucket',
      'my-trail',
      '--accounts',
      '111122223333',
      '--regions',
      'us-east-1',
      '--retention-days',
      '30',
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/--retention-days is not for plan \(it is for run and audit\)/);
  });

  it('plans a month table with --partition-keys account,region,year,month as valid Hive', async () => {
    // GIVEN the month key set and a day in March
    const { code, stdout } = await cli(
      'plan',
      '--bucket',
      'my-trail',
      '--accounts',
      '111122223333',
      '--regions',
      'us-east-1',
      '--partition-keys',
      'account,region,year,month',
      '--date',
      '2024-03-09',
    );
    // THEN one month partition at the month folder, no day key
    expect(code).toBe(0);
    expect(stdout).toContain("LOCATION 's3://my-trail/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/'");
    expect(stdout).not.toContain('`day`');
    const statements = stdout.split(';\n\n').filter((s) => s.trim() !== '');
    for (const statement of statements) expect(new HiveSQL().validate(statement)).toEqual([]);
  });
});
