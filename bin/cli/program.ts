/**
 * `cloudtrail-partitioner <command> [options]` on commander: the commands, `--help`,
 * `--version`, and the parsed arguments as one validated command. Any problem is a
 * {@link UsageError} (exit code 2) before anything touches AWS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommanderError } from 'commander';
import { type AuditCommand, auditDefinition, parseAudit } from './audit';
import { type BackfillCommand, backfillDefinition, parseBackfill } from './backfill';
import { commandList, PROGRAM, StrictCommand, UsageError, type Values } from './options';
import { parsePlan, type PlanCommand, planDefinition } from './plan';
import { parseQuery, type QueryCommand, queryDefinition } from './query-command';
import { parseRun, type RunCommand, runDefinition } from './run';

export { UsageError } from './options';

export type CliCommand =
  | PlanCommand
  | RunCommand
  | BackfillCommand
  | QueryCommand
  | AuditCommand
  /** Help or the version was printed: `text` is what to print on stdout. */
  | { readonly command: 'help'; readonly text: string };

/** The package's version, read once from its package.json (present in a clone and an installed package). */
export const VERSION: string = (
  JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
).version;

type Parse = (values: Values, now: Date) => Exclude<CliCommand, { command: 'help' }>;

/** Every command, in the order the help lists them, with the parser of its values. */
const COMMANDS: readonly (readonly [() => StrictCommand, Parse])[] = [
  [planDefinition, parsePlan],
  [runDefinition, parseRun],
  [backfillDefinition, parseBackfill],
  [queryDefinition, parseQuery],
  [auditDefinition, parseAudit],
];

/**
 * The whole program; each command's action stores its validated command in `onParsed`.
 * @param write where help and the version go.
 */
export function buildProgram(
  now: Date,
  write: (text: string) => void,
  onParsed?: (c: CliCommand) => void,
): StrictCommand {
  const program = new StrictCommand(PROGRAM)
    .description('registers CloudTrail S3 log partitions in Athena/Glue, backfills ranges and investigates')
    .version(VERSION, '-V, --version', 'print the version')
    .helpCommand(false)
    .addHelpText(
      'after',
      `\n${PROGRAM} COMMAND --help shows one command's options and examples.\nexit codes: 0 ok, 1 the run failed, 2 bad usage\n`,
    );
  for (const [define, parse] of COMMANDS) {
    const command = define();
    command.action(() => onParsed?.(parse({ ...command.values(), argument: command.args[0] }, now)));
    program.addCommand(command);
  }
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({ writeOut: write, writeErr: write });
  }
  return program;
}

/** Parses the arguments after the program name into one validated command. */
export function parseCli(argv: readonly string[], now: Date): CliCommand {
  let printed = '';
  let parsed: CliCommand | undefined;
  const program = buildProgram(
    now,
    (text) => (printed += text),
    (command) => (parsed = command),
  );
  if (argv.length === 0) throw new UsageError(`missing command: expected ${commandList(program)}`);
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    // Help and --version end the parse through exitOverride; anything else is the CLI's own error.
    if (error instanceof CommanderError && error.exitCode === 0) return { command: 'help', text: printed };
    throw error;
  }
  if (parsed === undefined) throw new UsageError(`missing command: expected ${commandList(program)}`);
  return parsed;
}
