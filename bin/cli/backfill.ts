/**
 * `cloudtrail-partitioner backfill`: starts the deployed Step Functions backfill and follows
 * it with a live progress line on stderr until it ends. stdout gets the final summary (or,
 * with --no-wait, the execution ARN).
 */
import type { ExecutionStatus } from '../../lambda/aws/backfill-executions';
import type { Clock } from '../../lambda/core/shared/ports';
import { type HistoryEvent, progressFromEvents, renderProgress } from '../../lambda/core/run/progress';
import { checkAccount, checkRegion, show } from '../../lambda/core/shared/names';
import { parseSplitPayload } from '../../lambda/core/run/request';
import { DEFAULTS } from '../../lambda/core/run/settings';
import { unknownRegionWarnings } from '../../lambda/aws/known-regions';
import { inFlags, integer, listFlag, namedDay } from './cli-values';
import * as layout from './layout-options';
import {
  bool,
  StrictCommand,
  examples,
  flagOption,
  str,
  UsageError,
  valueOption,
  type Values,
} from './options';

export interface BackfillCommand {
  /** Printed on stderr: region names the SDK does not know. */
  readonly warnings?: readonly string[];
  readonly command: 'backfill';
  /** The state machine's input, validated like the split step will validate it. */
  readonly input: {
    readonly from: string;
    readonly to: string;
    readonly accounts?: readonly string[];
    readonly regions?: readonly string[];
    readonly chunkDays?: number;
    readonly includeEmptyDays?: boolean;
    /** Every chunk also converts its complete days into the columnar copy. */
    readonly columnar?: boolean;
  };
  readonly stackName: string;
  readonly stateMachineArn?: string;
  readonly wait: boolean;
}

/** What the command needs from AWS; {@link BackfillExecutions} in production, a fake in tests. */
export interface ExecutionsPort {
  stateMachineArn(stackName: string): Promise<string>;
  start(stateMachineArn: string, input: object): Promise<string>;
  describe(executionArn: string): Promise<ExecutionStatus>;
  history(executionArn: string): Promise<HistoryEvent[]>;
}

export interface BackfillIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** True when stderr is a terminal: the progress line is redrawn in place. */
  readonly interactive: boolean;
  /** The region the stack is read and the execution started in, for error messages. */
  readonly region?: string;
}

export function backfillDefinition(): StrictCommand {
  const summary = "start the deployed stack's Step Functions backfill for --from/--to and show its progress";
  return new StrictCommand('backfill')
    .summary(summary)
    .description(summary)
    .addOption(layout.fromOption('first day, UTC, or today/yesterday (required)'))
    .addOption(layout.toOption('last day, inclusive, or today/yesterday (required)'))
    .addOption(layout.accountsOption(false))
    .addOption(layout.regionsOption(false))
    .addOption(valueOption('chunk-days', 'N', 'days per chunk (default: sized from the account-regions)'))
    .addOption(layout.includeEmptyOption())
    .addOption(
      flagOption(
        'columnar',
        'also convert the complete days into the columnar copy (columnarCopy=true), one day per chunk',
      ),
    )
    .addOption(layout.stackOption())
    .addOption(
      valueOption('state-machine-arn', 'ARN', "use this state machine instead of the stack's output"),
    )
    .addOption(flagOption('no-wait', 'print the execution arn and return'))
    .addHelpText(
      'after',
      examples(
        'backfill --from 2024-01-01 --to 2024-12-31',
        'backfill --from 2024-06-01 --to yesterday --regions us-east-1,eu-west-1 --no-wait',
        'backfill --from 2024-01-01 --to yesterday --columnar',
      ),
    );
}

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

