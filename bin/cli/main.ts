/**
 * The CLI edge: parses flags, dispatches to one file per command, prints results on stdout
 * and messages on stderr. Exit codes: 0 ok, 1 the run failed, 2 bad usage.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import { BackfillExecutions } from '../../lambda/aws/backfill-executions';
import { systemClock } from '../../lambda/core/shared/ports';
import { audit } from './audit';
import { backfill } from './backfill';
import { type CliCommand, parseCli, UsageError } from './program';
import type { CliIo } from './io';
import { plan } from './plan';
import { query } from './query';
import { run } from './run';
import { whatToDo } from './hints';
import { PROGRAM } from './options';

export type { CliIo } from './io';

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv, io.now);
  } catch (error) {
    return usageFailure(error, argv, io);
  }
  try {
    if (command.command === 'help') {
      io.stdout(command.text);
      return 0;
    }
    const warnings = 'warnings' in command ? command.warnings : undefined;
    for (const warning of warnings ?? []) io.stderr(`cloudtrail-partitioner: warning: ${warning}\n`);
    if (command.command === 'query' || command.command === 'query-list')
      return await query(command, { ...io, ...io.query });
    if (command.command === 'audit') return await audit(command, io);
    if (command.command === 'backfill') {
      // A given state machine ARN names its region; otherwise the SDK's configuration decides.
      const region = command.stateMachineArn?.split(':')[3];
      const config = region ? { region } : {};
      const cfn = new CloudFormationClient(config);
      const executions = io.executions?.() ?? new BackfillExecutions(new SFNClient(config), cfn);
      // Named in error messages; an unresolvable region is the SDK's own error, reported by the first step.
      const resolved = io.executions ? io.region : await cfn.config.region().catch(() => undefined);
      return await backfill(
        command,
        executions,
        { ...io, interactive: io.interactive ?? false, region: resolved },
        io.clock ?? systemClock,
      );
    }
    return command.command === 'plan' ? await plan(command, io) : await run(command, io);
  } catch (error) {
    // Bad usage found after parsing (a query whose statement would not be sent) is still exit 2.
    if (error instanceof UsageError) return usageFailure(error, argv, io);
    io.stderr(`cloudtrail-partitioner: ${(error as Error).message}${hint((error as Error).message)}\n`);
    return 1;
  }
}

/** Exit 2 with the message, pointing at the help of the command the user typed, when there is one. */
function usageFailure(error: unknown, argv: readonly string[], io: CliIo): number {
  if (!(error instanceof UsageError)) throw error;
  const named = ['plan', 'run', 'backfill', 'query', 'audit'].includes(argv[0]) ? `${argv[0]} ` : '';
  io.stderr(`${PROGRAM}: ${error.message}\n(see ${PROGRAM} ${named}--help)\n`);
  return 2;
}

const hint = whatToDo;

/** Runs the CLI on this process: arguments, stdout, stderr and exit code. */
export function runCli(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // On Node older than 22 the SDK warns, on every command, that it will need 22; the CLI supports Node 20
  // (package engines) and the warning buries its own output. The SDK's own switch; a user's value wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return main(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    now: new Date(),
    interactive: process.stderr.isTTY === true,
    // The table fits a terminal; piped output keeps whole lines (long values are still cut).
    query: process.stdout.isTTY ? { columns: process.stdout.columns } : {},
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      process.stderr.write(`cloudtrail-partitioner: ${error.message}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) void runCli();
