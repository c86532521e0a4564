/**
 * When to ask Athena for status next. Until this run has seen a statement end, a new
 * statement is checked early (a short first check, then steps that double the time waited),
 * so a fast Athena is found within one step whatever the prior said. Once Athena's own
 * timings say how long statements take, each statement is checked when it should have
 * ended, and one still running is checked again after a short step that doubles with each
 * miss. When nothing is left to start (the tail), steps stay short so the last end is seen
 * within a few hundred ms. One status call answers for up to 50 queries, so the earliest
 * check decides the next call. No check is ever planned past `maxWaitMs` or the deadline.
 */
import { athenaLatencyMs, LatencyEstimator } from './latency';
import type { QueryTiming } from '../shared/ports';

export interface PollTiming {
  /** First re-check after a statement was seen running past its expected end; doubles with each miss. @default 250 */
  readonly pollStepMs?: number;
  /** Longest wait between status calls, whatever the estimate. @default 60000 */
  readonly pollMaxMs?: number;
  /**
   * One call waits this much past the earliest expected end to catch the ends that follow it
   * (queries started one after another end one after another). @default 250
   */
  readonly pollCoalesceMs?: number;
  /** First check of a statement while no statement's end has been measured yet. @default 500 */
  readonly pollFirstCheckMs?: number;
  /** Longest re-check step once nothing is left to start, so the run's end is seen soon. @default 250 */
  readonly pollTailStepMs?: number;
}

export interface PollLimits {
  /** No planned check lies further ahead than this (the API patience, at most). */
  readonly maxWaitMs?: number;
  /** No planned check lies past this instant (ms since epoch). */
  readonly deadline?: number;
}

interface Watch {
  readonly partitions: number;
  readonly startedAt: number;
  checkAt: number;
  /** Last time a status call saw it queued or running. */
  seenRunningAt?: number;
  /** Checks that found it still running after its expected end. */
  overdue: number;
}

/** Longest re-check step after misses: a statement past its estimate is still seen ending soon. */
const MAX_STEP_MS = 5000;
/** Longest coalescing wait, as a share of the earliest statement's expected latency. */
const COALESCE_SHARE = 0.02;
/** Never call twice within this many ms: the earliest check may already be due. */
export const MIN_GAP_MS = 50;

export class PollPlanner {
  private readonly watches = new Map<string, Watch>();
  private readonly stepMs: number;
  private readonly maxMs: number;
  private readonly coalesceMs: number;
  private readonly firstMs: number;
  private readonly tailMs: number;
  private readonly deadline: number;
  private draining = false;

  constructor(
    timing: PollTiming = {},
    private readonly latency = new LatencyEstimator(),
    limits: PollLimits = {},
  ) {
    this.stepMs = Math.max(1, timing.pollStepMs ?? 250);
    this.maxMs = Math.max(MIN_GAP_MS, Math.min(timing.pollMaxMs ?? 60_000, limits.maxWaitMs ?? Infinity));
    this.coalesceMs = timing.pollCoalesceMs ?? 250;
    this.firstMs = Math.max(1, timing.pollFirstCheckMs ?? 500);
    this.tailMs = Math.max(1, timing.pollTailStepMs ?? 250);
    this.deadline = limits.deadline ?? Number.POSITIVE_INFINITY;
  }

  get latencyKnown(): boolean {
    return this.latency.known;
  }

  /** Expected end of a statement of `partitions` started at `startedAt`, capped by the longest wait. */
  private expectedEnd(partitions: number, startedAt: number): number {
    return startedAt + Math.min(this.maxMs, this.latency.expectMs(partitions));
  }

  started(queryId: string, partitions: number, now: number): void {
    const expected = this.expectedEnd(partitions, now);
    const checkAt = this.latency.known ? expected : Math.min(expected, now + this.firstMs);
    this.watches.set(queryId, { partitions, startedAt: now, checkAt, overdue: 0 });
  }

  /** Nothing is left to start: keep re-check steps short so the last end is seen soon. */
  setDraining(draining: boolean): void {
    this.draining = draining;
  }

  /** A status call at `now` saw the query still queued or running. */
  stillRunning(queryId: string, now: number): void {
    const watch = this.watches.get(queryId);
    if (!watch) return;
    watch.seenRunningAt = now;
    if (watch.checkAt > now) return;
    if (this.latency.known && now >= this.expectedEnd(watch.partitions, watch.startedAt)) watch.overdue++;
    watch.checkAt = this.nextCheck(watch, now);
  }

  /** A status call at `now` saw the query ended; `timing` is what Athena said about it. */
  ended(queryId: string, now: number, timing?: QueryTiming): void {
    const watch = this.watches.get(queryId);
    if (!watch) return;
    this.watches.delete(queryId);
    const wasKnown = this.latency.known;
    this.latency.observe(watch.partitions, this.sampleMs(watch, now, timing));
    // The first measured end replaces the prior: statements started before it get checks by it.
    if (!wasKnown) this.replan(now);
  }

  forget(queryId: string): void {
    this.watches.delete(queryId);
  }

  /**
   * Athena's own figure when it gives one. Without it, the end lies between the last sighting
   * and now; the estimate is kept inside that window, so a late look never raises it and
   * only a sighting past it (proof of a slower Athena) does.
   */
  private sampleMs(watch: Watch, now: number, timing: QueryTiming | undefined): number {
    const athena = athenaLatencyMs(timing);
    if (athena !== undefined) return athena;
    const lower = (watch.seenRunningAt ?? watch.startedAt) - watch.startedAt;
    const upper = now - watch.startedAt;
    return Math.max(lower, Math.min(upper, this.latency.expectMs(watch.partitions)));
  }

  /** Re-targets every watch on what is now known: at its expected end, or one step from now. */
  private replan(now: number): void {
    for (const watch of this.watches.values()) {
      const expected = this.expectedEnd(watch.partitions, watch.startedAt);
      watch.checkAt =
        expected > now ? expected : Math.max(now + MIN_GAP_MS, Math.min(watch.checkAt, now + this.stepMs));
    }
  }

  private nextCheck(watch: Watch, now: number): number {
    // Unknown latency: steps grow with the time already waited (× 1.5 each), from a short first one.
    const step = this.latency.known
      ? this.stepMs * 2 ** Math.max(0, watch.overdue - 1)
      : Math.max(this.stepMs, (now - watch.startedAt) / 2);
    const expected = this.expectedEnd(watch.partitions, watch.startedAt);
    if (this.latency.known && expected > now) return expected;
    const cap = this.draining && this.latency.known ? this.tailMs : MAX_STEP_MS;
    return now + Math.min(step, cap, this.maxMs);
  }

  /** Milliseconds until the next status call is due: the earliest check, and those just after it. */
  delayMs(now: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    for (const watch of this.watches.values()) earliest = Math.min(earliest, watch.checkAt);
    // Waiting for the ends just after the earliest costs its slot that wait: a small share of
    // a statement's latency at most, so short statements are not held up by the coalescing.
    let coalesce = this.coalesceMs;
    if (this.latency.known) {
      for (const watch of this.watches.values()) {
        if (watch.checkAt === earliest)
          coalesce = Math.min(coalesce, COALESCE_SHARE * this.latency.expectMs(watch.partitions));
      }
    }
    let due = earliest;
    for (const watch of this.watches.values()) {
      if (watch.checkAt <= earliest + coalesce) due = Math.max(due, watch.checkAt);
    }
    const limit = Math.min(this.maxMs, this.deadline - now);
    return Math.max(MIN_GAP_MS, Math.min(limit, due - now));
  }
}
