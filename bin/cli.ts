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
import { type Report, summarize } from '../lambda/core/report';
import { audit } from './audit';
import { planStatements, resolveTargets, runPartitions } from '../lambda/core/run';
import { type CliCommand, parseCli, type PlanCommand, type RunCommand, UsageError } from './cli-args';
import { COMMANDS, usage } from './usage';
import { plural } from '../lambda/core/plural';
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
  /** For tests with `executions`: the region named in backfill's error messages. */
  readonly region?: string;
  /** Overrides for tests of `query`: the Athena client, the SQL file reader, the poll interval. */
  readonly query?: Partial<QueryIo>;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv, io.now);
  } catch (error) {
    return usageFailure(error, argv, io);
  }
  try {
    if (command.command === 'help') {
      io.stdout(`${command.usage ?? usage()}\n`);
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
  const named = COMMANDS.some((c) => c.name === argv[0]) ? `${argv[0]} ` : '';
  io.stderr(`cloudtrail-partitioner: ${error.message}\n(see cloudtrail-partitioner ${named}--help)\n`);
  return 2;
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
  const counts = countPlan(targets, window, today, scheme.granularity);
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
  // Without --discover nothing is known about S3, so nothing can have been skipped.
  const skipped = command.discover ? ` (${plural(counts.skippedEmpty, 'empty past day')} skipped)` : '';
  io.stderr(`${plural(counts.partitions, 'partition')} in ${plural(count, 'statement')}${skipped}\n`);
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
      // --retention-days: this run drops too (otherwise only scheduled runs do).
      retentionDays: settings.retentionDays,
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
    if (report.retention) io.stdout(`${summarizeRetention(report.retention)}\n`);
    for (const failure of report.failures) {
      io.stdout(
        `  statement ${failure.index} ${failure.status} (${failure.partitions} partitions, ${failure.attempts} attempts): ${failure.reason}\n`,
      );
    }
  }
  return report.ok ? 0 : 1;
}

function summarizeRetention(r: NonNullable<Report['retention']>): string {
  const what = `retention ${r.retentionDays} days (keeping ${r.keepFrom} on): ${r.expired} expired partitions, ${r.dropped} dropped in ${r.statements} statements`;
  return [what, r.more ? 'more remain for the next run' : '', r.warning ?? '']
    .filter((part) => part !== '')
    .join('; ');
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
