import fc from 'fast-check';
import { commandHelp, editDistance, parseFlags, suggest, UsageError } from '../../../bin/cli/flags';
import { BACKFILL_SPEC, COMMANDS, PLAN_SPEC, RUN_SPEC, usage } from '../../../bin/cli/usage';

const SPEC = {
  name: 'demo',
  summary: 'a demo command',
  flags: [
    { name: 'accounts', type: 'string', value: 'a,b', help: 'accounts' },
    { name: 'format', type: 'string', choices: ['sql', 'json'], help: 'default sql' },
    { name: 'dry-run', type: 'boolean', help: 'submit nothing' },
  ],
} as const;
const OTHER = {
  name: 'other',
  summary: 'another',
  flags: [{ name: 'stack', type: 'string', help: 'a stack' }],
} as const;

function refusal(args: string[]): string {
  try {
    parseFlags(SPEC, args, [OTHER]);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(args)}`);
}

describe('parseFlags', () => {
  it('reads --flag value, --flag=value and booleans', () => {
    // GIVEN both value forms and a boolean WHEN parsing THEN each is typed by the spec
    expect(parseFlags(SPEC, ['--accounts', '1,2', '--format=json', '--dry-run'])).toEqual({
      accounts: '1,2',
      format: 'json',
      'dry-run': true,
    });
    expect(parseFlags(SPEC, ['-h'])).toEqual({ help: true });
  });

  it('suggests the nearest flag for a misspelt one and lists the valid flags', () => {
    // GIVEN --account for --accounts WHEN parsing THEN the suggestion and the list are in the message
    const message = refusal(['--account', '1']);
    expect(message).toMatch(/^unknown option --account; did you mean --accounts\?/);
    expect(message).toContain('valid options for demo: --accounts, --format, --dry-run, --help');
    expect(message).not.toMatch(/positional|'--/);
  });

  it.each([
    [['--accounts', '1', '--accounts', '2'], '--accounts given twice ("1" and "2"): give it once'],
    [['--dry-run', '--dry-run'], '--dry-run given twice: give it once'],
    [['--format', 'text'], 'invalid --format "text": expected sql or json'],
    [['--accounts'], 'missing value for --accounts: expected --accounts a,b'],
    [['--accounts', '--dry-run'], 'missing value for --accounts: expected --accounts a,b'],
    [['--dry-run=yes'], '--dry-run takes no value (got "yes")'],
    [['--stack', 'x'], '--stack is not for demo (it is for other)'],
    [['-x'], 'unknown option "-x"'],
    [['stray'], 'unexpected argument "stray" after demo'],
    [['--zzzzzz'], 'unknown option --zzzzzz (valid options'],
  ])('refuses %j', (args, message) => {
    // GIVEN a mistake WHEN parsing THEN a usage error says what was typed
    expect(refusal(args)).toContain(message);
  });

  it('collects a repeatable flag in order, and takes one argument when the spec has one', () => {
    // GIVEN a spec with an argument and a repeatable flag WHEN both are given THEN every value, in order
    const spec = {
      name: 'ask',
      summary: 'ask',
      argument: 'PRESET',
      flags: [{ name: 'param', type: 'repeatable', value: 'k=v', help: 'a parameter' }],
    } as const;
    expect(parseFlags(spec, ['p1', '--param', 'a=1', '--param=b=2'])).toEqual({
      argument: 'p1',
      param: ['a=1', 'b=2'],
    });
    // AND a second argument is refused, naming the first
    expect(() => parseFlags(spec, ['p1', 'p2'])).toThrow(
      'unexpected argument "p2" after ask "p1": give one PRESET; values follow their option, such as --param k=v',
    );
  });

  it('edit distance is a metric that suggest() respects', () => {
    // GIVEN any words WHEN measuring THEN symmetric, zero only on equal words, bounded by the longer length
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(editDistance(a, b)).toBe(editDistance(b, a));
        expect(editDistance(a, b) === 0).toBe(a === b);
        expect(editDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
    expect(suggest('regoins', ['regions', 'accounts'])).toBe('regions');
    expect(suggest('bucketz', ['bucket'])).toBe('bucket');
    expect(suggest('workgroup', ['bucket', 'accounts'])).toBeUndefined();
  });
});

describe('help from the specs', () => {
  it('lists exactly the flags each command accepts, with its choices', () => {
    // GIVEN every command WHEN rendering its help THEN every flag appears, and plan's formats are its own
    for (const spec of COMMANDS) {
      const help = commandHelp('cloudtrail-partitioner', spec);
      for (const flag of spec.flags) expect(help).toContain(`--${flag.name}`);
    }
    expect(commandHelp('x', PLAN_SPEC)).toContain('--format sql|json ');
    expect(commandHelp('x', RUN_SPEC)).toContain('--format text|json ');
    expect(commandHelp('x', BACKFILL_SPEC)).not.toContain('--format');
    expect(usage()).toContain('plan options:');
  });

  it('prints a synopsis and details when the spec has them', () => {
    // GIVEN a spec with synopsis lines and details WHEN rendering THEN both, around the options
    const help = commandHelp('p', { ...SPEC, synopsis: ['--list', 'NAME [options]'], details: 'exit 0' });
    expect(help).toMatch(/^usage: p demo --list\n {7}p demo NAME \[options\]\n/);
    expect(help).toMatch(/ {2}--help +show this help \(also -h\)\n\nexit 0$/);
  });
});