export function parseBackfill(values: Values, now: Date): BackfillCommand {
  // The deployed stack knows its layout and limits: other commands' flags are refused by commander.
  const [fromText, toText] = [str(values, 'from'), str(values, 'to')];
  if (fromText === undefined || toText === undefined) {
    throw new UsageError('missing --from or --to: backfill needs both, YYYY-MM-DD');
  }
  const accounts = listFlag('accounts', str(values, 'accounts'), checkAccount);
  const regions = listFlag('regions', str(values, 'regions'), checkRegion);
  const chunkDays = integer('--chunk-days', str(values, 'chunk-days'));
  const input = {
    from: namedDay(fromText, now),
    to: namedDay(toText, now),
    ...(accounts !== undefined ? { accounts } : {}),
    ...(regions !== undefined ? { regions } : {}),
    ...(chunkDays !== undefined ? { chunkDays } : {}),
    ...(bool(values, 'include-empty-days') ? { includeEmptyDays: true } : {}),
    ...(bool(values, 'columnar') ? { columnar: true } : {}),
  };
  // The same validation the split step runs, so a bad range never starts an execution.
  inFlags(() => splitCheck(input, now), { from: '--from', to: '--to' });
  const arn = str(values, 'state-machine-arn');
  if (arn !== undefined && !STATE_MACHINE_ARN.test(arn)) {
    throw new UsageError(
      `invalid --state-machine-arn ${show(arn)}: expected arn:aws:states:REGION:ACCOUNT:stateMachine:NAME`,
    );
  }
  return {
    command: 'backfill',
    input,
    stackName: layout.stackName(values),
    stateMachineArn: arn,
    wait: !bool(values, 'no-wait'),
    warnings: unknownRegionWarnings(regions ?? [], '--regions entry'),
  };
}

function splitCheck(input: object, now: Date): void {
  try {
    parseSplitPayload({ action: 'split', ...input }, now, DEFAULTS);
  } catch (error) {
    // Same words, in the flags the user typed.
    throw new Error(
      (error as Error).message
        .replace(/^invalid split payload: /, 'invalid options: ')
        .replace(/\b(chunkDays|accounts|regions|from|to)([.:])/g, (_m, key: string, end: string) => {
          const flag = key === 'chunkDays' ? 'chunk-days' : key;
          return `--${flag}${end}`;
        }),
      { cause: error },
    );
  }
}

/** Says which step failed: the SDK's own message (`getaddrinfo ENOTFOUND ...`) does not. */
async function step<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
  }
}

/** Step Functions history is cheap to read but rate-limited: every 5 s is plenty for minutes-long chunks. */
const POLL_MS = 5000;

export async function backfill(
  command: BackfillCommand,
  executions: ExecutionsPort,
  io: BackfillIo,
  clock: Clock,
): Promise<number> {
  const where = io.region ? `in ${io.region}` : 'in the configured region';
  const arn =
    command.stateMachineArn ??
    (await step(`reading stack ${command.stackName}'s outputs ${where}`, () =>
      executions.stateMachineArn(command.stackName),
    ));
  const executionArn = await step(`starting an execution of ${arn}`, () =>
    executions.start(arn, command.input),
  );
  if (!command.wait) {
    io.stdout(`${executionArn}\n`);
    return 0;
  }
  io.stderr(`started ${executionArn}\n`);
  const started = clock.now();
  let lastLine = '';
  for (;;) {
    const status = await step(`polling execution ${executionArn}`, () => executions.describe(executionArn));
    const events = await step(`reading the history of execution ${executionArn}`, () =>
      executions.history(executionArn),
    );
    const progress = progressFromEvents(events);
    const line = renderProgress(progress, clock.now() - started);
    if (io.interactive) io.stderr(`\r${line}\u001b[K`);
    else if (line !== lastLine) io.stderr(`${line}\n`);
    lastLine = line;
    if (status.status !== 'RUNNING') {
      if (io.interactive) io.stderr('\n');
      const ok = status.status === 'SUCCEEDED';
      io.stdout(
        `backfill ${command.input.from}..${command.input.to} ${status.status.toLowerCase()}: ` +
          `${progress.chunksDone}/${progress.totalChunks ?? 0} chunks, ${progress.partitionsAdded} partitions added, ` +
          `${progress.chunksFailed} chunks failed\n`,
      );
      if (!ok) io.stdout(`  ${status.error ?? 'error'}: ${status.cause ?? 'no cause given'}\n`);
      return ok ? 0 : 1;
    }
    await clock.sleep(POLL_MS);
  }
}
