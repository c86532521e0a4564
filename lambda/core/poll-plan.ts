/**
 * When to ask Athena for status next. Each query in flight is checked when the latency seen
 * so far for statements of its size says it should have ended; one that is still running
 * is checked again after a short step that doubles with each miss. One status call answers
 * for up to 50 queries, so the earliest check decides the next call.
 */
import { LatencyEstimator } from './latency';

export interface PollTiming {
  /** First re-check after a query was seen still running; doubles with each miss. @default 250 */
  readonly pollStepMs?: number;
  /** Longest wait between status calls, whatever the estimate. @default 5000 */
  readonly pollMaxMs?: number;
}

interface Watch {
  readonly partitions: number;
  readonly startedAt: number;
  /** Last time a status call saw it not yet ended (its end lies after this). */
  seenRunningAt: number;
  checkAt: number;
  misses: number;
}

/** Never call twice within this many ms: the earliest check may already be due. */
const MIN_GAP_MS = 50;

export class PollPlanner {
  private readonly watches = new Map<string, Watch>();
  private readonly stepMs: number;
  private readonly maxMs: number;

  constructor(
    timing: PollTiming = {},
    private readonly latency = new LatencyEstimator(),
  ) {
    this.stepMs = timing.pollStepMs ?? 250;
    this.maxMs = timing.pollMaxMs ?? 5000;
  }

  started(queryId: string, partitions: number, now: number): void {
    const checkAt = now + this.latency.expectMs(partitions);
    this.watches.set(queryId, { partitions, startedAt: now, seenRunningAt: now, checkAt, misses: 0 });
  }

  /** A status call at `now` saw the query still queued or running. */
  stillRunning(queryId: string, now: number): void {
    const watch = this.watches.get(queryId);
    if (!watch) return;
    watch.seenRunningAt = now;
    if (watch.checkAt > now) return;
    watch.misses++;
    watch.checkAt = now + Math.min(this.maxMs, this.stepMs * 2 ** (watch.misses - 1));
  }

  /** A status call at `now` saw the query ended: it ended between the last sighting and now. */
  ended(queryId: string, now: number): void {
    const watch = this.watches.get(queryId);
    if (!watch) return;
    this.watches.delete(queryId);
    const endedAbout = (watch.seenRunningAt + now) / 2;
    this.latency.observe(watch.partitions, endedAbout - watch.startedAt);
  }

  forget(queryId: string): void {
    this.watches.delete(queryId);
  }

  /** Milliseconds until the next status call is due. */
  delayMs(now: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const watch of this.watches.values()) earliest = Math.min(earliest, watch.checkAt);
    return Math.max(MIN_GAP_MS, Math.min(this.maxMs, earliest - now));
  }
}
