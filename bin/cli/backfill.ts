/**
 * `cloudtrail-partitioner backfill`: starts the deployed Step Functions backfill and follows
 * it with a live progress line on stderr until it ends. stdout gets the final summary (or,
 * with --no-wait, the execution ARN).
 */
import type { ExecutionStatus } from '../../lambda/aws/backfill-executions';
import type { Clock } from '../../lambda/core/shared/ports';
import { type HistoryEvent, progressFromEvents, renderProgress } from '../../lambda/core/run/progress';
import type { BackfillCommand } from './cli-args';

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
