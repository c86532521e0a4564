/**
 * When to ask Athena for status next. Until this run has seen a statement end, a new
 * statement is checked early (a short first check, then steps that double the time waited),
 * so a fast Athena is found within one step whatever the prior said. Once Athena's own
 * timings say how long statements take, each statement is checked when it should have
 * ended (the median of Athena's recent timings), and one still running is checked again
 * after a short step that doubles with each miss, up to a share of how long it has overrun
 * (latency has a heavy tail: the longer a statement overruns, the longer it tends to). One
 * status call answers for up to 50 queries, so the earliest check decides the next call,
 * and while work waits for slots calls are spaced to about two per statement end expected.
 * When nothing is left to start (the tail) only the last end matters: one call at the latest
 * planned check, then short steps (a few hundred ms, at most a tenth of the statement's run
 * time). No check is ever planned past `maxWaitMs` or the deadline.
 */
import { athenaLatencyMs, LatencyEstimator, type LatencySample } from './latency';
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
  /**
   * Re-check step once nothing is left to start, so the run's end is seen soon; it grows only
   * for a statement far past its estimate (at most a tenth of its run time). @default 250
   */
  readonly pollTailStepMs?: number;
}

export interface PollLimits {
  /** No planned check lies further ahead than this (the API patience, at most). */
  readonly maxWaitMs?: number;
  /** No planned check lies past this instant (ms since epoch). */
  readonly deadline?: number;
  /**
   * How long a statement expected to take `expectedMs` runs before it gets a second execution
   * (hedge.ts). In the tail checks are few, so one lands then: a straggler seen late is hedged late.
   */
  readonly hedgeAfterMs?: (expectedMs: number) => number;
}

