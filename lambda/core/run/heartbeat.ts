/**
 * Which runs prove the schedule works. The heartbeat alarm watches ScheduledRunSucceeded, so
 * only a run that EventBridge started may emit it: a backfill chunk (hours of them while a
 * Step Functions backfill runs) or a manual `{}` invoke would otherwise keep the alarm quiet
 * while the schedule itself is dead. The deploy-time first run sends the scheduled event's
 * shape on purpose: it is the schedule's own run, triggered once.
 */
import type { RunRequest } from './request';

/** An EventBridge scheduled event, as the rule delivers it. */
export function isScheduledEvent(event: unknown): boolean {
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  const record = event as Record<string, unknown>;
  return record.source === 'aws.events' && record['detail-type'] === 'Scheduled Event';
}

/** True when this run's outcome is the heartbeat: a scheduled-window run started by a scheduled event. */
export function countsAsHeartbeat(event: unknown, request: Pick<RunRequest, 'kind'>): boolean {
  return request.kind === 'scheduled' && isScheduledEvent(event);
}
