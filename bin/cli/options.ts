/**
 * What every command shares on top of commander: the option kinds (a value given once, a
 * repeatable value, a flag), the refusal of a repeated option, and commander's errors said in
 * the words the CLI has always used (the option typed, a suggestion, the valid options).
 * Commander parses, suggests spellings and writes help; this file only words its errors.
 */
import { Command, Option } from 'commander';
import { show } from '../../lambda/core/shared/names';

export const PROGRAM = 'cloudtrail-partitioner';

/** Bad usage: the CLI prints the message and exits 2, before anything touches AWS. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Parsed option values keyed by the option as typed, without dashes (`dry-run`); `argument` is the operand. */
export type Values = Readonly<Record<string, string | boolean | readonly string[] | undefined>>;

export const str = (values: Values, name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};
export const bool = (values: Values, name: string): boolean => values[name] === true;
export const strs = (values: Values, name: string): readonly string[] | undefined => {
  const value = values[name];
  return Array.isArray(value) ? (value as readonly string[]) : undefined;
};

/** `a`, `a or b`, `a, b or c` (or `and`). */
export function orList(items: readonly string[], word: 'or' | 'and' = 'or'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${word} ${items.at(-1)}`;
}

/** A value that follows its option, as `--name VALUE` or `--name=VALUE`, once; `choices` are checked. */
export function valueOption(name: string, value: string, help: string, choices?: readonly string[]): Option {
  const option = new Option(`--${name} <${value}>`, help);
  if (choices) option.choices(choices);
  // After choices(), which installs its own parser: ours says it in the CLI's words.
  return option.argParser((text: string, previous: unknown) => {
    if (text.startsWith('--'))
      throw new UsageError(`missing value for --${name}: expected --${name} ${value}`);
    if (previous !== undefined)
      throw new UsageError(`--${name} given twice (${show(previous)} and ${show(text)}): give it once`);
    if (choices && !choices.includes(text))
      throw new UsageError(`invalid --${name} ${show(text)}: expected ${orList(choices)}`);
    return text;
  });
}

/** A value that may be given again (`--param a=1 --param b=2`): every value, in order. */
export function repeatableOption(name: string, value: string, help: string): Option {
  return new Option(`--${name} <${value}>`, help).argParser((text: string, previous: unknown) => {
    if (text.startsWith('--'))
      throw new UsageError(`missing value for --${name}: expected --${name} ${value}`);
    return [...((previous as string[] | undefined) ?? []), text];
  });
}

/** An option without a value. */
export const flagOption = (name: string, help: string): Option => new Option(`--${name}`, help);

/** The long names (no dashes) of a command's own options, in help order, with `help`. */
export const optionNames = (command: Command): string[] => [
  ...command.options.map((o) => (o.long ?? '').slice(2)),
  'help',
];

/**
 * A command of this CLI: commander's parsing, with its errors thrown as {@link UsageError}
 * in the CLI's words. Output goes to the given sink, and help or --version ends the parse.
 */
export class StrictCommand extends Command {
  private readonly seen = new Set<string>();

  /** Refuses a flag given twice (value options refuse in their parser). */
  override addOption(option: Option): this {
    super.addOption(option);
    if (!option.required && !option.optional) {
      const name = option.name();
      this.on(`option:${name}`, () => {
        if (this.seen.has(name)) throw new UsageError(`--${name} given twice: give it once`);
        this.seen.add(name);
      });
    }
    return this;
  }

  /** The parsed values keyed by the option as typed; `--no-wait` is true when given. */
  values(): Values {
    const out: Record<string, string | boolean | readonly string[] | undefined> = {};
    for (const option of this.options) {
      const value: unknown = this.getOptionValue(option.attributeName());
      out[(option.long ?? '').slice(2)] = option.negate ? value === false : (value as Values[string]);
    }
    return out;
  }

  override error(message: string, options?: { code?: string }): never {
    throw new UsageError(this.reword(message.replace(/^error: /, ''), options?.code ?? ''));
  }

  /** Called by commander when operands remain after the command's arguments. */
  _excessArguments(received: string[]): void {
    const expected = this.registeredArguments.length;
    const token = received[expected];
    if (token.startsWith('-'))
      throw new UsageError(`unknown option ${show(token)}: options start with --, such as --help`);
    const first = expected > 0 ? received[0] : undefined;
    const after = first === undefined ? this.name() : `${this.name()} ${show(first)}`;
    const one = expected > 0 ? `give one ${this.registeredArguments[0].name()}; ` : '';
    const option = this.options.find((o) => o.required) ?? { long: '--bucket', flags: '--bucket <NAME>' };
    const placeholder = /<(.+)>/.exec(option.flags)?.[1] ?? 'VALUE';
    throw new UsageError(
      `unexpected argument ${show(token)} after ${after}: ${one}values follow their option, such as ${option.long} ${placeholder}`,
    );
  }

  private reword(message: string, code: string): string {
    if (code === 'commander.unknownOption') return this.unknownOptionMessage(message);
    if (code === 'commander.unknownCommand') {
      const name = this.args[0];
      const near = /Did you mean (\S+)\?/.exec(message)?.[1];
      return `unknown command ${show(name)}${near ? `; did you mean ${near}?` : ''}: expected ${commandList(this)}`;
    }
    const missing = /option '--([a-z-]+) <(.+)>' argument missing/.exec(message);
    if (missing) return `missing value for --${missing[1]}: expected --${missing[1]} ${missing[2]}`;
    return message;
  }

  private unknownOptionMessage(message: string): string {
    const typed = /unknown option '([^']*)'/.exec(message)?.[1] ?? '';
    if (!this.parent) {
      // `--bucket b audit`: the command word is there, in the wrong place.
      const later = this.args.find((arg) => this.commands.some((c) => c.name() === arg));
      const first = later ? `; the command comes first, as in ${PROGRAM} ${later} --help` : '';
      return `missing command: expected ${commandList(this)} before ${show(typed)}${first}`;
    }
    if (!typed.startsWith('--'))
      return `unknown option ${show(typed)}: options start with --, such as --help`;
    const name = typed.slice(2).split('=')[0];
    const own = this.options.find((o) => o.long === `--${name}`);
    if (own) return `--${name} takes no value (got ${show(typed.slice(typed.indexOf('=') + 1))})`;
    const valid = `valid options for ${this.name()}: ${optionNames(this)
      .map((n) => `--${n}`)
      .join(', ')}`;
    const owners = this.parent.commands.filter(
      (c) => c !== this && c.options.some((o) => o.long === `--${name}`),
    );
    if (owners.length > 0)
      return `--${name} is not for ${this.name()} (it is for ${orList(
        owners.map((c) => c.name()),
        'and',
      )}); ${valid}`;
    const near = /Did you mean (--[a-z-]+)\?/.exec(message)?.[1];
    return `unknown option --${name}${near ? `; did you mean ${near}?` : ''} (${valid})`;
  }
}

/** The commands a program takes, as a message lists them: `plan, run, backfill, query or audit`. */
export function commandList(program: Command): string {
  return orList(program.commands.map((c) => c.name()).filter((name) => name !== 'help'));
}

/** `Examples:` closing a command's help. */
export function examples(...lines: readonly string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${PROGRAM} ${line}`).join('\n')}\n`;
}
