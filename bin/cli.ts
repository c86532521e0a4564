/**
 * The CLI edge: parses flags, calls the same core as the Lambda, prints results on stdout
 * and messages on stderr. Exit codes: 0 ok, 1 the run failed, 2 bad usage.
 */
import { randomUUID } from 'node:crypto';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import { BackfillExecutions } from '../lambda/aws/backfill-executions';
import { createS3Client } from '../lambda/aws/clients';
import { awsPorts } from '../lambda/aws/ports';
import { S3Listing } from '../lambda/aws/s3-listing';
import { formatWindow, utcDay } from '../lambda/core/dates';
import { explicitTargets } from '../lambda/core/discovery';
import { countPlan } from '../lambda/core/plan';
import { type Clock, systemClock } from '../lambda/core/ports';
import { backfill, type ExecutionsPort } from './backfill';
import { summarize } from '../lambda/core/report';
import { planStatements, resolveTargets, runPartitions } from '../lambda/core/run';
import { type CliCommand, parseCli, type PlanCommand, type RunCommand, UsageError, USAGE } from './cli-args';
import { query, type QueryIo } from './query';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly now: Date;
  /** stderr is a terminal. */
  readonly interactive?: boolean;
  /** Overrides for tests: the Step Functions side of `backfill`, and the clock it polls with. */
  readonly executions?: () => ExecutionsPort;
  readonly clock?: Clock;
  /** Overrides for tests of `query`: the Athena client, the SQL file reader, the poll interval. */
  readonly query?: Partial<QueryIo>;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // `query` has its own flags (bin/query-args.ts).
  if (argv[0] === 'query') return query(argv.slice(1), { ...io, ...io.query });
  let command: CliCommand;
  try {
    command = parseCli(argv, io.now);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`cloudtrail-partitioner: ${error.message}\n(see --help)\n`);
    return 2;
  }
  try {
    if (command.command === 'help') {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    if (command.command === 'backfill') {
      // A given state machine ARN names its region; otherwise the SDK's configuration decides.
      const region = command.stateMachineArn?.split(':')[3];
      const config = region ? { region } : {};
      const executions =
        io.executions?.() ?? new BackfillExecutions(new SFNClient(config), new CloudFormationClient(config));
      return await backfill(
        command,
        executions,
        { ...io, interactive: io.interactive ?? false },
        io.clock ?? systemClock,
      );
    }
    return command.command === 'plan' ? await plan(command, io) : await run(command, io);
  } catch (error) {
    io.stderr(`cloudtrail-partitioner: ${(error as Error).message}${hint((error as Error).message)}\n`);
    return 1;
  }
}

/** What to do about the SDK's two most common first-run errors. */
function hint(message: string): string {
  if (/region is missing/i.test(message))
    return '\n(set AWS_REGION, or AWS_PROFILE with a region, for the account to use)';
  if (/could not load credentials/i.test(message)) {
    return '\n(no AWS credentials found: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws sso login`)';
  }
  return '';
}

async function plan(command: PlanCommand, io: CliIo): Promise<number> {
  const { settings, window, scheme } = command;
  const today = utcDay(io.now);
  const targets = command.discover
    ? await resolveTargets(
        new S3Listing(createS3Client(), settings.layout.bucket),
        settings,
        { window, includeEmptyDays: command.includeEmptyDays },
        io.now,
      )
    : explicitTargets(settings.accounts ?? [], settings.regions ?? []);
  const counts = countPlan(targets, window, today);
  const statements = planStatements(settings, scheme, targets, window, today);
  let count = 0;
  if (command.format === 'sql') {
    for (const statement of statements) {
      io.stdout(`${statement.sql};\n\n`);
      count++;
    }
  } else {
    // Streamed one statement at a time, so a ten-year plan never sits in memory whole.
    io.stdout(
      `{"window":${JSON.stringify(formatWindow(window))},"partitionKeys":${JSON.stringify(scheme.columns)},"statements":[`,
    );
    for (const statement of statements) {
      const partitions = statement.partitions.map((partition) => ({
        values: Object.fromEntries(scheme.columns.map((column) => [column, partition[column]])),
        location: partition.location,
      }));
      io.stdout(
        `${count > 0 ? ',' : ''}\n${JSON.stringify({ sql: statement.sql, bytes: statement.bytes, partitions })}`,
      );
      count++;
    }
    io.stdout(`\n],"partitions":${counts.partitions},"skippedEmpty":${counts.skippedEmpty}}\n`);
  }
  io.stderr(
    `${counts.partitions} partitions in ${count} statements (${counts.skippedEmpty} empty past days skipped)\n`,
  );
  return 0;
}

async function run(command: RunCommand, io: CliIo): Promise<number> {
  const { settings } = command;
  const report = await runPartitions(
    {
      kind: 'backfill',
      window: command.window,
      dryRun: command.dryRun,
      includeEmptyDays: command.includeEmptyDays,
    },
    settings,
    awsPorts(settings, systemClock),
    {
      now: io.now,
      tokenSeed: randomUUID(),
      // Progress goes to stderr: stdout keeps only the result, so it can be piped.
      onProgress: (p) => {
        const line = `${p.statementsDone} statements done, ${p.partitionsAdded}/${p.partitions} partitions added${p.failed > 0 ? `, ${p.failed} failed` : ''}`;
        io.stderr(io.interactive ? `\r${line}\u001b[K` : `${line}\n`);
      },
    },
  );
  if (command.format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else {
    io.stdout(`${summarize(report)}\n`);
    for (const failure of report.failures) {
      io.stdout(
        `  statement ${failure.index} ${failure.status} (${failure.partitions} partitions, ${failure.attempts} attempts): ${failure.reason}\n`,
      );
    }
  }
  return report.ok ? 0 : 1;
}

/** Runs the CLI on this process: arguments, stdout, stderr and exit code. */
export function runCli(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  return main(argv, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    now: new Date(),
    interactive: process.stderr.isTTY === true,
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
