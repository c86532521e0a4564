/**
 * The option kinds and error wording on top of commander (bin/cli/options.ts), on a demo
 * program: every mistake a usage error in the CLI's words, naming what was typed.
 */
import { Argument } from 'commander';
import {
  flagOption,
  repeatableOption,
  StrictCommand,
  UsageError,
  valueOption,
  type Values,
} from '../../../bin/cli/options';

/** A program with `demo` (a value, a choice, a flag) and `other`, parsed once. */
function parse(args: string[]): Values {
  let values: Values = {};
  const demo = new StrictCommand('demo')
    .addOption(valueOption('accounts', 'a,b', 'accounts'))
    .addOption(valueOption('format', 'FORMAT', 'default sql', ['sql', 'json']))
    .addOption(flagOption('dry-run', 'submit nothing'));
  demo.action(() => {
    values = demo.values();
  });
  const ask = new StrictCommand('ask')
    .addArgument(new Argument('[PRESET]'))
    .addOption(repeatableOption('param', 'k=v', 'a parameter'));
  ask.action(() => {
    values = { ...ask.values(), argument: ask.args[0] };
  });
  const other = new StrictCommand('other').addOption(valueOption('stack', 'NAME', 'a stack'));
  const program = new StrictCommand('p').addCommand(demo).addCommand(ask).addCommand(other);
  for (const c of [program, demo, ask, other])
    c.exitOverride().configureOutput({ writeOut: () => undefined });
  program.parse(args, { from: 'user' });
  return values;
}

function refusal(args: string[]): string {
  try {
    parse(['demo', ...args]);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(args)}`);
}

describe('options on commander', () => {
  it('reads --flag value, --flag=value and booleans', () => {
    // GIVEN both value forms and a boolean WHEN parsing THEN each is typed by its kind
    expect(parse(['demo', '--accounts', '1,2', '--format=json', '--dry-run'])).toEqual({
      accounts: '1,2',
      format: 'json',
      'dry-run': true,
    });
  });

  it('suggests the nearest option for a misspelt one and lists the valid options', () => {
    // GIVEN --account for --accounts WHEN parsing THEN the suggestion and the list are in the message
    const message = refusal(['--account', '1']);
    expect(message).toMatch(/^unknown option --account; did you mean --accounts\?/);
    expect(message).toContain('valid options for demo: --accounts, --format, --dry-run, --help');
    expect(message).not.toMatch(/positional|'--|error:/);
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

  it('collects a repeatable option in order, and takes one argument', () => {
    // GIVEN a command with an argument and a repeatable option WHEN both are given THEN every value, in order
    expect(parse(['ask', 'p1', '--param', 'a=1', '--param=b=2'])).toEqual({
      argument: 'p1',
      param: ['a=1', 'b=2'],
    });
    // AND a second argument is refused, naming the first
    expect(() => parse(['ask', 'p1', 'p2'])).toThrow(
      'unexpected argument "p2" after ask "p1": give one PRESET; values follow their option, such as --param k=v',
    );
  });

  it('names the commands for an unknown one, with a suggestion', () => {
    // GIVEN a misspelt command WHEN parsing THEN the suggestion and every command
    expect(() => parse(['dmeo'])).toThrow(
      'unknown command "dmeo"; did you mean demo?: expected demo, ask or other',
    );
  });
});
