/**
 * The deploy-time first run (lib/first-run.ts sends it, as a custom resource the function answers):
 * the schedule's own event, with a time budget of its own in `detail`, so the run answers well
 * inside the function's 900 s. Pure: the event is checked here, the waits take an injected clock.
 */
import { PortError, type Clock } from '../shared/ports';
import { isScheduledEvent } from './heartbeat';

export const FIRST_RUN = {
  /** The `id` of the event lib/first-run.ts sends. */
  eventId: 'first-run-at-deploy',
  /** The run's own budget: the function's 900 s keep 360 s for the access wait, the answer and a margin. */
  deadlineSeconds: 540,
  /** How long a denied catalog read is retried before the run starts anyway: IAM and Lake Formation propagation. */
  accessWaitSeconds: 120,
  /** Pause between two probes while access is denied. */
  accessPauseSeconds: 10,
  /** The `Kind` property of the custom resource CloudFormation sends the function (lib/first-run.ts). */
  resourceKind: 'FirstRun',
  /** Response attribute: `succeeded` or `failed: <reason>` (the FirstRunOutcome stack output). */
  outcomeAttribute: 'Outcome',
  /** Response attribute: the heartbeat datapoint, '1' or '0', that lib/first-run.ts publishes. */
  heartbeatAttribute: 'HeartbeatValue',
  /** The function's longest timeout, seconds (Lambda's maximum). */
  providerTimeoutSeconds: 900,
  /** The message of the log line that records the first run's outcome (the dashboard shows it). */
  logMessage: 'first run at deploy',
} as const;

/** The detail's budget, when the event is the first run's and the value is sane; else undefined. */
export function firstRunDeadlineMs(event: unknown): number | undefined {
  if (!isFirstRunEvent(event)) return undefined;
  const detail = (event as { detail?: unknown }).detail;
  const seconds = (detail as { deadlineSeconds?: unknown } | undefined)?.deadlineSeconds;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 60) return undefined;
  return Math.min(seconds, FIRST_RUN.providerTimeoutSeconds - 60) * 1000;
}

export function isFirstRunEvent(event: unknown): boolean {
  return isScheduledEvent(event) && (event as { id?: unknown }).id === FIRST_RUN.eventId;
}

export interface AccessWait {
  /** True once the probe succeeded (or failed for another reason than access denied). */
  readonly granted: boolean;
  readonly waitedMs: number;
  readonly probes: number;
}

/**
 * Probes until the probe is not denied, for at most `limitMs`: a role or grant created moments
 * before may not have reached IAM or Lake Formation yet. Any other error ends the wait (the run
 * reports it). Never waits past `limitMs`.
 */
export async function waitForAccess(
  probe: () => Promise<unknown>,
  clock: Clock,
  limitMs: number = FIRST_RUN.accessWaitSeconds * 1000,
  pauseMs: number = FIRST_RUN.accessPauseSeconds * 1000,
): Promise<AccessWait> {
  const start = clock.now();
  for (let probes = 1; ; probes++) {
    try {
      await probe();
      return { granted: true, waitedMs: clock.now() - start, probes };
    } catch (error) {
      const denied = error instanceof PortError && error.kind === 'access-denied';
      const waited = clock.now() - start;
      if (!denied) return { granted: true, waitedMs: waited, probes };
      if (waited + pauseMs > limitMs) return { granted: false, waitedMs: waited, probes };
      await clock.sleep(pauseMs);
    }
  }
}
