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
  /**
   * One call waits this much past the earliest expected end to catch the ends that follow it
   * (queries started one after another end one after another). @default 250
   */
  readonly pollCoalesceMs?: number;
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
  private readonly coalesceMs: number;

  constructor(
    timing: PollTiming = {},
    private readonly latency = new LatencyEstimator(),
  ) {
    this.stepMs = timing.pollStepMs ?? 250;
    this.maxMs = timing.pollMaxMs ?? 5000;
    this.coalesceMs = timing.pollCoalesceMs ?? 250;
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
    // Seen running since it started: it ended between then and now. Never seen running: the
    // call came after its end, so now is the closer bound (the start is far too early).
    const endedAbout = watch.seenRunningAt > watch.startedAt ? (watch.seenRunningAt + now) / 2 : now;
    this.latency.observe(watch.partitions, endedAbout - watch.startedAt);
  }

  forget(queryId: string): void {
    this.watches.delete(queryId);
  }

  /** Milliseconds until the next status call is due: the earliest check, and those just after it. */
  delayMs(now: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const watch of this.watches.values()) earliest = Math.min(earliest, watch.checkAt);
    let due = earliest;
    for (const watch of this.watches.values()) {
      if (watch.checkAt <= earliest + this.coalesceMs) due = Math.max(due, watch.checkAt);
    }
    return Math.max(MIN_GAP_MS, Math.min(this.maxMs, due - now));
  }
}
