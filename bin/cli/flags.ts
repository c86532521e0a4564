/**
 * Flag handling for every CLI command, from one spec per command: parsing, the errors a
 * new user meets (an unknown option with a suggestion and the list of valid ones, a flag
 * given twice, a missing value, a value outside its choices) and the help text. Nothing
 * here knows a particular command, so a new command adopts it with a spec and one call.
 */
import { show } from '../../lambda/core/shared/names';

/** Bad usage: the CLI prints the message and exits 2, before anything touches AWS. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Flag {
  /** Without the dashes: `bucket` for `--bucket`. */
  readonly name: string;
  /**
   * A string flag takes a value (`--bucket NAME` or `--bucket=NAME`); a boolean flag takes none;
   * a repeatable flag takes a value and may be given again (`--param a=1 --param b=2`).
   */
  readonly type: 'string' | 'boolean' | 'repeatable';
  /** The value's placeholder in the help text, such as `NAME`. @default 'VALUE' */
  readonly value?: string;
  /** The only values accepted; checked here and listed in the help text. */
  readonly choices?: readonly string[];
  /** One line for the help text, including the default. */
  readonly help: string;
}

export interface CommandSpec {
  /** What the user types: `plan`. */
  readonly name: string;
  /** One line for the overall usage. */
  readonly summary: string;
  readonly flags: readonly Flag[];
  /** The placeholder of the one word the command takes besides flags (`PRESET`); none when absent. */
  readonly argument?: string;
  /** The usage lines after the program name, when `NAME [options]` does not say enough. */
  readonly synopsis?: readonly string[];
  /** Text after the options in the command's help: notes, exit codes. */
  readonly details?: string;
}

/** `--help` and `-h`, which every command takes. */
const HELP: Flag = { name: 'help', type: 'boolean', help: 'show this help (also -h)' };

/**
 * The parsed values, typed from a spec declared `as const`: strings for string flags, true for
 * booleans, one of the choices where there are choices, every value in order for repeatable
 * flags; `argument` is the command's one word.
 */
export type FlagValues<S extends CommandSpec> = {
  -readonly [F in S['flags'][number] as F['name']]?: F extends { readonly type: 'boolean' }
    ? boolean
    : F extends { readonly type: 'repeatable' }
      ? string[]
      : F extends { readonly choices: readonly (infer C)[] }
        ? C
        : string;
} & { help?: boolean; argument?: string };

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest candidate within a third of the word's length (at least 2 edits), or a prefix match. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = name.startsWith(word) || word.startsWith(name) ? 1 : editDistance(word, name);
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && best.distance <= limit ? best.name : undefined;
}

function unknownOption(typed: string, spec: CommandSpec, others: readonly CommandSpec[]): UsageError {
  const names = spec.flags.map((flag) => flag.name);
  const owners = others.filter((other) => other.flags.some((flag) => flag.name === typed));
  const valid = `valid options for ${spec.name}: ${[...names, 'help'].map((n) => `--${n}`).join(', ')}`;
  if (owners.length > 0) {
    return new UsageError(
      `--${typed} is not for ${spec.name} (it is for ${orList(
        owners.map((o) => o.name),
        'and',
      )}); ${valid}`,
    );
  }
  const near = suggest(typed, names);
  return new UsageError(`unknown option --${typed}${near ? `; did you mean --${near}?` : ''} (${valid})`);
}

/** A word that is not an option: `-x`, a stray value, or a second argument. */
function notAnOption(token: string, spec: CommandSpec, argument: string | undefined): UsageError {
  if (token.startsWith('-'))
    return new UsageError(`unknown option ${show(token)}: options start with --, such as --help`);
  const after = argument === undefined ? spec.name : `${spec.name} ${show(argument)}`;
  const one = spec.argument ? `give one ${spec.argument}; ` : '';
  // A value-taking flag of this command, as it would be typed: `--bucket NAME`.
  const flag = spec.flags.find((f) => f.type !== 'boolean') ?? { name: 'bucket', value: 'NAME' };
  return new UsageError(
    `unexpected argument ${show(token)} after ${after}: ${one}values follow their option, such as --${flag.name} ${flag.value ?? 'VALUE'}`,
  );
}

/**
 * Parses the arguments after the command name against its spec.
 * @param others the other commands, so a flag of another command says whose it is.
 * @throws UsageError naming what the user typed.
 */
export function parseFlags<S extends CommandSpec>(
  spec: S,
  args: readonly string[],
  others: readonly CommandSpec[] = [],
): FlagValues<S> {
  const values: Record<string, string | boolean | string[]> = {};
  const flags = new Map([...spec.flags, HELP].map((flag) => [flag.name, flag]));
  for (let i = 0; i < args.length; i++) {
    const token = args[i];
    if (token === '-h') {
      values.help = true;
      continue;
    }
    if (!token.startsWith('--')) {
      if (spec.argument === undefined || token.startsWith('-') || values.argument !== undefined)
        throw notAnOption(token, spec, values.argument as string | undefined);
      values.argument = token;
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq === -1 ? undefined : eq);
    const flag = flags.get(name);
    if (flag === undefined) throw unknownOption(name, spec, others);
    let value: string | boolean;
    if (flag.type === 'boolean') {
      if (eq !== -1) throw new UsageError(`--${name} takes no value (got ${show(token.slice(eq + 1))})`);
      value = true;
    } else if (eq !== -1) {
      value = token.slice(eq + 1);
    } else {
      const next = args[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new UsageError(`missing value for --${name}: expected --${name} ${flag.value ?? 'VALUE'}`);
      value = next;
      i++;
    }
    if (flag.type !== 'repeatable' && name in values) {
      const both = typeof value === 'string' ? ` (${show(values[name])} and ${show(value)})` : '';
      throw new UsageError(`--${name} given twice${both}: give it once`);
    }
    if (flag.choices && typeof value === 'string' && !flag.choices.includes(value))
      throw new UsageError(`invalid --${name} ${show(value)}: expected ${orList(flag.choices)}`);
    const earlier = (values[name] as string[] | undefined) ?? [];
    values[name] = flag.type === 'repeatable' ? [...earlier, value as string] : value;
  }
  return values as FlagValues<S>;
}

/** `a`, `a or b`, `a, b or c` (or `and`). */
export function orList(items: readonly string[], word: 'or' | 'and' = 'or'): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${word} ${items.at(-1)}`;
}

/** The options block of a command's help, one flag a line, aligned. */
export function flagLines(spec: CommandSpec, flags: readonly Flag[] = spec.flags): string[] {
  const left = flags.map((flag) =>
    flag.type === 'boolean'
      ? `--${flag.name}`
      : `--${flag.name} ${flag.choices ? flag.choices.join('|') : (flag.value ?? 'VALUE')}`,
  );
  const width = Math.max(...left.map((text) => text.length)) + 2;
  return flags.map((flag, i) => `  ${left[i].padEnd(width)}${flag.help}`);
}

/** `cloudtrail-partitioner plan --help`: the options are every flag the parser accepts. */
export function commandHelp(program: string, spec: CommandSpec): string {
  const synopsis = spec.synopsis ?? [`${spec.argument ? `${spec.argument} ` : ''}[options]`];
  return [
    ...synopsis.map((line, i) => `${i === 0 ? 'usage:' : '      '} ${program} ${spec.name} ${line}`),
    '',
    `  ${spec.summary}`,
    '',
    'options:',
    ...flagLines(spec, [...spec.flags, HELP]),
    ...(spec.details ? ['', spec.details] : []),
  ].join('\n');
}
