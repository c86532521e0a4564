/**
 * The daily run's hand-off: when its invocation ran out of time with partitions not yet
 * submitted (or still running), it starts ONE Step Functions backfill execution over the days
 * that still lack them, and ends cleanly. Each chunk of that execution reads Glue first
 * (registered.ts), so it adds only the remainder; a chunk that runs out of time is retried by
 * the state machine and again adds only what is left.
 *
 * The execution's name derives from the scheduled instant, so every delivery and retry of one
 * schedule event names the same execution: Step Functions refuses a second start with that name
 * (ExecutionAlreadyExists), which the adapter reports as "already started", a success.
 */
import { parseIsoDate, formatIsoDate } from '../shared/dates';
import type { Handoff, HandoffInput, Report } from './report';

export type { Handoff, HandoffInput } from './report';

/** Starts a backfill execution; an execution of the same name already started is not an error. */
export interface BackfillStartPort {
  startBackfill(
    stateMachineArn: string,
    name: string,
    input: HandoffInput,
  ): Promise<{ readonly executionArn: string; readonly alreadyStarted: boolean }>;
}

/** `arn:<partition>:states:<region>:<account>:stateMachine:<name>`, nothing else. */
export const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;

/** `daily-remainder-20240310T0600Z`: one name per scheduled instant (Step Functions: ≤ 80 of [A-Za-z0-9_-]). */
export function handoffExecutionName(referenceTime: number): string {
  const iso = new Date(referenceTime).toISOString(); // 2024-03-10T06:00:00.000Z
  return `daily-remainder-${iso.slice(0, 10).replace(/-/g, '')}T${iso.slice(11, 16).replace(':', '')}Z`;
}

/** Partitions the run leaves to someone else: never submitted, or submitted and not seen to end. */
export function leftOver(report: Report): number {
  const running = report.failures.filter((f) => f.status === 'unconfirmed');
  return report.notSubmitted + running.reduce((n, f) => n + f.partitions, 0);
}

/** The days holding what is left over, or undefined when nothing is. */
export function handoffWindow(report: Report): HandoffInput | undefined {
  if (leftOver(report) === 0) return undefined;
  const ranges = [
    ...report.notSubmittedRanges,
    ...report.failures.filter((f) => f.status === 'unconfirmed').flatMap((f) => f.ranges),
  ];
  if (ranges.length === 0) return report.window;
  // A loop, not Math.min(...): an organization leaves 100,000 ranges, past the spread's stack.
  let from = Infinity;
  let to = -Infinity;
  for (const range of ranges) {
    from = Math.min(from, parseIsoDate(range.from) as number);
    to = Math.max(to, parseIsoDate(range.to) as number);
  }
  return { from: formatIsoDate(from), to: formatIsoDate(to) };
}

/**
 * The report once the remainder is handed off: what was left over now belongs to the execution
 * (whose failure raises the backfill alarms), so the run is ok unless a statement failed.
 */
export function withHandoff(report: Report, handoff: Handoff): Report {
  return { ...report, ok: report.failed === 0, handedOff: handoff };
}

export async function handOff(
  report: Report,
  port: BackfillStartPort,
  stateMachineArn: string,
  referenceTime: number,
): Promise<Report> {
  const window = handoffWindow(report);
  if (!window || report.dryRun) return report;
  const executionName = handoffExecutionName(referenceTime);
  const started = await port.startBackfill(stateMachineArn, executionName, window);
  return withHandoff(report, {
    executionName,
    executionArn: started.executionArn,
    alreadyStarted: started.alreadyStarted,
    window,
    partitions: leftOver(report),
  });
}
