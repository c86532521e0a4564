/**
 * Every command takes its flags the same way (issue 12): query and audit share the spec-based
 * parser of plan, run and backfill, so a misspelt flag gets a suggestion and the valid list, a
 * flag given twice is refused (except the repeatable --param), and --help lists exactly what
 * the parser accepts.
 */
import { readFileSync } from 'node:fs';
import { main } from '../../../bin/cli/main';
import { optionNames, UsageError } from '../../../bin/cli/options';
import { buildProgram, parseCli } from '../../../bin/cli/program';

const NOW = new Date('2024-03-10T12:00:00Z');

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const athena = (): never => {
    throw new Error('must not build an athena client');
  };
  const code = await main(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: NOW,
    query: { athena },
  });
  return { code, stdout, stderr };
}

/** Each command as commander holds it. */
const COMMANDS = buildProgram(NOW, () => undefined).commands;
const command = (name: string) => COMMANDS.find((c) => c.name() === name) as (typeof COMMANDS)[number];
const QUERY_SPEC = command('query');
const AUDIT_SPEC = command('audit');

/** `valid options for query: --list, ..., --help`, from the command itself. */
const validList = (spec: (typeof COMMANDS)[number]): string =>
  `valid options for ${spec.name()}: ${optionNames(spec)
    .map((n) => `--${n}`)
    .join(', ')}`;

const QUERY = ['query', 'root-activity', '--from', '2024-03-01', '--to', '2024-03-02', '--dry-run'];
const AUDIT = ['audit', '--bucket', 'my-trail', '--from', '2024-03-01', '--to', '2024-03-02'];

