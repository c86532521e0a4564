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
  /** Longest wait between status calls, whatever the estimate. @default 60000 */
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
  checkAt: number;
  misses: number;
}

/** Longest re-check step after misses: a statement past its estimate is still seen ending soon. */
const MAX_STEP_MS = 5000;
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
    this.maxMs = timing.pollMaxMs ?? 60_000;
    this.coalesceMs = timing.pollCoalesceMs ?? 250;
  }

  started(queryId: string, partitions: number, now: number): void {
    const checkAt = now + this.latency.expectMs(partitions);
    this.watches.set(queryId, { partitions, startedAt: now, checkAt, misses: 0 });
  }

  /** A status call at `now` saw the query still queued or running. */
  stillRunning(queryId: string, now: number): void {
    const watch = this.watches.get(queryId);
    if (!watch || watch.checkAt > now) return;
    watch.misses++;
    // The estimate was early: look again soon, then less often (at most every 5 s).
    watch.checkAt = now + Math.min(this.maxMs, MAX_STEP_MS, this.stepMs * 2 ** (watch.misses - 1));
  }

  /** A status call at `now` saw the query ended. */
  ended(queryId: string, now: number): void {
    const watch = this.watches.get(queryId);
    if (!watch) return;
    this.watches.delete(queryId);
    // It ended between the last sighting and now. The upper bound keeps the estimate at or just
    // past the true end, so the next statement of this size is seen ending on its first check.
    this.latency.observe(watch.partitions, now - watch.startedAt);
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