interface Watch {
  readonly partitions: number;
  readonly startedAt: number;
  /** The statement it runs: a hedged statement has two executions, and the first end settles it. */
  readonly statement: number | string;
  /** False once its statement was settled by another execution: its end decides nothing. */
  decides: boolean;
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
/** While latency is unknown, the longest step is this share of the prior's estimate or of the time waited. */
const UNKNOWN_STEP_SHARE = 0.25;
/** While latency is unknown, a check also lands this share of the prior's estimate past it. */
const PAST_PRIOR_SHARE = 0.1;
/** Past its expected end, a statement's re-check step may grow to this share of its overrun. */
const OVERRUN_SHARE = 0.5;
/**
 * In the tail a late look delays the end of the run itself: the step stays at pollTailStepMs
 * (a few hundred ms) unless the statement has run long, and then at most this share of its
 * run time (a statement stuck for 10 minutes is re-checked about once a minute, not 2,400 times).
 */
const TAIL_SHARE = 0.1;
/** Re-check calls per expected statement end while work is left to start (see spacingMs). */
const CALLS_PER_END = 1;
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
  private readonly hedgeAfterMs: ((expectedMs: number) => number) | undefined;
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
    this.hedgeAfterMs = limits.hedgeAfterMs;
  }

  get latencyKnown(): boolean {
    return this.latency.known;
  }

  /** The samples the latency estimate stands on, newest first (see LatencyEstimator.samples). */
  latencySamples(): LatencySample[] {
    return this.latency.samples();
  }

  /** What Athena's recent timings (or, until one is measured, the prior) predict for `partitions`. */
  expectMs(partitions: number): number {
    return this.latency.expectMs(partitions);
  }

  /** Expected end of a statement of `partitions` started at `startedAt` (Athena's median). */
  private expectedEnd(partitions: number, startedAt: number): number {
    return startedAt + this.latency.expectMs(partitions);
  }

  /** A check at `at`, but never further from `now` than the longest wait. */
  private capped(now: number, at: number): number {
    return Math.min(at, now + this.maxMs);
  }

  /** `statement` groups a statement's executions (its original and its hedge). @default queryId */
  started(queryId: string, partitions: number, now: number, statement: number | string = queryId): void {
    const expected = this.expectedEnd(partitions, now);
    const checkAt = this.latency.known ? expected : Math.min(expected, now + this.firstMs);
    this.watches.set(queryId, {
      partitions,
      startedAt: now,
      statement,
      decides: true,
      checkAt: this.capped(now, checkAt),
      overdue: 0,
    });
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
    const wasMeasured = this.latency.measured;
    const athena = athenaLatencyMs(timing);
    if (athena !== undefined) this.latency.observe(watch.partitions, athena);
    else {
      const before = this.latency.expectMs(watch.partitions);
      const sample = this.windowSampleMs(watch, now);
      // Only a sighting past the estimate (proof of a slower Athena) may raise it.
      this.latency.observe(watch.partitions, sample, sample > before ? Infinity : before);
    }
    // The first measured end replaces the prior (or the history): statements started before it get checks by it.
    if (!wasMeasured) this.replan(now);
  }

  /** Check the query by `at` at the latest (a loser just asked to stop: its slot frees soon). */
  checkBy(queryId: string, at: number): void {
    const watch = this.watches.get(queryId);
    if (watch) watch.checkAt = Math.min(watch.checkAt, at);
  }

  /** Its statement was settled by another execution: the tail no longer waits for it. */
  orphaned(queryId: string): void {
    const watch = this.watches.get(queryId);
    if (watch) watch.decides = false;
  }

  forget(queryId: string): void {
    this.watches.delete(queryId);
  }

  /**
   * Without Athena's figure the end lies between the last sighting and now; the estimate is
   * kept inside that window, so a late look never raises it and only a sighting past it does.
   */
  private windowSampleMs(watch: Watch, now: number): number {
    const lower = (watch.seenRunningAt ?? watch.startedAt) - watch.startedAt;
    const upper = now - watch.startedAt;
    return Math.max(lower, Math.min(upper, this.latency.expectMs(watch.partitions)));
  }

  /** Re-targets every watch on what is now known: at its expected end, or one step from now. */
  private replan(now: number): void {
    for (const watch of this.watches.values()) {
      const expected = this.expectedEnd(watch.partitions, watch.startedAt);
      watch.checkAt =
        expected > now
          ? this.capped(now, expected)
          : Math.max(now + MIN_GAP_MS, Math.min(watch.checkAt, now + this.stepMs));
    }
  }

  /**
   * The next check of a statement still running at `now`. Before its expected end: that end.
   * Past it: steps that double from `pollStepMs`, up to a cap that grows with how far past its
   * end it already is. Latency has a heavy tail, and the longer a statement has overrun, the
   * longer it is likely to keep running: a fixed cap would poll a statement stuck for ten
   * minutes every few hundred ms. The cap is a small share of the overrun, so the end is still
   * seen within that share (a few hundred ms for a statement a few seconds late).
   */
  private nextCheck(watch: Watch, now: number): number {
    const expected = this.expectedEnd(watch.partitions, watch.startedAt);
    if (this.latency.known && expected > now) return this.capped(now, expected);
    const waited = now - watch.startedAt;
    if (!this.latency.known) {
      // Unknown latency: steps grow with the time already waited (x 4/3 each, so a check
      // overshoots an end by a quarter at most), from a short first one, up to a share of what
      // the prior expects, so a slow Athena costs few calls.
      const duration = expected - watch.startedAt;
      const cap = Math.max(MAX_STEP_MS, UNKNOWN_STEP_SHARE * Math.max(waited, duration));
      const next = now + Math.min(Math.max(MIN_GAP_MS, waited / 3), cap, this.maxMs);
      // The prior's estimate is one of the checks (an Athena as the prior says is seen on time),
      // and so is a tenth past it (one a little slower is seen soon after its end). A step of a
      // quarter of the estimate after it left a first wave started together 9 s idle (B, 1x).
      for (const anchor of [expected, expected + PAST_PRIOR_SHARE * duration]) {
        // A step that would land just short of an anchor lands on it: the check after is near.
        if (anchor > now)
          return next >= anchor - (next - now) / 4 ? Math.max(anchor, now + MIN_GAP_MS) : next;
      }
      return next;
    }
    const step = this.stepMs * 2 ** Math.max(0, watch.overdue - 1);
    const overrun = now - expected;
    const cap = this.draining
      ? Math.max(this.tailMs, TAIL_SHARE * waited)
      : Math.max(MAX_STEP_MS, OVERRUN_SHARE * overrun);
    return now + Math.min(step, cap, this.maxMs);
  }

  /** The earliest instant a lone execution becomes a straggler to hedge (else never). */
  private nextHedgeCheck(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const watch of this.watches.values())
      if (watch.decides) next = Math.min(next, this.hedgeCheck(watch, now));
    return next;
  }

  /** In the tail, the instant a lone execution becomes a straggler to hedge (else never). */
  private hedgeCheck(watch: Watch, now: number): number {
    if (!this.draining || !this.hedgeAfterMs) return Number.POSITIVE_INFINITY;
    for (const other of this.watches.values())
      if (other !== watch && other.statement === watch.statement) return Number.POSITIVE_INFINITY;
    const at = watch.startedAt + this.hedgeAfterMs(this.latency.expectMs(watch.partitions)) + MIN_GAP_MS;
    return at > now ? at : Number.POSITIVE_INFINITY;
  }

  /** Milliseconds until the next status call is due: the earliest check, and those just after it. */
  delayMs(now: number): number {
    // Re-checks of statements already past their expected end are spaced (see spacingMs);
    // a check at a statement's expected end is never held back by them.
    const spacedFrom = now + this.spacingMs();
    const at = (watch: Watch): number =>
      watch.overdue > 0 ? Math.max(watch.checkAt, spacedFrom) : watch.checkAt;
    let earliest = Number.POSITIVE_INFINITY;
    for (const watch of this.watches.values()) earliest = Math.min(earliest, at(watch));
    // Waiting for the ends just after the earliest costs its slot that wait: a small share of
    // a statement's latency at most, so short statements are not held up by the coalescing.
    let coalesce = this.coalesceMs;
    if (this.latency.known) {
      for (const watch of this.watches.values()) {
        if (at(watch) === earliest)
          coalesce = Math.min(coalesce, COALESCE_SHARE * this.latency.expectMs(watch.partitions));
      }
    }
    let due = earliest;
    for (const watch of this.watches.values()) {
      if (at(watch) <= earliest + coalesce) due = Math.max(due, at(watch));
    }
    // In the tail nothing waits for a slot: only the last statement's end matters, so one call at
    // the latest planned check sees everything that ended before it. A statement ends with its
    // first execution to end: a hedge's check, not its straggler's far one, is what to wait for.
    if (this.tailing()) due = Math.min(Math.max(due, this.lastStatementCheck(at)), this.nextHedgeCheck(now));
    const limit = Math.min(this.maxMs, this.deadline - now);
    return Math.max(MIN_GAP_MS, Math.min(limit, due - now));
  }

  /** The latest over statements of each statement's earliest planned check. */
  private lastStatementCheck(at: (watch: Watch) => number): number {
    const earliestOf = new Map<number | string, number>();
    for (const watch of this.watches.values()) {
      if (!watch.decides) continue;
      earliestOf.set(watch.statement, Math.min(earliestOf.get(watch.statement) ?? Infinity, at(watch)));
    }
    return Math.max(Number.NEGATIVE_INFINITY, ...earliestOf.values());
  }

  /** Nothing left to start and Athena's latency known: the plan waits for the last end. */
  private tailing(): boolean {
    return this.draining && this.latency.known;
  }

  /**
   * While work is left to start and latency is known, re-checks of overrunning statements
   * come at most CALLS_PER_END per statement end expected (n statements of latency L end
   * n / L per ms). One call answers for every statement in flight, so an overrunning one seen
   * a little late idles its slot for at most this gap; without it, many overrunning
   * statements (a noisy Athena) each bring their own re-check steps and the calls add up.
   * The tail keeps short steps instead.
   */
  private spacingMs(): number {
    if (this.draining || !this.latency.known || this.watches.size < 2) return 0;
    let sum = 0;
    for (const watch of this.watches.values()) sum += this.latency.expectMs(watch.partitions);
    const meanMs = sum / this.watches.size;
    return meanMs / (this.watches.size * CALLS_PER_END);
  }
}