describe.each([
  ['query', QUERY, QUERY_SPEC, '--acounts', '--accounts'],
  ['audit', AUDIT, AUDIT_SPEC, '--repiar', '--repair'],
])('%s flags', (_name, base, spec, typo, meant) => {
  it('suggests the flag meant by a misspelt one and lists the valid ones, exit 2', async () => {
    // GIVEN a misspelt flag WHEN running THEN exit 2, the suggestion and the command's valid flags
    const { code, stdout, stderr } = await cli(...base, typo, '1');
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain(`unknown option ${typo}; did you mean ${meant}?`);
    expect(stderr).toContain(validList(spec));
    expect(stderr).toContain(`(see cloudtrail-partitioner ${spec.name()} --help)`);
  });

  it('refuses a flag given twice, naming both values, exit 2', async () => {
    // GIVEN --from twice WHEN running THEN exit 2 and both values in the message
    const { code, stdout, stderr } = await cli(...base, '--from', '2024-03-02');
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toContain('--from given twice ("2024-03-01" and "2024-03-02"): give it once');
  });

  it('says whose flag it is when another command owns it', async () => {
    // GIVEN a flag of another command WHEN running THEN it names the command it is for
    const foreign = spec === QUERY_SPEC ? '--repair' : '--list';
    const owner = spec === QUERY_SPEC ? 'audit' : 'query';
    const { code, stderr } = await cli(...base, foreign);
    expect(code).toBe(2);
    expect(stderr).toContain(`${foreign} is not for ${spec.name()} (it is for ${owner})`);
  });

  it('--help and -h print the help of this command', async () => {
    // GIVEN --help or -h WHEN running THEN exit 0 and this command's usage line
    for (const help of ['--help', '-h']) {
      const { code, stdout } = await cli(spec.name(), help);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: cloudtrail-partitioner ${spec.name()} `));
    }
  });
});

describe('query --param', () => {
  it('may repeat, each parameter reaching the statement', async () => {
    // GIVEN two different --param WHEN dry-running THEN both filters are in the statement
    const { code, stdout, stderr } = await cli(
      ...QUERY.filter((word) => word !== 'root-activity'),
      'console-logins',
      '--param',
      'result=failure',
      '--param=mfa=no',
      '--offline',
    );
    expect({ code, stderr }).toEqual({
      code: 0,
      stderr:
        "source: raw logs (the columnar copy's coverage not read: --offline)\n" +
        'cloudtrail-partitioner: coverage not checked (--offline): days the catalog lacks would return no rows\n',
    });
    expect(stdout).toContain("json_extract_scalar(responseelements, '$.ConsoleLogin') = 'Failure'");
    expect(stdout).toContain("json_extract_scalar(additionaleventdata, '$.MFAUsed') = 'No'");
  });

  it('refuses the same key twice', async () => {
    // GIVEN one key given twice WHEN running THEN exit 2 naming the key
    const { code, stderr } = await cli(
      ...QUERY.filter((word) => word !== 'root-activity'),
      'console-logins',
      '--param',
      'result=failure',
      '--param',
      'result=success',
    );
    expect(code).toBe(2);
    expect(stderr).toContain('invalid --param "result=success": result is given twice');
  });
});

/** The option names in a command's help: the `--name` starting each line of the Options block. */
function helpFlags(help: string): string[] {
  const options = help.split('\n\n').find((block) => block.startsWith('Options:')) ?? '';
  return [...options.matchAll(/^ {2}(?:-\w, )?--([a-z-]+)/gm)].map((m) => m[1]);
}

/** Tokens the parser must accept for this option (a value from its choices, or a placeholder). */
function typed(spec: (typeof COMMANDS)[number], name: string): string[] {
  const option = spec.options.find((o) => o.long === `--${name}`);
  if (option === undefined || (!option.required && !option.optional)) return [`--${name}`];
  return [`--${name}`, option.argChoices?.[0] ?? 'x=y'];
}

/** Parsing stops at usage errors about values; an unknown option is a different error. */
function accepts(name: string, tokens: string[]): boolean {
  try {
    parseCli([name, ...tokens], NOW);
    return true;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return !/unknown option|is not for|takes no value/.test(error.message);
  }
}

describe.each(COMMANDS.map((spec) => [spec.name(), spec] as const))('%s --help', (name, spec) => {
  it('lists exactly the options the parser accepts, and ends with examples', async () => {
    // GIVEN the command's help WHEN its option lines are read
    const { code, stdout } = await cli(name, '--help');
    expect(code).toBe(0);
    const listed = helpFlags(stdout);
    // THEN they are the command's options and --help, each accepted by the parser
    expect(listed).toEqual(optionNames(spec));
    for (const flag of listed.filter((n) => n !== 'help'))
      expect(accepts(name, typed(spec, flag))).toBe(true);
    // AND every option of another command that is not listed is refused
    const others = COMMANDS.flatMap((c) => optionNames(c)).filter((n) => !listed.includes(n));
    for (const flag of others) expect(accepts(name, [`--${flag}`, 'x'])).toBe(false);
    // AND the help ends with two or three examples
    const examples = stdout
      .slice(stdout.lastIndexOf('Examples:'))
      .split('\n')
      .filter((l) => l.startsWith('  $ '));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    expect(examples.length).toBeLessThanOrEqual(3);
    expect(stdout.trimEnd().endsWith(examples.at(-1) ?? '?')).toBe(true);
  });
});

describe('the command word', () => {
  it.each([[[]], [['frob']]])('%j lists all five commands, exit 2', async (argv) => {
    // GIVEN no command or an unknown one WHEN running THEN exit 2 naming every command
    const { code, stderr } = await cli(...argv);
    expect(code).toBe(2);
    expect(stderr).toContain('expected plan, run, backfill, query or audit');
  });

  it('the overall --help lists all five commands with their summaries, and --version prints the version', async () => {
    // GIVEN --help WHEN running THEN every command's name and the start of its summary
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    for (const spec of COMMANDS)
      expect(stdout).toMatch(
        new RegExp(`\\n  ${spec.name()} \\[options\\].* ${spec.summary().split(' ')[0]} `),
      );
    // AND --version prints the package's version, exit 0
    const version = await cli('--version');
    expect(version).toEqual({
      code: 0,
      stdout: `${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n`,
      stderr: '',
    });
  });
});
